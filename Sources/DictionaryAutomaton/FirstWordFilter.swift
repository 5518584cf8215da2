/// A blocked Bloom filter over the first words of the terms of a plain dictionary.
///
/// A match can only start at a word whose folded bytes equal the first word of some term (the
/// term's first word ends at a non-word byte, so it must end where the text's word ends). The
/// scan hashes each word of the text while it steps over it and walks the trie only when the
/// filter admits the word: most words of ordinary text are rejected with one look-up in a table
/// small enough to stay in cache, instead of two or three cache misses in the trie.
///
/// Layout: a power-of-two number of 64-bit words; a first word sets two bits of one word (the
/// word chosen by the high bits of its hash, the bits by the low 12 bits). About 16 bits per
/// first word: 1 to 2 % of other words get through, never a first word of a term.
enum FirstWordFilter {
    /// FNV-1a 64 offset basis: the hash of the empty word before `finish`.
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325

    /// Adds one folded byte to the hash (FNV-1a 64).
    @inline(__always)
    static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    /// Mixes the hash of a whole word (MurmurHash3's 64-bit finaliser).
    @inline(__always)
    static func finish(_ hash: UInt64) -> UInt64 {
        var value = hash
        value ^= value >> 33
        value &*= 0xFF51_AFD7_ED55_8CCD
        value ^= value >> 33
        value &*= 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 33
        return value
    }

    /// The hash of a folded word.
    static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        finish(bytes.reduce(seed, step))
    }

    /// Number of 64-bit words for `firstWords` distinct first words (a power of two, at least 64).
    static func wordCount(forFirstWords firstWords: Int) -> Int {
        var count = 64
        while count < firstWords / 4 + 1 { count *= 2 }
        return count
    }

    /// The shift that takes a hash to a word index, for a power-of-two `wordCount`.
    static func shift(wordCount: Int) -> UInt64 {
        UInt64(64 - (Int.bitWidth - 1 - wordCount.leadingZeroBitCount))
    }

    @inline(__always)
    static func mask(_ finished: UInt64) -> UInt64 {
        (1 << (finished & 63)) | (1 << ((finished >> 6) & 63))
    }

    static func insert(_ finished: UInt64, into words: inout [UInt64], shift: UInt64) {
        words[Int(truncatingIfNeeded: finished >> shift)] |= mask(finished)
    }

    @inline(__always)
    static func contains(_ finished: UInt64, words: UnsafePointer<UInt64>, shift: UInt64) -> Bool {
        let bits = mask(finished)
        return words[Int(truncatingIfNeeded: finished >> shift)] & bits == bits
    }
}
