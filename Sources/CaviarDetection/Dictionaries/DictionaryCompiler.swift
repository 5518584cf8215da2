#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaviarCore
import DictionaryAutomaton

/// How to compile dictionary sources.
public struct DictionaryBuildOptions: Sendable, Equatable {
    /// Entity of lines without `ENTITY<TAB>` (default `ORGANISATION_TERM`).
    public var defaultEntity: EntityType
    /// Read the sources as CSV with these column roles (people, entity PERSON).
    public var csvRoles: [DictionaryCSV.Role]?
    /// Store salted hashes instead of terms; the salt is read from this file, now and at load.
    public var saltPath: String?

    public init(defaultEntity: EntityType = EntityType("ORGANISATION_TERM"), csvRoles: [DictionaryCSV.Role]? = nil, saltPath: String? = nil) {
        self.defaultEntity = defaultEntity
        self.csvRoles = csvRoles
        self.saltPath = saltPath
    }
}

/// What a build did.
public struct DictionaryBuildReport: Sendable {
    /// Terms (or CSV people) read from the sources.
    public var sourceTerms = 0
    /// Folded spellings indexed (variants included, duplicates excluded).
    public var spellings = 0
    /// Skipped or doubtful lines.
    public var warnings: [DictionaryWarning] = []
    /// Size of the compiled dictionary, bytes.
    public var byteCount = 0
}

/// Whether a compiled dictionary still matches its sources.
public enum DictionaryFreshness: Equatable, Sendable {
    case fresh
    /// A source changed since the build; the text says which one.
    case stale(String)
    /// The sources recorded in the file are not here (a shipped compiled file): nothing to check.
    case sourcesUnavailable
}

/// Compiles dictionary source lists (or CSV exports) into the memory-mapped format, and checks
/// compiled files for staleness. The compiled file records its sources (path, size, mtime),
/// the build options and a fingerprint of the sources' bytes.
public enum DictionaryCompiler {
    /// Compiles `sources` (paths) into bytes.
    /// (`foldsInParallelFrom`: the size from which a plain list is folded on two threads; the
    /// tests set it to compare both ways.)
    public static func compile(sources: [String], options: DictionaryBuildOptions, foldsInParallelFrom: Int = DictionaryCompiler.parallelFoldingSize) throws -> (bytes: [UInt8], report: DictionaryBuildReport) {
        var prepared = try prepare(sources: sources, options: options, foldsInParallelFrom: foldsInParallelFrom)
        let bytes = try prepared.builder.build(mode: prepared.mode, fingerprint: prepared.fingerprint)
        prepared.report.byteCount = bytes.count
        return (bytes, prepared.report)
    }

    /// Reads, folds and adds the terms of `sources`: the builder, ready to compile, and how.
    static func prepare(sources: [String], options: DictionaryBuildOptions, foldsInParallelFrom: Int = DictionaryCompiler.parallelFoldingSize) throws -> (builder: DictionaryBuilder, mode: DictionaryBuilder.Mode, fingerprint: UInt64, report: DictionaryBuildReport) {
        guard !sources.isEmpty else {
            throw DictionaryError(.invalidInput, "no dictionary source given: name one or more lists")
        }
        var report = DictionaryBuildReport()
        var contents: [[UInt8]] = []
        var metadata = Metadata(options: options)
        for path in sources {
            let bytes = try readFile(path)
            contents.append(bytes)
            var status = stat()
            let absolute = absolutePath(path)
            if stat(path, &status) == 0 {
                metadata.sources.append(.init(path: absolute, size: Int(status.st_size), modified: modificationTime(status)))
            }
        }
        var key: SipHashKey?
        if let saltPath = options.saltPath {
            key = try DictionaryAutomaton.key(fromSaltFile: saltPath)
        }
        var builder = DictionaryBuilder()
        let scratch = TextFolder(capacity: 4096)
        // Where each spelling came from (by builder term index), for duplicate warnings. Every
        // spelling is added; the duplicates are found afterwards in the sorted order the build
        // needs anyway (`duplicates()`: no table probed per spelling), and the build keeps the
        // first of equal spellings.
        var origins: [(entity: Int32, file: Int32, line: Int32, warns: Bool)] = []
        // About 1.6 spellings a line in name lists: room for 2 without growing.
        let lineCount = contents.reduce(0) { total, bytes in total + bytes.withUnsafeBufferPointer { Self.lineCount($0) } }
        builder.reserveCapacity(terms: 2 * lineCount, bytes: contents.reduce(0) { $0 + $1.count } * 2, unique: false)
        origins.reserveCapacity(2 * lineCount)
        var entityNames: [EntityType] = []
        // Per entity number: the name's bytes and the 0 byte that start its values.
        var entityPrefixes: [[UInt8]] = []
        var lastEntity: (entity: EntityType, number: Int32)?
        func entityNumber(_ entity: EntityType) -> Int32 {
            if let lastEntity, lastEntity.entity == entity { return lastEntity.number }
            let number: Int32
            if let known = entityNames.firstIndex(of: entity) {
                number = Int32(known)
            } else {
                entityNames.append(entity)
                entityPrefixes.append(Array(entity.name.utf8) + [0])
                number = Int32(entityNames.count - 1)
            }
            lastEntity = (entity, number)
            return number
        }
        var fileIndex = 0
        var identityValues: [FoldedKey: Int] = [:]
        var value: [UInt8] = []
        value.reserveCapacity(256)
        // Warnings in source order: (spellings added before, warning); duplicates are merged in
        // at their spelling's index once known.
        var emptyWarnings: [(before: Int, warning: DictionaryWarning)] = []

        // CSV people and hashed lists, term by term (plain lists go through `FoldedPart`): the
        // value is the entity's prefix and the identity (the CSV person's, else the plain fold,
        // the first spelling), or its salted hash; a CSV person's variants share one value.
        func add(term: UnsafeBufferPointer<UInt8>, identityTerm: [UInt8]?, entity: EntityType, file: String, line: Int, warnIfEmpty: Bool) throws {
            let entityIndex = entityNumber(entity)
            var valueIndex: Int?
            var hasSpelling = false
            try TextFolding.forEachTermVariant(term, folder: scratch) { number, spelling in
                if number == 0 {
                    hasSpelling = true
                    value.removeAll(keepingCapacity: true)
                    value.append(contentsOf: entityPrefixes[Int(entityIndex)])
                    if let key {
                        let hash = SipHash.hash(Array("identity:".utf8) + (identityTerm ?? Array(spelling)), key: key)
                        value += Array(hexadecimal(hash).utf8)
                    } else {
                        value += identityTerm ?? Array(spelling)
                    }
                    if identityTerm != nil, let known = identityValues[FoldedKey(bytes: value)] { valueIndex = known }
                    if valueIndex == nil {
                        let stored = try builder.appendValue(value)
                        if identityTerm != nil { identityValues[FoldedKey(bytes: value)] = stored }
                        valueIndex = stored
                    }
                }
                try builder.add(folded: spelling, valueIndex: valueIndex ?? 0)
                origins.append((entityIndex, Int32(truncatingIfNeeded: fileIndex), Int32(truncatingIfNeeded: line), identityTerm == nil && number == 0))
            }
            if !hasSpelling && warnIfEmpty {
                emptyWarnings.append((builder.termCount, DictionaryWarning(file: file, line: line, message: "term has no letters or digits, skipped")))
            }
        }

        // The terms of a part read apart, joined in their order: as `add` would have added them
        // (entities numbered in order of appearance, warnings at their spelling's index); then
        // the error that stopped the part, if any (after the terms before it, as when read at
        // once).
        func add(_ part: FoldedPart, file: String) throws {
            let entityNumbers = part.entities.map(entityNumber)
            let termBase = builder.termCount
            for empty in part.empties {
                emptyWarnings.append((termBase + empty.before, DictionaryWarning(file: file, line: empty.line, message: "term has no letters or digits, skipped")))
            }
            try builder.append(contentsOf: part.builder)
            let file = Int32(truncatingIfNeeded: fileIndex)
            for origin in part.origins {
                origins.append((entityNumbers[Int(origin.entity)], file, origin.line, origin.warns))
            }
            report.sourceTerms += part.sourceTerms
            if let error = part.error { throw error }
        }

        for (index, path) in sources.enumerated() {
            fileIndex = index
            if let roles = options.csvRoles {
                let people = try DictionaryCSV.people(contents[index], file: path, roles: roles, warnings: &report.warnings)
                report.sourceTerms += people.count
                for person in people {
                    let identity = DictionaryCSV.identity(of: person)
                    for variant in DictionaryCSV.variants(of: person) {
                        try Array(variant.utf8).withUnsafeBufferPointer {
                            try add(term: $0, identityTerm: identity, entity: EntityType("PERSON"), file: path, line: person.line, warnIfEmpty: false)
                        }
                    }
                }
            } else if key == nil {
                // Plain lists: read in one part, or in two on two threads from `foldsInParallelFrom` bytes.
                let parts = FoldedPart.fold(contents[index], file: path, defaultEntity: options.defaultEntity,
                                            inTwo: contents[index].count >= foldsInParallelFrom)
                for part in parts { try add(part, file: path) }
                report.warnings += parts.flatMap(\.warnings)
            } else {
                // Hashed lists store salted hashes as values (`addSpelling`).
                var warnings: [DictionaryWarning] = []
                try DictionarySource.forEachTerm(contents[index], file: path, defaultEntity: options.defaultEntity, warnings: &warnings) { entity, term, line in
                    report.sourceTerms += 1
                    try add(term: term, identityTerm: nil, entity: entity, file: path, line: line, warnIfEmpty: true)
                }
                report.warnings += warnings
            }
        }
        let duplicates = builder.duplicates()
        var emptyIndex = 0
        for (index, earlier) in duplicates.enumerated() {
            while emptyIndex < emptyWarnings.count && emptyWarnings[emptyIndex].before <= index {
                report.warnings.append(emptyWarnings[emptyIndex].warning)
                emptyIndex += 1
            }
            guard earlier >= 0 else {
                report.spellings += 1
                continue
            }
            let origin = origins[index]
            guard origin.warns else { continue }
            let first = origins[Int(earlier)]
            let same = first.entity == origin.entity ? "duplicate of" : "also listed as \(entityNames[Int(first.entity)]) at"
            report.warnings.append(DictionaryWarning(file: sources[Int(origin.file)], line: Int(origin.line), message: "\(same) \(sources[Int(first.file)]):\(first.line), the first one is kept"))
        }
        report.warnings += emptyWarnings[emptyIndex...].map(\.warning)
        guard report.spellings > 0 else {
            throw DictionaryError(.invalidInput, "\(sources.joined(separator: ", ")): no terms found (one term per line, # for comments)")
        }
        metadata.entities = entityNames.sorted()
        builder.metadata = metadata.encoded()
        let fingerprint = DictionaryAutomaton.sourceFingerprint(sources: contents, options: metadata.optionBytes())
        let mode: DictionaryBuilder.Mode = key.map { .hashed(key: $0, saltPath: absolutePath(options.saltPath ?? "")) } ?? .plain
        return (builder, mode, fingerprint, report)
    }

    /// Compiles `sources` and writes `output` atomically.
    @discardableResult
    public static func build(sources: [String], output: String, options: DictionaryBuildOptions) throws -> DictionaryBuildReport {
        // Written section by section: a 1 M-term file is never assembled in memory.
        var prepared = try prepare(sources: sources, options: options)
        prepared.report.byteCount = try prepared.builder.write(to: output, mode: prepared.mode, fingerprint: prepared.fingerprint)
        return prepared.report
    }

    /// Compares a compiled dictionary with the sources it records: sizes and times first, then
    /// (when they differ) the sources' bytes against the stored fingerprint.
    public static func freshness(of automaton: DictionaryAutomaton) -> DictionaryFreshness {
        guard let metadata = Metadata(decoding: automaton.metadata), !metadata.sources.isEmpty else { return .sourcesUnavailable }
        var unchanged = true
        for source in metadata.sources {
            var status = stat()
            guard stat(source.path, &status) == 0 else { return .sourcesUnavailable }
            if Int(status.st_size) != source.size || modificationTime(status) != source.modified { unchanged = false }
        }
        if unchanged { return .fresh }
        var contents: [[UInt8]] = []
        for source in metadata.sources {
            guard let bytes = try? readFile(source.path) else { return .sourcesUnavailable }
            contents.append(bytes)
        }
        let fingerprint = DictionaryAutomaton.sourceFingerprint(sources: contents, options: metadata.optionBytes())
        if fingerprint == automaton.fingerprint { return .fresh }
        let changed = metadata.sources.first { source in
            var status = stat()
            return stat(source.path, &status) != 0 || Int(status.st_size) != source.size || modificationTime(status) != source.modified
        }
        return .stale("its source \(changed?.path ?? "list") changed after the build")
    }

    /// Creates a salt file of 32 random bytes (mode 0600) unless it exists. Returns whether it
    /// was created.
    @discardableResult
    public static func createSaltFileIfMissing(_ path: String) throws -> Bool {
        var status = stat()
        if stat(path, &status) == 0 { return false }
        var salt = [UInt8](repeating: 0, count: 32)
        let random = open("/dev/urandom", O_RDONLY)
        guard random >= 0 else { throw DictionaryError(.io, "cannot open /dev/urandom to create the salt file \(path)") }
        let got = salt.withUnsafeMutableBytes { read(random, $0.baseAddress, 32) }
        close(random)
        guard got == 32 else { throw DictionaryError(.io, "cannot read 32 random bytes for the salt file \(path)") }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw DictionaryError(.io, "cannot create salt file \(path): \(String(cString: strerror(errno)))")
        }
        let written = salt.withUnsafeBytes { write(descriptor, $0.baseAddress, 32) }
        close(descriptor)
        guard written == 32 else { throw DictionaryError(.io, "cannot write salt file \(path)") }
        return true
    }

    /// Rebuilds a compiled dictionary from the sources and options it records.
    public static func rebuild(_ automaton: DictionaryAutomaton, output: String) throws -> DictionaryBuildReport {
        guard let metadata = Metadata(decoding: automaton.metadata), !metadata.sources.isEmpty else {
            throw DictionaryError(.stale, "dictionary \(automaton.origin) records no sources: rebuild it with `caviar dict build`")
        }
        return try build(sources: metadata.sources.map(\.path), output: output, options: metadata.options)
    }

    /// The entities a compiled dictionary holds (from its metadata).
    public static func entities(of automaton: DictionaryAutomaton) -> [EntityType] {
        Metadata(decoding: automaton.metadata)?.entities ?? []
    }

    /// Folded bytes as a dictionary key, hashed in one call.
    struct FoldedKey: Hashable {
        var bytes: [UInt8]

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    // MARK: - Metadata

    /// Line-based text stored in the compiled file: options, sources, entities.
    struct Metadata {
        struct Source: Equatable {
            var path: String
            var size: Int
            var modified: Int
        }

        var options: DictionaryBuildOptions
        var sources: [Source] = []
        var entities: [EntityType] = []

        init(options: DictionaryBuildOptions) {
            self.options = options
        }

        init?(decoding bytes: [UInt8]) {
            let text = String(decoding: bytes, as: UTF8.self)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard lines.first == "caviar-dictionary 1" else { return nil }
            lines.removeFirst()
            options = DictionaryBuildOptions()
            for line in lines {
                guard let space = line.firstIndex(of: " ") else { continue }
                let field = line[..<space]
                let rest = String(line[line.index(after: space)...])
                switch field {
                case "entity": options.defaultEntity = EntityType(rest)
                case "csv": options.csvRoles = try? DictionaryCSV.roles(rest)
                case "salt": options.saltPath = rest
                case "entities": entities = rest.split(separator: " ").map { EntityType(String($0)) }
                case "source":
                    let parts = rest.split(separator: " ", maxSplits: 2).map(String.init)
                    if parts.count == 3, let size = Int(parts[0]), let modified = Int(parts[1]) {
                        sources.append(Source(path: parts[2], size: size, modified: modified))
                    }
                default: continue
                }
            }
        }

        /// The options as bytes (part of the fingerprint).
        func optionBytes() -> [UInt8] {
            var lines = ["entity \(options.defaultEntity.name)"]
            if let roles = options.csvRoles { lines.append("csv " + roles.map(\.rawValue).joined(separator: ",")) }
            if let salt = options.saltPath { lines.append("salt \(absolutePath(salt))") }
            return Array(lines.joined(separator: "\n").utf8)
        }

        func encoded() -> [UInt8] {
            var lines = ["caviar-dictionary 1"]
            lines.append(String(decoding: optionBytes(), as: UTF8.self))
            lines.append("entities " + entities.map(\.name).joined(separator: " "))
            for source in sources { lines.append("source \(source.size) \(source.modified) \(source.path)") }
            return Array(lines.joined(separator: "\n").utf8)
        }
    }

    // MARK: - Files

    /// Reads a whole file with read(2).
    public static func readFile(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DictionaryError(.io, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var status = stat()
        if fstat(descriptor, &status) == 0 { result.reserveCapacity(Int(status.st_size)) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw DictionaryError(.io, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            result.append(contentsOf: buffer[0..<got])
        }
        return result
    }

    static func absolutePath(_ path: String) -> String {
        guard !path.isEmpty else { return path }
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func modificationTime(_ status: stat) -> Int {
        #if canImport(Darwin)
        return Int(status.st_mtimespec.tv_sec) * 1_000_000_000 + Int(status.st_mtimespec.tv_nsec)
        #else
        return Int(status.st_mtim.tv_sec) * 1_000_000_000 + Int(status.st_mtim.tv_nsec)
        #endif
    }

    /// Number of lines (newlines, plus one for an unterminated last line).
    static func lineCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        var count = 0
        var position = 0
        while position < bytes.count {
            guard let found = memchr(base + position, 0x0A, bytes.count - position) else { return count + 1 }
            count += 1
            position = UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
        }
        return count
    }

    static func hexadecimal(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension DictionaryCompiler {
    /// Plain source lists from this size on are read and folded in two halves at once, on two
    /// threads (a 1 M-term list spent about a third of its compile there); the terms are then
    /// added in file order, so the compiled file is the same byte for byte.
    public static let parallelFoldingSize = 1 << 20
}

/// The terms of one part of a plain source list, read, folded and added to a builder of its own
/// (as `DictionaryCompiler.prepare` adds them: the value of a term is its entity's name, a 0
/// byte and its plain fold), apart from the rest of the list; with what `prepare` keeps beside
/// the builder, and the error that stopped the part, if any.
final class FoldedPart: @unchecked Sendable {
    var builder = DictionaryBuilder()
    /// The entities met in the part, in order of appearance; `origins` index them.
    var entities: [EntityType] = []
    /// Per spelling: its entity, its line, and whether a duplicate of it is worth a warning.
    var origins: [(entity: Int32, line: Int32, warns: Bool)] = []
    /// Terms that fold to nothing: the number of spellings before them, and their line.
    var empties: [(before: Int, line: Int)] = []
    var sourceTerms = 0
    var warnings: [DictionaryWarning] = []
    var error: (any Error)?

    /// Reads and folds the lines of `source` that start in `lines`, the first numbered `firstLine`.
    init(_ source: [UInt8], lines range: Range<Int>, firstLine: Int, file: String, defaultEntity: EntityType) {
        let folder = TextFolder(capacity: 4096)
        // Name lists: about 20 bytes and 1.6 spellings a line.
        builder.reserveCapacity(terms: range.count / 10, bytes: range.count + range.count / 4, unique: false)
        origins.reserveCapacity(range.count / 10)
        var prefixes: [[UInt8]] = []
        var last: (entity: EntityType, index: Int32)?
        var warnings: [DictionaryWarning] = []
        do {
            try DictionarySource.forEachTerm(source, lines: range, firstLine: firstLine, file: file, defaultEntity: defaultEntity, warnings: &warnings) { entity, term, line in
                sourceTerms += 1
                if last?.entity != entity {
                    let index = entities.firstIndex(of: entity) ?? entities.count
                    if index == entities.count {
                        entities.append(entity)
                        prefixes.append(Array(entity.name.utf8) + [0])
                    }
                    last = (entity, Int32(index))
                }
                let entityIndex = last?.index ?? 0
                var valueIndex = 0
                var hasSpelling = false
                try TextFolding.forEachTermVariant(term, folder: folder) { number, spelling in
                    hasSpelling = true
                    if number == 0 { valueIndex = try builder.appendValue(prefixes[Int(entityIndex)], spelling) }
                    try builder.add(folded: spelling, valueIndex: valueIndex)
                    origins.append((entityIndex, Int32(truncatingIfNeeded: line), number == 0))
                }
                if !hasSpelling { empties.append((builder.termCount, line)) }
            }
        } catch {
            self.error = error
        }
        self.warnings = warnings
    }

    /// `source` read as one part, or (`inTwo`) as two parts (split after the newline that ends
    /// its middle line) read at once on two threads.
    static func fold(_ source: [UInt8], file: String, defaultEntity: EntityType, inTwo: Bool) -> [FoldedPart] {
        guard inTwo, let newline = source[(source.count / 2)...].firstIndex(of: 0x0A), newline + 1 < source.count else {
            return [FoldedPart(source, lines: 0..<source.count, firstLine: 1, file: file, defaultEntity: defaultEntity)]
        }
        let split = newline + 1
        // The second part's first line: one after the line breaks of the first part.
        let firstLine = 1 + source[..<split].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let (first, second) = concurrently(
            { FoldedPart(source, lines: 0..<split, firstLine: 1, file: file, defaultEntity: defaultEntity) },
            { FoldedPart(source, lines: split..<source.count, firstLine: firstLine, file: file, defaultEntity: defaultEntity) })
        return [first, second]
    }
}
