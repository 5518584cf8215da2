/// The one folding table shared by the dictionary builder and the scanner.
///
/// Folding works on UTF-8 bytes, one code point at a time, and never needs the whole text:
/// * ASCII letters are lower-cased; digits stay; `'` and `` ` `` become `'`; every other ASCII byte
///   (punctuation, hyphen, control characters, whitespace) becomes a space.
/// * U+0080–U+07FF (Latin-1, Latin Extended-A/B, IPA, Greek, Cyrillic, …), U+1E00–U+206F (Latin
///   Extended Additional, Greek Extended, general punctuation) and the full-width forms go through
///   a generated table (FoldTable.swift): case folding, diacritics removed (é→e, ä→a, ø→o, ł→l,
///   đ→d, Ё→е; й stays й), ligatures and special letters spelled out (ß→ss, æ→ae, œ→oe, þ→th),
///   combining marks, soft hyphens and zero-width characters dropped, typographic apostrophes
///   (’ ʼ ‘ ´) become `'`, dashes (‐ – —), no-break and other spaces and punctuation become a space.
/// * Other 3- and 4-byte code points (CJK, emoji, …) and invalid UTF-8 bytes pass through unchanged.
/// * A run of spaces (after folding) is one space.
///
/// In folded text a *word byte* is `[a-z0-9]` or any byte ≥ 0x80 (so an unfolded letter, or a
/// Latin-1 byte in a mis-encoded file, still glues a word together: `Müller` never matches `ller`).
/// Space and `'` separate words, which is what lets `Orion's`, `d'Orion` and `l'Orion` match `orion`.
///
/// German and Nordic spellings: the text side folds ä→a, ö→o, ü→u, ø→o, å→a only. The term side
/// (`termVariants`) indexes both spellings: `Müller` is indexed as `muller` and `mueller`, and a
/// term written `Mueller` is also indexed as `muller`. So Müller, Mueller and Muller all meet.
/// The cost is confined to terms containing a digraph: `Michael` also matches `Michal`, `Joel`
/// matches `Jol`; ordinary text is never rewritten (see `termVariants`).
public enum TextFolding {
    /// Version of the folding rules; part of every compiled dictionary's fingerprint, so a change
    /// of rules makes old compiled files stale.
    public static let version: UInt32 = 1

    /// Whether a folded byte belongs to a word (`[a-z0-9]` or ≥ 0x80).
    @inline(__always)
    public static func isWordByte(_ byte: UInt8) -> Bool {
        wordTable[Int(byte)] != 0
    }

    /// `wordTable` and `asciiTable` as permanent raw pointers for the hot loops.
    nonisolated(unsafe) static let wordPointer: UnsafePointer<UInt8> = permanentCopy(wordTable)
    nonisolated(unsafe) static let asciiPointer: UnsafePointer<UInt8> = permanentCopy(asciiTable)
    /// Per original byte: 0 for ASCII that folds to a non-word byte, 1 for ASCII that folds to a
    /// word byte, 2 for any byte ≥ 0x80 (fold the code point to know).
    nonisolated(unsafe) static let originalKindPointer: UnsafePointer<UInt8> = permanentCopy((0..<256).map { byte in
        byte >= 0x80 ? 2 : wordTable[Int(asciiTable[byte])]
    })

    /// Per original byte: the folded byte for ASCII that folds to a word byte, 0 for ASCII that
    /// folds to a space or an apostrophe, 0xFF for bytes ≥ 0x80 (fold the code point to know).
    nonisolated(unsafe) static let wordFoldPointer: UnsafePointer<UInt8> = permanentCopy((0..<256).map { byte in
        byte >= 0x80 ? 0xFF : wordTable[Int(asciiTable[byte])] != 0 ? asciiTable[byte] : 0
    })

    /// `table0080` (folded UTF-8 of U+0080..<U+0800) as a permanent raw pointer.
    nonisolated(unsafe) static let latinPointer: UnsafePointer<UInt32> = permanentCopy(table0080)

    static func permanentCopy<Element>(_ table: [Element]) -> UnsafePointer<Element> {
        let pointer = UnsafeMutablePointer<Element>.allocate(capacity: table.count)
        pointer.initialize(from: table, count: table.count)
        return UnsafePointer(pointer)
    }

    /// 1 for word bytes of folded text, 0 otherwise.
    static let wordTable: [UInt8] = (0..<256).map { byte in
        (byte >= 0x80 || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)) ? 1 : 0
    }

    /// Folds a whole text: the same bytes a scanner sees. Runs of spaces become one space;
    /// nothing is trimmed.
    public static func fold(_ bytes: [UInt8]) -> [UInt8] {
        let folder = TextFolder(capacity: 2 * bytes.count + 16)
        bytes.withUnsafeBufferPointer { input in
            var position = 0
            while position < input.count {
                position = folder.fold(input, from: position, to: min(input.count, position + 65_536), isFinal: true)
            }
        }
        return Array(folder.bytes)
    }

    /// Folds a text given as a `String` (its UTF-8 bytes).
    public static func fold(_ text: String) -> [UInt8] {
        fold(Array(text.utf8))
    }

    /// Folds a dictionary term: `fold`, then leading and trailing spaces and apostrophes removed.
    /// An empty result means the term folds to nothing and cannot be matched.
    public static func foldTerm(_ bytes: [UInt8]) -> [UInt8] {
        let folded = fold(bytes)
        var lower = 0
        var upper = folded.count
        while lower < upper, folded[lower] == 0x20 || folded[lower] == 0x27 { lower += 1 }
        while upper > lower, folded[upper - 1] == 0x20 || folded[upper - 1] == 0x27 { upper -= 1 }
        return Array(folded[lower..<upper])
    }

    /// Folds one code point starting at `input[index]`.
    ///
    /// Returns the number of input bytes consumed (0 when the sequence is cut by `end` and
    /// `isFinal` is false: the caller must supply more input) and the folded bytes packed as
    /// `count << 24 | b2 << 16 | b1 << 8 | b0`; a count of 4 means "pass the consumed bytes through".
    @inline(__always)
    static func foldCodePoint(_ input: UnsafeBufferPointer<UInt8>, at index: Int, end: Int, isFinal: Bool) -> (consumed: Int, entry: UInt32) {
        let lead = input[index]
        if lead < 0x80 {
            return (1, 1 << 24 | UInt32(asciiTable[Int(lead)]))
        }
        let available = end - index
        if lead >= 0xC2 && lead <= 0xDF {
            guard available >= 2 else { return isFinal ? (1, passThrough) : (0, 0) }
            let second = input[index + 1]
            guard second & 0xC0 == 0x80 else { return (1, passThrough) }
            let scalar = Int(lead & 0x1F) << 6 | Int(second & 0x3F)
            return (2, table0080[scalar - 0x80])
        }
        if lead >= 0xE0 && lead <= 0xEF {
            guard available >= 3 else {
                if isFinal { return (1, passThrough) }
                // Only wait for more input when what is there could still become valid.
                if available == 2 && !isValidSecond3(lead, input[index + 1]) { return (1, passThrough) }
                return (0, 0)
            }
            let second = input[index + 1]
            let third = input[index + 2]
            guard isValidSecond3(lead, second), third & 0xC0 == 0x80 else { return (1, passThrough) }
            let scalar = Int(lead & 0x0F) << 12 | Int(second & 0x3F) << 6 | Int(third & 0x3F)
            switch scalar {
            case 0x1E00..<0x2070: return (3, table1E00[scalar - 0x1E00])
            case 0xFF00..<0xFF60: return (3, tableFF00[scalar - 0xFF00])
            case 0x2212, 0x3000: return (3, 1 << 24 | 0x20)
            case 0xFEFF: return (3, 0)
            default: return (3, passThrough)
            }
        }
        if lead >= 0xF0 && lead <= 0xF4 {
            guard available >= 4 else {
                if isFinal { return (1, passThrough) }
                if available >= 2 && !isValidSecond4(lead, input[index + 1]) { return (1, passThrough) }
                if available == 3 && input[index + 2] & 0xC0 != 0x80 { return (1, passThrough) }
                return (0, 0)
            }
            guard isValidSecond4(lead, input[index + 1]), input[index + 2] & 0xC0 == 0x80, input[index + 3] & 0xC0 == 0x80 else {
                return (1, passThrough)
            }
            return (4, passThrough)
        }
        return (1, passThrough)
    }

    /// Entry meaning "copy the consumed input bytes unchanged".
    static let passThrough: UInt32 = 4 << 24

    @inline(__always)
    static func isValidSecond3(_ lead: UInt8, _ second: UInt8) -> Bool {
        guard second & 0xC0 == 0x80 else { return false }
        if lead == 0xE0 { return second >= 0xA0 }
        if lead == 0xED { return second < 0xA0 }
        return true
    }

    @inline(__always)
    static func isValidSecond4(_ lead: UInt8, _ second: UInt8) -> Bool {
        guard second & 0xC0 == 0x80 else { return false }
        if lead == 0xF0 { return second >= 0x90 }
        if lead == 0xF4 { return second < 0x90 }
        return true
    }
}

/// A streaming folder: folds input piece by piece into its own buffer and remembers, for every
/// folded byte, the original byte offset of the code point it came from.
///
/// A match over folded bytes `i..<j` covers the original bytes `origin(i)..<end(j)`; when `j` is
/// the folded count, the caller supplies the end (the offset where folding stopped). Code points
/// that fold to nothing (combining marks, zero-width characters, collapsed spaces) are thus part
/// of the span before the next folded byte.
public final class TextFolder {
    /// Folded bytes produced since the last `reset`.
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: folded, count: count) }
    /// Number of folded bytes.
    public private(set) var count = 0
    /// The original offset that `origin` values are relative to.
    public private(set) var base = 0
    /// The last folded byte emitted (or given to `reset`): decides space collapsing and whether
    /// the next byte starts a word.
    public private(set) var previous: UInt8 = 0x20

    var folded: UnsafeMutablePointer<UInt8>
    var origins: UnsafeMutablePointer<UInt32>
    /// Folded indices of word starts (a word byte after a non-word byte), recorded while folding
    /// so that a scanner jumps from word to word without re-reading the bytes.
    var starts: UnsafeMutablePointer<UInt32>
    /// Number of entries in `starts`.
    public private(set) var startCount = 0
    var capacity: Int
    /// Scratch space of `TextFolding.forEachTermVariant`.
    var variantSpelling: [UInt8] = []
    var variantProduced: [UInt8] = []
    var variantRanges: [Range<Int>] = []

    /// Creates a folder with room for `capacity` folded bytes (it grows when needed).
    public init(capacity: Int = 1 << 16) {
        self.capacity = max(16, capacity)
        folded = .allocate(capacity: self.capacity)
        origins = .allocate(capacity: self.capacity)
        starts = .allocate(capacity: self.capacity)
    }

    deinit {
        folded.deallocate()
        origins.deallocate()
        starts.deallocate()
        wordHashStorage?.deallocate()
    }

    /// The storage of `WordHashCache` (the plain scan's cache of words with bytes ≥ 0x80),
    /// allocated on first use.
    var wordHashStorage: UnsafeMutablePointer<UInt64>?

    /// `wordHashStorage`, allocated and zeroed if needed.
    var wordHashes: UnsafeMutablePointer<UInt64> {
        if let storage = wordHashStorage { return storage }
        let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: WordHashCache.wordCount)
        storage.initialize(repeating: 0, count: WordHashCache.wordCount)
        wordHashStorage = storage
        return storage
    }

    /// The folded index of word start number `index` (`0..<startCount`).
    @inline(__always)
    public func wordStart(_ index: Int) -> Int {
        Int(starts[index])
    }

    /// Empties the buffer. `base` is the original offset of the next input; `previous` the folded
    /// byte before it (a space at the start of a text).
    public func reset(base: Int, previous: UInt8 = 0x20) {
        count = 0
        startCount = 0
        self.base = base
        self.previous = previous
    }

    /// The original byte offset of the code point that produced folded byte `index`.
    @inline(__always)
    public func origin(_ index: Int) -> Int {
        base + Int(origins[index])
    }

    /// Folds `input[start..<end]` and appends the result. Returns the offset where folding
    /// stopped: `end`, or earlier when a UTF-8 sequence is cut by `end` and `isFinal` is false
    /// (feed it again with more input). Invalid bytes pass through unchanged.
    @discardableResult
    public func fold(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, isFinal: Bool) -> Int {
        precondition(start >= base && end <= input.count && start <= end, "fold range out of bounds")
        reserve(count + 2 * (end - start) + 4)
        // Locals: class properties would cost an exclusivity check per byte.
        let folded = self.folded
        let origins = self.origins
        let starts = self.starts
        let base = self.base
        var index = start
        var out = count
        var startsOut = startCount
        var last = previous
        // Raw pointers to the tables: closures over `withUnsafeBufferPointer` would box the
        // loop's variables.
        let word = TextFolding.wordPointer
        let ascii = TextFolding.asciiPointer
        do {
            while index < end {
                let lead = input[index]
                if lead < 0x80 {
                    // Branch-free: always store, advance unless this is a repeated space.
                    let byte = ascii[Int(lead)]
                    folded[out] = byte
                    origins[out] = UInt32(truncatingIfNeeded: index &- base)
                    starts[startsOut] = UInt32(truncatingIfNeeded: out)
                    startsOut &+= Int(word[Int(byte)] & ~word[Int(last)])
                    out &+= (byte != 0x20 || last != 0x20) ? 1 : 0
                    last = byte
                    index &+= 1
                    continue
                }
                let (consumed, entry) = TextFolding.foldCodePoint(input, at: index, end: end, isFinal: isFinal)
                if consumed == 0 { break }
                let origin = UInt32(truncatingIfNeeded: index &- base)
                let length = Int(entry >> 24)
                if length == 4 {
                    for offset in 0..<consumed {
                        let byte = input[index + offset]
                        folded[out] = byte
                        origins[out] = origin
                        starts[startsOut] = UInt32(truncatingIfNeeded: out)
                        startsOut &+= Int(word[Int(byte)] & ~word[Int(last)])
                        out &+= 1
                        last = byte
                    }
                } else {
                    var packed = entry
                    for _ in 0..<length {
                        let byte = UInt8(truncatingIfNeeded: packed)
                        packed >>= 8
                        if byte == 0x20 && last == 0x20 { continue }
                        folded[out] = byte
                        origins[out] = origin
                        starts[startsOut] = UInt32(truncatingIfNeeded: out)
                        startsOut &+= Int(word[Int(byte)] & ~word[Int(last)])
                        out &+= 1
                        last = byte
                    }
                }
                index &+= consumed
            }
        }
        count = out
        startCount = startsOut
        previous = last
        return index
    }

    func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let newFolded = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        let newOrigins = UnsafeMutablePointer<UInt32>.allocate(capacity: newCapacity)
        let newStarts = UnsafeMutablePointer<UInt32>.allocate(capacity: newCapacity)
        newFolded.update(from: folded, count: count)
        newOrigins.update(from: origins, count: count)
        newStarts.update(from: starts, count: startCount)
        folded.deallocate()
        origins.deallocate()
        starts.deallocate()
        folded = newFolded
        origins = newOrigins
        starts = newStarts
        capacity = newCapacity
    }
}
