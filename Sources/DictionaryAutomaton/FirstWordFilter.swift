/// Blocked Bloom filters that let the scan skip words at which no term can start.
///
/// A term can only match at a word whose folded bytes equal the term's first word (the term's
/// first word ends at a non-word byte, so it must end where the text's word ends); and, if the
/// term has more words, only when the text's separator and second word equal the term's too.
/// The scan hashes each word while it steps over it and asks the small `firstWords` filter,
/// which also says whether the word may be a whole one-word term (two more bits in the same
/// 64-bit word). For a first word that is not a whole term it hashes the text up to the end of
/// the next word and asks the `keys` filter, which holds every longer term's *key*: its bytes
/// up to the end of its second word. Only then is the trie walked. Ordinary words cost one
/// look-up in a table that stays in cache instead of a few cache misses in the trie, and words
/// that start a term only when followed by the right second word cost one more.
///
/// Each filter is an array of 64-bit words; an entry sets two bits of one word (the word chosen
/// by the high bits of its finished hash, the bits by the low 12 bits). There are no false
/// negatives; 16 bits an entry let about 2 % of other inputs through, 32 bits well under 1 %.
/// The first-word and second-word filters take 32 bits an entry, the key filter 16: every word
/// of a text meets the first-word filter, and a frequent word it admits by mistake costs the
/// second-word test at every occurrence (on the 100 k-term benchmark 32 bits measured 3 to 11 %
/// faster than 16, 48 no faster; 8 bits a first word measured 5 to 10 % slower than 16, 8 bits a
/// key no faster). The reader takes the sizes from the file.
///
/// A third filter holds the *second words* of longer terms (the bytes after the separator up
/// to the next non-word byte): the key is looked up only when the text's next word may be one.
/// That filter is about as small as the first-word one, while the key filter (one entry a
/// longer term) is too large to stay in cache: ordinary words after a first name no longer
/// cost a cache miss each.
///
/// Stored as one section: word counts of `firstWords`, `keys` and `secondWords` (UInt64 each),
/// then the three filters. Hashed dictionaries store the same filters with salted hashes
/// (`finish(_:salt:)`).
enum FirstWordFilter {
    /// The hash of nothing.
    static let seed: UInt64 = 0

    /// Adds one folded byte to the hash. Words of up to 8 bytes are packed exactly (folded bytes
    /// are never 0); longer ones wrap around. `finish` mixes the bits.
    @inline(__always)
    static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        ((hash << 8) | (hash >> 56)) ^ UInt64(byte)
    }

    /// Mixes a hash: one multiplication (the high half then depends on every bit) folded onto
    /// the low half, which chooses the bits. Half the latency of MurmurHash3's finaliser, on
    /// the path of every word of the text.
    @inline(__always)
    static func finish(_ hash: UInt64) -> UInt64 {
        let value = (hash ^ (hash >> 31)) &* 0x9E37_79B9_7F4A_7C15
        return value ^ (value >> 32)
    }

    /// Whitening words derived from a hashed dictionary's salt key: its filters hold
    /// `finish(hash, salt:)`, so that without the salt nobody can test a word against them.
    struct Salt {
        var inner: UInt64
        var outer: UInt64

        init(key: SipHashKey) {
            inner = SipHash.hash(Array("caviar word filter inner".utf8), key: key)
            outer = SipHash.hash(Array("caviar word filter outer".utf8), key: key)
        }
    }

    /// The salted finish of hashed dictionaries: the step hash whitened with the salt's words
    /// around two rounds of `finish` (a cheap keyed mix, not a cryptographic one; the filters
    /// hold two bits a word and admit a few other words in a thousand anyway).
    @inline(__always)
    static func finish(_ hash: UInt64, salt: Salt) -> UInt64 {
        finish(finish(hash ^ salt.inner) ^ salt.outer)
    }

    /// The finished hash of folded bytes.
    static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        finish(bytes.reduce(seed, step))
    }

    /// The two bits, in a first word's filter word, that say the word is also a whole term.
    @inline(__always)
    static func wholeTermMask(_ finished: UInt64) -> UInt64 {
        (1 << ((finished >> 12) & 63)) | (1 << ((finished >> 18) & 63))
    }

    /// What the first-word filter holds for a finished first-word hash: whether it may be the
    /// first word of a term, and whether it may be a whole (one-word) term. One look-up.
    @inline(__always)
    static func lookUp(_ finished: UInt64, words: UnsafePointer<UInt64>, count: UInt64) -> (isFirstWord: Bool, isWholeTerm: Bool) {
        let word = words[index(finished, count: count)]
        let first = mask(finished)
        let whole = wholeTermMask(finished)
        return (word & first == first, word & whole == whole)
    }

    /// Number of 64-bit words for `entries` entries at `bitsPerEntry` (at least 8).
    static func wordCount(entries: Int, bitsPerEntry: Int) -> Int {
        max(8, (entries * bitsPerEntry + 63) / 64)
    }

    /// The word of a finished hash in a filter of `count` words (multiply-shift of the high 32
    /// bits, so any count works; the low 12 bits choose the bits).
    @inline(__always)
    static func index(_ finished: UInt64, count: UInt64) -> Int {
        Int(truncatingIfNeeded: ((finished >> 32) &* count) >> 32)
    }

    @inline(__always)
    static func mask(_ finished: UInt64) -> UInt64 {
        (1 << (finished & 63)) | (1 << ((finished >> 6) & 63))
    }

    /// A filter holding `hashes` (finished, mostly distinct), and `wholeTerms` marked with
    /// `wholeTermMask` in the same words, sized at `bitsPerEntry` bits each.
    static func build(_ hashes: [UInt64], wholeTerms: [UInt64] = [], bitsPerEntry: Int, entries: Int? = nil) -> [UInt64] {
        let count = wordCount(entries: entries ?? (hashes.count + wholeTerms.count), bitsPerEntry: bitsPerEntry)
        var words = [UInt64](repeating: 0, count: count)
        for hash in hashes { words[index(hash, count: UInt64(count))] |= mask(hash) }
        for hash in wholeTerms { words[index(hash, count: UInt64(count))] |= wholeTermMask(hash) }
        return words
    }

    /// Whether the filter `words` (`count` words) may hold `finished`.
    @inline(__always)
    static func contains(_ finished: UInt64, words: UnsafePointer<UInt64>, count: UInt64) -> Bool {
        let bits = mask(finished)
        return words[index(finished, count: count)] & bits == bits
    }
}
