/// Finds caviar placeholders in text the way a chatbot may have rewritten them. The rule
/// (documented in `Restorer.rule`) keeps restore from touching text that only looks like a
/// placeholder by chance:
///
/// - the name must be an entity caviar knows (the shared vocabulary, or an entity recorded in
///   the session), followed by `_` and a number without leading zero: `[TODO_1]`, `[NOTE]` and
///   `[PERSN_1]` are never restored;
/// - bracketed (`[…]`, `(…)`, `<…>`, `{…}`, `\[…\]`, either bracket may be lost): any letter case;
/// - bare (no bracket on either side): only `PERSON_1` or `Person_1`, not preceded by a letter,
///   digit, `_`, `\` or closing bracket (`person_1` is what code uses for variables: reported,
///   never restored);
/// - a token without closing bracket is not one when an opening bracket follows it
///   (so that a value redacted right after it cannot turn it into a token);
/// - a line break (with indentation, `>` quote markers or a hyphen before it) may split the
///   token, but is only crossed while the text before it is not already a complete placeholder.
struct PlaceholderScanner {
    /// The shared entity vocabulary (HELPERS.md).
    static let vocabulary: Set<String> = [
        "EMAIL", "PHONE", "PHONE_EXTENSION", "IBAN", "BIC", "PAYMENT_CARD", "IP_ADDRESS", "MAC_ADDRESS",
        "URL_CREDENTIALS", "DATE_OF_BIRTH", "ADDRESS", "PERSON", "USERNAME", "NATIONAL_ID", "TAX_ID",
        "VAT_ID", "SOCIAL_SECURITY", "HEALTH_INSURANCE", "PASSPORT", "DRIVING_LICENCE", "ID_CARD",
        "LICENCE_PLATE", "SECRET", "ORGANISATION_TERM", "INTERNAL_REFERENCE", "ROOM", "STAFF_NUMBER",
        "INTERNAL_HOST", "CLASSIFICATION_MARKING", "PUBLIC_REFERENCE",
    ]

    struct Token: Equatable {
        /// The bytes to replace, brackets and escapes included.
        var range: Range<Int>
        /// Upper-case entity name.
        var entity: String
        var number: Int
        /// Whether a bracket was seen on either side.
        var isBracketed: Bool
        /// Why the token looks mutated; such tokens are reported, never restored.
        var mutation: String?
        /// Whether the token is well-formed enough to be restored.
        var isRestorable: Bool { mutation == nil }
    }

    let knownEntities: Set<String>

    init(knownEntities: Set<String>) {
        self.knownEntities = knownEntities
    }

    func tokens(in text: [UInt8]) -> [Token] {
        var result: [Token] = []
        var index = 0
        let count = text.count
        while index < count {
            let byte = text[index]
            if Self.isOpener(byte) || byte == UInt8(ascii: "\\") || Self.isLetter(byte),
               let token = token(in: text, at: index) {
                result.append(token)
                index = token.range.upperBound
                continue
            }
            if Self.isWordByte(byte) {
                while index < count, Self.isWordByte(text[index]) { index += 1 }
                continue
            }
            index += 1
        }
        return result
    }

    // MARK: One token

    func token(in text: [UInt8], at start: Int) -> Token? {
        let count = text.count
        var position = start
        var start = start
        var isEscaped = false
        var opener: UInt8?
        if text[position] == UInt8(ascii: "\\") {
            guard position + 1 < count, Self.isOpener(text[position + 1]) else { return nil }
            isEscaped = true
            position += 1
        }
        if Self.isOpener(text[position]) {
            opener = text[position]
            position += 1
            if position < count, text[position] == UInt8(ascii: " ") { position += 1 }
        } else {
            if start > 0 {
                let previous = text[start - 1]
                if Self.isWordByte(previous) || Self.isCloser(previous) || previous == UInt8(ascii: "\\") { return nil }
            }
        }
        guard position < count, Self.isLetter(text[position]) else { return nil }

        // The run of name, underscore and digits, possibly crossing soft line breaks.
        var run: [UInt8] = []
        var cursor = position
        while cursor < count {
            let byte = text[cursor]
            if Self.isWordByte(byte) {
                run.append(byte)
                cursor += 1
            } else if byte == UInt8(ascii: "\\"), cursor + 1 < count, text[cursor + 1] == UInt8(ascii: "_") {
                run.append(UInt8(ascii: "_"))
                cursor += 2
            } else if let after = Self.softBreakEnd(in: text, at: cursor), after < count,
                      Self.isWordByte(text[after]) || text[after] == UInt8(ascii: "\\"),
                      parse(run) == nil {
                cursor = after
            } else {
                break
            }
        }

        var mutation: String?
        var entity: String
        var number: Int
        var end = cursor
        if let parsed = parse(run) {
            (entity, number, mutation) = parsed
        } else if opener != nil, let mutated = parseMutated(run, in: text, after: cursor) {
            (entity, number, end) = mutated
            mutation = "separator or spelling changed"
        } else {
            return nil
        }

        // Closing bracket.
        var closer: UInt8?
        var probe = end
        if opener != nil, probe < count, text[probe] == UInt8(ascii: " ") { probe += 1 }
        if isEscaped, probe + 1 < count, text[probe] == UInt8(ascii: "\\"), Self.isCloser(text[probe + 1]) {
            closer = text[probe + 1]
            end = probe + 2
        } else {
            if isEscaped { start += 1 }
            if probe < count, Self.isCloser(text[probe]) {
                closer = text[probe]
                end = probe + 1
            }
        }
        // Not closed and followed by an opening bracket: `PERSON_1[EMAIL_2]` is what redaction makes
        // of `PERSON_1jean@…`, where no token existed, so it must not become one.
        if closer == nil, end < count, Self.isOpener(text[end]) { return nil }
        if opener == nil && closer == nil {
            if mutation == nil, let underscore = run.lastIndex(of: UInt8(ascii: "_")),
               !Self.isUpperOrTitle(name: Array(run[..<underscore])) {
                mutation = "lower-case without brackets"
            }
        }
        return Token(range: start..<end, entity: entity, number: number, isBracketed: opener != nil || closer != nil, mutation: mutation)
    }

    /// `NAME_123` with a known name; a leading zero makes it mutated.
    func parse(_ run: [UInt8]) -> (String, Int, String?)? {
        guard let underscore = run.lastIndex(of: UInt8(ascii: "_")), underscore > 0 else { return nil }
        let digits = run[(underscore + 1)...]
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(Self.isDigit) else { return nil }
        let name = String(decoding: run[..<underscore].map(Self.upper), as: UTF8.self)
        guard knownEntities.contains(name) else { return nil }
        let number = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        if digits.count > 1, digits.first == UInt8(ascii: "0") { return (name, number, "leading zero") }
        if number == 0 { return (name, number, "number zero") }
        return (name, number, nil)
    }

    /// Bracketed near misses: `[PERSON1]`, `[PERSON 1]`, `[PERSON-1]`, `[PERSN_1]`.
    func parseMutated(_ run: [UInt8], in text: [UInt8], after cursor: Int) -> (String, Int, Int)? {
        let upper = run.map(Self.upper)
        // Name then separator then digits, inside the brackets.
        if knownEntities.contains(String(decoding: upper, as: UTF8.self)), cursor + 1 < text.count,
           text[cursor] == UInt8(ascii: " ") || text[cursor] == UInt8(ascii: "-") {
            var probe = cursor + 1
            var number = 0
            while probe < text.count, Self.isDigit(text[probe]), probe - cursor <= 9 {
                number = number * 10 + Int(text[probe] - 48)
                probe += 1
            }
            if probe > cursor + 1, probe < text.count, Self.isCloser(text[probe]) {
                return (String(decoding: upper, as: UTF8.self), number, probe)
            }
        }
        // Digits glued to the name.
        if let firstDigit = upper.firstIndex(where: Self.isDigit), firstDigit > 0,
           upper[firstDigit...].allSatisfy(Self.isDigit), upper.count - firstDigit <= 9 {
            let name = String(decoding: upper[..<firstDigit], as: UTF8.self)
            if knownEntities.contains(name) {
                return (name, upper[firstDigit...].reduce(0) { $0 * 10 + Int($1 - 48) }, cursor)
            }
        }
        // A misspelt entity name (one edit away from a known one).
        if let underscore = upper.lastIndex(of: UInt8(ascii: "_")), underscore >= 4 {
            let digits = upper[(underscore + 1)...]
            if !digits.isEmpty, digits.count <= 9, digits.allSatisfy(Self.isDigit) {
                let name = Array(upper[..<underscore])
                if let known = knownEntities.sorted().first(where: { Self.isOneEditAway(Array($0.utf8), name) }) {
                    return (known, digits.reduce(0) { $0 * 10 + Int($1 - 48) }, cursor)
                }
            }
        }
        return nil
    }

    // MARK: Bytes

    /// After an optional hyphen and blanks, a line break and the next line's indentation or
    /// quote markers: the index of the next content byte.
    static func softBreakEnd(in text: [UInt8], at index: Int) -> Int? {
        var cursor = index
        if cursor < text.count, text[cursor] == UInt8(ascii: "-") { cursor += 1 }
        while cursor < text.count, text[cursor] == UInt8(ascii: " ") || text[cursor] == UInt8(ascii: "\t") { cursor += 1 }
        if cursor < text.count, text[cursor] == UInt8(ascii: "\r") { cursor += 1 }
        guard cursor < text.count, text[cursor] == UInt8(ascii: "\n") else { return nil }
        cursor += 1
        while cursor < text.count, text[cursor] == UInt8(ascii: " ") || text[cursor] == UInt8(ascii: "\t") || text[cursor] == UInt8(ascii: ">") {
            cursor += 1
        }
        return cursor
    }

    static func isOneEditAway(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a == b || abs(a.count - b.count) > 1 { return false }
        var i = 0, j = 0, edits = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { i += 1; j += 1; continue }
            edits += 1
            if edits > 1 { return false }
            if a.count > b.count { i += 1 } else if b.count > a.count { j += 1 } else { i += 1; j += 1 }
        }
        return edits + (a.count - i) + (b.count - j) == 1
    }

    static func isUpperOrTitle(name: [UInt8]) -> Bool {
        let letters = name.filter(isLetter)
        guard let first = letters.first, first >= 65, first <= 90 else { return false }
        let rest = letters.dropFirst()
        return rest.allSatisfy { $0 >= 65 && $0 <= 90 } || rest.allSatisfy { $0 >= 97 && $0 <= 122 }
    }

    static func isOpener(_ b: UInt8) -> Bool { b == 0x5B || b == 0x28 || b == 0x3C || b == 0x7B }
    static func isCloser(_ b: UInt8) -> Bool { b == 0x5D || b == 0x29 || b == 0x3E || b == 0x7D }
    static func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    static func isWordByte(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) || b == 0x5F }
    static func upper(_ b: UInt8) -> UInt8 { (b >= 97 && b <= 122) ? b - 32 : b }
}
