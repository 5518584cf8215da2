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
    /// Entities met so far: the bytes of their names followed by the 0 byte that ends a value's
    /// entity part, and the entity. Most values of a dictionary share one or two entities, so
    /// a value is matched against the last one used, then against these few, by comparing bytes.
    var knownEntities: [(prefix: [UInt8], entity: EntityType)] = []
    /// Index in `knownEntities` of the entity of the last value decoded.
    var lastKnown = 0

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
        // Values are read in batches of 64, warmed ahead in two stages: the offsets of batch
        // i + 2 and the bytes of batch i + 1 (whose offsets are then in the cache) are read just
        // before batch i is decoded, so that their cache misses overlap each other and the
        // decoding instead of stalling it. (All of a chunk's values warmed at once, thousands,
        // were partly evicted again by the detections and identities written before they were
        // read.)
        let batch = 64
        let count = found.count
        warmth &+= automaton.warmValueOffsets(of: found[0..<min(batch, count)])
        warmth &+= automaton.warmValueOffsets(of: found[min(batch, count)..<min(2 * batch, count)])
        warmth &+= automaton.warmValueBytes(of: found[0..<min(batch, count)])
        var lower = 0
        while lower < count {
            let upper = min(lower + batch, count)
            warmth &+= automaton.warmValueOffsets(of: found[min(upper + batch, count)..<min(upper + 2 * batch, count)])
            warmth &+= automaton.warmValueBytes(of: found[upper..<min(upper + batch, count)])
            for index in lower..<upper {
                let match = found[index]
                let value = automaton.valueBuffer(at: match.valueIndex)
                let known = knownEntity(of: value)
                guard known >= 0 else {
                    // No 0 byte: the value is an entity name only.
                    results.append(Detection(entity: Self.entityType(named: value), detectorID: id, span: match.span,
                                             confidence: confidence, priority: priority, identity: []))
                    continue
                }
                let prefix = knownEntities[known].prefix.count
                // (`Array(unsafeUninitializedCapacity:)` looked the array's type metadata up at
                // run time, at every call.)
                let identity = prefix < value.count ? Array(UnsafeBufferPointer(rebasing: value[prefix...])) : []
                let detection = Detection(entity: knownEntities[known].entity, detectorID: id, span: match.span,
                                          confidence: confidence, priority: priority, identity: consume identity)
                results.append(consume detection)
            }
            lower = upper
        }
    }

    /// The index in `knownEntities` of the entity of `value` (its bytes before the first 0
    /// byte), added when new; −1 when `value` holds no 0 byte (a name only, or empty). The last
    /// one used is tried first, then the others, comparing bytes (no allocation, no String).
    @inline(__always)
    func knownEntity(of value: UnsafeBufferPointer<UInt8>) -> Int {
        if lastKnown < knownEntities.count && Self.starts(value, with: knownEntities[lastKnown].prefix) { return lastKnown }
        var index = 0
        while index < knownEntities.count {
            if Self.starts(value, with: knownEntities[index].prefix) {
                lastKnown = index
                return index
            }
            index += 1
        }
        return knownEntityAdded(of: value)
    }

    /// `knownEntity(of:)` for a value whose entity is not known yet.
    func knownEntityAdded(of value: UnsafeBufferPointer<UInt8>) -> Int {
        guard let separator = value.firstIndex(of: 0) else { return -1 }
        let entry = (prefix: Array(value[...separator]), entity: Self.entityType(named: UnsafeBufferPointer(rebasing: value[..<separator])))
        // At most 64 names remembered (more in one file is odd): the last slot is reused.
        if knownEntities.count < 64 { knownEntities.append(entry) } else { knownEntities[63] = entry }
        lastKnown = knownEntities.count - 1
        return lastKnown
    }

    /// Whether `value` starts with `prefix` (a few bytes, eight at a time: compared here, not
    /// through memcmp).
    @inline(__always)
    static func starts(_ value: UnsafeBufferPointer<UInt8>, with prefix: [UInt8]) -> Bool {
        let count = prefix.count
        guard count <= value.count else { return false }
        return prefix.withUnsafeBufferPointer { stored in
            guard let left = stored.baseAddress, let right = value.baseAddress else { return count == 0 }
            var index = 0
            while index + 8 <= count {
                guard UnsafeRawPointer(left + index).loadUnaligned(as: UInt64.self) == UnsafeRawPointer(right + index).loadUnaligned(as: UInt64.self) else { return false }
                index += 8
            }
            while index < count && left[index] == right[index] { index += 1 }
            return index == count
        }
    }

    /// The shared vocabulary's entity names as literals: an entity made from one of them is
    /// never reference counted (a name of more than 15 bytes made at run time is, at every
    /// detection that carries it).
    static let vocabulary: [String] = [
        "EMAIL", "PHONE", "PHONE_EXTENSION", "IBAN", "BIC", "PAYMENT_CARD", "IP_ADDRESS", "MAC_ADDRESS", "URL_CREDENTIALS",
        "DATE_OF_BIRTH", "ADDRESS", "PERSON", "USERNAME", "NATIONAL_ID", "TAX_ID", "VAT_ID", "SOCIAL_SECURITY",
        "HEALTH_INSURANCE", "PASSPORT", "DRIVING_LICENCE", "ID_CARD", "LICENCE_PLATE", "SECRET", "ORGANISATION_TERM",
        "INTERNAL_REFERENCE", "ROOM", "STAFF_NUMBER", "INTERNAL_HOST", "CLASSIFICATION_MARKING", "PUBLIC_REFERENCE",
    ]

    /// The entity named by the UTF-8 bytes `name` (made from the vocabulary's literal when it is
    /// one of them); a name that is not a valid entity name (a foreign or damaged file) gives
    /// ORGANISATION_TERM.
    static func entityType(named name: UnsafeBufferPointer<UInt8>) -> EntityType {
        let text = String(decoding: name, as: UTF8.self)
        guard EntityType.isValidName(text) else { return EntityType("ORGANISATION_TERM") }
        return EntityType(vocabulary.first { $0 == text } ?? text)
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
