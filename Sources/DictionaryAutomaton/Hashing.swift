/// Keyed SipHash-2-4 (Aumasson and Bernstein), 64-bit output: the salted hash of hashed
/// dictionaries. Also a fast unkeyed checksum for file bodies and source fingerprints.
public struct SipHashKey: Hashable, Sendable {
    public var k0: UInt64
    public var k1: UInt64

    public init(k0: UInt64, k1: UInt64) {
        self.k0 = k0
        self.k1 = k1
    }

    /// Derives a key from arbitrary salt bytes (for example the content of a salt file).
    public init(salt: [UInt8]) {
        let first = salt.withUnsafeBufferPointer { SipHash.hash($0, key: SipHashKey(k0: 0x6361_7669_6172_2d73, k1: 0x616c_742d_6b65_7930)) }
        let second = salt.withUnsafeBufferPointer { SipHash.hash($0, key: SipHashKey(k0: first, k1: 0x6b65_7931_6361_7669)) }
        self.init(k0: first, k1: second)
    }

    /// A value that identifies the key without revealing it (stored in hashed files so a wrong
    /// salt is refused instead of silently finding nothing).
    public var checkValue: UInt64 {
        let label = Array("caviar dictionary key check".utf8)
        return label.withUnsafeBufferPointer { SipHash.hash($0, key: self) }
    }
}

/// SipHash-2-4.
public enum SipHash {
    @inline(__always)
    static func rotl(_ value: UInt64, _ amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }

    /// The 64-bit SipHash-2-4 of `bytes` under `key`.
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>, key: SipHashKey) -> UInt64 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ key.k0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ key.k1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ key.k0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ key.k1
        @inline(__always) func round() {
            v0 = v0 &+ v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
            v2 = v2 &+ v3; v3 = rotl(v3, 16); v3 ^= v2
            v0 = v0 &+ v3; v3 = rotl(v3, 21); v3 ^= v0
            v2 = v2 &+ v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
        }
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            var word: UInt64 = 0
            for shift in 0..<8 { word |= UInt64(bytes[index + shift]) << (8 * UInt64(shift)) }
            v3 ^= word
            round(); round()
            v0 ^= word
            index += 8
        }
        var last = UInt64(truncatingIfNeeded: count) << 56
        var shift: UInt64 = 0
        while index < count {
            last |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        v3 ^= last
        round(); round()
        v0 ^= last
        v2 ^= 0xff
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }

    /// SipHash-2-4 of a byte array.
    public static func hash(_ bytes: [UInt8], key: SipHashKey) -> UInt64 {
        bytes.withUnsafeBufferPointer { hash($0, key: key) }
    }
}

/// A fast non-cryptographic 64-bit checksum (four multiply-rotate lanes over 8-byte words):
/// detects corruption and truncation of compiled files and changes of source lists.
public struct Checksum64 {
    var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0x85EB_CA77_C2B2_AE63)
    var length: UInt64 = 0
    var pending: [UInt8] = []

    public init() {}

    @inline(__always)
    static func mix(_ lane: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = (lane ^ word) &* 0x9FB2_1C65_1E98_DF25
        return (mixed << 29 | mixed >> 35) &+ word
    }

    /// Adds bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var start = 0
        if !pending.isEmpty {
            while pending.count < 32 && start < bytes.count {
                pending.append(bytes[start])
                start += 1
            }
            guard pending.count == 32 else { return }
            let block = pending
            pending.removeAll(keepingCapacity: true)
            block.withUnsafeBytes { consumeBlocks($0, from: 0, upTo: 32) }
        }
        let whole = start + (bytes.count - start) / 32 * 32
        consumeBlocks(bytes, from: start, upTo: whole)
        if whole < bytes.count { pending.append(contentsOf: bytes[whole...]) }
    }

    /// Adds bytes.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Adds an integer (little-endian).
    public mutating func update(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { update($0) }
    }

    mutating func consumeBlocks(_ bytes: UnsafeRawBufferPointer, from start: Int, upTo end: Int) {
        var (a, b, c, d) = lanes
        var index = start
        while index < end {
            a = Self.mix(a, bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            b = Self.mix(b, bytes.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self))
            c = Self.mix(c, bytes.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self))
            d = Self.mix(d, bytes.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self))
            index += 32
        }
        lanes = (a, b, c, d)
        length &+= UInt64(end - start)
    }

    /// The checksum of everything added.
    public func finalize() -> UInt64 {
        var (a, b, c, d) = lanes
        for (position, byte) in pending.enumerated() {
            switch position % 4 {
            case 0: a = Self.mix(a, UInt64(byte) | 0x100)
            case 1: b = Self.mix(b, UInt64(byte) | 0x100)
            case 2: c = Self.mix(c, UInt64(byte) | 0x100)
            default: d = Self.mix(d, UInt64(byte) | 0x100)
            }
        }
        var result = (length &+ UInt64(pending.count)) &* 0x9E37_79B9_7F4A_7C15
        for lane in [a, b, c, d] {
            result = Self.mix(result, lane)
        }
        result ^= result >> 31
        result &*= 0xBF58_476D_1CE4_E5B9
        result ^= result >> 27
        return result
    }

    /// The checksum of one buffer.
    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var checksum = Checksum64()
        checksum.update(bytes)
        return checksum.finalize()
    }
}
