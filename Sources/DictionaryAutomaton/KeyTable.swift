/// An exact table from a term's *key* to the trie node it leads to, so that the scan of a
/// typical name skips the trie walk over its first two words (a cache miss at almost every
/// level of a large trie) for one look-up.
///
/// A key here is a folded first word of 1 to 8 bytes, one space, and a second word of 1 to 8
/// bytes that ends the term or is followed by a non-word byte (`jean dupont`, also the key of
/// `jean dupont martin`); the table also holds every first word of 1 to 8 bytes alone (second
/// word 0), so that a walk from a word that may be a whole term starts after that word. Words of up to 8 bytes are exactly their `FirstWordFilter` step hash
/// (the bytes packed, first byte highest; folded bytes are never 0), so a slot holds both words
/// as two 64-bit numbers and is compared exactly: no false positive, and a key that is not in
/// the table starts no term of two or more words.
///
/// Stored as one section: the slot count (UInt64), then per slot three UInt64:
/// first word, second word (0 and 0 for an empty slot; a first word alone has second word 0) and the node's record (as in the trie).
/// Open addressing with linear probing, two thirds full (the first slot is chosen by a
/// multiply-shift, so any slot count works: no power of two doubling the file). Plain
/// dictionaries only.
enum KeyTable {
    /// Longest word, in folded bytes, that a key holds.
    static let maxWordLength = 8

    /// The first slot to probe for a key in a table of `count` slots.
    @inline(__always)
    static func slot(_ first: UInt64, _ second: UInt64, count: Int) -> Int {
        let hash = FirstWordFilter.finish(first &* 0x9E37_79B9_7F4A_7C15 ^ second)
        return Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(truncatingIfNeeded: count)).high)
    }

    /// The length of a folded term's key (bytes up to the end of its second word), or 0 when its
    /// beginning does not have the shape of a key.
    static func keyLength(_ bytes: UnsafePointer<UInt8>, count: Int, word: UnsafePointer<UInt8> = TextFolding.wordPointer) -> Int {
        var index = 0
        while index < count && word[Int(bytes[index])] != 0 { index += 1 }
        guard index >= 1, index <= maxWordLength, index + 1 < count, bytes[index] == 0x20 else { return 0 }
        let start = index + 1
        index = start
        while index < count && word[Int(bytes[index])] != 0 { index += 1 }
        guard index > start, index - start <= maxWordLength else { return 0 }
        return index
    }

    /// The length of a folded term's first word when it is 1 to 8 bytes, else 0.
    static func firstWordLength(_ bytes: UnsafePointer<UInt8>, count: Int, word: UnsafePointer<UInt8> = TextFolding.wordPointer) -> Int {
        var index = 0
        while index < count && index <= maxWordLength && word[Int(bytes[index])] != 0 { index += 1 }
        return index <= maxWordLength ? index : 0
    }

    /// The packed words of a key of `length` bytes (from `keyLength`), or of a first word alone
    /// (`firstWordLength`; second word 0).
    static func words(_ bytes: UnsafePointer<UInt8>, length: Int) -> (first: UInt64, second: UInt64) {
        var first = FirstWordFilter.seed
        var index = 0
        while index < length && bytes[index] != 0x20 {
            first = FirstWordFilter.step(first, bytes[index])
            index += 1
        }
        var second = FirstWordFilter.seed
        guard index < length else { return (first, 0) }
        for offset in (index + 1)..<length { second = FirstWordFilter.step(second, bytes[offset]) }
        return (first, second)
    }

    /// The section for `keys` (distinct packed words, each with its node in `records`).
    static func build(_ keys: [(first: UInt64, second: UInt64, node: Int)], records: [UInt64]) -> [UInt64] {
        guard !keys.isEmpty else { return [] }
        let slots = keys.count + keys.count / 2 + 1
        var table = [UInt64](repeating: 0, count: 1 + 3 * slots)
        table[0] = UInt64(slots)
        // In batches: first every key's home slot and node record are read (independent loads,
        // so their cache misses overlap), then the keys are inserted into warm slots.
        let batch = 16
        var homes = [Int](repeating: 0, count: batch)
        var nodeRecords = [UInt64](repeating: 0, count: batch)
        var warmth: UInt64 = 0
        table.withUnsafeMutableBufferPointer { buffer in
            guard let words = buffer.baseAddress.map({ $0 + 1 }) else { return }
            var lower = 0
            while lower < keys.count {
                let upper = min(lower + batch, keys.count)
                for index in lower..<upper {
                    let key = keys[index]
                    let home = Self.slot(key.first, key.second, count: slots)
                    homes[index - lower] = home
                    nodeRecords[index - lower] = records[key.node]
                    warmth &+= words[3 * home]
                }
                for index in lower..<upper {
                    let key = keys[index]
                    var slot = homes[index - lower]
                    while words[3 * slot] != 0 {
                        if words[3 * slot] == key.first && words[3 * slot + 1] == key.second { break }
                        slot = slot + 1 == slots ? 0 : slot + 1
                    }
                    words[3 * slot] = key.first
                    words[3 * slot + 1] = key.second
                    words[3 * slot + 2] = nodeRecords[index - lower]
                }
                lower = upper
            }
        }
        // Never true (slot words are packed words or 0, far below this): keeps the reads.
        if warmth == UInt64.max { table[0] = table[0] }
        return table
    }

    /// The record stored for a key, or nil. `slots` points at the first of `count` slots (at
    /// least 1); gives up after `count` probes (a damaged file with no empty slot).
    @inline(__always)
    static func record(_ first: UInt64, _ second: UInt64, slots: UnsafePointer<UInt64>, count: Int) -> UInt64? {
        var slot = Self.slot(first, second, count: count)
        var probes = 0
        while probes < count {
            let entry = slots + 3 * slot
            let stored = entry[0]
            if stored == first && entry[1] == second { return entry[2] }
            if stored == 0 { return nil }
            slot = slot + 1 == count ? 0 : slot + 1
            probes += 1
        }
        return nil
    }
}
