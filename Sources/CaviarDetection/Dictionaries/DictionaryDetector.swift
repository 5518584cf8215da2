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
    /// Decoded values, direct-mapped by value index (a hit costs one comparison, no hashing):
    /// a power of two of slots, up to 4 096 (128 KiB, so that a look-up stays in the cache:
    /// repeated mentions hit, and a value met once costs its decoding anyway), allocated on the
    /// first detection.
    var decoded: [(index: Int, entity: EntityType, identity: [UInt8])] = []

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
        // Matches first, then their values warmed together (their cache misses overlap), then
        // the detections.
        found.removeAll(keepingCapacity: true)
        automaton.matches(in: text, range: range, folder: folder) { found.append($0) }
        guard !found.isEmpty else { return }
        warmth &+= automaton.warmValues(of: found)
        results.reserveCapacity(results.count + found.count)
        for match in found {
            let value = decodedValue(match.valueIndex)
            results.append(Detection(entity: value.entity, detectorID: id, span: match.span, confidence: confidence, priority: priority, identity: value.identity))
        }
    }

    func decodedValue(_ index: Int) -> (entity: EntityType, identity: [UInt8]) {
        if decoded.isEmpty {
            var slots = 64
            while slots < min(automaton.valueCount, 4_096) { slots *= 2 }
            decoded = Array(repeating: (-1, EntityType("ORGANISATION_TERM"), []), count: slots)
        }
        let slot = index & (decoded.count - 1)
        if decoded[slot].index == index { return (decoded[slot].entity, decoded[slot].identity) }
        // A miss reads the value in place: one allocation (the identity), the entity found among
        // the few already seen by comparing bytes (no String, no validation per value).
        let (entity, identity) = automaton.withValue(at: index) { bytes -> (EntityType, [UInt8]) in
            let separator = bytes.firstIndex(of: 0) ?? bytes.endIndex
            let identity = separator < bytes.endIndex ? Array(UnsafeBufferPointer(rebasing: bytes[(separator + 1)...])) : []
            return (self.entity(named: UnsafeBufferPointer(rebasing: bytes[..<separator])), identity)
        }
        decoded[slot] = (index, entity, identity)
        return (entity, identity)
    }

    /// Entities met so far, with the UTF-8 bytes of their names as stored in values.
    var knownEntities: [(name: [UInt8], entity: EntityType)] = []

    /// The entity whose name is `name` (the part of a value before its 0 byte); a name that is not
    /// a valid entity name (a foreign or damaged file) gives ORGANISATION_TERM.
    func entity(named name: UnsafeBufferPointer<UInt8>) -> EntityType {
        for known in knownEntities where known.name.count == name.count && known.name.elementsEqual(name) {
            return known.entity
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
