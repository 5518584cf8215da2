// Which sequences of digit stretches a regex match can hold inside one digit run: so that a
// detector of 9-digit numbers grouped 3-3-3 or 4-2-3 is not woken by a card number's run
// (stretches 4 4 4 4), an IBAN's or a phone number's, which its stretch lengths alone allow.

/// The sequences of digit stretches that the part of a match inside one digit run can take.
///
/// A digit run (see `Prefilter`) is digits joined by one or two separators (space, NBSP, narrow
/// NBSP, thin space, `.` `-` `/` `(` `)` `+`); its *stretches* are its maximal groups of digits,
/// in order. A match meets the runs it touches in *segments*: its digits between two characters
/// that end a run (anything but a digit or a separator), or the match's ends. Every run a match
/// touches holds that match's segment for it as consecutive stretches, so a run that holds none
/// of the segments any match can have cannot be the hit a match is found from, and the detector
/// need not wake for it.
///
/// Each stretch of a segment is a range of lengths. It is *exact* when the match bounds it on
/// both sides (a separator or another character, inside the match): the run's stretch then has a
/// length in the range. A stretch at either end of the match may go on outside it: the run's
/// stretch is then at least the range's minimum.
///
/// Method (sound, gives up when unsure: nil). A pattern is read as tokens: a *digit* (`\d`, a
/// digit, a class of digits only), a *separator* (one of the separator characters, or a class of
/// them only), a *break* (any other character or class holding neither digits nor separators:
/// letters, `\p{L}`, `#`, `,`). Zero-width items (look-arounds, anchors, `\b`) are skipped: they
/// only remove matches. Anything else (`.`, `\s`, `\w`, `\D`, a class mixing kinds, a negated
/// class, a back-reference, `\p{N}`, `(?x)`, verbs, conditionals) gives up. Groups, alternatives
/// and counted repeats are expanded into paths (at most `pathLimit`); an unbounded repeat of
/// digits is a stretch of unbounded length, of anything else gives up. More than two separators in
/// a row end a run (the prefilter joins at most two), as a break does.
public struct DigitSegments: Hashable, Sendable, CustomStringConvertible {
    /// A stretch of a segment: a length from `min` to `max` (63: no upper bound), exact or open.
    public struct Stretch: Hashable, Sendable {
        public var min: Int
        public var max: Int
        public var isExact: Bool

        public init(min: Int, max: Int, isExact: Bool) {
            self.min = min
            self.max = max
            self.isExact = isExact
        }

    }

    /// Every segment a match can have, deduplicated, in a stable order.
    public let segments: [[Stretch]]
    /// The segments laid out for `admits`, in one array (derived from `segments`, not part of
    /// the value): `table[L] ..< table[L + 1]` (L = 0...63) are the entries listing the records
    /// of the segments whose first stretch admits a length of L; a record is the segment's
    /// stretch count, then each stretch's lowest and highest length (63 for an open stretch).
    let table: [Int32]
    /// When every segment is a single stretch: bit L set for each length L one of them admits
    /// (derived, as `table`). A run then holds a segment exactly when one of its stretch lengths
    /// has its bit: one test of the run's stretch bits instead of `admits`' walk (most digit
    /// triggers are of this kind: `cdigits:7{^7}[7]`).
    let singleStretchLengths: UInt64?

    /// The hash of the laid-out table (which says all the segments say), taken once: the engine
    /// looks its segment sets up at every scan, and hashing a table of hundreds of entries each
    /// time cost more than the walks the look-up saves (hashing every stretch, a twentieth of a
    /// 1 KB run's start-up).
    let tableHash: Int

    public static func == (a: DigitSegments, b: DigitSegments) -> Bool { a.tableHash == b.tableHash && a.segments == b.segments }
    public func hash(into hasher: inout Hasher) { hasher.combine(tableHash) }

    static func hashOf(_ table: [Int32]) -> Int {
        var hasher = Hasher()
        table.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }

    static func layOut(_ segments: [[Stretch]]) -> [Int32] {
        var records: [Int32] = []
        var offsets: [Int] = []
        for segment in segments {
            offsets.append(records.count)
            records.append(Int32(segment.count))
            for s in segment {
                records.append(Int32(Swift.min(s.min, unbounded)))
                records.append(Int32(s.isExact ? Swift.min(s.max, unbounded) : unbounded))
            }
        }
        // Per length, the segments whose first stretch admits it (counted, then placed: no array
        // per length, as this runs for every digit trigger at start-up).
        func firstRange(_ segment: [Stretch]) -> ClosedRange<Int> {
            let first = segment[0]
            return Swift.min(first.min, unbounded)...(first.isExact ? Swift.min(first.max, unbounded) : unbounded)
        }
        let head = unbounded + 2
        var table = [Int32](repeating: 0, count: head)
        var perLength = [Int](repeating: 0, count: unbounded + 1)
        for segment in segments { for length in firstRange(segment) { perLength[length] += 1 } }
        var next = head
        for length in 0...unbounded { table[length] = Int32(next); next += perLength[length] }
        table[unbounded + 1] = Int32(next)
        let recordBase = next
        table += repeatElement(0, count: next - head)
        var fill = table[0...unbounded].map { Int($0) }
        for (k, segment) in segments.enumerated() {
            for length in firstRange(segment) {
                table[fill[length]] = Int32(recordBase + offsets[k])
                fill[length] += 1
            }
        }
        table += records
        return table
    }

    /// `singleStretchLengths` of `segments` (the lengths `layOut` records for them), or nil when
    /// a segment has more than one stretch.
    static func singleStretchLengths(_ segments: [[Stretch]]) -> UInt64? {
        var lengths: UInt64 = 0
        for segment in segments {
            guard segment.count == 1, let stretch = segment.first else { return nil }
            let lowest = Swift.min(stretch.min, unbounded)
            let highest = stretch.isExact ? Swift.min(stretch.max, unbounded) : unbounded
            guard lowest <= highest else { continue }
            for length in lowest...highest { lengths |= 1 << UInt64(length) }
        }
        return lengths
    }

    /// Whether some segment lies in a digit run: `stretches` are its stretch bits (bit L: a
    /// stretch of L digits, 63 for more; bit 0, a stretch of no digits, never counts), `lengths`
    /// its stretch lengths in order, read only when the bits cannot decide.
    @inline(__always)
    func admits(stretches: UInt64, lengths: UnsafeBufferPointer<UInt8>) -> Bool {
        if let single = singleStretchLengths { return stretches & ~1 & single != 0 }
        return admits(lengths)
    }

    /// A length of 63 or more: no upper bound.
    static let unbounded = 63
    /// Paths a pattern may expand into before the analysis gives up.
    static let pathLimit = 512

    /// Segments already deduplicated and stripped of redundant ones by `init(segments:)` (read
    /// back from the pack cache at start-up, where doing that again cost a tenth of a millisecond).
    public init(normalized segments: [[Stretch]]) {
        self.segments = segments
        table = DigitSegments.layOut(segments)
        tableHash = DigitSegments.hashOf(table)
        singleStretchLengths = DigitSegments.singleStretchLengths(segments)
    }

    public init(segments: [[Stretch]]) {
        var seen = Set<[Stretch]>()
        let distinct = segments.filter { !$0.isEmpty && seen.insert($0).inserted }
        // A segment that a run can only hold if it also holds a weaker one adds nothing: every
        // run that admits it admits the weaker one (`>=6` makes `>=13.>=2` and `7.3` redundant).
        let kept = distinct.enumerated().filter { (index, segment) in
            !distinct.enumerated().contains { other in
                other.offset != index && DigitSegments.covers(other.element, segment)
                    && (!DigitSegments.covers(segment, other.element) || other.offset < index)
            }
        }.map(\.element)
        self.segments = kept
        table = DigitSegments.layOut(kept)
        tableHash = DigitSegments.hashOf(table)
        singleStretchLengths = DigitSegments.singleStretchLengths(kept)
    }

    /// Whether every run holding `b` holds `a`: `a` lies along some window of `b`, each of its
    /// stretches admitting every length the stretch of `b` under it admits.
    static func covers(_ a: [Stretch], _ b: [Stretch]) -> Bool {
        guard a.count <= b.count else { return false }
        for offset in 0...(b.count - a.count) {
            var ok = true
            for j in a.indices {
                let x = a[j], y = b[offset + j]
                let yMax = y.isExact ? y.max : unbounded
                let weaker = x.isExact ? y.min >= x.min && (x.max >= unbounded || (yMax < unbounded && yMax <= x.max)) : y.min >= x.min
                if !weaker { ok = false; break }
            }
            if ok { return true }
        }
        return false
    }

    public var description: String {
        segments.map { segment in
            segment.map { s in
                let range = s.min == s.max ? "\(s.min)" : s.max >= DigitSegments.unbounded ? "\(s.min)+" : "\(s.min)-\(s.max)"
                return s.isExact ? range : ">=" + range
            }.joined(separator: ".")
        }.joined(separator: "|")
    }

    /// The segments of the pattern's matches, or nil when the pattern is not modelled.
    public static func of(pattern source: String) -> DigitSegments? {
        var parser = SegmentParser(Array(source.unicodeScalars))
        guard let root = parser.parseAlternation(), parser.isAtEnd else { return nil }
        guard let paths = root.paths(limit: pathLimit) else { return nil }
        var segments: [[Stretch]] = []
        for path in paths { segments += split(path) }
        let result = DigitSegments(segments: segments)
        return result.segments.isEmpty ? nil : result
    }

    /// All the segments of several patterns; nil if any is not modelled.
    public static func union(_ all: [DigitSegments?]) -> DigitSegments? {
        var segments: [[Stretch]] = []
        for s in all {
            guard let s else { return nil }
            segments += s.segments
        }
        return DigitSegments(segments: segments)
    }

    /// Whether some segment lies in the run whose stretch lengths (each at most 63) are
    /// `lengths`, in order.
    func admits(_ lengths: UnsafeBufferPointer<UInt8>) -> Bool {
        table.withUnsafeBufferPointer { t in
            let n = lengths.count
            for i in 0..<n {
                let first = Int(lengths[i])
                var k = Int(t[first])
                let listEnd = Int(t[first + 1])
                while k < listEnd {
                    let record = Int(t[k])
                    let count = Int(t[record])
                    k += 1
                    if i + count > n { continue }
                    var j = 1
                    while j < count {
                        let length = Int32(lengths[i + j])
                        if length < t[record + 2 * j + 1] || length > t[record + 2 * j + 2] { break }
                        j += 1
                    }
                    if j == count { return true }
                }
            }
            return false
        }
    }

    /// The segments of one path: its runs of digits and separators, cut at breaks and at more
    /// than two separators in a row.
    static func split(_ path: [SegmentToken]) -> [[Stretch]] {
        var out: [[Stretch]] = []
        var run: [Stretch] = []
        var open: (min: Int, max: Int, leftBounded: Bool)?
        var separators = 0
        // The last consuming token, and whether a guard says the character before here is no digit.
        var previous: SegmentToken?
        var noDigitBefore = false
        func close(rightBounded: Bool) {
            if let o = open {
                run.append(Stretch(min: o.min, max: o.max, isExact: o.leftBounded && rightBounded))
                open = nil
            }
        }
        func endRun() {
            if !run.isEmpty { out.append(run) }
            run = []
        }
        for token in path {
            switch token {
            case .digits(let low, let high):
                if separators > 2 { endRun() }
                separators = 0
                if let o = open {
                    open = (Swift.min(o.min + low, unbounded), Swift.min(o.max + high, unbounded), o.leftBounded)
                } else {
                    open = (low, high, previous != nil || noDigitBefore)
                }
            case .separator:
                close(rightBounded: true)
                separators += 1
            case .breaking:
                close(rightBounded: true)
                endRun()
                separators = 0
            case .noDigitBefore:
                if open == nil { noDigitBefore = true }
                continue
            case .noDigitAfter:
                // The stretch ends here (a path that then takes a digit cannot match).
                close(rightBounded: true)
                continue
            }
            previous = token
            noDigitBefore = false
        }
        close(rightBounded: false)
        endRun()
        return out
    }
}

/// A consuming item of a path: digits (a length range), one separator character, or a character
/// that ends a run.
enum SegmentToken: Hashable {
    case digits(Int, Int)
    case separator
    case breaking
    /// Zero-width: the character before this point is no ASCII digit (`(?<!\d)`, `^`, `\b`
    /// before a digit).
    case noDigitBefore
    /// Zero-width: the character after this point is no ASCII digit (`(?!\d)`, `$`, `\b` after
    /// a digit).
    case noDigitAfter
}

/// The parsed pattern: tokens, sequences, alternatives and counted repeats.
indirect enum SegmentNode {
    case token(SegmentToken)
    case sequence([SegmentNode])
    case alternatives([SegmentNode])
    /// `max` nil: unbounded.
    case repeated(SegmentNode, min: Int, max: Int?)

    /// Every path, or nil when there are more than `limit` or a repeat cannot be expanded.
    func paths(limit: Int) -> [[SegmentToken]]? {
        switch self {
        case .token(let t):
            return [[t]]
        case .sequence(let items):
            var out: [[SegmentToken]] = [[]]
            for item in items {
                guard let tails = item.paths(limit: limit) else { return nil }
                if tails.count == 1 && tails[0].isEmpty { continue }
                guard out.count * tails.count <= limit else { return nil }
                out = out.flatMap { head in tails.map { head + $0 } }
            }
            return out
        case .alternatives(let branches):
            var out: [[SegmentToken]] = []
            for branch in branches {
                guard let p = branch.paths(limit: limit) else { return nil }
                out += p
                guard out.count <= limit else { return nil }
            }
            return out
        case .repeated(let child, let low, let high):
            // Digits repeated: one stretch of a length range (empty when it may be absent).
            if case .token(.digits(let a, let b)) = child {
                let top = high.map { Swift.min($0 * b, DigitSegments.unbounded) } ?? DigitSegments.unbounded
                if top == 0 { return [[]] }
                let bottom = Swift.min(Swift.max(low * a, 1), DigitSegments.unbounded)
                return low == 0 ? [[], [.digits(bottom, top)]] : [[.digits(bottom, top)]]
            }
            guard let high, high <= 8 else { return nil }
            guard let one = child.paths(limit: limit) else { return nil }
            var out: [[SegmentToken]] = []
            var power: [[SegmentToken]] = [[]]
            for k in 0...high {
                if k >= low {
                    out += power
                    guard out.count <= limit else { return nil }
                }
                if k == high { break }
                guard power.count * one.count <= limit else { return nil }
                power = power.flatMap { head in one.map { head + $0 } }
            }
            return out
        }
    }
}

/// A parser for the subset of PCRE2 syntax the shipped digit patterns use (see `DigitSegments`).
struct SegmentParser {
    let s: [Unicode.Scalar]
    var i = 0

    init(_ s: [Unicode.Scalar]) { self.s = s }

    var isAtEnd: Bool { i >= s.count }

    /// What a character is to a digit run.
    static func kind(_ c: Unicode.Scalar) -> SegmentToken {
        switch c.value {
        case 48...57: return .digits(1, 1)
        case 0x20, 0x2E, 0x2D, 0x2F, 0x28, 0x29, 0x2B, 0xA0, 0x202F, 0x2009: return .separator
        default: return .breaking
        }
    }

    mutating func parseAlternation() -> SegmentNode? {
        var branches: [SegmentNode] = []
        while true {
            guard let branch = parseSequence() else { return nil }
            branches.append(branch)
            if i < s.count && s[i] == "|" { i += 1; continue }
            break
        }
        return branches.count == 1 ? branches[0] : .alternatives(branches)
    }

    mutating func parseSequence() -> SegmentNode? {
        var items: [SegmentNode] = []
        while i < s.count && s[i] != "|" && s[i] != ")" {
            guard let atom = parseAtom() else { return nil }
            guard let quantified = parseQuantifier(atom) else { return nil }
            items.append(quantified)
        }
        return .sequence(items)
    }

    mutating func parseQuantifier(_ atom: SegmentNode) -> SegmentNode? {
        guard i < s.count else { return atom }
        var low = 1, high: Int? = 1
        switch s[i] {
        case "?": low = 0; high = 1; i += 1
        case "*": low = 0; high = nil; i += 1
        case "+": low = 1; high = nil; i += 1
        case "{":
            var j = i + 1
            var first = "", second = "", sawComma = false
            while j < s.count && s[j] != "}" {
                if s[j] == "," { guard !sawComma else { return nil }; sawComma = true } else if sawComma { second.unicodeScalars.append(s[j]) } else { first.unicodeScalars.append(s[j]) }
                j += 1
            }
            // A brace that is no quantifier is a literal in PCRE2: not modelled.
            guard j < s.count, let m = Int(first) else { return nil }
            low = m
            if sawComma { high = second.isEmpty ? nil : Int(second); if !second.isEmpty && high == nil { return nil } } else { high = m }
            if let h = high, h < m { return nil }
            i = j + 1
        default:
            return atom
        }
        // Lazy and possessive forms match the same strings.
        if i < s.count && (s[i] == "?" || s[i] == "+") { i += 1 }
        if case .sequence(let items) = atom, items.isEmpty { return atom }
        return .repeated(atom, min: low, max: high)
    }

    mutating func parseAtom() -> SegmentNode? {
        let c = s[i]
        switch c {
        case "(":
            return parseGroup()
        case "[":
            return parseClass()
        case "\\":
            return parseEscape()
        case "^":
            i += 1
            return .token(.noDigitBefore)
        case "$":
            i += 1
            return .token(.noDigitAfter)
        case ".", "*", "+", "?", "{", ")":
            return nil
        default:
            i += 1
            return .token(Self.kind(c))
        }
    }

    mutating func parseGroup() -> SegmentNode? {
        let open = i
        i += 1
        if i < s.count && s[i] == "?" {
            i += 1
            guard i < s.count else { return nil }
            switch s[i] {
            case ":", ">":
                i += 1
            case "|":
                return nil
            case "=", "!":
                i += 1
                return lookaround(from: open)
            case "<":
                guard i + 1 < s.count else { return nil }
                if s[i + 1] == "=" || s[i + 1] == "!" {
                    i += 2
                    return lookaround(from: open)
                }
                // A named group.
                while i < s.count && s[i] != ">" { i += 1 }
                i += 1
            case "P", "'":
                return nil
            default:
                // Inline options `(?i)`, `(?-i:…)`: case does not change digits or separators;
                // `x` (white space ignored) is not modelled.
                var j = i
                while j < s.count && s[j] != ")" && s[j] != ":" {
                    guard "imsnJU-^".unicodeScalars.contains(s[j]) else { return nil }
                    j += 1
                }
                guard j < s.count else { return nil }
                i = j + 1
                if s[j] == ")" { return .sequence([]) }
            }
        } else if i < s.count && s[i] == "*" {
            return nil
        }
        guard let inner = parseAlternation(), i < s.count, s[i] == ")" else { return nil }
        i += 1
        return inner
    }

    /// A look-around whose body starts at `i` (its `(` at `open`): consumes nothing, and says
    /// what the stretch analysis (`StretchParser`) proves of it: no digit before or after here
    /// (`(?<![\p{L}\p{N}])`, `(?!\d)`), or nothing.
    mutating func lookaround(from open: Int) -> SegmentNode? {
        guard skipGroupBody() != nil else { return nil }
        var parser = StretchParser(String(String.UnicodeScalarView(s[open..<i])))
        switch parser.parse() {
        case .prevNonDigit?: return .token(.noDigitBefore)
        case .behind(let facts)? where facts.prevNonDigit: return .token(.noDigitBefore)
        case .nextNonDigit?: return .token(.noDigitAfter)
        default: return .sequence([])
        }
    }

    /// A look-around: skipped, as it consumes nothing (its body only has to be well formed).
    mutating func skipGroupBody() -> SegmentNode? {
        var depth = 1
        var inClass = false
        while i < s.count {
            let c = s[i]
            if c == "\\" { i += 2; continue }
            if inClass {
                if c == "]" { inClass = false }
            } else if c == "[" {
                inClass = true
                if i + 1 < s.count && s[i + 1] == "]" { i += 1 }
                if i + 2 < s.count && s[i + 1] == "^" && s[i + 2] == "]" { i += 2 }
            } else if c == "(" {
                depth += 1
            } else if c == ")" {
                depth -= 1
                if depth == 0 { i += 1; return .sequence([]) }
            }
            i += 1
        }
        return nil
    }

    mutating func parseEscape() -> SegmentNode? {
        guard i + 1 < s.count else { return nil }
        let e = s[i + 1]
        i += 2
        switch e {
        case "d": return .token(.digits(1, 1))
        case "b":
            // Between a word character and another: a digit on one side, none on the other.
            return .sequence([.token(.noDigitAfter), .token(.noDigitBefore)])
        case "A": return .token(.noDigitBefore)
        case "z", "Z": return .token(.noDigitAfter)
        case "B", "G": return .sequence([])
        case "x":
            guard let v = parseHexEscape(), let scalar = Unicode.Scalar(v) else { return nil }
            return .token(Self.kind(scalar))
        case "p":
            // Letter properties hold neither digits nor separators.
            guard let name = parsePropertyName(), ["L", "Lu", "Ll", "Lt", "Lm", "Lo", "L&", "M", "Mn"].contains(name) else { return nil }
            return .token(.breaking)
        case "t", "n", "r", "f", "e", "a":
            return .token(.breaking)
        default:
            // An escaped punctuation character is itself; other escapes are not modelled.
            guard e.value < 0x80, !(e.properties.isAlphabetic || (48...57).contains(e.value)) else { return nil }
            return .token(Self.kind(e))
        }
    }

    /// `\xHH` or `\x{H…}` after the `\x`.
    mutating func parseHexEscape() -> UInt32? {
        if i < s.count && s[i] == "{" {
            var j = i + 1
            var text = ""
            while j < s.count && s[j] != "}" { text.unicodeScalars.append(s[j]); j += 1 }
            guard j < s.count, let v = UInt32(text, radix: 16) else { return nil }
            i = j + 1
            return v
        }
        guard i + 1 < s.count, let v = UInt32(String(s[i]) + String(s[i + 1]), radix: 16) else { return nil }
        i += 2
        return v
    }

    mutating func parsePropertyName() -> String? {
        guard i < s.count else { return nil }
        if s[i] != "{" { let name = String(s[i]); i += 1; return name }
        var j = i + 1
        var name = ""
        while j < s.count && s[j] != "}" { name.unicodeScalars.append(s[j]); j += 1 }
        guard j < s.count else { return nil }
        i = j + 1
        return name
    }

    /// A class: digits only, separators only, or neither (a break); anything mixed gives up.
    mutating func parseClass() -> SegmentNode? {
        i += 1
        guard i < s.count, s[i] != "^" else { return nil }
        var kinds = Set<SegmentToken>()
        var first = true
        while i < s.count && (s[i] != "]" || first) {
            first = false
            var low: Unicode.Scalar
            if s[i] == "\\" {
                guard i + 1 < s.count else { return nil }
                let e = s[i + 1]
                i += 2
                switch e {
                case "d": kinds.insert(.digits(1, 1)); continue
                case "p":
                    guard let name = parsePropertyName(), ["L", "Lu", "Ll", "Lt", "Lm", "Lo", "L&"].contains(name) else { return nil }
                    kinds.insert(.breaking)
                    continue
                case "x":
                    guard let v = parseHexEscape(), let scalar = Unicode.Scalar(v) else { return nil }
                    low = scalar
                case "t", "n", "r", "f": kinds.insert(.breaking); continue
                default:
                    guard e.value < 0x80, !(e.properties.isAlphabetic || (48...57).contains(e.value)) else { return nil }
                    low = e
                }
            } else if s[i] == "[" {
                return nil  // POSIX classes
            } else {
                low = s[i]
                i += 1
            }
            if i + 1 < s.count && s[i] == "-" && s[i + 1] != "]" {
                i += 1
                var high: Unicode.Scalar
                if s[i] == "\\" {
                    guard i + 1 < s.count, s[i + 1] == "x" else { return nil }
                    i += 2
                    guard let v = parseHexEscape(), let scalar = Unicode.Scalar(v) else { return nil }
                    high = scalar
                } else {
                    high = s[i]
                    i += 1
                }
                guard high.value >= low.value else { return nil }
                // Every character of the range.
                if high.value - low.value > 0x10000 { return nil }
                for v in low.value...high.value {
                    guard let scalar = Unicode.Scalar(v) else { continue }
                    kinds.insert(Self.kind(scalar))
                }
            } else {
                kinds.insert(Self.kind(low))
            }
        }
        guard i < s.count, kinds.count == 1, let kind = kinds.first else { return nil }
        i += 1
        return .token(kind)
    }
}
