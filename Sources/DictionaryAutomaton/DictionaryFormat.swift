/// Layout of a compiled dictionary file (all integers little-endian).
///
/// ```
/// 0    magic        8  "\x89CVDICT\n" (the high byte and newline catch text-mode copies)
/// 8    version      4  5 (1: no word filters; 2: one-word terms in the key filter; 3: no
///                       second-word filter, hashed files without filters; 4: no key table)
/// 12   flags        4  bit 0: hashed
/// 16   foldVersion  4  TextFolding.version used by the builder
/// 20   maxDepth     4  longest folded term, bytes
/// 24   bodyLength   8  file length − 256
/// 32   bodyChecksum 8  Checksum64 of the body
/// 40   fingerprint  8  source fingerprint (staleness), given by the caller
/// 48   termCount    8  folded terms (spellings) indexed
/// 56   nodeCount    8  trie nodes (plain) or hash slots (hashed)
/// 64   valueCount   8  distinct values
/// 72   keyCheck     8  hashed: SipHashKey.checkValue of the salt key; plain: 0
/// 80   sections     9 × (offset 8, length 8), offsets relative to the body, 8-byte aligned
/// 224  reserved    24  zero
/// 248  headerChecksum 8  Checksum64 of bytes 0..<248
/// 256  body
/// ```
/// Plain sections: 0 nodes (UInt64 words; the root record is word 0; the children of a node are
/// one block: their labels, 8 per word, sorted, then their records; a record is block start
/// 32 bits | child count 8 bits | value+1 24 bits), 2 root (256 × UInt32: record of
/// the root's child per byte), 1 word filters (`FirstWordFilter`: the word counts of the
/// first-word, key and second-word filters as 3 UInt64, then the three filters), 3 pairs (65 536 × UInt32: record after two bytes), 4 value
/// offsets ((valueCount+1) × UInt64), 5 value bytes. Hashed sections: 0 slot hashes (UInt64),
/// 1 slot values (UInt32: value+1, 0 for a prefix), 2 word filters (as in plain files, salted
/// hashes), 4 and 5 as above. Section 6: the caller's
/// metadata (opaque bytes). Section 7: salt path (UTF-8) recorded for hashed files. Section 8:
/// plain files' key table (`KeyTable`; empty when no term has a key), empty in hashed files.
enum DictionaryFormat {
    static let magic: [UInt8] = [0x89, 0x43, 0x56, 0x44, 0x49, 0x43, 0x54, 0x0A]
    static let version: UInt32 = 5
    static let headerSize = 256
    static let sectionCount = 9
    static let headerChecksumOffset = 248
    static let flagHashed: UInt32 = 1
    /// Largest value index a node record can hold (24 bits, minus the "no value" zero).
    static let maxValues = (1 << 24) - 1
    /// Longest folded term accepted, bytes.
    static let maxTermLength = 1024

    enum Section: Int {
        case nodes = 0, labels, root, pairs, valueOffsets, valueBytes, metadata, saltPath, keyTable
        static let slotHashes = Section.nodes
        static let slotValues = Section.labels
        static let firstWordFilter = Section.labels
        static let hashedWordFilter = Section.root
    }
}

/// Why a dictionary could not be built or loaded. Messages are lower-case, name the file and
/// say what to do.
public struct DictionaryError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        case io, notADictionary, unsupportedVersion, truncated, corrupted, stale, wrongSalt, tooLarge, invalidInput
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
