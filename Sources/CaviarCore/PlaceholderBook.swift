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
/// the memory of a byte array (and no copy of sensitive data stays in memory). The fingerprint
/// is two multiply-mix lanes over the entity's name and the value, eight bytes a step, under keys
/// drawn at random for the run. (Two SipHash passes over the value and a dictionary that hashed
/// both words of their result were a twentieth of all redaction time on the benchmark corpus.)
/// Two values sharing a fingerprint is a chance of about n² / 2¹²⁹ for keys nobody outside the
/// run knows.
public final class InMemoryPlaceholderBook: PlaceholderBook {
    /// A fingerprint; its first word, already a keyed hash, places it in the table.
    struct Fingerprint {
        let a: UInt64
        let b: UInt64
    }

    /// A slot of the table: a fingerprint and its number (0: the slot is empty).
    struct Slot {
        var a: UInt64 = 0
        var b: UInt64 = 0
        var number = 0
    }

    /// Open addressing with linear probing, at most two thirds full, placed by the fingerprint's
    /// first word. (A `Dictionary` of fingerprints ran SipHash over that word for every value,
    /// and again for every value at each growth: a twentieth of redacting the bench corpus.)
    private var slots = [Slot](repeating: Slot(), count: 1024)
    private var used = 0
    /// How many values of each entity have a number (a few dozen entities: searched in order,
    /// which costs less than hashing the name of each new value's entity).
    private var countedEntities: [EntityType] = []
    private var counts: [Int] = []
    private let keys: [UInt64] = (0..<6).map { _ in UInt64.random(in: .min ... .max) | 1 }

    public init() {}

    @inline(__always) static func mix(_ x: UInt64, _ y: UInt64) -> UInt64 {
        let (high, low) = x.multipliedFullWidth(by: y)
        return high ^ low
    }

    /// The fingerprint of `value` under `entity`.
    func fingerprint(_ value: [UInt8], entity: EntityType) -> Fingerprint {
        value.withUnsafeBytes { fingerprint($0, entity: entity) }
    }

    /// The fingerprint of the bytes `value` under `entity`.
    func fingerprint(_ value: UnsafeRawBufferPointer, entity: EntityType) -> Fingerprint {
        var a = keys[0] ^ UInt64(value.count), b = keys[1] ^ ~UInt64(value.count)
        let k2 = keys[2], k3 = keys[3], k4 = keys[4], k5 = keys[5]
        @inline(__always) func absorb(_ bytes: UnsafeRawBufferPointer) {
            var i = 0
            let n = bytes.count
            while i + 8 <= n {
                let w = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                a = Self.mix(w ^ k2, a ^ k3)
                b = Self.mix(w ^ k4, b ^ k5)
                i += 8
            }
            // The tail, with its length, so that no two byte strings give the same words.
            var w = UInt64(n - i) << 56
            var shift: UInt64 = 0
            while i < n { w |= UInt64(bytes[i]) << shift; shift += 8; i += 1 }
            a = Self.mix(w ^ k2, a ^ k3)
            b = Self.mix(w ^ k4, b ^ k5)
        }
        var name = entity.name
        name.withUTF8 { absorb(UnsafeRawBufferPointer($0)) }
        absorb(value)
        return Fingerprint(a: Self.mix(a ^ k5, b ^ k2), b: Self.mix(b ^ k3, a ^ k4))
    }

    public func number(for value: [UInt8], entity: EntityType) -> Int {
        value.withUnsafeBufferPointer { number(for: $0, entity: entity) }
    }

    /// `number(for:entity:)` of bytes in place (the driver numbers a value without copying it out).
    public func number(for value: UnsafeBufferPointer<UInt8>, entity: EntityType) -> Int {
        let key = fingerprint(UnsafeRawBufferPointer(value), entity: entity)
        // One probe for a value seen before and for a new one alike (most values are new).
        let (n, isNew) = slots.withUnsafeMutableBufferPointer { table -> (Int, Bool) in
            let mask = table.count - 1
            var i = Int(truncatingIfNeeded: key.a) & mask
            while table[i].number != 0 {
                if table[i].a == key.a && table[i].b == key.b { return (table[i].number, false) }
                i = (i + 1) & mask
            }
            let n = nextNumber(entity)
            table[i] = Slot(a: key.a, b: key.b, number: n)
            return (n, true)
        }
        if isNew {
            used += 1
            if 3 * used > 2 * slots.count { grow() }
        }
        return n
    }

    /// Doubles the table, placing every fingerprint again by its first word.
    private func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: 2 * old.count)
        slots.withUnsafeMutableBufferPointer { table in
            let mask = table.count - 1
            for s in old where s.number != 0 {
                var i = Int(truncatingIfNeeded: s.a) & mask
                while table[i].number != 0 { i = (i + 1) & mask }
                table[i] = s
            }
        }
    }

    /// The next number of `entity` (numbers start at 1).
    @inline(__always) private func nextNumber(_ entity: EntityType) -> Int {
        if let e = countedEntities.firstIndex(of: entity) {
            counts[e] += 1
            return counts[e]
        }
        countedEntities.append(entity)
        counts.append(1)
        return 1
    }
}

/// The textual form of placeholders: `[ENTITY_N]`. Restore parses the same form tolerantly.
public enum Placeholder {
    public static func text(entity: EntityType, number: Int) -> String {
        String(decoding: bytes(entity: entity, number: number), as: UTF8.self)
    }

    /// `[ENTITY_N]` as UTF-8 bytes, built without string interpolation.
    public static func bytes(entity: EntityType, number: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entity.name.utf8.count + 24)
        append(entity: entity, number: number, to: &out)
        return out
    }

    /// Appends `[ENTITY_N]` to `out` byte by byte, the number's digits from the highest.
    /// Appending the name through the generic sequence path and the digits as a
    /// `repeatElement` run to overwrite cost a reallocation-sized copy and two generic appends
    /// per redaction. (Making an array at its size with `Array(repeating:count:)` or
    /// `Array(unsafeUninitializedCapacity:)` cost more still: both looked the storage type up
    /// through the unspecialised runtime path, about 400 instructions a call. And no
    /// `reserveCapacity` here: it reserves exactly, so appending to a growing array would copy
    /// it every time.)
    public static func append(entity: EntityType, number: Int, to out: inout [UInt8]) {
        var magnitude = number.magnitude, divisor: UInt = 1
        while magnitude >= 10 { magnitude /= 10; divisor *= 10 }
        var name = entity.name
        name.withUTF8 { nameBytes in
            out.append(0x5B)
            for b in nameBytes { out.append(b) }
            out.append(0x5F)
            if number < 0 { out.append(0x2D) }
            var m = number.magnitude
            while divisor > 0 {
                out.append(0x30 + UInt8(m / divisor))
                m %= divisor
                divisor /= 10
            }
            out.append(0x5D)
        }
    }
}
