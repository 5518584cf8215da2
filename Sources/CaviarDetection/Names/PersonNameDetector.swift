import CaviarCore
import DictionaryAutomaton

/// Finds person names without a user list: bundled first names (`patterns/names/first-names.txt`)
/// combined with cues (titles, greetings, sign-offs and signatures, header and form fields, chat
/// speaker prefixes, all-caps and surname-first forms), and learns the people a document reveals
/// (`jean.dupont@…`, a signature, a `To:` line) so that later mentions (`Dupont`, `J. Dupont`,
/// `Mr Dupont`) are redacted with the same identity (the folded full name).
///
/// In whole-document mode one call sees the whole text, so earlier mentions are covered too; in
/// streaming mode the learned people carry over to later calls.
public final class PersonNameDetector: TextDetector {
    /// The `names:` section of the configuration.
    public struct Configuration: Sendable {
        /// Whether the detector runs at all (`names.enabled`, default true).
        public var enabled: Bool
        /// Names never redacted (public figures), one per line; a surname alone or a later part of
        /// an allowed name is kept too.
        public var allow: [String]
        /// Names always redacted, wherever they appear (any case).
        public var deny: [String]
        /// Whether people revealed by the document are learned (`names.learn`, default true).
        public var learn: Bool

        public init(enabled: Bool = true, allow: [String] = [], deny: [String] = [], learn: Bool = true) {
            self.enabled = enabled
            self.allow = allow
            self.deny = deny
            self.learn = learn
        }

        /// Builds a configuration from the raw config strings (`CaviarConfig` joins lists with
        /// "\n"; booleans are `true`/`false`/`yes`/`no`/`on`/`off`). Absent keys keep defaults.
        public init(settings: [String: String]) throws {
            self.init()
            if let value = settings["enabled"] { enabled = try Self.bool(value, key: "enabled") }
            if let value = settings["learn"] { learn = try Self.bool(value, key: "learn") }
            if let value = settings["allow"] { allow = Self.lines(value) }
            if let value = settings["deny"] { deny = Self.lines(value) }
        }

        static func bool(_ value: String, key: String) throws -> Bool {
            switch value.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: throw NameDetectorError("config: names.\(key) must be true or false")
            }
        }

        static func lines(_ value: String) -> [String] {
            value.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
                .map { $0.trimmingCharacters() }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
    }

    public let id = "names.person"
    public let entities = [EntityType("PERSON")]
    /// Confidence with an explicit cue (title, field, greeting, signature, speaker, learned).
    public var cueConfidence = Confidence.high
    /// Confidence of list-only forms (`Anna Weber`, `ANNA WEBER`, `WEBER Anna`).
    public var listConfidence = 0.75

    let lexicon: NameLexicon
    let configuration: Configuration
    let folder = TextFolder(capacity: 1 << 12)
    /// Learned people: folded surname (or single denied name) hash -> identity (folded full name).
    var learnedSurnames: [UInt64: [UInt8]] = [:]
    /// Learned first-name hashes with their surname hash (for `Jean Dupont` after `jean.dupont@`).
    var learnedFirst: Set<UInt64> = []
    /// Hashes of "first last" and "last first" read from e-mail addresses (`gaja.ledzion@…`),
    /// true for the family-name-first order.
    var emailPairs: [UInt64: Bool] = [:]
    /// Bound of `emailPairs` (two entries per address).
    static let maxEmailPairs = 1 << 16
    /// Folded allowed names and every word-suffix of them.
    let allowed: Set<[UInt8]>

    var tokens: [Token] = []
    var claimed: [Bool] = []
    var found: [Found] = []

    struct Token {
        var start: Int
        var end: Int
        /// First letter upper-case.
        var isCapitalised: Bool
        /// Every letter upper-case (at least two letters).
        var isAllCaps: Bool
        /// One upper-case letter.
        var isLetter: Bool
    }

    struct Found {
        var first: Int
        var end: Int
        var identity: [UInt8]
        var confidence: Double
        var surname: UInt64?
    }

    /// Creates a detector over loaded lists.
    public init(lexicon: NameLexicon, configuration: Configuration = Configuration()) {
        self.lexicon = lexicon
        self.configuration = configuration
        var allowed = Set<[UInt8]>()
        for name in configuration.allow {
            let folded = TextFolding.foldTerm(Array(name.utf8))
            guard !folded.isEmpty else { continue }
            allowed.insert(folded)
            for (index, byte) in folded.enumerated() where byte == 0x20 {
                allowed.insert(Array(folded[(index + 1)...]))
            }
        }
        self.allowed = allowed
        for name in configuration.deny {
            let folded = TextFolding.foldTerm(Array(name.utf8))
            guard !folded.isEmpty else { continue }
            let parts = folded.split(separator: 0x20)
            if let last = parts.last {
                learnedSurnames[NameLexicon.hash(ofFolded: Array(last))] = folded
            }
            if parts.count >= 2, let first = parts.first {
                learnedFirst.insert(NameLexicon.hash(ofFolded: Array(first)))
            }
        }
    }

    /// Loads the lists from `<patternsDirectory>/names` and applies `configuration`.
    public static func makeDefault(patternsDirectory: String, configuration: Configuration = Configuration()) throws -> PersonNameDetector {
        let lexicon = try NameLexicon(directory: patternsDirectory + "/names")
        return PersonNameDetector(lexicon: lexicon, configuration: configuration)
    }

    // MARK: - Detection

    public func detect(in text: UnsafeBufferPointer<UInt8>, range: Range<Int>, into results: inout [Detection]) {
        guard configuration.enabled, !range.isEmpty else { return }
        // Context: back to a line start, at most 1 KiB before the range.
        var scanStart = range.lowerBound
        let limit = max(0, range.lowerBound - 1024)
        while scanStart > limit, text[scanStart - 1] != 0x0A { scanStart -= 1 }
        if scanStart > limit, scanStart > 0 {
            // Include the previous line (a sign-off before a signature).
            scanStart -= 1
            while scanStart > limit, text[scanStart - 1] != 0x0A { scanStart -= 1 }
        }
        tokenize(text, from: scanStart, to: range.upperBound)
        claimed = [Bool](repeating: false, count: tokens.count)
        found.removeAll(keepingCapacity: true)
        if configuration.learn { learnFromEmails(text, from: scanStart, to: range.upperBound) }
        findCued(text, scanStart: scanStart)
        if configuration.learn, !emailPairs.isEmpty { findEmailNamed(text) }
        findListed(text)
        if configuration.learn || !configuration.deny.isEmpty {
            for item in found { learn(item) }
            findLearned(text)
        }
        for item in found {
            let span = tokens[item.first].start..<tokens[item.end - 1].end
            guard span.lowerBound >= range.lowerBound, span.lowerBound < range.upperBound else { continue }
            var identity = item.identity
            if !identity.contains(0x20), let full = learnedSurnames[NameLexicon.hash(ofFolded: identity)] {
                identity = full
            }
            if !allowed.isEmpty, allowed.contains(identity) || allowed.contains(NameLexicon.folded(text, span.lowerBound, span.upperBound, folder: folder)) {
                continue
            }
            results.append(Detection(entity: entities[0], detectorID: id, span: span, confidence: item.confidence, identity: identity))
        }
    }

    // MARK: Tokens

    /// Splits `text[from..<to]` into words: letters (any script) with inner hyphens and apostrophes.
    func tokenize(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        tokens.removeAll(keepingCapacity: true)
        var index = from
        while index < to {
            let byte = text[index]
            if byte < 0x80 {
                if !isASCIILetter(byte) { index += 1; continue }
            } else {
                let (scalar, length) = decode(text, index, to)
                if !isLetter(scalar) { index += length; continue }
            }
            // A word starts here.
            let start = index
            var upper = 0
            var lower = 0
            var firstUpper = false
            var letters = 0
            while index < to {
                let current = text[index]
                var length = 1
                var letter = false
                var isUpper = false
                var isLower = false
                if current < 0x80 {
                    if isASCIILetter(current) {
                        letter = true
                        isUpper = current <= 0x5A
                        isLower = !isUpper
                    } else if current == 0x2D || current == 0x27, index + 1 < to, startsLetter(text, index + 1, to) {
                        index += 1
                        continue
                    }
                } else {
                    let (scalar, count) = decode(text, index, to)
                    length = count
                    if isLetter(scalar) {
                        letter = true
                        isUpper = scalar.properties.isUppercase
                        isLower = scalar.properties.isLowercase
                    } else if scalar.value == 0x2019, index + count < to, startsLetter(text, index + count, to) {
                        index += count
                        continue
                    }
                }
                guard letter else { break }
                if letters == 0 { firstUpper = isUpper }
                letters += 1
                if isUpper { upper += 1 }
                if isLower { lower += 1 }
                index += length
            }
            // A possessive "Dupont's" / "Dupont’s" is not part of the name.
            var end = index
            if end - start >= 4, text[end - 1] | 0x20 == 0x73 {
                if text[end - 2] == 0x27 { end -= 2 } else if end - start >= 6, text[end - 2] == 0x99, text[end - 3] == 0x80, text[end - 4] == 0xE2 { end -= 4 }
            }
            // A word glued to digits ("DE456266413", "40905679-Q", "EUR5") is part of a code, never a name word.
            if touchesDigit(text, start, index, from: from, to: to) {
                tokens.append(Token(start: start, end: end, isCapitalised: false, isAllCaps: false, isLetter: false))
                continue
            }
            tokens.append(Token(start: start, end: end, isCapitalised: firstUpper, isAllCaps: upper >= 2 && lower == 0, isLetter: letters == 1 && firstUpper))
        }
    }

    /// Whether the word `text[start..<end]` touches a digit: right after it, right before it, or
    /// before it across one `-` or `/`.
    func touchesDigit(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, from: Int, to: Int) -> Bool {
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        if end < to, isDigit(text[end]) { return true }
        guard start > from else { return false }
        let before = text[start - 1]
        if isDigit(before) { return true }
        if before == 0x2D || before == 0x2F, start - 1 > from, isDigit(text[start - 2]) { return true }
        return false
    }

    @inline(__always)
    func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
    }

    func startsLetter(_ text: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int) -> Bool {
        let byte = text[index]
        if byte < 0x80 { return isASCIILetter(byte) }
        return isLetter(decode(text, index, end).0)
    }

    func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark:
            return true
        default:
            return false
        }
    }

    /// Decodes one UTF-8 scalar (invalid bytes give U+FFFD, length 1).
    func decode(_ text: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int) -> (Unicode.Scalar, Int) {
        let lead = text[index]
        var value: UInt32
        var length: Int
        if lead & 0xE0 == 0xC0 { value = UInt32(lead & 0x1F); length = 2 }
        else if lead & 0xF0 == 0xE0 { value = UInt32(lead & 0x0F); length = 3 }
        else if lead & 0xF8 == 0xF0 { value = UInt32(lead & 0x07); length = 4 }
        else { return ("\u{FFFD}", 1) }
        guard index + length <= end else { return ("\u{FFFD}", 1) }
        for offset in 1..<length {
            let next = text[index + offset]
            guard next & 0xC0 == 0x80 else { return ("\u{FFFD}", 1) }
            value = value << 6 | UInt32(next & 0x3F)
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    /// The bytes between token `k - 1` and token `k`.
    @inline(__always)
    func gapStart(_ k: Int, _ scanStart: Int) -> Int { k == 0 ? scanStart : tokens[k - 1].end }

    /// Whether token `k` is separated from token `k - 1` by spaces only (1 to 3 bytes, NBSP included).
    func spaceBefore(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
        guard k > 0 else { return false }
        var index = tokens[k - 1].end
        let end = tokens[k].start
        guard end > index, end - index <= 3 else { return false }
        while index < end {
            let byte = text[index]
            if byte == 0x20 || byte == 0x09 { index += 1; continue }
            if byte == 0xC2, index + 1 < end, text[index + 1] == 0xA0 { index += 2; continue }
            return false
        }
        return true
    }

    /// Whether the gap before token `k` is exactly `.` plus spaces (an initial or an abbreviated title).
    func dotSpaceBefore(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
        guard k > 0 else { return false }
        let index = tokens[k - 1].end
        let end = tokens[k].start
        guard end - index >= 1, end - index <= 3, text[index] == 0x2E else { return false }
        for position in (index + 1)..<end where text[position] != 0x20 { return false }
        return true
    }

    /// Whether token `k` starts a line (or the scanned text).
    func startsLine(_ text: UnsafeBufferPointer<UInt8>, _ k: Int, _ scanStart: Int) -> Bool {
        var index = tokens[k].start - 1
        let stop = gapStart(k, scanStart)
        while index >= stop {
            let byte = text[index]
            if byte == 0x0A { return true }
            if byte != 0x20 && byte != 0x09 && byte != 0x0D && byte != 0x3E && byte != 0x2A && byte != 0x2D { return false }
            index -= 1
        }
        return k == 0 && (scanStart == 0 || text[scanStart - 1] == 0x0A)
    }

    /// First byte after token `k` that is not a space or tab (0x0A at a line end; 0 at the end).
    func nextByte(_ text: UnsafeBufferPointer<UInt8>, after k: Int) -> UInt8 {
        var index = tokens[k].end
        while index < text.count {
            let byte = text[index]
            if byte != 0x20 && byte != 0x09 && byte != 0x0D { return byte }
            index += 1
        }
        return 0
    }

    @inline(__always)
    func hash(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> UInt64 {
        NameLexicon.foldedHash(text, tokens[k].start, tokens[k].end, folder: folder)
    }

    @inline(__always)
    func hash(_ text: UnsafeBufferPointer<UInt8>, _ first: Int, _ end: Int) -> UInt64 {
        NameLexicon.foldedHash(text, tokens[first].start, tokens[end - 1].end, folder: folder)
    }

    func isParticle(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
        !tokens[k].isCapitalised && tokens[k].end - tokens[k].start <= 5 && lexicon.particles.contains(hash(text, k))
    }

    /// The end of the name that starts at token `k`: capitalised words (or all-caps, or an initial
    /// followed by `.`), lower-case particles between them, at most `maxWords` words. Returns `k`
    /// when no name starts there.
    func nameRun(_ text: UnsafeBufferPointer<UInt8>, from k: Int, maxWords: Int = 4) -> Int {
        var j = k
        var words = 0
        var end = k
        while j < tokens.count, words < maxWords {
            if j > k {
                let joined = spaceBefore(text, j) || (tokens[j - 1].isLetter && dotSpaceBefore(text, j)) || elidedParticle(text, j)
                if !joined { break }
            }
            let token = tokens[j]
            if token.isCapitalised {
                if token.isLetter, !(j + 1 < tokens.count && dotSpaceBefore(text, j + 1)) { break }
                if words > 0 || j > k, lexicon.stopWords.contains(hash(text, j)) || titleEnd(text, j) != nil { break }
                // A short acronym ("Nota de RH", "Sie EUR") does not continue a name in mixed case.
                if j > k, token.isAllCaps, token.end - token.start <= 3, !tokens[k].isAllCaps { break }
                words += 1
                j += 1
                end = j
            } else if j + 1 < tokens.count, isParticle(text, j) {
                j += 1
            } else {
                break
            }
        }
        // A run made only of initials is not a name.
        if end > k, (k..<end).allSatisfy({ tokens[$0].isLetter || !tokens[$0].isCapitalised }) { return k }
        return end
    }

    /// Dutch `'t` after a particle ("van 't Riet"): token `j` is a lower-case `t` right after an
    /// apostrophe that follows spaces.
    func elidedParticle(_ text: UnsafeBufferPointer<UInt8>, _ j: Int) -> Bool {
        guard j > 0, tokens[j].end - tokens[j].start == 1, text[tokens[j].start] == 0x74 else { return false }
        var index = tokens[j].start - 1
        if index >= 0, text[index] == 0x27 { index -= 1 }
        else if index >= 2, text[index] == 0x99, text[index - 1] == 0x80, text[index - 2] == 0xE2 { index -= 3 }
        else { return false }
        guard index >= tokens[j - 1].end, text[index] == 0x20 else { return false }
        while index >= tokens[j - 1].end, text[index] == 0x20 { index -= 1 }
        return index < tokens[j - 1].end && isParticle(text, j - 1)
    }

    func isFree(_ first: Int, _ end: Int) -> Bool {
        !(first..<end).contains { claimed[$0] }
    }

    func emit(_ text: UnsafeBufferPointer<UInt8>, _ first: Int, _ end: Int, confidence: Double, surnameFirst: Bool = false) {
        guard end > first, isFree(first, end) else { return }
        var identity: [UInt8]
        var surname: UInt64?
        if surnameFirst, end - first >= 2 {
            // The family name is every all-caps word before the given names ("DE VROEGE Imke").
            var split = first + 1
            while split < end - 1, tokens[first].isAllCaps, tokens[split].isAllCaps { split += 1 }
            let given = NameLexicon.folded(text, tokens[split].start, tokens[end - 1].end, folder: folder)
            let family = NameLexicon.folded(text, tokens[first].start, tokens[split - 1].end, folder: folder)
            identity = given + [0x20] + family
            surname = NameLexicon.hash(ofFolded: NameLexicon.folded(text, tokens[split - 1].start, tokens[split - 1].end, folder: folder))
        } else if end - first == 2, tokens[first].isCapitalised, tokens[first + 1].isCapitalised,
                  lexicon.surnamesFirst.contains(hash(text, first)), !lexicon.firstNames.contains(hash(text, first)),
                  isFirstName(text, first + 1) {
            // "Kovács Margit" found by a cue: Hungarian order, the identity is "margit kovacs".
            emit(text, first, end, confidence: confidence, surnameFirst: true)
            return
        } else {
            identity = NameLexicon.folded(text, tokens[first].start, tokens[end - 1].end, folder: folder)
            let words = (first..<end).filter { tokens[$0].isCapitalised && !tokens[$0].isLetter }
            if words.count >= 2, let last = words.last { surname = hash(text, last) }
        }
        for k in first..<end { claimed[k] = true }
        found.append(Found(first: first, end: end, identity: identity, confidence: confidence, surname: surname))
    }

    /// Whether token `k` is a bundled first name: as written, as a hyphenated pair of first names
    /// ("Karl-Heinz", "Anna-Lisa"), or, in Greek or Cyrillic script, in its Latin transliteration
    /// (ELOT 743 / Bulgarian streamlined system: "Γεώργιος" -> georgios, "Тодор" -> todor).
    func isFirstName(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
        let token = tokens[k]
        if lexicon.firstNames.contains(hash(text, k)) { return true }
        var hyphen: Int?
        var nonLatin = false
        for index in token.start..<token.end {
            let byte = text[index]
            if byte == 0x2D { hyphen = index }
            if byte >= 0xCE && byte <= 0xD1 { nonLatin = true }
        }
        if let hyphen, hyphen > token.start, hyphen + 1 < token.end {
            return isFirstNamePart(text, token.start, hyphen, nonLatin: nonLatin)
                && isFirstNamePart(text, hyphen + 1, token.end, nonLatin: nonLatin)
        }
        return nonLatin && isFirstNamePart(text, token.start, token.end, nonLatin: true)
    }

    /// Whether `text[start..<end]` is a bundled first name, transliterated when `nonLatin`.
    func isFirstNamePart(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, nonLatin: Bool) -> Bool {
        if lexicon.firstNames.contains(NameLexicon.foldedHash(text, start, end, folder: folder)) { return true }
        guard nonLatin else { return false }
        let latin = Transliteration.latin(NameLexicon.folded(text, start, end, folder: folder))
        return !latin.isEmpty && lexicon.firstNames.contains(NameLexicon.hash(ofFolded: latin))
    }

    // MARK: Cues

    func findCued(_ text: UnsafeBufferPointer<UInt8>, scanStart: Int) {
        var k = 0
        while k < tokens.count {
            if startsLine(text, k, scanStart) || afterBracket(text, k, scanStart) {
                lineCues(text, k, scanStart: scanStart)
            }
            if !claimed[k] { tokenCues(text, k) }
            k += 1
        }
    }

    /// Cues that need the start of a line: chat speakers, fields, greetings, signatures.
    func lineCues(_ text: UnsafeBufferPointer<UInt8>, _ k: Int, scanStart: Int) {
        let lineStart = lineBegin(text, tokens[k].start, scanStart)
        // Chat speaker with a time: "[10:02] Anna Schmidt:".
        if isTimestampPrefix(text, lineStart, tokens[k].start) {
            let end = nameRun(text, from: k)
            if end > k, nextByte(text, after: end - 1) == 0x3A { emit(text, k, end, confidence: cueConfidence) }
            return
        }
        // Field label "To:", "Participants:", "Empleado/a:".
        if let colon = labelColon(text, k) {
            var m = k
            while m < tokens.count, tokens[m].end <= colon { m += 1 }
            if lexicon.fieldLabels.contains(NameLexicon.foldedHash(text, tokens[k].start, colon, folder: folder)) {
                fieldItems(text, from: m, colon: colon)
                return
            }
            // Speaker without a time: "Anna:" or "Anna Schmidt:" when the first word is a first name.
            let end = nameRun(text, from: k, maxWords: 3)
            if end == m, end > k, !tokens[k].isAllCaps, isFirstName(text, k) {
                emit(text, k, end, confidence: cueConfidence)
                return
            }
        }
        // Greeting: "Dear Anna," "Liebe Frau Weber," "Tisztelt Vakarė!".
        for words in stride(from: 3, through: 1, by: -1) where k + words < tokens.count {
            let last = k + words - 1
            if words > 1, !(k + 1...last).allSatisfy({ spaceBefore(text, $0) }) { continue }
            guard lexicon.greetings.contains(hash(text, k, last + 1)) else { continue }
            var p = last + 1
            guard spaceBefore(text, p) else { break }
            while p < tokens.count, let next = titleEnd(text, p) { p = next }
            guard p < tokens.count, !lexicon.stopWords.contains(hash(text, p)) else { return }
            let end = nameRun(text, from: p)
            if end > p {
                let after = nextByte(text, after: end - 1)
                if after == 0x2C || after == 0x21 || after == 0x0A || after == 0 || after == 0x3A {
                    emit(text, p, end, confidence: cueConfidence)
                }
            }
            return
        }
        // Signature: a line holding only a name, after a sign-off line.
        let end = nameRun(text, from: k)
        if end > k, end - k <= 4, claimed[k] == false {
            let after = nextByte(text, after: end - 1)
            guard after == 0x0A || after == 0 else { return }
            if end - k == 1, !isFirstName(text, k) { return }
            if followsSignoff(text, k, scanStart: scanStart) { emit(text, k, end, confidence: cueConfidence) }
        }
    }

    /// Whether token `k` follows `]` and spaces (a chat time prefix `[10:02] `).
    func afterBracket(_ text: UnsafeBufferPointer<UInt8>, _ k: Int, _ scanStart: Int) -> Bool {
        var index = tokens[k].start - 1
        while index >= scanStart, text[index] == 0x20 { index -= 1 }
        return index >= scanStart && text[index] == 0x5D
    }

    func lineBegin(_ text: UnsafeBufferPointer<UInt8>, _ index: Int, _ scanStart: Int) -> Int {
        var position = index
        while position > scanStart, text[position - 1] != 0x0A { position -= 1 }
        return position
    }

    /// `[10:02]` or `[10:02:33]` (with optional spaces) filling `text[from..<to]`.
    func isTimestampPrefix(_ text: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        var index = from
        while index < to, text[index] == 0x20 { index += 1 }
        guard index < to, text[index] == 0x5B else { return false }
        index += 1
        var digits = 0
        var colons = 0
        while index < to, (text[index] >= 0x30 && text[index] <= 0x39) || text[index] == 0x3A {
            if text[index] == 0x3A { colons += 1 } else { digits += 1 }
            index += 1
        }
        guard colons >= 1, digits >= 3, index < to, text[index] == 0x5D else { return false }
        index += 1
        while index < to, text[index] == 0x20 { index += 1 }
        return index == to
    }

    /// The offset of the colon ending a short label that starts with token `k` (at most 40 bytes,
    /// letters, spaces, `/`, `.` and `-` only), or nil.
    func labelColon(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> Int? {
        var index = tokens[k].start
        let limit = min(text.count, index + 40)
        while index < limit {
            let byte = text[index]
            if byte == 0x3A { return index }
            if byte == 0x0A || (byte >= 0x30 && byte <= 0x39) || byte == 0x2C || byte == 0x3C || byte == 0x40 { return nil }
            index += 1
        }
        return nil
    }

    /// The names listed after a field label, separated by commas, semicolons or `and`-words.
    func fieldItems(_ text: UnsafeBufferPointer<UInt8>, from start: Int, colon: Int) {
        var p = start
        while p < tokens.count {
            // Stop at the end of the line.
            var index = p == start ? colon : tokens[p - 1].end
            while index < tokens[p].start { if text[index] == 0x0A { return }; index += 1 }
            while p < tokens.count, isTitle(text, p) { p += 1 }
            guard p < tokens.count else { return }
            let end = nameRun(text, from: p)
            guard end > p else { return }
            if tokens[p].isAllCaps, end - p >= 2, !tokens[end - 1].isAllCaps {
                emit(text, p, end, confidence: cueConfidence, surnameFirst: true)
            } else {
                emit(text, p, end, confidence: cueConfidence)
            }
            // Continue after a separator.
            let after = nextByte(text, after: end - 1)
            if after == 0x2C || after == 0x3B {
                p = end
                continue
            }
            return
        }
    }

    /// Whether the line before token `k` (within three newlines) is a sign-off.
    func followsSignoff(_ text: UnsafeBufferPointer<UInt8>, _ k: Int, scanStart: Int) -> Bool {
        guard k > 0 else { return false }
        var newlines = 0
        var index = tokens[k].start - 1
        let stop = tokens[k - 1].end
        var comma = false
        while index >= stop {
            let byte = text[index]
            if byte == 0x0A { newlines += 1 }
            else if byte == 0x2C || byte == 0x21 { comma = true }
            else if byte != 0x20 && byte != 0x0D && byte != 0x09 && byte != 0x2E { return false }
            index -= 1
        }
        guard newlines >= 1, newlines <= 3 else { return false }
        // Tokens of the previous line.
        var q = k - 1
        while q > 0, !startsLine(text, q, scanStart) { q -= 1 }
        if lexicon.signoffs.contains(hash(text, q, k)) { return true }
        return comma && k - q <= 4 && !(q..<k).contains { claimed[$0] }
    }

    func isTitle(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
        let token = tokens[k]
        let length = token.end - token.start
        guard length <= 14, k + 1 < tokens.count else { return false }
        // The end of a domain or address ("wanadoo.fr. La Banque") is no title.
        if token.start > 0 {
            switch text[token.start - 1] {
            case 0x2E, 0x40, 0x5D, 0x2F: return false
            default: break
            }
        }
        let dotted = dotSpaceBefore(text, k + 1)
        // "dr Lahti" (Nordic, Polish, Dutch usage): lower-case "dr" needs no dot.
        let doctor = length == 2 && text[token.start] == 0x64 && text[token.start + 1] == 0x72
        // A particle may follow a capitalised, dotted or lower-case title of four letters or more
        // ("herr van Bovenen", "de heer van Dijk"); not "pan di Spagna".
        guard tokens[k + 1].isCapitalised || ((token.isCapitalised || dotted || doctor || length >= 4) && isParticle(text, k + 1)) else { return false }
        // "M. Dupont", "G. Novak": a one-letter title needs its dot; a short lower-case word
        // ("fr", "me") is a title only with its dot.
        if token.isLetter, !dotted { return false }
        guard token.isCapitalised || length >= 3 || dotted || doctor else { return false }
        return lexicon.titles.contains(hash(text, k))
    }

    /// Cues at any token: titles before a name, post-nominal titles after one.
    func tokenCues(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) {
        guard k + 1 < tokens.count else { return }
        let next = tokens[k + 1]
        let nextJoins = spaceBefore(text, k + 1) || dotSpaceBefore(text, k + 1)
        if nextJoins || tokens[k + 1].start == tokens[k].end + 1, next.isCapitalised || isParticle(text, k + 1) || text[tokens[k].end] == 0x2E {
            var p = k + 1
            // "Sig.ra", "Dott.ssa", "Sr.ª" written as two tokens.
            if let title = titleEnd(text, k) {
                p = title
                guard p < tokens.count, spaceBefore(text, p) || dotSpaceBefore(text, p) else { return }
                let end = nameRun(text, from: p)
                if end > p { emit(text, p, end, confidence: cueConfidence) }
                return
            }
        }
        // Post-nominal: "Kovács úr", "van den Nuwenhuysen úr".
        if tokens[k + 1].isCapitalised == false, spaceBefore(text, k + 1), tokens[k].isCapitalised,
           tokens[k + 1].end - tokens[k + 1].start <= 12, lexicon.postnominalTitles.contains(hash(text, k + 1)) {
            var first = k
            while first > 0, first > k - 4, spaceBefore(text, first), tokens[first - 1].isCapitalised || isParticle(text, first - 1) {
                // "Szia Váradi úr!": a greeting or a title before the name is not part of it.
                let h = hash(text, first - 1)
                if lexicon.greetings.contains(h) || lexicon.titles.contains(h) || lexicon.stopWords.contains(h) { break }
                first -= 1
            }
            while first < k, !tokens[first].isCapitalised, !isParticle(text, first) { first += 1 }
            emit(text, first, k + 1, confidence: cueConfidence)
        }
    }

    /// When token `k` starts a title, the index of the token after it.
    func titleEnd(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> Int? {
        if k + 2 < tokens.count, text[tokens[k].end] == 0x2E, tokens[k + 1].start == tokens[k].end + 1,
           lexicon.titles.contains(NameLexicon.foldedHash(text, tokens[k].start, tokens[k + 1].end, folder: folder)) {
            return k + 2
        }
        return isTitle(text, k) ? k + 1 : nil
    }

    // MARK: List-only forms

    func findListed(_ text: UnsafeBufferPointer<UInt8>) {
        var k = 0
        while k + 1 < tokens.count {
            let token = tokens[k]
            guard token.isCapitalised, !claimed[k], !token.isLetter, spaceBefore(text, k + 1) else { k += 1; continue }
            let next = tokens[k + 1]
            if token.isAllCaps {
                if next.isAllCaps {
                    // "SOPHY SANTINO": an all-caps first name followed by an all-caps word.
                    let h = hash(text, k)
                    // "PINTÉR RITA": a listed family name written first, then a first name.
                    if lexicon.surnamesFirst.contains(h), !lexicon.firstNames.contains(h), isFirstName(text, k + 1) {
                        emit(text, k, k + 2, confidence: listConfidence, surnameFirst: true)
                        k += 2
                        continue
                    }
                    if isFirstName(text, k), !lexicon.ambiguous.contains(h), !lexicon.stopWords.contains(hash(text, k + 1)) {
                        var end = k + 2
                        if end < tokens.count, tokens[end].isAllCaps, spaceBefore(text, end), nextByte(text, after: end) == 0x0A { end += 1 }
                        emit(text, k, end, confidence: listConfidence)
                    }
                } else if next.isCapitalised, !next.isLetter {
                    // "DUPONT Jean": an all-caps surname followed by a first name.
                    if isFirstName(text, k + 1), !lexicon.stopWords.contains(hash(text, k)) {
                        emit(text, k, k + 2, confidence: listConfidence, surnameFirst: true)
                    }
                }
                k += 1
                continue
            }
            // "Юрдан Четрафилски" in a French sentence: two capitalised words in another script
            // than the words around them are a transliterated-free foreign name.
            if isForeignScriptPair(text, k) {
                emit(text, k, k + 2, confidence: listConfidence)
                k += 2
                continue
            }
            let h = hash(text, k)
            // "Kovács Margit": a family name written first (Hungarian order) and a first name.
            if lexicon.surnamesFirst.contains(h), next.isCapitalised, !next.isAllCaps, !next.isLetter {
                let given = hash(text, k + 1)
                if isFirstName(text, k + 1), !lexicon.ambiguous.contains(given) || !lexicon.firstNames.contains(h), !lexicon.surnamesFirst.contains(given) || !lexicon.firstNames.contains(h) {
                    emit(text, k, k + 2, confidence: listConfidence, surnameFirst: true)
                    k += 2
                    continue
                }
            }
            if isFirstName(text, k), !lexicon.ambiguous.contains(h) {
                let end = nameRun(text, from: k)
                let words = (k..<end).filter { tokens[$0].isCapitalised && !tokens[$0].isLetter }
                if words.count >= 2, !lexicon.ambiguous.contains(hash(text, words[1])) || lexicon.firstNames.contains(h) {
                    emit(text, k, end, confidence: listConfidence)
                    k = end
                    continue
                }
            }
            k += 1
        }
    }

    /// The script of token `k`: 1 Greek, 2 Cyrillic, 0 anything else (Latin).
    func script(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> Int {
        let lead = text[tokens[k].start]
        if lead == 0xCE || lead == 0xCF { return 1 }
        if lead >= 0xD0 && lead <= 0xD4 { return 2 }
        return 0
    }

    /// Tokens `k` and `k + 1`: two capitalised (not all-caps) Greek or Cyrillic words of at least
    /// two letters, on one line, while the words next to them on that line are in another script
    /// (or absent) and at least one of them exists.
    func isForeignScriptPair(_ text: UnsafeBufferPointer<UInt8>, _ k: Int) -> Bool {
        guard k + 1 < tokens.count else { return false }
        let pairScript = script(text, k)
        guard pairScript != 0, script(text, k + 1) == pairScript, spaceBefore(text, k + 1) else { return false }
        for j in k...(k + 1) {
            let token = tokens[j]
            // At least three letters (two bytes each in these scripts); no title, greeting or stop word.
            guard token.isCapitalised, !token.isAllCaps, token.end - token.start >= 6, titleEnd(text, j) == nil else { return false }
            let h = hash(text, j)
            if lexicon.greetings.contains(h) || lexicon.stopWords.contains(h) || lexicon.titles.contains(h) { return false }
        }
        func sameLine(_ a: Int, _ b: Int) -> Bool {
            !(tokens[a].end..<tokens[b].start).contains { text[$0] == 0x0A }
        }
        var neighbours = 0
        if k > 0, sameLine(k - 1, k) {
            if script(text, k - 1) == pairScript { return false }
            neighbours += 1
        }
        if k + 2 < tokens.count, sameLine(k + 1, k + 2) {
            if script(text, k + 2) == pairScript { return false }
            neighbours += 1
        }
        return neighbours > 0
    }

    // MARK: Learning

    func learn(_ item: Found) {
        guard let surname = item.surname, configuration.learn else { return }
        if learnedSurnames[surname] == nil { learnedSurnames[surname] = item.identity }
        if let space = item.identity.firstIndex(of: 0x20) {
            learnedFirst.insert(NameLexicon.hash(ofFolded: Array(item.identity[..<space])))
        }
    }

    /// `jean.dupont@…` (also `_` and `-`): two alphabetic parts, the first a known first name.
    func learnFromEmails(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        var index = from
        while index < to {
            guard text[index] == 0x40 else { index += 1; continue }
            // "eremia.stan34@": trailing digits are no part of the name.
            var localEnd = index
            while localEnd > from, text[localEnd - 1] >= 0x30, text[localEnd - 1] <= 0x39 { localEnd -= 1 }
            var start = localEnd
            var separators: [Int] = []
            while start > from {
                let byte = text[start - 1]
                if isASCIILetter(byte) { start -= 1 }
                else if byte == 0x2E || byte == 0x5F || byte == 0x2D { separators.append(start - 1); start -= 1 }
                else { break }
            }
            defer { index += 1 }
            guard separators.count == 1, let separator = separators.first,
                  separator - start >= 2, localEnd - separator - 1 >= 2 else { continue }
            let first = NameLexicon.folded(text, start, separator, folder: folder)
            let last = NameLexicon.folded(text, separator + 1, localEnd, folder: folder)
            // Any two-part address names the person written "First Last" (or "Last First") in the
            // text; bounded, so that an endless stream of addresses cannot grow it without limit.
            if emailPairs.count < Self.maxEmailPairs {
                emailPairs[NameLexicon.hash(ofFolded: first + [0x20] + last)] = false
                emailPairs[NameLexicon.hash(ofFolded: last + [0x20] + first)] = true
            }
            guard lexicon.firstNames.contains(NameLexicon.hash(ofFolded: first)) else { continue }
            let surname = NameLexicon.hash(ofFolded: last)
            if learnedSurnames[surname] == nil { learnedSurnames[surname] = first + [0x20] + last }
            learnedFirst.insert(NameLexicon.hash(ofFolded: first))
        }
    }

    /// Two capitalised words that spell a two-part e-mail address of the document: "Gaja Ledzion"
    /// with `gaja.ledzion@…`, "Szűcs András" with `andras.szucs69@…`, whether or not the first
    /// name is in the bundled list.
    func findEmailNamed(_ text: UnsafeBufferPointer<UInt8>) {
        var k = 0
        while k + 1 < tokens.count {
            defer { k += 1 }
            guard !claimed[k], !claimed[k + 1], tokens[k].isCapitalised, tokens[k + 1].isCapitalised,
                  !tokens[k].isLetter, !tokens[k + 1].isLetter, spaceBefore(text, k + 1),
                  let surnameFirst = emailPairs[hash(text, k, k + 2)] else { continue }
            emit(text, k, k + 2, confidence: cueConfidence, surnameFirst: surnameFirst)
            k += 1
        }
    }

    /// Later (and, in one call, earlier) mentions of learned people: `Dupont`, `J. Dupont`, `Jean Dupont`.
    func findLearned(_ text: UnsafeBufferPointer<UInt8>) {
        guard !learnedSurnames.isEmpty else { return }
        for k in 0..<tokens.count where !claimed[k] {
            let token = tokens[k]
            guard token.isCapitalised || !configuration.deny.isEmpty, !token.isLetter, token.end - token.start >= 2 else { continue }
            let h = hash(text, k)
            guard let identity = learnedSurnames[h] else { continue }
            if token.isCapitalised == false, !configuration.deny.isEmpty {
                // Lower-case mentions only for denied names.
                guard configuration.deny.contains(where: { TextFolding.foldTerm(Array($0.utf8)) == identity || TextFolding.foldTerm(Array($0.utf8)).split(separator: 0x20).last.map(Array.init) == NameLexicon.folded(text, token.start, token.end, folder: folder) }) else { continue }
            }
            var first = k
            if k > 0, !claimed[k - 1] {
                if tokens[k - 1].isLetter, dotSpaceBefore(text, k) {
                    first = k - 1
                } else if spaceBefore(text, k), tokens[k - 1].isCapitalised, learnedFirst.contains(hash(text, k - 1)) {
                    first = k - 1
                }
            }
            // "Madelief van Hulten", "Rayan Van Dijck", "fru van Breukelveen": earlier words of the
            // learned name (particles in any case, given names) written right before the surname.
            if first == k {
                let words = identity.split(separator: 0x20).map(Array.init)
                var p = k
                while p > 0, k - p < 4, !claimed[p - 1], spaceBefore(text, p), tokens[p - 1].end - tokens[p - 1].start <= 24 {
                    let word = NameLexicon.folded(text, tokens[p - 1].start, tokens[p - 1].end, folder: folder)
                    guard words.dropLast().contains(word) else { break }
                    p -= 1
                }
                first = p
            }
            for index in first...k { claimed[index] = true }
            found.append(Found(first: first, end: k + 1, identity: identity, confidence: cueConfidence, surname: nil))
        }
    }
}

extension Substring {
    /// Leading and trailing spaces and tabs removed.
    func trimmingCharacters() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
