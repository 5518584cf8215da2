#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One dictionary hit: original byte offsets (half-open) and the index of its value.
public struct DictionaryMatch: Hashable, Sendable {
    public var span: Range<Int>
    public var valueIndex: Int

    public init(span: Range<Int>, valueIndex: Int) {
        self.span = span
        self.valueIndex = valueIndex
    }
}

/// A compiled dictionary, used in place: memory-mapped from a file (no copy on load) or held in
/// memory. Scanning folds the input on the fly with `TextFolding` and reports word-bounded,
/// leftmost-longest matches (see `matches(in:range:folder:_:)`).
///
/// Loading checks the header (magic, version, header checksum, the length of the file against
/// the recorded body length, section bounds). The body checksum is checked at load when the
/// body is at most `automaticVerificationLimit` bytes, otherwise by `verifyBody()` (a 1 M-term
/// body is about 100 MB: checking it would cost more than the whole load). Scanning never reads
/// outside the mapping even when the body is corrupted: every index taken from the file is
/// bounds-checked.
public final class DictionaryAutomaton: @unchecked Sendable {
    /// Bodies up to this size (4 MiB, about 40 k terms) are checksummed at load.
    public static let automaticVerificationLimit = 4 << 20

    /// How much of the file to check at load.
    public enum Verification: Sendable {
        /// Header always; body checksum when the body is at most `automaticVerificationLimit`.
        case automatic
        /// Header and body checksum.
        case full
        /// Header only.
        case headerOnly
    }

    /// Whether the file stores salted hashes instead of a trie of terms.
    public let isHashed: Bool
    /// Longest indexed term, folded bytes.
    public let maxDepth: Int
    /// Number of distinct folded terms indexed.
    public let termCount: Int
    /// Trie nodes (plain) or hash slots (hashed).
    public let nodeCount: Int
    /// Number of distinct values.
    public let valueCount: Int
    /// The source fingerprint recorded by the builder.
    public let fingerprint: UInt64
    /// The salt path recorded by the builder (hashed files), empty otherwise.
    public let saltPath: String
    /// The caller's metadata stored by the builder.
    public let metadata: [UInt8]
    /// Size of the file in bytes.
    public let byteCount: Int
    /// Where the dictionary came from (a path, or `<memory>`), for messages.
    public let origin: String

    let storage: UnsafeRawPointer
    let isMapped: Bool
    /// Set once the initializer succeeded: until then the caller frees the storage (a throwing
    /// initializer still runs `deinit` once every property is set).
    var ownsStorage = false
    /// Whether the plain scan steps over rejected words a 64-byte block at a time
    /// (`skipRejectedWords`); off only in tests that compare both paths.
    var usesWordBlocks = true
    let bodyChecksum: UInt64
    let keyCheck: UInt64
    var key: SipHashKey?

    let nodes: UnsafePointer<UInt64>
    let root: UnsafePointer<UInt32>
    let pairs: UnsafePointer<UInt32>
    let slotHashes: UnsafePointer<UInt64>
    let slotValues: UnsafePointer<UInt32>
    @usableFromInline let valueOffsets: UnsafePointer<UInt64>
    @usableFromInline let valueBytes: UnsafePointer<UInt8>
    @usableFromInline let valueByteCount: Int
    /// Plain files: the filters of `FirstWordFilter` and their sizes in words.
    let firstWordFilter: UnsafePointer<UInt64>
    let firstWordCount: UInt64
    let keyFilter: UnsafePointer<UInt64>
    let keyCount: UInt64
    let secondWordFilter: UnsafePointer<UInt64>
    let secondWordCount: UInt64
    /// Plain files: the slots of the key table (`KeyTable`) and their number (0: no table).
    let keySlots: UnsafePointer<UInt64>
    let keySlotCount: Int
    /// Hashed files: the salt of their filters (`FirstWordFilter.finish(_:salt:)`).
    var filterSalt: FirstWordFilter.Salt?
    /// The folding tables, held here so the scan's inner loops never touch a lazy global.
    let asciiTable = TextFolding.asciiPointer
    let wordTable = TextFolding.wordPointer
    let kindTable = TextFolding.originalKindPointer
    let latinTable = TextFolding.latinPointer
    let wordFoldTable = TextFolding.wordFoldPointer

    /// Maps a compiled dictionary file.
    ///
    /// For a hashed file, `key` is the salt key; when nil the salt is read from the path recorded
    /// in the file. Throws `DictionaryError` for a missing, truncated, foreign, corrupted file or a
    /// wrong salt.
    public convenience init(contentsOf path: String, verification: Verification = .automatic, key: SipHashKey? = nil) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DictionaryError(.io, "cannot open dictionary \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw DictionaryError(.io, "cannot read dictionary \(path): \(String(cString: strerror(errno)))")
        }
        let size = Int(status.st_size)
        guard size >= DictionaryFormat.headerSize else {
            throw Self.tooShortError(path: path, size: size, descriptor: descriptor)
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw DictionaryError(.io, "cannot map dictionary \(path): \(String(cString: strerror(errno)))")
        }
        do {
            try self.init(storage: UnsafeRawPointer(mapped), count: size, isMapped: true, origin: path, verification: verification, key: key)
        } catch {
            munmap(mapped, size)
            throw error
        }
    }

    /// Loads a compiled dictionary from bytes (copied into aligned memory).
    public convenience init(bytes: [UInt8], verification: Verification = .full, key: SipHashKey? = nil) throws {
        guard bytes.count >= DictionaryFormat.headerSize else {
            throw DictionaryError(.truncated, "dictionary <memory> is truncated: \(bytes.count) bytes, less than a header")
        }
        let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 16)
        bytes.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress.unsafelyUnwrapped, byteCount: bytes.count) }
        do {
            try self.init(storage: UnsafeRawPointer(memory), count: bytes.count, isMapped: false, origin: "<memory>", verification: verification, key: key)
        } catch {
            memory.deallocate()
            throw error
        }
    }

    static func tooShortError(path: String, size: Int, descriptor: Int32) -> DictionaryError {
        var head = [UInt8](repeating: 0, count: 8)
        let got = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 8) }
        if got > 0 && Array(head[0..<got]) == Array(DictionaryFormat.magic[0..<got]) {
            return DictionaryError(.truncated, "dictionary \(path) is truncated (\(size) bytes): rebuild it with `caviar dict build`")
        }
        return DictionaryError(.notADictionary, "\(path) is not a compiled caviar dictionary (\(size) bytes, no header): give the source list or run `caviar dict build`")
    }

    init(storage: UnsafeRawPointer, count: Int, isMapped: Bool, origin: String, verification: Verification, key: SipHashKey?) throws {
        func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: storage.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: storage.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        let head = UnsafeRawBufferPointer(start: storage, count: count)
        guard Array(head[0..<8]) == DictionaryFormat.magic else {
            throw DictionaryError(.notADictionary, "\(origin) is not a compiled caviar dictionary (wrong magic): give the source list or run `caviar dict build`")
        }
        let version = u32(8)
        guard version == DictionaryFormat.version else {
            throw DictionaryError(.unsupportedVersion, "dictionary \(origin) has format version \(version), this caviar reads version \(DictionaryFormat.version): rebuild it with `caviar dict build`")
        }
        let headerChecksum = Checksum64.of(UnsafeRawBufferPointer(rebasing: head[0..<DictionaryFormat.headerChecksumOffset]))
        guard headerChecksum == u64(DictionaryFormat.headerChecksumOffset) else {
            throw DictionaryError(.corrupted, "dictionary \(origin) is corrupted (header checksum mismatch): rebuild it with `caviar dict build`")
        }
        let bodyLength = u64(24)
        guard bodyLength == UInt64(count - DictionaryFormat.headerSize) else {
            let kind: DictionaryError.Kind = bodyLength > UInt64(count - DictionaryFormat.headerSize) ? .truncated : .corrupted
            throw DictionaryError(kind, "dictionary \(origin) is \(kind == .truncated ? "truncated" : "corrupted"): \(count) bytes, the header says \(bodyLength + UInt64(DictionaryFormat.headerSize)): rebuild it with `caviar dict build`")
        }
        let foldVersion = u32(16)
        guard foldVersion == TextFolding.version else {
            throw DictionaryError(.stale, "dictionary \(origin) was folded with rules version \(foldVersion), this caviar uses \(TextFolding.version): rebuild it with `caviar dict build`")
        }
        let flags = u32(12)
        isHashed = flags & DictionaryFormat.flagHashed != 0
        maxDepth = Int(u32(20))
        termCount = Int(truncatingIfNeeded: u64(48))
        nodeCount = Int(truncatingIfNeeded: u64(56))
        valueCount = Int(truncatingIfNeeded: u64(64))
        keyCheck = u64(72)
        fingerprint = u64(40)
        bodyChecksum = u64(32)
        byteCount = count
        self.origin = origin
        self.storage = storage
        self.isMapped = isMapped

        let body = storage + DictionaryFormat.headerSize
        let bodyCount = count - DictionaryFormat.headerSize
        var sections: [(offset: Int, length: Int)] = []
        for index in 0..<DictionaryFormat.sectionCount {
            let offset = u64(80 + 16 * index)
            let length = u64(88 + 16 * index)
            guard offset % 8 == 0, offset <= UInt64(bodyCount), length <= UInt64(bodyCount) - offset else {
                throw DictionaryError(.corrupted, "dictionary \(origin) is corrupted (section \(index) out of bounds): rebuild it with `caviar dict build`")
            }
            sections.append((Int(offset), Int(length)))
        }
        func expect(_ section: DictionaryFormat.Section, _ length: Int) throws {
            guard sections[section.rawValue].length == length else {
                throw DictionaryError(.corrupted, "dictionary \(origin) is corrupted (section \(section.rawValue) has \(sections[section.rawValue].length) bytes, expected \(length)): rebuild it with `caviar dict build`")
            }
        }
        guard maxDepth >= 1, maxDepth <= DictionaryFormat.maxTermLength, nodeCount >= 1, nodeCount <= bodyCount,
              valueCount >= 0, valueCount <= bodyCount / 8 else {
            throw DictionaryError(.corrupted, "dictionary \(origin) is corrupted (impossible counts in the header): rebuild it with `caviar dict build`")
        }
        try expect(.valueOffsets, (valueCount + 1) * 8)
        if isHashed {
            guard nodeCount & (nodeCount - 1) == 0 else {
                throw DictionaryError(.corrupted, "dictionary \(origin) is corrupted (hash table size \(nodeCount) is not a power of two): rebuild it with `caviar dict build`")
            }
            try expect(.slotHashes, nodeCount * 8)
            try expect(.slotValues, nodeCount * 4)
        } else {
            try expect(.nodes, nodeCount * 8)
            try expect(.root, 256 * 4)
            try expect(.pairs, 65_536 * 4)
        }
        let filterSection = isHashed ? DictionaryFormat.Section.hashedWordFilter : DictionaryFormat.Section.firstWordFilter
        let filter = sections[filterSection.rawValue]
        let filterCounts = (0..<3).map { filter.length >= 24 ? u64(DictionaryFormat.headerSize + filter.offset + 8 * $0) : 0 }
        guard filterCounts.allSatisfy({ $0 >= 1 && $0 < UInt64(bodyCount) }),
              UInt64(filter.length) == 24 + 8 * (filterCounts[0] + filterCounts[1] + filterCounts[2]) else {
            throw DictionaryError(.corrupted, "dictionary \(origin) is corrupted (word filters of \(filter.length) bytes): rebuild it with `caviar dict build`")
        }
        let keySection = sections[DictionaryFormat.Section.keyTable.rawValue]
        let keySlotCount = keySection.length >= 8 ? u64(DictionaryFormat.headerSize + keySection.offset) : 0
        guard keySection.length == 0 || (keySlotCount >= 1 && keySlotCount < UInt64(bodyCount)
                                          && UInt64(keySection.length) == 8 + 24 * keySlotCount) else {
            throw DictionaryError(.corrupted, "dictionary \(origin) is corrupted (key table of \(keySection.length) bytes): rebuild it with `caviar dict build`")
        }
        func pointer<T>(_ section: DictionaryFormat.Section, _ type: T.Type) -> UnsafePointer<T> {
            (body + sections[section.rawValue].offset).assumingMemoryBound(to: type)
        }
        nodes = pointer(.nodes, UInt64.self)
        root = pointer(.root, UInt32.self)
        pairs = pointer(.pairs, UInt32.self)
        slotHashes = pointer(.slotHashes, UInt64.self)
        slotValues = pointer(.slotValues, UInt32.self)
        valueOffsets = pointer(.valueOffsets, UInt64.self)
        valueBytes = pointer(.valueBytes, UInt8.self)
        valueByteCount = sections[DictionaryFormat.Section.valueBytes.rawValue].length
        let filters = pointer(filterSection, UInt64.self)
        keySlots = pointer(.keyTable, UInt64.self) + 1
        self.keySlotCount = isHashed ? 0 : Int(keySlotCount)
        firstWordCount = filterCounts[0]
        keyCount = filterCounts[1]
        secondWordCount = filterCounts[2]
        firstWordFilter = filters + 3
        keyFilter = firstWordFilter + Int(truncatingIfNeeded: firstWordCount)
        secondWordFilter = keyFilter + Int(truncatingIfNeeded: keyCount)
        let metadataSection = sections[DictionaryFormat.Section.metadata.rawValue]
        metadata = Array(UnsafeRawBufferPointer(start: body + metadataSection.offset, count: metadataSection.length))
        let saltSection = sections[DictionaryFormat.Section.saltPath.rawValue]
        saltPath = String(decoding: UnsafeRawBufferPointer(start: body + saltSection.offset, count: saltSection.length), as: UTF8.self)

        let verifiesBody: Bool
        switch verification {
        case .full: verifiesBody = true
        case .headerOnly: verifiesBody = false
        case .automatic: verifiesBody = bodyCount <= Self.automaticVerificationLimit
        }
        if verifiesBody { try verifyBody() }
        if isHashed {
            let resolved = try key ?? Self.key(fromSaltFile: saltPath, origin: origin)
            guard resolved.checkValue == keyCheck else {
                throw DictionaryError(.wrongSalt, "hashed dictionary \(origin) was built with a different salt: give the salt file it was built with")
            }
            self.key = resolved
            filterSalt = FirstWordFilter.Salt(key: resolved)
        }
        ownsStorage = true
    }

    deinit {
        guard ownsStorage else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: storage), byteCount)
        } else {
            UnsafeMutableRawPointer(mutating: storage).deallocate()
        }
    }

    /// Checks the body checksum (reads the whole file). Throws `.corrupted` on mismatch.
    public func verifyBody() throws {
        let body = UnsafeRawBufferPointer(start: storage + DictionaryFormat.headerSize, count: byteCount - DictionaryFormat.headerSize)
        guard Checksum64.of(body) == bodyChecksum else {
            throw DictionaryError(.corrupted, "dictionary \(origin) is corrupted (body checksum mismatch): rebuild it with `caviar dict build`")
        }
    }

    /// Reads a salt file and derives the key.
    public static func key(fromSaltFile path: String, origin: String = "dictionary") throws -> SipHashKey {
        guard !path.isEmpty else {
            throw DictionaryError(.wrongSalt, "hashed dictionary \(origin) records no salt file: give the salt file it was built with")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DictionaryError(.io, "cannot open salt file \(path) for hashed dictionary \(origin): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var salt: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while salt.count < 1 << 20 {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            salt.append(contentsOf: buffer[0..<got])
        }
        guard salt.count >= 16 else {
            throw DictionaryError(.invalidInput, "salt file \(path) has \(salt.count) bytes: use at least 16 random bytes (for example `head -c 32 /dev/urandom > \(path)`)")
        }
        return SipHashKey(salt: salt)
    }

    /// Calls `body` with the bytes of the value stored for a match, read in place (empty when
    /// the index is out of range): `value(at:)` without the copy. The buffer is valid during the
    /// call only.
    @inline(__always)
    public func withValue<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        guard index >= 0, index < valueCount else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let start = Int(truncatingIfNeeded: valueOffsets[index])
        let end = Int(truncatingIfNeeded: valueOffsets[index + 1])
        guard start >= 0, start <= end, end <= valueByteCount else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return body(UnsafeBufferPointer(start: valueBytes + start, count: end - start))
    }

    /// The bytes of the value stored for a match, in place (empty when the index is out of
    /// range): valid as long as the automaton is. `withValue(at:_:)` without a closure, for a
    /// caller in another module (a generic closure call per match cost more than the read).
    @inlinable
    public func valueBuffer(at index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index >= 0, index < valueCount else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = Int(truncatingIfNeeded: valueOffsets[index])
        let end = Int(truncatingIfNeeded: valueOffsets[index + 1])
        guard start >= 0, start <= end, end <= valueByteCount else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: valueBytes + start, count: end - start)
    }

    /// Reads where the values of `matches` are and their first bytes, so that decoding them
    /// afterwards finds them in the cache: in these tight loops the cache misses of different
    /// values overlap, while a decoding loop (allocations in between) meets them one by one.
    /// Returns a number that depends on every byte read, so that the reads are kept.
    @discardableResult
    public func warmValues(of matches: [DictionaryMatch]) -> UInt64 {
        warmValues(of: matches[...])
    }

    /// `warmValues(of:)` for part of the matches (a caller that decodes in batches warms each
    /// batch just before, so that the lines are still in the cache when it reads them).
    @discardableResult
    public func warmValues(of matches: ArraySlice<DictionaryMatch>) -> UInt64 {
        var sum: UInt64 = 0
        for match in matches where match.valueIndex >= 0 && match.valueIndex < valueCount {
            sum &+= valueOffsets[match.valueIndex]
        }
        for match in matches where match.valueIndex >= 0 && match.valueIndex < valueCount {
            let start = Int(truncatingIfNeeded: valueOffsets[match.valueIndex])
            if start >= 0 && start < valueByteCount { sum &+= UInt64(valueBytes[start]) }
        }
        return sum
    }

    /// The first half of `warmValues(of:)`: reads the offsets that bound the value of each
    /// match. A caller that decodes batch after batch warms the offsets of a later batch and
    /// the bytes (`warmValueBytes(of:)`) of the next one before decoding one, so that no load
    /// waits for another. Returns a number that depends on every offset read.
    @discardableResult
    public func warmValueOffsets(of matches: ArraySlice<DictionaryMatch>) -> UInt64 {
        var sum: UInt64 = 0
        for match in matches where match.valueIndex >= 0 && match.valueIndex < valueCount {
            sum &+= valueOffsets[match.valueIndex] &+ valueOffsets[match.valueIndex + 1]
        }
        return sum
    }

    /// The second half of `warmValues(of:)`: reads the first and the last byte of the value of
    /// each match (a value may span two cache lines). Returns a number that depends on every
    /// byte read.
    @discardableResult
    public func warmValueBytes(of matches: ArraySlice<DictionaryMatch>) -> UInt64 {
        var sum: UInt64 = 0
        for match in matches {
            let value = valueBuffer(at: match.valueIndex)
            if let first = value.first, let last = value.last { sum &+= UInt64(first) &+ UInt64(last) }
        }
        return sum
    }

    /// The value stored for a match (empty when the index is out of range).
    public func value(at index: Int) -> [UInt8] {
        guard index >= 0, index < valueCount else { return [] }
        let start = Int(truncatingIfNeeded: valueOffsets[index])
        let end = Int(truncatingIfNeeded: valueOffsets[index + 1])
        guard start >= 0, start <= end, end <= valueByteCount else { return [] }
        return Array(UnsafeBufferPointer(start: valueBytes + start, count: end - start))
    }

    /// The fingerprint to store for a set of source files (their bytes and the build options),
    /// so that a compiled file can be recognised as stale.
    public static func sourceFingerprint(sources: [[UInt8]], options: [UInt8]) -> UInt64 {
        var checksum = Checksum64()
        checksum.update(UInt64(TextFolding.version))
        checksum.update(UInt64(DictionaryFormat.version))
        checksum.update(UInt64(options.count))
        checksum.update(options)
        for source in sources {
            checksum.update(UInt64(source.count))
            checksum.update(source)
        }
        return checksum.finalize()
    }
}
