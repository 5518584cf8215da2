#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaviarCore
import DictionaryAutomaton

/// Finds the terms of one dictionary (a compiled file, memory-mapped, or a source list compiled
/// at load) in text: word-bounded, leftmost-longest, with case and diacritic folding (see
/// `TextFolding`). Every detection carries the term's identity, so that all spellings of one
/// term, and all variants of one CSV person, share a placeholder.
public final class DictionaryDetector: TextDetector {
    /// What to do when a compiled dictionary is older than its sources.
    public enum StalePolicy: Sendable {
        /// Rebuild it in place from the recorded sources and options (falls back to an in-memory
        /// build when the file cannot be written).
        case rebuild
        /// Refuse with an error that says how to rebuild.
        case refuse
        /// Use it anyway.
        case ignore
    }

    public let id: String
    public let entities: [EntityType]
    /// The compiled dictionary.
    public let automaton: DictionaryAutomaton
    /// Confidence of every detection (user lists are explicit: high).
    public var confidence: Double = Confidence.high
    /// Priority of every detection (see `Resolver`).
    public var priority: Int = 0
    /// Warnings from an in-memory build or a rebuild (file and line, never the term).
    public private(set) var warnings: [DictionaryWarning] = []

    let folder = TextFolder()
    /// The matches of one `detect` call (kept to reuse their storage).
    var found: [DictionaryMatch] = []
    /// What `warmValues` returned, summed (only so that its reads are not optimised away).
    var warmth: UInt64 = 0
    /// The entity of the last value decoded and the bytes of its name followed by the 0 byte
    /// that ends it: most values of a dictionary share their entity, so that a value that
    /// starts with these bytes needs no search.
    var lastEntity: (prefix: [UInt8], entity: EntityType)?

    /// Wraps a loaded automaton; `id` defaults to `dict.<name>`.
    public init(automaton: DictionaryAutomaton, id: String) {
        self.automaton = automaton
        self.id = id
        let recorded = DictionaryCompiler.entities(of: automaton)
        entities = recorded.isEmpty ? [EntityType("ORGANISATION_TERM")] : recorded
    }

    /// Opens a dictionary given on the command line or in a pack: a compiled file (mapped; checked
    /// for staleness against its recorded sources) or a source list (compiled in memory with
    /// `options`; large lists should be compiled once with `caviar dict build`).
    public static func open(path: String, id: String? = nil, options: DictionaryBuildOptions = DictionaryBuildOptions(), stalePolicy: StalePolicy = .rebuild) throws -> DictionaryDetector {
        let detectorID = id ?? defaultID(for: path)
        if try isCompiled(path) {
            var automaton = try DictionaryAutomaton(contentsOf: path, key: options.saltPath.map { try DictionaryAutomaton.key(fromSaltFile: $0) })
            var warnings: [DictionaryWarning] = []
            if case .stale(let reason) = DictionaryCompiler.freshness(of: automaton) {
                switch stalePolicy {
                case .ignore:
                    break
                case .refuse:
                    throw DictionaryError(.stale, "dictionary \(path) is stale (\(reason)): rebuild it with `caviar dict build`")
                case .rebuild:
                    do {
                        warnings = try DictionaryCompiler.rebuild(automaton, output: path).warnings
                        automaton = try DictionaryAutomaton(contentsOf: path)
                    } catch let error as DictionaryError where error.kind == .io {
                        guard let metadata = DictionaryCompiler.Metadata(decoding: automaton.metadata) else { throw error }
                        let (bytes, report) = try DictionaryCompiler.compile(sources: metadata.sources.map(\.path), options: metadata.options)
                        automaton = try DictionaryAutomaton(bytes: bytes, verification: .headerOnly)
                        warnings = report.warnings
                    }
                }
            }
            let detector = DictionaryDetector(automaton: automaton, id: detectorID)
            detector.warnings = warnings
            return detector
        }
        if path.lowercased().hasSuffix(".csv") && options.csvRoles == nil {
            throw DictionaryError(.invalidInput, "\(path) looks like a CSV export: compile it with `caviar dict build \(path) --csv --columns first,last,email -o FILE` and give FILE")
        }
        let (bytes, report) = try DictionaryCompiler.compile(sources: [path], options: options)
        let automaton = try DictionaryAutomaton(bytes: bytes, verification: .headerOnly)
        let detector = DictionaryDetector(automaton: automaton, id: detectorID)
        detector.warnings = report.warnings
        return detector
    }

    /// Whether the file starts like a compiled dictionary (its magic, or a prefix of it).
    static func isCompiled(_ path: String) throws -> Bool {
        let descriptor = Glibc_open(path)
        guard descriptor >= 0 else {
            throw DictionaryError(.io, "cannot open dictionary \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: 8)
        let got = head.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 8) }
        guard got > 0 else { return false }
        return head[0] == 0x89 && Array(head[0..<got]) == Array([0x89, 0x43, 0x56, 0x44, 0x49, 0x43, 0x54, 0x0A][0..<got])
    }

    /// `dict.<file name without extension>`, lower-case, `[a-z0-9_-]`.
    public static func defaultID(for path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let stem = name.split(separator: ".").first.map(String.init) ?? name
        let cleaned = stem.lowercased().unicodeScalars.map { scalar -> Character in
            (scalar.isASCII && (CharacterSetASCII.isAlphanumeric(scalar) || scalar == "-" || scalar == "_")) ? Character(scalar) : "_"
        }
        return "dict." + (cleaned.isEmpty ? "list" : String(cleaned))
    }

    public func detect(in text: UnsafeBufferPointer<UInt8>, range: Range<Int>, into results: inout [Detection]) {
        // Matches first, then, batch by batch, their values warmed together (their cache misses
        // overlap) and the detections.
        var found = self.found
        self.found = []
        found.removeAll(keepingCapacity: true)
        defer { self.found = found }
        automaton.matches(in: text, range: range, folder: folder) { found.append($0) }
        guard !found.isEmpty else { return }
        results.reserveCapacity(results.count + found.count)
        let id = self.id
        let confidence = self.confidence
        let priority = self.priority
        // Each value decoded in place for its detection: a cache of decoded values (tried: 4 096
        // slots, direct-mapped) cost more in reference counting and stores than it saved, as most
        // values of a large list are met once in a while.
        var last = lastEntity ?? (prefix: [], entity: EntityType("ORGANISATION_TERM"))
        // Batches of 64: all of a chunk's values warmed at once (thousands) were partly evicted
        // again by the detections and identities written before they were read.
        var lower = 0
        while lower < found.count {
            let upper = min(lower + 64, found.count)
            warmth &+= automaton.warmValues(of: found[lower..<upper])
            for match in found[lower..<upper] {
                let (entity, identity) = decodedValue(match.valueIndex, last: &last)
                results.append(Detection(entity: entity, detectorID: id, span: match.span, confidence: confidence, priority: priority, identity: identity))
            }
            lower = upper
        }
        if !last.prefix.isEmpty { lastEntity = last }
    }

    /// Reads value `index` in place: one allocation (the identity); the entity is the last one
    /// when the value starts with its name, else found among the few already seen by comparing
    /// bytes (no String, no validation per value).
    /// `last` is `lastEntity` (empty prefix: none), held by the caller for a whole batch.
    func decodedValue(_ index: Int, last: inout (prefix: [UInt8], entity: EntityType)) -> (entity: EntityType, identity: [UInt8]) {
        automaton.withValue(at: index) { bytes -> (EntityType, [UInt8]) in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return (entity(named: UnsafeBufferPointer(start: nil, count: 0)), []) }
            let count = bytes.count
            let start = last.prefix.count
            if start > 0 && start <= count && last.prefix.withUnsafeBufferPointer({ prefix in
                // A few bytes: compared here rather than through a call to memcmp.
                var index = 0
                while index < start && prefix[index] == base[index] { index += 1 }
                return index == start
            }) {
                return (last.entity, Array(UnsafeBufferPointer(start: base + start, count: count - start)))
            }
            let separator = memchr(base, 0, count).map { UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0)) } ?? count
            let identity = separator < count ? Array(UnsafeBufferPointer(start: base + separator + 1, count: count - separator - 1)) : []
            let entity = entity(named: UnsafeBufferPointer(start: base, count: separator))
            if separator < count { last = (Array(UnsafeBufferPointer(start: base, count: separator + 1)), entity) }
            return (entity, identity)
        }
    }

    /// Entities met so far, with the UTF-8 bytes of their names as stored in values.
    var knownEntities: [(name: [UInt8], entity: EntityType)] = []

    /// The entity whose name is `name` (the part of a value before its 0 byte); a name that is not
    /// a valid entity name (a foreign or damaged file) gives ORGANISATION_TERM.
    func entity(named name: UnsafeBufferPointer<UInt8>) -> EntityType {
        for known in knownEntities where known.name.count == name.count {
            let isEqual = known.name.withUnsafeBufferPointer { stored in
                guard let left = stored.baseAddress, let right = name.baseAddress else { return true }   // both empty
                return memcmp(left, right, name.count) == 0
            }
            if isEqual { return known.entity }
        }
        let text = String(decoding: name, as: UTF8.self)
        let entity = EntityType(EntityType.isValidName(text) ? text : "ORGANISATION_TERM")
        if knownEntities.count < 64 { knownEntities.append((Array(name), entity)) }
        return entity
    }
}

enum CharacterSetASCII {
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
    }
}

@inline(__always)
func Glibc_open(_ path: String) -> Int32 {
    open(path, O_RDONLY)
}
