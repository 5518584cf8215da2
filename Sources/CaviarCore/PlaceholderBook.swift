/// Assigns a stable number to each distinct value of an entity type, so that the same value is
/// always `[EMAIL_1]` and a different value never reuses a number.
///
/// Without a session the book lives for one run (`InMemoryPlaceholderBook`); with a session it is
/// backed by the encrypted vault (`CaviarSessions`).
public protocol PlaceholderBook: AnyObject {
    /// The number for `value` (the exact original bytes) under `entity`, allocated on first sight.
    func number(for value: [UInt8], entity: EntityType) throws -> Int
    /// The number for `identity` (what makes two mentions the same), remembering `original`
    /// (the text as written) as what a restore writes back.
    func number(for identity: [UInt8], entity: EntityType, original: [UInt8]) throws -> Int
}

extension PlaceholderBook {
    public func number(for identity: [UInt8], entity: EntityType, original: [UInt8]) throws -> Int {
        try number(for: identity, entity: entity)
    }
}

/// A placeholder book that keeps its numbers in memory for one run only.
///
/// It keeps a 128-bit keyed fingerprint of each value rather than the value: a stream of a
/// gigabyte can hold hundreds of thousands of distinct values, and a fingerprint is a third of
/// the memory of a byte array (and no copy of sensitive data stays in memory). Two values
/// sharing a fingerprint is a chance of about n² / 2¹²⁹ (1e-26 for a million values).
public final class InMemoryPlaceholderBook: PlaceholderBook {
    struct Fingerprint: Hashable {
        let a: UInt64
        let b: UInt64
    }

    /// Numbers by fingerprint of entity and value together (one look-up for a value seen
    /// before), and how many values of each entity have a number.
    private var numbers: [Fingerprint: Int] = [:]
    private var counts: [EntityType: Int] = [:]
    private let saltA = UInt64.random(in: .min ... .max)
    private let saltB = UInt64.random(in: .min ... .max)

    public init() {}

    func fingerprint(_ value: [UInt8], entity: EntityType) -> Fingerprint {
        var a = Hasher(), b = Hasher()
        a.combine(saltA)
        b.combine(saltB)
        a.combine(entity.name)
        b.combine(entity.name)
        value.withUnsafeBytes { a.combine(bytes: $0); b.combine(bytes: $0) }
        a.combine(value.count)
        b.combine(~value.count)
        return Fingerprint(a: UInt64(bitPattern: Int64(a.finalize())), b: UInt64(bitPattern: Int64(b.finalize())))
    }

    public func number(for value: [UInt8], entity: EntityType) -> Int {
        let key = fingerprint(value, entity: entity)
        if let n = numbers[key] { return n }
        let n = (counts[entity] ?? 0) + 1
        counts[entity] = n
        numbers[key] = n
        return n
    }
}

/// The textual form of placeholders: `[ENTITY_N]`. Restore parses the same form tolerantly.
public enum Placeholder {
    public static func text(entity: EntityType, number: Int) -> String {
        String(decoding: bytes(entity: entity, number: number), as: UTF8.self)
    }

    /// `[ENTITY_N]` as UTF-8 bytes, built without string interpolation (one per redaction).
    public static func bytes(entity: EntityType, number: Int) -> [UInt8] {
        var n = number.magnitude, width = 1
        while n >= 10 { n /= 10; width += 1 }
        var out: [UInt8] = []
        out.reserveCapacity(entity.name.utf8.count + width + 4)
        out.append(0x5B)
        out += entity.name.utf8
        out.append(0x5F)
        if number < 0 { out.append(0x2D) }
        out += repeatElement(0x30, count: width)
        n = number.magnitude
        var i = out.count - 1
        repeat { out[i] = 0x30 + UInt8(n % 10); n /= 10; i -= 1 } while n > 0
        out.append(0x5D)
        return out
    }
}
