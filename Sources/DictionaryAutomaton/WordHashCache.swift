/// A small direct-mapped cache, per `TextFolder`, from the raw bytes of a word that holds bytes
/// ≥ 0x80 (`Müller`, `réunion`, `Straße`) to what `scanWord` gives for it: its unfinished hash
/// and its number of folded bytes. `skipRejectedWords` then treats such a word like an ASCII
/// one (one look-up, no folding) instead of leaving its tight loop for `scanWord`.
///
/// An entry is only written for a *run* (bytes that are ASCII letters, digits or ≥ 0x80, between
/// ASCII non-word bytes) of at most 16 bytes that `scanWord` hashed whole as a simple word
/// (`isSimple`, ending exactly at the run's end). `scanWord`'s result for such a run depends
/// on its bytes only (it stops at the ASCII non-word byte after it), and an entry is compared
/// on all of them and on the length, so a hit is exact. The hash does not depend on the
/// dictionary (plain step hash of the folded bytes), so one folder may serve several.
///
/// Layout: `slots` entries of four UInt64: the run's first 8 bytes, its next 8 bytes (zero
/// padded), length | folded << 8 (0: empty), unfinished hash. 32 KiB.
enum WordHashCache {
    /// Number of entries (a power of two).
    static let slots = 1024
    /// UInt64 words of storage.
    static let wordCount = 4 * slots
    /// Longest run held, bytes.
    static let maxLength = 16

    /// The run of `length` (1 to 16) bytes at `start`, as two little-endian words, zero padded.
    /// Reads 16 bytes from `start`.
    @inline(__always)
    static func key(_ base: UnsafePointer<UInt8>, at start: Int, length: Int) -> (UInt64, UInt64) {
        let head = UInt64(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self))
        let tail = UInt64(littleEndian: UnsafeRawPointer(base + (start &+ 8)).loadUnaligned(as: UInt64.self))
        let headMask: UInt64 = length >= 8 ? ~0 : ~0 &>> UInt64(truncatingIfNeeded: 64 &- 8 &* length)
        let tailMask: UInt64 = length <= 8 ? 0 : ~0 &>> UInt64(truncatingIfNeeded: 128 &- 8 &* length)
        return (head & headMask, tail & tailMask)
    }

    /// The entry for a key.
    @inline(__always)
    static func entry(_ key: (UInt64, UInt64), in storage: UnsafeMutablePointer<UInt64>) -> UnsafeMutablePointer<UInt64> {
        let mixed = key.0 &* 0x9E37_79B9_7F4A_7C15 ^ key.1 &* 0xC2B2_AE3D_27D4_EB4F
        return storage + 4 &* Int(truncatingIfNeeded: mixed &>> 54)
    }

    /// The hash and folded length held for the run of `length` bytes at `start`, or nil.
    @inline(__always)
    static func lookUp(_ base: UnsafePointer<UInt8>, at start: Int, length: Int, in storage: UnsafeMutablePointer<UInt64>) -> (hash: UInt64, folded: Int)? {
        let key = key(base, at: start, length: length)
        let entry = entry(key, in: storage)
        guard entry[0] == key.0 && entry[1] == key.1 && entry[2] & 0xFF == UInt64(truncatingIfNeeded: length) else { return nil }
        return (entry[3], Int(truncatingIfNeeded: entry[2] &>> 8))
    }

    /// Records what `scanWord` gave for the run of `length` bytes at `start`.
    @inline(__always)
    static func insert(_ base: UnsafePointer<UInt8>, at start: Int, length: Int, hash: UInt64, folded: Int, in storage: UnsafeMutablePointer<UInt64>) {
        let key = key(base, at: start, length: length)
        let entry = entry(key, in: storage)
        entry[0] = key.0
        entry[1] = key.1
        entry[2] = UInt64(truncatingIfNeeded: length) | UInt64(truncatingIfNeeded: folded) &<< 8
        entry[3] = hash
    }
}
