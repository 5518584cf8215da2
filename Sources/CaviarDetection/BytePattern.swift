/// A short sequence of byte classes that the bytes next to a literal trigger's hit must match
/// (`lit::@next:[0-9a-fA-F]{0,4}:`, see `RunCondition.next`): a condition so cheap to test that
/// it turns away the hits a regex call would only reject, such as the colon of `Re:` or `10:00`
/// for an IPv6 address.
///
/// The syntax is a tiny subset of regex syntax, over bytes: a plain ASCII character, `\d` (ASCII
/// digits), `\xHH`, an escaped punctuation character (`\.`, `\[`, `\\`), or a class `[...]` of
/// those and ranges (`[a-z\xC2-\xF4]`, negated as `[^...]`), each optionally followed by `?`,
/// `{n}` or `{m,n}`. A character outside ASCII is written as its bytes (`\xCE`).
public struct BytePattern: Hashable, Sendable, CustomStringConvertible {
    /// One class and how many bytes of it, in a row.
    struct Item: Hashable, Sendable {
        /// Bit b of word b >> 6: byte b belongs to the class.
        var set: (UInt64, UInt64, UInt64, UInt64)
        var min: Int
        var max: Int

        @inline(__always) func contains(_ b: UInt8) -> Bool {
            let word: UInt64
            switch b >> 6 {
            case 0: word = set.0
            case 1: word = set.1
            case 2: word = set.2
            default: word = set.3
            }
            return word & (1 << UInt64(b & 63)) != 0
        }

        static func == (a: Item, b: Item) -> Bool {
            a.set == b.set && a.min == b.min && a.max == b.max
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(set.0); hasher.combine(set.1); hasher.combine(set.2); hasher.combine(set.3)
            hasher.combine(min); hasher.combine(max)
        }
    }

    /// The text it was parsed from (kept for `description` and the pack cache).
    public let source: String
    let items: [Item]
    /// The most bytes a match can take.
    let maxLength: Int
    /// Every item takes a fixed number of bytes (`[^a-zA-Z]`, `\d{2}:`): a match is one pass,
    /// no counts to try.
    let isFixed: Bool

    /// The longest sequence a condition may describe, in bytes: a condition looks at the bytes
    /// next to a hit, not at a whole match.
    static let lengthLimit = 32

    public var description: String { source }

    public static func == (a: BytePattern, b: BytePattern) -> Bool { a.source == b.source }
    /// Equal sources have equal items: their count and total length are enough to hash (engines
    /// hash every trigger at start-up, and packs put conditions on hundreds of cue words).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(items.count)
        hasher.combine(maxLength)
    }

    /// Parses `source`; errors say what is wrong, for the trigger's message.
    public init(_ source: String) throws {
        let b = Array(source.utf8)
        var items: [Item] = []
        var i = 0

        func fail(_ what: String) -> TriggerError {
            TriggerError("'\(source)': \(what) (a byte sequence: characters, \\d, \\xHH, [classes], with ?, {n} or {m,n})")
        }
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 65...70: return c - 55
            case 97...102: return c - 87
            default: return nil
            }
        }
        // One escaped or plain byte at i (inside a class when `inClass`): its set, or a single byte.
        func atom() throws -> [UInt8] {
            guard i < b.count else { throw fail("it ends early") }
            let c = b[i]
            guard c < 0x80 else { throw fail("write a character outside ASCII as its bytes, \\xHH") }
            if c != 92 { i += 1; return [c] }
            guard i + 1 < b.count else { throw fail("it ends with \\") }
            let e = b[i + 1]
            if e == 100 { i += 2; return Array(48...57) }  // \d
            if e == 120 {  // \xHH
                guard i + 3 < b.count, let h = hex(b[i + 2]), let l = hex(b[i + 3]) else { throw fail("\\x takes two hex digits") }
                i += 4
                return [h << 4 | l]
            }
            guard !Trigger.isWordByte(e), e < 0x80, e > 32 else { throw fail("unknown escape \\\(String(UnicodeScalar(e)))") }
            i += 2
            return [e]
        }

        while i < b.count {
            var set: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            func add(_ byte: UInt8) {
                let bit = UInt64(1) << UInt64(byte & 63)
                switch byte >> 6 {
                case 0: set.0 |= bit
                case 1: set.1 |= bit
                case 2: set.2 |= bit
                default: set.3 |= bit
                }
            }
            if b[i] == 91 {  // [
                i += 1
                let negated = i < b.count && b[i] == 94
                if negated { i += 1 }
                var members = 0
                while i < b.count && b[i] != 93 {
                    let low = try atom()
                    if low.count == 1, i + 1 < b.count, b[i] == 45, b[i + 1] != 93 {  // a range
                        i += 1
                        let high = try atom()
                        guard high.count == 1, high[0] >= low[0] else { throw fail("a range must run upwards between two bytes") }
                        for byte in low[0]...high[0] { add(byte) }
                    } else {
                        low.forEach(add)
                    }
                    members += 1
                }
                guard i < b.count, members > 0 else { throw fail("an unclosed or empty class") }
                i += 1
                if negated { set = (~set.0, ~set.1, ~set.2, ~set.3) }
            } else {
                guard !"{}?*+()|".utf8.contains(b[i]) else { throw fail("'\(String(UnicodeScalar(b[i])))' where a byte or class was expected") }
                try atom().forEach(add)
            }
            var low = 1, high = 1
            if i < b.count && b[i] == 63 {  // ?
                low = 0
                i += 1
            } else if i < b.count && b[i] == 123 {  // {n} or {m,n}
                guard let close = b[i...].firstIndex(of: 125) else { throw fail("an unclosed {") }
                let inside = String(decoding: b[(i + 1)..<close], as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
                guard (1...2).contains(inside.count), let m = Int(inside[0]), let n = Int(inside[inside.count - 1]), m >= 0, n >= m, n >= 1 else {
                    throw fail("expected {n} or {m,n} with m <= n")
                }
                low = m
                high = n
                i = close + 1
            }
            items.append(Item(set: set, min: low, max: high))
        }
        guard !items.isEmpty else { throw fail("it is empty") }
        let length = items.reduce(0) { $0 + $1.max }
        guard length <= BytePattern.lengthLimit else { throw fail("it can take \(length) bytes; at most \(BytePattern.lengthLimit)") }
        self.source = source
        self.items = items
        maxLength = length
        isFixed = items.allSatisfy { $0.min == $0.max }
    }

    /// Whether the bytes from `start` on match, or may once more data arrives (the pattern could
    /// run past the end of `buf`: an undecided hit is kept).
    func matches(after start: Int, in buf: UnsafeBufferPointer<UInt8>) -> Bool {
        if start + maxLength > buf.count { return true }
        if isFixed { return matchFixed(at: start, step: 1, in: buf) }
        return match(item: 0, at: start, step: 1, in: buf)
    }

    /// Whether the bytes just before `end` match (read backwards from `end − 1`), or the start of
    /// `buf` is too close to tell (the buffer may begin inside a line).
    func matches(before end: Int, in buf: UnsafeBufferPointer<UInt8>) -> Bool {
        if end - maxLength < 0 { return true }
        if isFixed { return matchFixed(at: end - 1, step: -1, in: buf) }
        return match(item: items.count - 1, at: end - 1, step: -1, in: buf)
    }

    /// `match` for a pattern whose items all take a fixed count: each byte against its item,
    /// forwards from the first item or backwards from the last.
    private func matchFixed(at start: Int, step: Int, in buf: UnsafeBufferPointer<UInt8>) -> Bool {
        items.withUnsafeBufferPointer { items in
            var p = start
            var k = step > 0 ? 0 : items.count - 1
            while k >= 0 && k < items.count {
                let item = items[k]
                for _ in 0..<item.max {
                    if !item.contains(buf[p]) { return false }
                    p += step
                }
                k += step
            }
            return true
        }
    }

    /// Items from `k` on (forwards) or down to 0 (backwards), each count tried from the most bytes
    /// its class allows down to its minimum.
    private func match(item k: Int, at p: Int, step: Int, in buf: UnsafeBufferPointer<UInt8>) -> Bool {
        if k < 0 || k >= items.count { return true }
        let item = items[k]
        var taken = 0
        while taken < item.max && item.contains(buf[p + step * taken]) { taken += 1 }
        while taken >= item.min {
            if match(item: k + step, at: p + step * taken, step: step, in: buf) { return true }
            taken -= 1
        }
        return false
    }
}
