import Foundation

/// A necessary condition of every match of a detector, found by the one-pass prefilter
/// (see patterns/FORMAT.md). Gating a regex on its trigger must never change its results; a test
/// compares gated and ungated runs over a corpus.
public indirect enum Trigger: Hashable, Sendable, CustomStringConvertible {
    /// Exact bytes, case-sensitive.
    case literal([UInt8])
    /// ASCII case-insensitive bytes (stored lower-cased).
    case keyword([UInt8])
    /// A literal or keyword that begins a word: the byte before it is not an ASCII letter, digit
    /// or `_` (a non-ASCII character before it keeps the hit, so the check can only drop hits
    /// that a regex requiring a word start could never match).
    case wordStart(Trigger)
    /// A digit run (single or double separators allowed between digits) with at least N digits.
    case digits(Int)
    /// A digit run as for `digits` that contains at least N digits in a row, no separator between
    /// them: for identifiers written without spaces, so that dates, times and phone groups
    /// (`2025-11-18`, `+32 470 12 34 56`) do not wake them.
    case contiguousDigits(Int)
    /// A run of `[A-Z0-9]` of at least N characters containing an upper-case letter.
    case upper(Int)
    /// A `digits` or `contiguousDigits` trigger restricted to runs that contain a maximal stretch
    /// of ASCII digits (a stretch the characters on either side of it do not continue) whose
    /// length is in the mask: bit k for k digits, bit 63 for 63 or more. With `initialOnly`, the
    /// stretch must also be *initial*: not just after a digit and one tight separator (space,
    /// NBSP, narrow NBSP, thin space, `.`, `-`, `/`), for patterns whose guards forbid a match to
    /// begin there. The pack compiler derives both from the patterns (`DigitStretches`); packs
    /// never write them. A phone number's run (`0151 55102666`: stretches of 4 and 8, the 8 not
    /// initial) then no longer wakes a detector whose matches are 8 or 11 digits in a row.
    case stretches(Trigger, UInt64, initialOnly: Bool)
    /// A digit trigger (plain or restricted by `stretches`) restricted to runs that hold one of
    /// the segments its patterns' matches can have: consecutive stretches of given lengths (see
    /// `DigitSegments`). Derived by the pack compiler, never written: a detector of 3-3-3 or
    /// 4-2-3 digit numbers then no longer wakes on a card number (4 4 4 4).
    case segments(Trigger, DigitSegments)
    /// A digit trigger (`digits`, `cdigits`, or one restricted by `stretches`) whose run meets a
    /// condition its patterns imply (`digits:4@line:14`, `digits:4@sep:.`, `cdigits:4@then:MGZ`;
    /// see `RunCondition`): runs that do not meet it no longer wake the detector.
    case run(Trigger, RunCondition)
    /// Every one of the conditions; hits come from the first.
    case all([Trigger])
    /// Any one of the conditions; hits are the union.
    case any([Trigger])

    /// Hashes byte strings in one call: the synthesized hash fed Hasher one byte at a time,
    /// and hashing the long keyword triggers was a twentieth of start-up.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .literal(let b): hasher.combine(1 as UInt8); Trigger.hashBytes(b, into: &hasher)
        case .keyword(let b): hasher.combine(2 as UInt8); Trigger.hashBytes(b, into: &hasher)
        case .wordStart(let t): hasher.combine(3 as UInt8); t.hash(into: &hasher)
        case .digits(let n): hasher.combine(4 as UInt8); hasher.combine(n)
        case .contiguousDigits(let n): hasher.combine(5 as UInt8); hasher.combine(n)
        case .upper(let n): hasher.combine(6 as UInt8); hasher.combine(n)
        case .stretches(let t, let mask, let initial):
            hasher.combine(9 as UInt8); hasher.combine(mask); hasher.combine(initial); t.hash(into: &hasher)
        case .run(let t, let condition): hasher.combine(10 as UInt8); hasher.combine(condition); t.hash(into: &hasher)
        case .segments(let t, let segments): hasher.combine(11 as UInt8); hasher.combine(segments); t.hash(into: &hasher)
        case .all(let ts): hasher.combine(7 as UInt8); hasher.combine(ts.count); ts.forEach { $0.hash(into: &hasher) }
        case .any(let ts): hasher.combine(8 as UInt8); hasher.combine(ts.count); ts.forEach { $0.hash(into: &hasher) }
        }
    }

    private static func hashBytes(_ b: [UInt8], into hasher: inout Hasher) {
        hasher.combine(b.count)
        b.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public var description: String {
        switch self {
        case .literal(let b): return "lit:\(String(decoding: b, as: UTF8.self))"
        case .keyword(let b): return "ilit:\(String(decoding: b, as: UTF8.self))"
        case .wordStart(.literal(let b)): return "word:\(String(decoding: b, as: UTF8.self))"
        case .wordStart(.keyword(let b)): return "iword:\(String(decoding: b, as: UTF8.self))"
        case .wordStart(let t): return "word(\(t))"
        case .digits(let n): return "digits:\(n)"
        case .contiguousDigits(let n): return "cdigits:\(n)"
        case .upper(let n): return "upper:\(n)"
        case .stretches(let t, let mask, let initial): return "\(t){\(initial ? "^" : "")\(Trigger.describe(mask))}"
        case .run(let t, let condition): return "\(t)@\(condition)"
        case .segments(let t, let segments): return "\(t)[\(segments)]"
        case .all(let ts): return ts.map(\.description).joined(separator: " & ")
        case .any(let ts): return "any[" + ts.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// Parses the pack syntax: `lit:X`, `ilit:X`, `word:X`, `iword:X`, `digits:N`, `cdigits:N`, `upper:N`,
    /// joined with ` & ` or ` | `.
    /// The text of `lit:`, `ilit:`, `word:` and `iword:` is taken verbatim, spaces included
    /// (`ilit:gade ` is the Danish street suffix before its house number, which must not fire
    /// inside `vergadering`); the separators ` | ` and ` & ` consume one space on each side.
    public static func parse(_ text: String) throws -> Trigger {
        let alternatives = split(text, on: " | ")
        if alternatives.count > 1 { return .any(try alternatives.map(parse)) }
        let parts = split(text, on: " & ")
        if parts.count > 1 { return .all(try parts.map(parseOne)) }
        return try parseOne(text)
    }

    /// Splits on a separator; the parts keep their own spaces (without Foundation: this runs for
    /// every detector at start-up).
    static func split(_ text: String, on separator: String) -> [String] {
        let t = Array(text.utf8), sep = Array(separator.utf8)
        var parts: [String] = []
        var start = 0, i = 0
        while i + sep.count <= t.count {
            if t[i..<(i + sep.count)].elementsEqual(sep) {
                parts.append(String(decoding: t[start..<i], as: UTF8.self))
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(String(decoding: t[start...], as: UTF8.self))
        return parts
    }

    static func trim(_ s: String) -> String {
        var sub = Substring(s)
        while sub.first == " " { sub = sub.dropFirst() }
        while sub.last == " " { sub = sub.dropLast() }
        return String(sub)
    }

    static func parseOne(_ raw: String) throws -> Trigger {
        // Leading spaces and the kind are never significant; a literal's text is.
        var text = Substring(raw)
        while text.first == " " { text = text.dropFirst() }
        guard let colon = text.firstIndex(of: ":") else {
            throw TriggerError("trigger '\(text)' has no kind; use lit:, ilit:, word:, iword:, digits:, cdigits: or upper:")
        }
        let kind = text[..<colon], value = String(text[text.index(after: colon)...])
        if ["lit", "ilit", "word", "iword"].contains(kind), let (literal, conditions) = splitLiteralConditions(value) {
            // `lit::@next:[0-9a-f]{0,4}:@prev:[0-9a-f]`: the literal, then conditions on its hits.
            var trigger = try parseOne(String(kind) + ":" + literal)
            for spec in conditions {
                let condition = try RunCondition.parse(spec, in: String(text))
                guard condition.appliesToLiterals else {
                    throw TriggerError("trigger '\(text)': @\(condition) applies to digit runs; a literal takes @line:K, @next:SEQ or @prev:SEQ")
                }
                trigger = .run(trigger, condition)
            }
            return trigger
        }
        switch kind {
        case "lit":
            guard !value.isEmpty else { throw TriggerError("empty literal trigger") }
            return .literal(Array(value.utf8))
        case "ilit":
            guard !value.isEmpty else { throw TriggerError("empty keyword trigger") }
            // ASCII letters match in either case; any other character exactly as written, so a
            // caseless pattern's `marc[ăa]` needs `ilit:marca`, `ilit:marcă` and `ilit:marcĂ`.
            guard value.utf8.allSatisfy({ $0 < 0x80 }) || value.utf8.contains(where: { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 }) else {
                throw TriggerError("keyword trigger '\(value)' has no ASCII letter to fold; use lit: (ilit: folds ASCII letters only)")
            }
            return .keyword(value.utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 })
        case "word", "iword":
            let inner = try parseOne((kind == "word" ? "lit:" : "ilit:") + value)
            if let first = value.utf8.first, first < 0x80, Trigger.isWordByte(first) == false {
                throw TriggerError("trigger '\(text)' starts with a character that cannot begin a word; use lit: or ilit:")
            }
            return .wordStart(inner)
        case "digits", "cdigits", "upper":
            // `digits:4@line:14@sep:.`: the count, then conditions on the run, innermost first.
            let parts = value.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count > 1 {
                guard kind != "upper" else { throw TriggerError("trigger '\(text)': @ conditions apply to digits: and cdigits: only") }
                var trigger = try parseOne(String(kind) + ":" + parts[0])
                for spec in parts.dropFirst() {
                    let condition = try RunCondition.parse(String(spec), in: String(text))
                    guard condition.appliesToRuns else {
                        throw TriggerError("trigger '\(text)': @\(condition) applies to literals; a digit run takes @line:K, @sep:CHARS or @then:CHARS")
                    }
                    trigger = .run(trigger, condition)
                }
                return trigger
            }
            guard let n = Int(trim(value)), n >= 1, n <= 64 else {
                throw TriggerError("trigger '\(text)': expected a count between 1 and 64")
            }
            switch kind {
            case "digits": return .digits(n)
            case "cdigits": return .contiguousDigits(n)
            default: return .upper(n)
            }
        default:
            throw TriggerError("unknown trigger kind '\(kind)'; use lit:, ilit:, word:, iword:, digits:, cdigits: or upper:")
        }
    }

    /// A literal trigger's text and the conditions after it, or nil when it has none. Conditions
    /// begin at `@line:`, `@next:` or `@prev:` after the literal's first byte, so `lit:@` stays
    /// the at sign; a condition's own text runs to the next of them. (`@sep:` and `@then:` are
    /// cut too, so that the parser can say they belong to digit runs.)
    static func splitLiteralConditions(_ value: String) -> (String, [String])? {
        let b = Array(value.utf8)
        let markers = ["@line:", "@next:", "@prev:", "@sep:", "@then:"].map { Array($0.utf8) }
        var cuts: [Int] = []
        var i = 1
        while i < b.count {
            if b[i] == 64, markers.contains(where: { m in i + m.count <= b.count && b[i..<(i + m.count)].elementsEqual(m) }) { cuts.append(i) }
            i += 1
        }
        guard let first = cuts.first else { return nil }
        let bounds = cuts + [b.count]
        let conditions = (0..<cuts.count).map { String(decoding: b[(bounds[$0] + 1)..<bounds[$0 + 1]], as: UTF8.self) }
        return (String(decoding: b[..<first], as: UTF8.self), conditions)
    }

    /// All literal and keyword leaves.
    var literals: [Trigger] {
        switch self {
        case .literal, .keyword, .wordStart: return [self]
        case .digits, .contiguousDigits, .upper: return []
        case .stretches(let t, _, _), .run(let t, _), .segments(let t, _): return t.literals
        case .all(let ts), .any(let ts): return ts.flatMap(\.literals)
        }
    }

    /// Whether a `digits` or `contiguousDigits` leaf is part of the trigger.
    public var hasDigitLeaf: Bool {
        switch self {
        case .digits, .contiguousDigits, .stretches, .segments: return true
        case .run(let t, _): return t.hasDigitLeaf
        case .literal, .keyword, .wordStart, .upper: return false
        case .all(let ts), .any(let ts): return ts.contains { $0.hasDigitLeaf }
        }
    }

    /// Every stretch length, 1 to 63 or more.
    public static let anyStretch: UInt64 = ~1

    /// The trigger with each digit leaf restricted to the stretch lengths in `mask` (see
    /// `stretches`), to initial stretches when `initialOnly`; unchanged when `mask` is nil (the
    /// patterns were not analysed) or allows every length and `initialOnly` is false.
    public func restrictingDigitStretches(to mask: UInt64?, initialOnly: Bool = false) -> Trigger {
        guard let mask, mask & Trigger.anyStretch != Trigger.anyStretch || initialOnly else { return self }
        switch self {
        case .digits, .contiguousDigits: return .stretches(self, mask & Trigger.anyStretch, initialOnly: initialOnly)
        case .literal, .keyword, .wordStart, .upper, .stretches, .segments: return self
        case .run(let t, let condition): return .run(t.restrictingDigitStretches(to: mask, initialOnly: initialOnly), condition)
        case .all(let ts): return .all(ts.map { $0.restrictingDigitStretches(to: mask, initialOnly: initialOnly) })
        case .any(let ts): return .any(ts.map { $0.restrictingDigitStretches(to: mask, initialOnly: initialOnly) })
        }
    }

    /// The trigger with each digit leaf (restricted to stretch lengths or not) restricted to runs
    /// holding one of `segments` (see `DigitSegments`); unchanged when `segments` is nil.
    public func restrictingDigitSegments(to segments: DigitSegments?) -> Trigger {
        guard let segments else { return self }
        switch self {
        case .digits, .contiguousDigits, .stretches: return .segments(self, segments)
        case .literal, .keyword, .wordStart, .upper, .segments: return self
        case .run(let t, let condition): return .run(t.restrictingDigitSegments(to: segments), condition)
        case .all(let ts): return .all(ts.map { $0.restrictingDigitSegments(to: segments) })
        case .any(let ts): return .any(ts.map { $0.restrictingDigitSegments(to: segments) })
        }
    }

    /// `4,8-11,63+` for the bits of a stretch mask.
    static func describe(_ mask: UInt64) -> String {
        var parts: [String] = []
        var k = 1
        while k < 64 {
            guard mask & (1 << UInt64(k)) != 0 else { k += 1; continue }
            var j = k
            while j + 1 < 64 && mask & (1 << UInt64(j + 1)) != 0 { j += 1 }
            parts.append(j == 63 ? "\(k)+" : j == k ? "\(k)" : "\(k)-\(j)")
            k = j + 1
        }
        return parts.joined(separator: ",")
    }
}

/// A condition on a digit run that a pack states when every match of its patterns meets it.
public enum RunCondition: Hashable, Sendable, CustomStringConvertible {
    /// `@line:K`: on its line, only spaces and tabs lie more than K bytes before the run (the
    /// postcode line of an address block: `B-1047 Bruxelles`, `Τ.Κ. 106 82 Αθήνα`).
    case beginsLine(within: Int)
    /// `@sep:CHARS`: the run holds one of these separator classes between its digits (see
    /// `separatorBit(of:)`; the dots of `192.168.1.10`, the slash of `14595/12`).
    case holdsSeparator(mask: UInt8)
    /// `@then:CHARS`: one of these ASCII bytes follows the run, at once or after one separator
    /// (Malta's `1234567M`).
    case followedBy(bytes: [UInt8])
    /// `@next:SEQ`, on a literal trigger: the bytes just after the hit match the sequence (see
    /// `BytePattern`): the colon of an IPv6 address, `lit::@next:[0-9a-fA-F]{0,4}:`.
    case next(BytePattern)
    /// `@prev:SEQ`, on a literal trigger: the bytes just before the hit match the sequence.
    case previous(BytePattern)

    /// The characters of `@sep:`, in the order of their bits; `_` is every space the prefilter
    /// joins digits with (space, NBSP, narrow NBSP, thin space).
    static let separatorCharacters = Array(".-/()+_".utf8)

    /// The bit of a `@sep:` character, or nil for any other byte.
    public static func separatorBit(of character: UInt8) -> UInt8? {
        separatorCharacters.firstIndex(of: character).map { 1 << UInt8($0) }
    }

    public var description: String {
        switch self {
        case .beginsLine(let within): return "line:\(within)"
        case .holdsSeparator(let mask):
            let characters = RunCondition.separatorCharacters.enumerated().filter { mask & (1 << UInt8($0.offset)) != 0 }.map(\.element)
            return "sep:" + String(decoding: characters, as: UTF8.self)
        case .followedBy(let bytes): return "then:" + String(decoding: bytes, as: UTF8.self)
        case .next(let sequence): return "next:\(sequence)"
        case .previous(let sequence): return "prev:\(sequence)"
        }
    }

    /// Whether the condition applies to a literal trigger's hits (`@line`, `@next`, `@prev`)
    /// rather than to a digit run (`@line`, `@sep`, `@then`).
    var appliesToLiterals: Bool {
        switch self {
        case .beginsLine, .next, .previous: return true
        case .holdsSeparator, .followedBy: return false
        }
    }

    var appliesToRuns: Bool {
        switch self {
        case .beginsLine, .holdsSeparator, .followedBy: return true
        case .next, .previous: return false
        }
    }

    /// Parses `line:K`, `sep:CHARS` or `then:CHARS` (what follows an `@`); `text` names the trigger.
    static func parse(_ spec: String, in text: String) throws -> RunCondition {
        guard let colon = spec.firstIndex(of: ":") else {
            throw TriggerError("trigger '\(text)': expected @line:K, @sep:CHARS, @then:CHARS, @next:SEQ or @prev:SEQ")
        }
        let name = spec[..<colon], value = spec[spec.index(after: colon)...]
        switch name {
        case "line":
            guard let within = Int(Trigger.trim(String(value))), within >= 0, within <= 64 else {
                throw TriggerError("trigger '\(text)': expected @line:K with K between 0 and 64 (bytes before the run on its line, besides spaces and tabs)")
            }
            return .beginsLine(within: within)
        case "sep":
            var mask: UInt8 = 0
            for character in value.utf8 {
                guard let bit = separatorBit(of: character) else {
                    throw TriggerError("trigger '\(text)': @sep: takes separators among . - / ( ) + and _ (any space)")
                }
                mask |= bit
            }
            guard mask != 0 else { throw TriggerError("trigger '\(text)': @sep: needs at least one separator") }
            return .holdsSeparator(mask: mask)
        case "then":
            let bytes = Array(Set(value.utf8)).sorted()
            guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 32 && $0 < 127 }) else {
                throw TriggerError("trigger '\(text)': @then: takes the ASCII characters that may follow the run, e.g. @then:MGAPLHBZ")
            }
            return .followedBy(bytes: bytes)
        case "next", "prev":
            do {
                let sequence = try BytePattern(String(value))
                return name == "next" ? .next(sequence) : .previous(sequence)
            } catch let e as TriggerError {
                throw TriggerError("trigger '\(text)': @\(name):\(e.message)")
            }
        default:
            throw TriggerError("trigger '\(text)': unknown condition @\(name); use @line:K, @sep:CHARS or @then:CHARS (digit runs), @line:K, @next:SEQ or @prev:SEQ (literals)")
        }
    }
}

extension Trigger {
    /// ASCII letters, digits and `_`: a byte that continues a word. Bytes of non-ASCII
    /// characters are not counted (a word-start check must never drop a real word start).
    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
    }
}

public struct TriggerError: Error, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
