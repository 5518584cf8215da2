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
    var values: [[UInt8]] = []
    var valueIndex: [ValueKey: UInt32] = [:]

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
        guard values.count < DictionaryFormat.maxValues else {
            throw DictionaryError(.tooLarge, "more than \(DictionaryFormat.maxValues) distinct values")
        }
        values.append(value)
        return values.count - 1
    }

    /// Adds a folded term with a value stored by `appendValue`.
    public mutating func add(folded term: [UInt8], valueIndex: Int) throws {
        try check(term)
        guard valueIndex >= 0, valueIndex < values.count else {
            throw DictionaryError(.invalidInput, "value index \(valueIndex) was not returned by appendValue")
        }
        termStarts.append(UInt32(termBytes.count))
        termLengths.append(UInt16(term.count))
        termValues.append(UInt32(valueIndex))
        termBytes.append(contentsOf: term)
    }

    func check(_ term: [UInt8]) throws {
        guard let first = term.first, let last = term.last else {
            throw DictionaryError(.invalidInput, "empty term: fold terms with TextFolding.foldTerm and skip empty ones")
        }
        guard term.count <= DictionaryFormat.maxTermLength else {
            throw DictionaryError(.invalidInput, "term of \(term.count) bytes is longer than the limit of \(DictionaryFormat.maxTermLength) bytes")
        }
        guard TextFolding.isWordByte(first), TextFolding.isWordByte(last) else {
            throw DictionaryError(.invalidInput, "term does not start and end with a letter or digit: fold it with TextFolding.foldTerm")
        }
        // Folded text holds only [a-z0-9], space, apostrophe and bytes >= 0x80 (so a trie node
        // has at most 166 children, within the record's 8-bit count).
        guard term.allSatisfy({ $0 >= 0x80 || $0 == 0x20 || $0 == 0x27 || TextFolding.isWordByte($0) }) else {
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
            guard values.count < DictionaryFormat.maxValues else {
                throw DictionaryError(.tooLarge, "more than \(DictionaryFormat.maxValues) distinct values")
            }
            index = UInt32(values.count)
            values.append(value)
            valueIndex[ValueKey(bytes: value)] = index
        }
        termStarts.append(UInt32(termBytes.count))
        termLengths.append(UInt16(term.count))
        termValues.append(index)
        termBytes.append(contentsOf: term)
    }

    /// Compiles the terms into the file format. `fingerprint` identifies the sources (see
    /// `DictionaryAutomaton.sourceFingerprint`); it is stored for staleness checks.
    public func build(mode: Mode = .plain, fingerprint: UInt64) throws -> [UInt8] {
        guard termBytes.count < Int(UInt32.max) else {
            throw DictionaryError(.tooLarge, "the terms total more than 4 GiB")
        }
        let order = sortedOrder()
        var sections = [[UInt8]](repeating: [], count: DictionaryFormat.sectionCount)
        var flags: UInt32 = 0
        var nodeCount = 0
        var keyCheck: UInt64 = 0
        var indexedTerms = 0
        switch mode {
        case .plain:
            let trie = buildTrie(order: order)
            nodeCount = trie.nodes.count
            indexedTerms = trie.terms
            sections[DictionaryFormat.Section.nodes.rawValue] = Self.bytes(of: trie.nodes)
            sections[DictionaryFormat.Section.root.rawValue] = Self.bytes(of: trie.root)
            sections[DictionaryFormat.Section.pairs.rawValue] = Self.bytes(of: trie.pairs)
            sections[DictionaryFormat.Section.firstWordFilter.rawValue] = Self.bytes(of: buildFirstWordFilter(order: order))
        case .hashed(let key, let saltPath):
            flags |= DictionaryFormat.flagHashed
            keyCheck = key.checkValue
            let table = buildHashTable(order: order, key: key)
            nodeCount = table.hashes.count
            indexedTerms = table.terms
            sections[DictionaryFormat.Section.slotHashes.rawValue] = Self.bytes(of: table.hashes)
            sections[DictionaryFormat.Section.slotValues.rawValue] = Self.bytes(of: table.values)
            sections[DictionaryFormat.Section.saltPath.rawValue] = Array(saltPath.utf8)
        }
        var offsets: [UInt64] = [0]
        offsets.reserveCapacity(values.count + 1)
        var valueBytes: [UInt8] = []
        for value in values {
            valueBytes.append(contentsOf: value)
            offsets.append(UInt64(valueBytes.count))
        }
        sections[DictionaryFormat.Section.valueOffsets.rawValue] = Self.bytes(of: offsets)
        sections[DictionaryFormat.Section.valueBytes.rawValue] = valueBytes
        sections[DictionaryFormat.Section.metadata.rawValue] = metadata

        var body: [UInt8] = []
        body.reserveCapacity(sections.reduce(0) { $0 + $1.count + 8 })
        var table: [(UInt64, UInt64)] = []
        for section in sections {
            table.append((UInt64(body.count), UInt64(section.count)))
            body.append(contentsOf: section)
            while body.count % 8 != 0 { body.append(0) }
        }
        var header = [UInt8](repeating: 0, count: DictionaryFormat.headerSize)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { raw in
                for (index, byte) in raw.enumerated() { header[offset + index] = byte }
            }
        }
        header.replaceSubrange(0..<8, with: DictionaryFormat.magic)
        put(DictionaryFormat.version, at: 8)
        put(flags, at: 12)
        put(TextFolding.version, at: 16)
        put(UInt32(maxTermLength), at: 20)
        put(UInt64(body.count), at: 24)
        put(body.withUnsafeBytes { Checksum64.of($0) }, at: 32)
        put(fingerprint, at: 40)
        put(UInt64(indexedTerms), at: 48)
        put(UInt64(nodeCount), at: 56)
        put(UInt64(values.count), at: 64)
        put(keyCheck, at: 72)
        for (index, entry) in table.enumerated() {
            put(entry.0, at: 80 + 16 * index)
            put(entry.1, at: 88 + 16 * index)
        }
        let headerChecksum = header.withUnsafeBytes { Checksum64.of(UnsafeRawBufferPointer(rebasing: $0[0..<DictionaryFormat.headerChecksumOffset])) }
        put(headerChecksum, at: DictionaryFormat.headerChecksumOffset)
        return header + body
    }

    /// Compiles and writes the file atomically (a temporary file renamed over `path`).
    public func write(to path: String, mode: Mode = .plain, fingerprint: UInt64) throws {
        let bytes = try build(mode: mode, fingerprint: fingerprint)
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw DictionaryError(.io, "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        var written = 0
        let failure: Int32? = bytes.withUnsafeBytes { raw -> Int32? in
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
        var keys = [UInt64](repeating: 0, count: count)
        termBytes.withUnsafeBufferPointer { bytes in
            for index in 0..<count {
                let start = Int(termStarts[index])
                let length = Int(termLengths[index])
                var key: UInt64 = 0
                for offset in 0..<8 {
                    key <<= 8
                    if offset < length { key |= UInt64(bytes[start + offset]) }
                }
                keys[index] = key
            }
        }
        var order = (0..<UInt32(count)).map { $0 }
        termBytes.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress
            keys.withUnsafeBufferPointer { keys in
                termStarts.withUnsafeBufferPointer { starts in
                    termLengths.withUnsafeBufferPointer { lengths in
                        order.sort { left, right in
                            let leftKey = keys[Int(left)]
                            let rightKey = keys[Int(right)]
                            if leftKey != rightKey { return leftKey < rightKey }
                            let leftLength = Int(lengths[Int(left)])
                            let rightLength = Int(lengths[Int(right)])
                            if leftLength > 8 || rightLength > 8 {
                                let common = min(leftLength, rightLength) - 8
                                if common > 0, let base {
                                    let order = memcmp(base + Int(starts[Int(left)]) + 8, base + Int(starts[Int(right)]) + 8, common)
                                    if order != 0 { return order < 0 }
                                }
                            }
                            if leftLength != rightLength { return leftLength < rightLength }
                            return left < right
                        }
                    }
                }
            }
        }
        return order
    }

    struct Trie {
        var nodes: [UInt64] = []
        var root = [UInt32](repeating: 0, count: 256)
        var pairs = [UInt32](repeating: 0, count: 65_536)
        var terms = 0
    }

    /// Depth-first construction from the sorted terms, interleaved layout: the children of a node
    /// form one block of 64-bit words, first their labels (8 per word, sorted), then their
    /// records; a record is `block start (32 bits) | child count (8) | value + 1 (24)`. A step of
    /// the walk thus reads one record and the labels next to the child records, usually in one
    /// cache line, and a subtree's blocks are allocated close together.
    func buildTrie(order: [UInt32]) -> Trie {
        var trie = Trie()
        trie.nodes.reserveCapacity(termBytes.count + 16)
        trie.nodes.append(0)
        struct Pending { var node: Int; var lower: Int; var upper: Int; var depth: Int }
        var stack = [Pending(node: 0, lower: 0, upper: order.count, depth: 0)]
        var groups: [(byte: UInt8, lower: Int, upper: Int)] = []
        termBytes.withUnsafeBufferPointer { bytes in
            termStarts.withUnsafeBufferPointer { starts in
                termLengths.withUnsafeBufferPointer { lengths in
                    while let pending = stack.popLast() {
                        var lower = pending.lower
                        let depth = pending.depth
                        var value: UInt64 = 0
                        while lower < pending.upper, Int(lengths[Int(order[lower])]) == depth {
                            if value == 0 {
                                value = UInt64(termValues[Int(order[lower])]) + 1
                                trie.terms += 1
                            }
                            lower += 1
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
                        for (offset, group) in groups.enumerated().reversed() {
                            stack.append(Pending(node: firstChild + offset, lower: group.lower, upper: group.upper, depth: depth + 1))
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

    /// The first-word filter (see `FirstWordFilter`): the sorted order puts terms that share a
    /// first word next to each other, so distinct first words are counted in one pass.
    func buildFirstWordFilter(order: [UInt32]) -> [UInt64] {
        var hashes: [UInt64] = []
        termBytes.withUnsafeBufferPointer { bytes in
            var previous = (start: 0, length: -1)
            for index in order {
                let start = Int(termStarts[Int(index)])
                let length = Int(termLengths[Int(index)])
                var end = start
                while end < start + length && TextFolding.isWordByte(bytes[end]) { end += 1 }
                let firstWord = bytes[start..<end]
                if end - start == previous.length && firstWord.elementsEqual(bytes[previous.start..<(previous.start + previous.length)]) { continue }
                previous = (start, end - start)
                hashes.append(FirstWordFilter.hash(firstWord))
            }
        }
        let wordCount = FirstWordFilter.wordCount(forFirstWords: hashes.count)
        let shift = FirstWordFilter.shift(wordCount: wordCount)
        var words = [UInt64](repeating: 0, count: wordCount)
        for hash in hashes { FirstWordFilter.insert(hash, into: &words, shift: shift) }
        return words
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
