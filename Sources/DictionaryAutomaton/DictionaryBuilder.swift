#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects folded terms with their values and compiles them into the binary format that
/// `DictionaryAutomaton` maps and scans.
///
/// Terms must already be folded (`TextFolding.foldTerm` / `termVariants`): the builder indexes
/// bytes as given. A value is an opaque byte string (the caller's entity and identity); equal
/// values are stored once. When the same term is added twice, the first value wins.
public struct DictionaryBuilder {
    /// How the compiled file stores its terms.
    public enum Mode: Sendable {
        /// A trie of folded terms: fastest; the terms can be read from the file.
        case plain
        /// Salted 64-bit SipHash-2-4 of every term and of its word prefixes: the list cannot be
        /// read back without guessing candidates and knowing the salt. `saltPath` is recorded
        /// in the file so that a loader can find the salt again (it may be empty).
        case hashed(key: SipHashKey, saltPath: String)
    }

    var termBytes: [UInt8] = []
    var termStarts: [UInt32] = []
    var termLengths: [UInt16] = []
    var termValues: [UInt32] = []
    /// The values, end to end, and the offset after each (`valueEnds[i]`; value 0 starts at 0):
    /// one flat array instead of an array per value.
    var valueBytes: [UInt8] = []
    var valueEnds: [UInt64] = []
    var valueIndex: [ValueKey: UInt32] = [:]
    /// `addUnique`'s open-addressing table: per slot the term index + 1 (0 empty) in the low 32
    /// bits and the high 32 bits of the term's hash above, sized at most half full.
    var uniqueSlots: [UInt64] = []
    var uniqueCount = 0
    /// The terms' sorted order, kept by `duplicates()` for the build (nil once a term is added).
    var cachedOrder: [UInt32]?
    /// From this many spellings on, independent build stages run on two threads (tests set it
    /// to compare both ways).
    var concurrentStagesFrom = 50_000

    /// A value as a dictionary key, hashed in one call (hashing `[UInt8]` goes byte by byte).
    struct ValueKey: Hashable {
        var bytes: [UInt8]

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    /// Opaque bytes stored with the dictionary for the caller (for example which entities it
    /// holds and which sources it came from); read back with `DictionaryAutomaton.metadata`.
    public var metadata: [UInt8] = []

    /// Creates an empty builder.
    public init() {}

    /// Number of terms added (duplicates included).
    public var termCount: Int { termStarts.count }

    /// Stores a value without interning (the fast path for callers whose values are distinct,
    /// such as one identity per term); returns its index for `add(folded:valueIndex:)`.
    public mutating func appendValue(_ value: [UInt8]) throws -> Int {
        guard valueEnds.count < DictionaryFormat.maxValues else {
            throw DictionaryError(.tooLarge, "more than \(DictionaryFormat.maxValues) distinct values")
        }
        valueBytes.append(contentsOf: value)
        valueEnds.append(UInt64(valueBytes.count))
        return valueEnds.count - 1
    }

    /// `appendValue` for the value `head` followed by `tail`, without joining them first.
    public mutating func appendValue(_ head: [UInt8], _ tail: UnsafeBufferPointer<UInt8>) throws -> Int {
        guard valueEnds.count < DictionaryFormat.maxValues else {
            throw DictionaryError(.tooLarge, "more than \(DictionaryFormat.maxValues) distinct values")
        }
        valueBytes.append(contentsOf: head)
        valueBytes.append(contentsOf: tail)
        valueEnds.append(UInt64(valueBytes.count))
        return valueEnds.count - 1
    }

    /// Appends the terms and values of `other` after those of this builder, as if they had been
    /// added here in the same order (value indices renumbered): parts of one list built apart,
    /// on several threads, joined in order. Neither builder may use `addUnique` or
    /// `add(folded:value:)` (their tables are not joined).
    public mutating func append(contentsOf other: DictionaryBuilder) throws {
        guard uniqueCount == 0, other.uniqueCount == 0, valueIndex.isEmpty, other.valueIndex.isEmpty else {
            throw DictionaryError(.invalidInput, "builders that remove duplicate terms or values cannot be joined")
        }
        guard valueEnds.count + other.valueEnds.count <= DictionaryFormat.maxValues else {
            throw DictionaryError(.tooLarge, "more than \(DictionaryFormat.maxValues) distinct values")
        }
        guard termBytes.count + other.termBytes.count < Int(UInt32.max) else {
            throw DictionaryError(.tooLarge, "the terms total more than 4 GiB")
        }
        cachedOrder = nil
        let byteBase = UInt32(termBytes.count)
        let valueBase = UInt32(valueEnds.count)
        let valueByteBase = UInt64(valueBytes.count)
        termStarts.append(contentsOf: other.termStarts.lazy.map { $0 &+ byteBase })
        termLengths.append(contentsOf: other.termLengths)
        termValues.append(contentsOf: other.termValues.lazy.map { $0 &+ valueBase })
        termBytes.append(contentsOf: other.termBytes)
        valueEnds.append(contentsOf: other.valueEnds.lazy.map { $0 &+ valueByteBase })
        valueBytes.append(contentsOf: other.valueBytes)
    }

    /// Reserves room for about `terms` terms of `bytes` folded bytes in all (and, when `unique`,
    /// `addUnique`'s table for as many).
    public mutating func reserveCapacity(terms: Int, bytes: Int, unique: Bool = true) {
        termBytes.reserveCapacity(bytes)
        termStarts.reserveCapacity(terms)
        termLengths.reserveCapacity(terms)
        termValues.reserveCapacity(terms)
        guard unique else { return }
        var capacity = 1024
        while capacity < 2 * terms { capacity *= 2 }
        if capacity > uniqueSlots.count { growUniqueSlots(to: capacity) }
    }

    /// For each term added so far (`termCount` order), the index of the first earlier term with
    /// the same bytes, or −1: what `build` drops (the first of equal terms wins). Sorts the
    /// terms once; the build reuses that order unless terms are added in between. The cheap
    /// way to find duplicates in a large list (`addUnique` probes a table per term).
    public mutating func duplicates() -> [Int32] {
        let order = cachedOrder ?? sortedOrder()
        cachedOrder = order
        var result = [Int32](repeating: -1, count: termStarts.count)
        termBytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            var first = 0   // position in `order` of the first term of the current run
            for position in 1..<max(1, order.count) {
                let left = Int(order[first])
                let right = Int(order[position])
                let length = Int(termLengths[left])
                if length == Int(termLengths[right]) && memcmp(base + Int(termStarts[left]), base + Int(termStarts[right]), length) == 0 {
                    result[right] = Int32(truncatingIfNeeded: left)   // equal terms sort by index: `left` is the earliest
                } else {
                    first = position
                }
            }
        }
        return result
    }

    /// Number of values stored.
    public var valueCount: Int { valueEnds.count }

    /// Adds a folded term unless an equal term was added by `addUnique` before; returns nil when
    /// added, else the index of that earlier term among all added terms (`termCount` order).
    /// The added term gets value `valueIndex`; when that is nil, `value` is stored first
    /// (`appendValue`) and `valueIndex` set to it, so the next spellings of the same term can
    /// share it. Exact (bytes are compared, not only hashes), and much cheaper than a `Set` of
    /// arrays. Terms added with `add` are not looked at.
    public mutating func addUnique(folded term: [UInt8], valueIndex: inout Int?, value: [UInt8]) throws -> Int? {
        try term.withUnsafeBufferPointer { try addUnique(folded: $0, valueIndex: &valueIndex, value: value) }
    }

    /// `addUnique` for bytes in a buffer (valid during the call only).
    public mutating func addUnique(folded term: UnsafeBufferPointer<UInt8>, valueIndex: inout Int?, value: [UInt8]) throws -> Int? {
        try check(term)
        if uniqueCount * 2 >= uniqueSlots.count { growUniqueSlots() }
        let hash = Self.termHash(term)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        let mask = uniqueSlots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        let found: Int? = termBytes.withUnsafeBufferPointer { bytes in
            uniqueSlots.withUnsafeBufferPointer { slots in
                while slots[slot] != 0 {
                    let entry = slots[slot]
                    if entry & 0xFFFF_FFFF_0000_0000 == tag {
                        let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                        let length = Int(termLengths[index])
                        if length == term.count, let base = bytes.baseAddress, let other = term.baseAddress,
                           memcmp(base + Int(termStarts[index]), other, length) == 0 {
                            return index
                        }
                    }
                    slot = (slot + 1) & mask
                }
                return nil
            }
        }
        if let found { return found }
        let stored = try valueIndex ?? appendValue(value)
        guard stored >= 0, stored < valueEnds.count else {
            throw DictionaryError(.invalidInput, "value index \(stored) was not returned by appendValue")
        }
        valueIndex = stored
        cachedOrder = nil
        termStarts.append(UInt32(truncatingIfNeeded: termBytes.count))
        termLengths.append(UInt16(term.count))
        termValues.append(UInt32(stored))
        termBytes.append(contentsOf: term)
        uniqueSlots[slot] = tag | UInt64(termStarts.count)
        uniqueCount += 1
        return nil
    }

    /// Rehashes `addUnique`'s table into `capacity` slots (a power of two; double by default).
    mutating func growUniqueSlots(to wanted: Int? = nil) {
        let capacity = wanted ?? max(1024, uniqueSlots.count * 2)
        var slots = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        termBytes.withUnsafeBufferPointer { bytes in
            for entry in uniqueSlots where entry != 0 {
                let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                let start = Int(termStarts[index])
                let hash = Self.termHash(UnsafeBufferPointer(rebasing: bytes[start..<(start + Int(termLengths[index]))]))
                var slot = Int(truncatingIfNeeded: hash) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = entry
            }
        }
        uniqueSlots = slots
    }

    /// A fast 64-bit hash of folded bytes (eight at a time, multiply and mix) for `addUnique`.
    @inline(__always)
    static func termHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var hash = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        var index = 0
        while index + 8 <= count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
            index += 8
        }
        var last: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            last |= UInt64(base[index]) << shift
            shift += 8
            index += 1
        }
        return FirstWordFilter.finish((hash ^ last) &* 0xC4CE_B9FE_1A85_EC53)
    }

    /// Adds a folded term with a value stored by `appendValue`.
    public mutating func add(folded term: [UInt8], valueIndex: Int) throws {
        try term.withUnsafeBufferPointer { try add(folded: $0, valueIndex: valueIndex) }
    }

    /// `add(folded:valueIndex:)` for bytes in a buffer (valid during the call only).
    public mutating func add(folded term: UnsafeBufferPointer<UInt8>, valueIndex: Int) throws {
        try check(term)
        guard valueIndex >= 0, valueIndex < valueEnds.count else {
            throw DictionaryError(.invalidInput, "value index \(valueIndex) was not returned by appendValue")
        }
        cachedOrder = nil
        termStarts.append(UInt32(termBytes.count))
        termLengths.append(UInt16(term.count))
        termValues.append(UInt32(valueIndex))
        termBytes.append(contentsOf: term)
    }

    /// Per byte: 1 when folded text may hold it (a word byte, a space, an apostrophe), else 0.
    nonisolated(unsafe) static let foldedBytePointer: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for byte in 0..<256 {
            table[byte] = byte == 0x20 || byte == 0x27 || TextFolding.isWordByte(UInt8(byte)) ? 1 : 0
        }
        return UnsafePointer(table)
    }()

    func check(_ term: [UInt8]) throws {
        try term.withUnsafeBufferPointer { try check($0) }
    }

    func check(_ term: UnsafeBufferPointer<UInt8>) throws {
        guard let first = term.first, let last = term.last else {
            throw DictionaryError(.invalidInput, "empty term: fold terms with TextFolding.foldTerm and skip empty ones")
        }
        guard term.count <= DictionaryFormat.maxTermLength else {
            throw DictionaryError(.invalidInput, "term of \(term.count) bytes is longer than the limit of \(DictionaryFormat.maxTermLength) bytes")
        }
        let word = TextFolding.wordPointer   // a global read once, not per byte
        guard word[Int(first)] != 0, word[Int(last)] != 0 else {
            throw DictionaryError(.invalidInput, "term does not start and end with a letter or digit: fold it with TextFolding.foldTerm")
        }
        // Folded text holds only [a-z0-9], space, apostrophe and bytes >= 0x80 (so a trie node
        // has at most 166 children, within the record's 8-bit count). One table look-up a
        // byte, no branch (the loop with branches was 2.5 % of a 1 M-term build).
        let folded = Self.foldedBytePointer
        var isFolded: UInt8 = 1
        for byte in term { isFolded &= folded[Int(byte)] }
        guard isFolded != 0 else {
            throw DictionaryError(.invalidInput, "term holds bytes that folding never produces: fold it with TextFolding.foldTerm")
        }
    }

    /// Adds a folded term. Throws when the term is empty, longer than 1024 bytes or does not start
    /// and end with a word byte (fold it with `TextFolding.foldTerm`), or when there are more than
    /// 16 million distinct values.
    public mutating func add(folded term: [UInt8], value: [UInt8]) throws {
        try check(term)
        let index: UInt32
        if let known = valueIndex[ValueKey(bytes: value)] {
            index = known
        } else {
            index = UInt32(try appendValue(value))
            valueIndex[ValueKey(bytes: value)] = index
        }
        cachedOrder = nil
        termStarts.append(UInt32(termBytes.count))
        termLengths.append(UInt16(term.count))
        termValues.append(index)
        termBytes.append(contentsOf: term)
    }

    /// Compiles the terms into the file format. `fingerprint` identifies the sources (see
    /// `DictionaryAutomaton.sourceFingerprint`); it is stored for staleness checks.
    public func build(mode: Mode = .plain, fingerprint: UInt64) throws -> [UInt8] {
        let file = try assemble(mode: mode, fingerprint: fingerprint)
        let headerSize = DictionaryFormat.headerSize
        return [UInt8](unsafeUninitializedCapacity: headerSize + file.bodyCount) { buffer, initialized in
            guard let bytes = UnsafeMutableRawPointer(buffer.baseAddress) else { return }
            bytes.initializeMemory(as: UInt8.self, repeating: 0, count: headerSize + file.bodyCount)
            bytes.copyMemory(from: file.header, byteCount: headerSize)
            for (index, section) in file.sections.enumerated() {
                section.withBytes { raw in
                    if let source = raw.baseAddress { (bytes + headerSize + file.table[index].offset).copyMemory(from: source, byteCount: raw.count) }
                }
            }
            initialized = headerSize + file.bodyCount
        }
    }

    /// A compiled file in pieces: its header (checksums included) and its sections, each to be
    /// written at its offset in the body (zero padding between them).
    struct Assembled {
        var header: [UInt8]
        var sections: [Section]
        var table: [(offset: Int, length: Int)]
        var bodyCount: Int
    }

    func assemble(mode: Mode, fingerprint: UInt64) throws -> Assembled {
        guard termBytes.count < Int(UInt32.max) else {
            throw DictionaryError(.tooLarge, "the terms total more than 4 GiB")
        }
        // The terms copied in sorted order: the trie and filter builders then read them
        // sequentially instead of jumping through an index at every byte.
        let sorted = sortedCopy(order: cachedOrder ?? sortedOrder())
        let order = (0..<UInt32(sorted.termStarts.count)).map { $0 }
        // Each section is kept in its own array and copied once, into the file's bytes.
        var sections = [Section](repeating: Section([UInt8]()), count: DictionaryFormat.sectionCount)
        var flags: UInt32 = 0
        var nodeCount = 0
        var keyCheck: UInt64 = 0
        var indexedTerms = 0
        switch mode {
        case .plain:
            // The trie with its key table and the word filters only read the sorted terms: for
            // large lists they are built at once (the filters took a fifth of the trie's time on
            // 1 M terms).
            let trieStage = { () -> (trie: Trie, keyTable: [UInt64]) in
                let trie = sorted.buildTrie(order: order)
                return (trie, trie.keyTable())
            }
            let filterStage = { sorted.buildFirstWordFilter(order: order, salt: nil) }
            let (built, filters) = sorted.termStarts.count >= concurrentStagesFrom ? concurrently(trieStage, filterStage) : (trieStage(), filterStage())
            nodeCount = built.trie.nodes.count
            indexedTerms = built.trie.terms
            sections[DictionaryFormat.Section.nodes.rawValue] = Section(built.trie.nodes)
            sections[DictionaryFormat.Section.root.rawValue] = Section(built.trie.root)
            sections[DictionaryFormat.Section.pairs.rawValue] = Section(built.trie.pairs)
            sections[DictionaryFormat.Section.firstWordFilter.rawValue] = Section(filters)
            sections[DictionaryFormat.Section.keyTable.rawValue] = Section(built.keyTable)
        case .hashed(let key, let saltPath):
            flags |= DictionaryFormat.flagHashed
            keyCheck = key.checkValue
            let table = sorted.buildHashTable(order: order, key: key)
            nodeCount = table.hashes.count
            indexedTerms = table.terms
            sections[DictionaryFormat.Section.slotHashes.rawValue] = Section(table.hashes)
            sections[DictionaryFormat.Section.slotValues.rawValue] = Section(table.values)
            sections[DictionaryFormat.Section.hashedWordFilter.rawValue] = Section(sorted.buildFirstWordFilter(order: order, salt: FirstWordFilter.Salt(key: key)))
            sections[DictionaryFormat.Section.saltPath.rawValue] = Section(Array(saltPath.utf8))
        }
        let offsets: [UInt64] = [0] + valueEnds
        sections[DictionaryFormat.Section.valueOffsets.rawValue] = Section(offsets)
        sections[DictionaryFormat.Section.valueBytes.rawValue] = Section(valueBytes)
        sections[DictionaryFormat.Section.metadata.rawValue] = Section(metadata)

        var table: [(offset: Int, length: Int)] = []
        var bodyCount = 0
        var checksum = Checksum64()
        let padding = [UInt8](repeating: 0, count: 8)
        for section in sections {
            table.append((bodyCount, section.count))
            section.withBytes { checksum.update($0) }
            let padded = (section.count + 7) & ~7
            padding.withUnsafeBytes { checksum.update(UnsafeRawBufferPointer(rebasing: $0[0..<(padded - section.count)])) }
            bodyCount += padded
        }
        var header = [UInt8](repeating: 0, count: DictionaryFormat.headerSize)
        header.withUnsafeMutableBytes { raw in
            guard let file = raw.baseAddress else { return }
            func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
                file.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
            }
            file.copyMemory(from: DictionaryFormat.magic, byteCount: DictionaryFormat.magic.count)
            put(DictionaryFormat.version, at: 8)
            put(flags, at: 12)
            put(TextFolding.version, at: 16)
            put(UInt32(maxTermLength), at: 20)
            put(UInt64(bodyCount), at: 24)
            put(checksum.finalize(), at: 32)
            put(fingerprint, at: 40)
            put(UInt64(indexedTerms), at: 48)
            put(UInt64(nodeCount), at: 56)
            put(UInt64(valueEnds.count), at: 64)
            put(keyCheck, at: 72)
            for (index, entry) in table.enumerated() {
                put(UInt64(entry.offset), at: 80 + 16 * index)
                put(UInt64(entry.length), at: 88 + 16 * index)
            }
            put(Checksum64.of(UnsafeRawBufferPointer(start: file, count: DictionaryFormat.headerChecksumOffset)), at: DictionaryFormat.headerChecksumOffset)
        }
        return Assembled(header: header, sections: sections, table: table, bodyCount: bodyCount)
    }

    /// One section of the file: an array of any trivial element type, copied once.
    struct Section {
        let count: Int
        let withBytes: ((UnsafeRawBufferPointer) -> Void) -> Void

        init<T>(_ array: [T]) {
            count = array.count * MemoryLayout<T>.stride
            withBytes = { body in array.withUnsafeBytes { body($0) } }
        }
    }

    /// Compiles and writes the file atomically (a temporary file renamed over `path`), section by
    /// section (the file is never assembled in memory). Returns its size in bytes.
    @discardableResult
    public func write(to path: String, mode: Mode = .plain, fingerprint: UInt64) throws -> Int {
        let file = try assemble(mode: mode, fingerprint: fingerprint)
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw DictionaryError(.io, "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        func writeAll(_ raw: UnsafeRawBufferPointer) -> Int32? {
            var written = 0
            while written < raw.count {
                let result = Glibc_write(descriptor, raw.baseAddress.map { $0 + written }, raw.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
        var failure: Int32? = file.header.withUnsafeBytes { writeAll($0) }
        let padding = [UInt8](repeating: 0, count: 8)
        for section in file.sections where failure == nil {
            section.withBytes { failure = writeAll($0) }
            let extra = ((section.count + 7) & ~7) - section.count
            if failure == nil && extra > 0 {
                failure = padding.withUnsafeBytes { writeAll(UnsafeRawBufferPointer(rebasing: $0[0..<extra])) }
            }
        }
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw DictionaryError(.io, "cannot write \(temporary): \(String(cString: strerror(failure)))")
        }
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw DictionaryError(.io, "cannot rename \(temporary) to \(path): \(message)")
        }
        return DictionaryFormat.headerSize + file.bodyCount
    }

    var maxTermLength: Int {
        termLengths.reduce(0) { max($0, Int($1)) }
    }

    static func bytes<T>(of array: [T]) -> [UInt8] {
        array.withUnsafeBytes { Array($0) }
    }

    /// Term indices sorted by bytes, ties by insertion order (so the first value wins).
    func sortedOrder() -> [UInt32] {
        let count = termStarts.count
        var entries: [SortEntry] = []
        entries.reserveCapacity(count)
        termBytes.withUnsafeBufferPointer { bytes in
            for index in 0..<count {
                let start = Int(termStarts[index])
                let length = Int(termLengths[index])
                entries.append(SortEntry(prefix: Self.sortKey(bytes, from: start, count: length), index: UInt32(index), length: UInt32(length)))
            }
        }
        // Radix sort on the prefix (stable, so equal prefixes stay in insertion order), then
        // each run of equal prefixes sorted on the rest of the bytes. For many terms a first pass
        // groups the entries by their first byte, so that the groups of the first half of the
        // entries and those of the second are sorted apart, on two threads (the sort was a ninth
        // of a 1 M-term build).
        let isSplit = count >= concurrentStagesFrom
        var scratch = entries
        let middle = !isSplit ? count : entries.withUnsafeMutableBufferPointer { elements in
            scratch.withUnsafeMutableBufferPointer { other in
                // The groups go to `other`, each in its first order; each half is sorted from
                // there back into `elements`.
                let starts = Self.groupByTopByte(from: elements, into: other) { $0.prefix } + [count]
                _ = elements.update(fromContentsOf: other)
                return starts.min { abs($0 - count / 2) < abs($1 - count / 2) } ?? count
            }
        }
        termBytes.withUnsafeBufferPointer { bytes in
            termStarts.withUnsafeBufferPointer { starts in
                entries.withUnsafeMutableBufferPointer { elements in
                    scratch.withUnsafeMutableBufferPointer { other in
                        // A part holds whole groups or all the entries: sorted on all eight bytes
                        // (the pass on the first byte is skipped when it holds one group).
                        func sortPart(_ part: Range<Int>) {
                            guard !part.isEmpty, let target = elements.baseAddress, let spare = other.baseAddress else { return }
                            let sorted = UnsafeMutableBufferPointer(start: target + part.lowerBound, count: part.count)
                            Self.radixSort(sorted, scratch: UnsafeMutableBufferPointer(start: spare + part.lowerBound, count: part.count), passes: 0..<8) { $0.prefix }
                            Self.sortRunsOfEqualPrefixes(sorted, bytes: bytes, starts: starts)
                        }
                        if isSplit {
                            _ = concurrently({ sortPart(0..<middle) }, { sortPart(middle..<count) })
                        } else {
                            sortPart(0..<count)
                        }
                    }
                }
            }
        }
        return entries.map(\.index)
    }

    /// The entry of `sortedOrder`: the term's first 8 bytes big-endian (zero-padded, and folded
    /// terms hold no 0 byte), so that most comparisons never leave the array being sorted.
    struct SortEntry {
        var prefix: UInt64
        var index: UInt32
        var length: UInt32
    }

    /// Sorts each run of entries with equal prefixes on the rest of their bytes (ties by index).
    static func sortRunsOfEqualPrefixes(_ sorted: UnsafeMutableBufferPointer<SortEntry>, bytes: UnsafeBufferPointer<UInt8>, starts: UnsafeBufferPointer<UInt32>) {
        let base = bytes.baseAddress
        // A run is sorted on its next 8 bytes (same padding), kept next to each entry, so that
        // most comparisons are of integers, not of bytes elsewhere in memory.
        var run: [(second: UInt64, entry: SortEntry)] = []
        var runStart = 0
        while runStart < sorted.count {
            var runEnd = runStart + 1
            while runEnd < sorted.count && sorted[runEnd].prefix == sorted[runStart].prefix { runEnd += 1 }
            if runEnd - runStart > 1 {
                run.removeAll(keepingCapacity: true)
                for entry in sorted[runStart..<runEnd] {
                    let start = Int(starts[Int(entry.index)])
                    let length = Int(entry.length)
                    run.append((Self.sortKey(bytes, from: start + 8, count: length - 8), entry))
                }
                run.sort { left, right in
                    if left.second != right.second { return left.second < right.second }
                    let leftLength = Int(left.entry.length)
                    let rightLength = Int(right.entry.length)
                    let common = min(leftLength, rightLength) - 16
                    if common > 0, let base {
                        let order = memcmp(base + Int(starts[Int(left.entry.index)]) + 16, base + Int(starts[Int(right.entry.index)]) + 16, common)
                        if order != 0 { return order < 0 }
                    }
                    if leftLength != rightLength { return leftLength < rightLength }
                    return left.entry.index < right.entry.index
                }
                for (offset, item) in run.enumerated() { sorted[runStart + offset] = item.entry }
            }
            runStart = runEnd
        }
    }

    /// One stable pass on the top byte of `key`: `source`'s elements grouped in `destination`
    /// by that byte, in increasing order. Returns where each non-empty group starts.
    static func groupByTopByte<Element>(from source: UnsafeMutableBufferPointer<Element>, into destination: UnsafeMutableBufferPointer<Element>,
                                        key: (Element) -> UInt64) -> [Int] {
        var counts = [Int](repeating: 0, count: 256)
        for element in source { counts[Int(truncatingIfNeeded: key(element) >> 56)] += 1 }
        var starts: [Int] = []
        var total = 0
        for index in 0..<256 {
            let here = counts[index]
            if here > 0 { starts.append(total) }
            counts[index] = total
            total += here
        }
        for element in source {
            let bucket = Int(truncatingIfNeeded: key(element) >> 56)
            destination[counts[bucket]] = element
            counts[bucket] += 1
        }
        return starts
    }

    /// Stable least-significant-byte radix sort of `elements` on the bytes `passes` of `key`
    /// (0: the lowest), with `scratch` of the same size; passes where every key has the same
    /// byte are skipped. The counts of all the passes are taken in one read of the elements.
    static func radixSort<Element>(_ elements: UnsafeMutableBufferPointer<Element>, scratch: UnsafeMutableBufferPointer<Element>, passes: Range<Int>,
                                   key: (Element) -> UInt64) {
        let count = elements.count
        guard count > 1 else { return }
        var counts = [Int](repeating: 0, count: 8 * 256)
        counts.withUnsafeMutableBufferPointer { counts in
            for element in elements {
                var value = key(element)
                for pass in 0..<8 {
                    counts[pass << 8 | Int(truncatingIfNeeded: value & 0xFF)] += 1
                    value >>= 8
                }
            }
        }
        var source = elements
        var destination = scratch
        for pass in passes {
            let shift = UInt64(8 * pass)
            let base = pass << 8
            if counts[base..<(base + 256)].contains(count) { continue }
            var total = 0
            for index in base..<(base + 256) {
                let here = counts[index]
                counts[index] = total
                total += here
            }
            counts.withUnsafeMutableBufferPointer { counts in
                for element in source {
                    let bucket = base | Int(truncatingIfNeeded: key(element) >> shift) & 0xFF
                    destination[counts[bucket]] = element
                    counts[bucket] += 1
                }
            }
            swap(&source, &destination)
        }
        // An odd number of passes left the result in `scratch`.
        if source.baseAddress != elements.baseAddress { _ = elements.update(fromContentsOf: source) }
    }

    /// Up to eight bytes from `start` (`count` of them, none when `count` ≤ 0) read big-endian
    /// and zero-padded: their order is the bytes' order. One load where eight bytes can be read,
    /// else byte by byte.
    @inline(__always)
    static func sortKey(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int) -> UInt64 {
        guard count > 0 else { return 0 }
        guard start + 8 <= bytes.count, let base = bytes.baseAddress else {
            var key: UInt64 = 0
            for offset in 0..<8 {
                key <<= 8
                if offset < count { key |= UInt64(bytes[start + offset]) }
            }
            return key
        }
        let key = UInt64(bigEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self))
        return count >= 8 ? key : key & (UInt64.max << UInt64(8 * (8 - count)))
    }

    /// `radixSort(_:scratch:passes:key:)` of a whole array on all eight bytes of the key.
    static func radixSort<Element>(_ elements: inout [Element], key: (Element) -> UInt64) {
        guard elements.count > 1, let first = elements.first else { return }
        var scratch = [Element](repeating: first, count: elements.count)
        elements.withUnsafeMutableBufferPointer { elements in
            scratch.withUnsafeMutableBufferPointer { scratch in
                radixSort(elements, scratch: scratch, passes: 0..<8, key: key)
            }
        }
    }

    /// A builder holding the same terms in `order` (values and metadata shared).
    func sortedCopy(order: [UInt32]) -> DictionaryBuilder {
        var copy = DictionaryBuilder()
        copy.termLengths = order.map { termLengths[Int($0)] }
        copy.termValues = order.map { termValues[Int($0)] }
        var offset: UInt32 = 0
        copy.termStarts = copy.termLengths.map { length in
            defer { offset &+= UInt32(length) }
            return offset
        }
        // Terms are short: copied eight bytes at a time into a buffer with eight bytes of slack
        // (one call of `append(contentsOf:)` a term was a memmove call a term).
        let total = termBytes.count
        copy.termBytes = [UInt8](repeating: 0, count: total + 8)
        termBytes.withUnsafeBufferPointer { source in
            copy.termBytes.withUnsafeMutableBufferPointer { target in
                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                var out = 0
                for index in order {
                    let start = Int(termStarts[Int(index)])
                    let length = Int(termLengths[Int(index)])
                    var done = 0
                    while done + 8 <= length || (done < length && start + done + 8 <= total) {
                        let chunk = UnsafeRawPointer(from + start + done).loadUnaligned(as: UInt64.self)
                        UnsafeMutableRawPointer(to + out + done).storeBytes(of: chunk, as: UInt64.self)
                        done += 8
                    }
                    while done < length {
                        to[out + done] = from[start + done]
                        done += 1
                    }
                    out += length
                }
            }
        }
        copy.termBytes.removeLast(8)
        return copy
    }

    struct Trie {
        var nodes: [UInt64] = []
        var root = [UInt32](repeating: 0, count: 256)
        var pairs = [UInt32](repeating: 0, count: 65_536)
        var terms = 0
        /// Every distinct key (`KeyTable`) with the node it leads to.
        var keys: [(first: UInt64, second: UInt64, node: Int)] = []

        /// The key table section: the keys with their nodes' final records.
        func keyTable() -> [UInt64] {
            KeyTable.build(keys, records: nodes)
        }
    }

    /// Nodes at depths below this are laid out breadth first (see `buildTrie`).
    static let breadthFirstDepth = 6

    /// Construction from the sorted terms (top levels breadth first, then depth first), interleaved layout: the children of a node
    /// form one block of 64-bit words, first their labels (8 per word, sorted), then their
    /// records; a record is `block start (32 bits) | child count (8) | value + 1 (24)`. A step of
    /// the walk thus reads one record and the labels next to the child records, usually in one
    /// cache line, and a subtree's blocks are allocated close together.
    func buildTrie(order: [UInt32]) -> Trie {
        var trie = Trie()
        trie.nodes.reserveCapacity(2 * termBytes.count + 16)
        trie.keys.reserveCapacity(termStarts.count + 16)   // about one key and one first word a term, mostly shared
        trie.nodes.append(0)
        struct Pending { var node: Int; var lower: Int; var upper: Int; var depth: Int }
        // Nodes above `breadthFirstDepth` breadth first (the levels every walk goes through end
        // up together, small enough to stay in cache), then each subtree below depth first (a
        // term's tail is contiguous).
        var queue = [Pending(node: 0, lower: 0, upper: order.count, depth: 0)]
        var head = 0
        var deferred: [Pending] = []
        var stack: [Pending] = []
        var groups: [(byte: UInt8, lower: Int, upper: Int)] = []
        var tail: [UInt64] = []   // a chain's words, appended at once
        // Each term's key length (0: none). The first term of a node's range has the node's
        // key if any term there has (terms ending at the node sort first, then the separators
        // space and apostrophe, then the word bytes).
        // Likewise each term's first word length (0: longer than a key's word). Constants, and
        // no local function capturing `trie`: that would box it, and the loop below with it.
        let (keyLengths, firstLengths) = keyShapes()
        termBytes.withUnsafeBufferPointer { bytes in
            termStarts.withUnsafeBufferPointer { starts in
                termLengths.withUnsafeBufferPointer { lengths in
                    while true {
                        let pending: Pending
                        if head < queue.count {
                            pending = queue[head]
                            head += 1
                        } else if let last = stack.popLast() {
                            pending = last
                        } else if !deferred.isEmpty {
                            stack = deferred.reversed()
                            deferred = []
                            continue
                        } else {
                            break
                        }
                        var lower = pending.lower
                        let depth = pending.depth
                        if lower < pending.upper && depth > 0 {
                            let term = Int(order[lower])
                            if Int(keyLengths[term]) == depth || Int(firstLengths[term]) == depth, let base = bytes.baseAddress {
                                let words = KeyTable.words(base + Int(starts[term]), length: depth)
                                trie.keys.append((words.first, words.second, pending.node))
                            }
                        }
                        var value: UInt64 = 0
                        while lower < pending.upper, Int(lengths[Int(order[lower])]) == depth {
                            if value == 0 {
                                value = UInt64(termValues[Int(order[lower])]) + 1
                                trie.terms += 1
                            }
                            lower += 1
                        }
                        if depth >= Self.breadthFirstDepth && lower + 1 == pending.upper {
                            // One longer term left: its tail is a chain of one-child nodes, laid
                            // out exactly as the loop below would (each block right after its
                            // parent's), without the groups and the stack.
                            // The chain is written in one go (appending two words a node checked
                            // the array's capacity and uniqueness three times a node: most nodes
                            // of a large list are in such tails).
                            let term = Int(order[lower])
                            let start = Int(starts[term])
                            let length = Int(lengths[term])
                            let first = trie.nodes.count
                            let chain = length - depth
                            let last = (UInt64(termValues[term]) + 1) << 40
                            trie.nodes[pending.node] = UInt64(first) | 1 << 32 | value << 40
                            tail.removeAll(keepingCapacity: true)
                            for step in 0..<chain {
                                tail.append(UInt64(bytes[start + depth + step]))
                                tail.append(step + 1 < chain ? UInt64(first + 2 * step + 2) | 1 << 32 : last)
                            }
                            trie.nodes.append(contentsOf: tail)
                            // Its keys, shorter first (as the loop over the chain met them).
                            let keyLength = Int(keyLengths[term])
                            let firstLength = Int(firstLengths[term])
                            var keyEnd = min(keyLength, firstLength)
                            while true {
                                if keyEnd > depth && keyEnd <= length, let base = bytes.baseAddress {
                                    let words = KeyTable.words(base + start, length: keyEnd)
                                    trie.keys.append((words.first, words.second, first + 2 * (keyEnd - depth) - 1))
                                }
                                let longer = max(keyLength, firstLength)
                                guard keyEnd < longer else { break }
                                keyEnd = longer
                            }
                            trie.terms += 1
                            continue
                        }
                        groups.removeAll(keepingCapacity: true)
                        var index = lower
                        while index < pending.upper {
                            let byte = bytes[Int(starts[Int(order[index])]) + depth]
                            var end = index + 1
                            while end < pending.upper, bytes[Int(starts[Int(order[end])]) + depth] == byte { end += 1 }
                            groups.append((byte, index, end))
                            index = end
                        }
                        guard !groups.isEmpty else {
                            trie.nodes[pending.node] = value << 40
                            continue
                        }
                        let block = trie.nodes.count
                        let labelWords = (groups.count + 7) >> 3
                        for word in 0..<labelWords {
                            var packed: UInt64 = 0
                            for slot in 0..<8 where word * 8 + slot < groups.count {
                                packed |= UInt64(groups[word * 8 + slot].byte) << (8 * UInt64(slot))
                            }
                            trie.nodes.append(packed)
                        }
                        let firstChild = trie.nodes.count
                        trie.nodes.append(contentsOf: repeatElement(0, count: groups.count))
                        trie.nodes[pending.node] = UInt64(block) | UInt64(groups.count) << 32 | value << 40
                        if depth + 1 < Self.breadthFirstDepth {
                            for (offset, group) in groups.enumerated() {
                                queue.append(Pending(node: firstChild + offset, lower: group.lower, upper: group.upper, depth: depth + 1))
                            }
                        } else if depth < Self.breadthFirstDepth {
                            for (offset, group) in groups.enumerated() {
                                deferred.append(Pending(node: firstChild + offset, lower: group.lower, upper: group.upper, depth: depth + 1))
                            }
                        } else {
                            for (offset, group) in groups.enumerated().reversed() {
                                stack.append(Pending(node: firstChild + offset, lower: group.lower, upper: group.upper, depth: depth + 1))
                            }
                        }
                    }
                }
            }
        }
        // Dense tables for the first two bytes of a word.
        func children(_ node: Int) -> [(label: UInt8, node: Int)] {
            let record = trie.nodes[node]
            let count = Int((record >> 32) & 0xFF)
            guard count > 0 else { return [] }
            let block = Int(record & 0xFFFF_FFFF)
            let labelWords = (count + 7) >> 3
            return (0..<count).map { index in
                (UInt8(truncatingIfNeeded: trie.nodes[block + index >> 3] >> (8 * UInt64(index & 7))), block + labelWords + index)
            }
        }
        for (first, child) in children(0) {
            trie.root[Int(first)] = UInt32(child)
            for (second, grandchild) in children(child) {
                trie.pairs[Int(first) << 8 | Int(second)] = UInt32(grandchild)
            }
        }
        return trie
    }

    /// Per term: its key length and its first word length for `KeyTable` (0 when it has none).
    func keyShapes() -> (keys: [UInt8], firstWords: [UInt8]) {
        var keyLengths = [UInt8](repeating: 0, count: termStarts.count)
        var firstLengths = [UInt8](repeating: 0, count: termStarts.count)
        termBytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            let word = TextFolding.wordPointer   // a global read once, not per byte
            for term in 0..<termStarts.count {
                let start = base + Int(termStarts[term])
                let length = Int(termLengths[term])
                keyLengths[term] = UInt8(truncatingIfNeeded: KeyTable.keyLength(start, count: length, word: word))
                firstLengths[term] = UInt8(truncatingIfNeeded: KeyTable.firstWordLength(start, count: length, word: word))
            }
        }
        return (keyLengths, firstLengths)
    }

    /// The section holding both filters of `FirstWordFilter`: first words (with the one-word
    /// terms marked) and second words, 32 bits an entry, and keys of longer terms, 16 bits (see `FirstWordFilter`). In the sorted order, terms that share a first word or a key are next to each other
    /// (space and apostrophe sort before every word byte), so distinct ones are counted by
    /// comparing with the previous term only.
    func buildFirstWordFilter(order: [UInt32], salt: FirstWordFilter.Salt?) -> [UInt64] {
        var firstWords: [UInt64] = []
        var keys: [UInt64] = []
        var wholeTerms: [UInt64] = []
        var secondWords: [UInt64] = []
        secondWords.reserveCapacity(order.count)
        func finish(_ hash: UInt64) -> UInt64 {
            salt.map { FirstWordFilter.finish(hash, salt: $0) } ?? FirstWordFilter.finish(hash)
        }
        firstWords.reserveCapacity(order.count)
        keys.reserveCapacity(order.count)
        let word = TextFolding.wordPointer
        termBytes.withUnsafeBufferPointer { bytes in
            var previousFirst = 0..<0
            var previousKey = 0..<0
            func same(_ left: Range<Int>, _ right: Range<Int>) -> Bool {
                left.count == right.count && (left.isEmpty || memcmp(bytes.baseAddress.unsafelyUnwrapped + left.lowerBound, bytes.baseAddress.unsafelyUnwrapped + right.lowerBound, left.count) == 0)
            }
            for index in order {
                let start = Int(termStarts[Int(index)])
                let end = start + Int(termLengths[Int(index)])
                var position = start
                var hash = FirstWordFilter.seed
                while position < end && word[Int(bytes[position])] != 0 {
                    hash = FirstWordFilter.step(hash, bytes[position])
                    position += 1
                }
                if !same(start..<position, previousFirst) {
                    firstWords.append(finish(hash))
                    previousFirst = start..<position
                }
                if position == end {
                    if !same(start..<end, previousKey) {
                        wholeTerms.append(finish(hash))
                    }
                    previousKey = start..<end
                    continue
                }
                while position < end && word[Int(bytes[position])] == 0 {
                    hash = FirstWordFilter.step(hash, bytes[position])
                    position += 1
                }
                var second = FirstWordFilter.seed
                while position < end && word[Int(bytes[position])] != 0 {
                    hash = FirstWordFilter.step(hash, bytes[position])
                    second = FirstWordFilter.step(second, bytes[position])
                    position += 1
                }
                if !same(start..<position, previousKey) {
                    keys.append(finish(hash))
                    secondWords.append(finish(second))
                }
                previousKey = start..<position
            }
        }
        // Second words repeat across keys in no order: sized by the distinct ones (counted by
        // their high 32 bits, four radix passes: sizing only needs about the count).
        Self.radixSort(&secondWords) { $0 >> 32 }
        var distinctSeconds = 0
        var previousSecond: UInt64?
        for hash in secondWords where hash >> 32 != previousSecond {
            distinctSeconds += 1
            previousSecond = hash >> 32
        }
        let first = FirstWordFilter.build(firstWords, wholeTerms: wholeTerms, bitsPerEntry: 32)
        let key = FirstWordFilter.build(keys, bitsPerEntry: 16)
        let second = FirstWordFilter.build(secondWords, bitsPerEntry: 32, entries: distinctSeconds)
        return [UInt64(first.count), UInt64(key.count), UInt64(second.count)] + first + key + second
    }

    /// Open-addressing table of salted hashes: every term, and every prefix of a term that ends
    /// at a word end (so a scan can stop as soon as a prefix is unknown).
    func buildHashTable(order: [UInt32], key: SipHashKey) -> (hashes: [UInt64], values: [UInt32], terms: Int) {
        var entries: [(hash: UInt64, value: UInt32)] = []
        entries.reserveCapacity(order.count * 2)
        var terms = 0
        var previous: (start: Int, length: Int) = (0, 0)
        termBytes.withUnsafeBufferPointer { bytes in
            for index in order {
                let start = Int(termStarts[Int(index)])
                let length = Int(termLengths[Int(index)])
                let term = bytes[start..<(start + length)]
                if length == previous.length && term.elementsEqual(bytes[previous.start..<(previous.start + previous.length)]) {
                    continue   // duplicate: the first value won
                }
                previous = (start, length)
                terms += 1
                for end in (start + 1)..<(start + length) where !TextFolding.isWordByte(bytes[end]) && TextFolding.isWordByte(bytes[end - 1]) {
                    entries.append((Self.hash(UnsafeBufferPointer(rebasing: bytes[start..<end]), key: key), 0))
                }
                entries.append((Self.hash(UnsafeBufferPointer(rebasing: term), key: key), termValues[Int(index)] + 1))
            }
        }
        var capacity = 16
        while capacity < entries.count * 2 { capacity *= 2 }
        var hashes = [UInt64](repeating: 0, count: capacity)
        var values = [UInt32](repeating: 0, count: capacity)
        let mask = capacity - 1
        for entry in entries {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while hashes[slot] != 0 && hashes[slot] != entry.hash { slot = (slot + 1) & mask }
            hashes[slot] = entry.hash
            if values[slot] == 0 { values[slot] = entry.value }
        }
        return (hashes, values, terms)
    }

    /// The salted hash used for hashed dictionaries (never 0: 0 marks an empty slot).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, key: SipHashKey) -> UInt64 {
        SipHash.hash(bytes, key: key) | 1
    }
}

#if canImport(Glibc)
@inline(__always)
func Glibc_write(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    Glibc.write(descriptor, buffer, count)
}
#elseif canImport(Darwin)
@inline(__always)
func Glibc_write(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    Darwin.write(descriptor, buffer, count)
}
#endif
