import CaviarCore
import Foundation

/// The decrypted content of one session file (JSON inside the encrypted envelope).
struct SessionRecord: Codable {
    struct Entry: Codable {
        /// The placeholder number.
        var n: Int
        /// The identity bytes that were numbered.
        var id: Data
        /// The original bytes written back by restore.
        var v: Data
        /// The surrogate written instead of the value, when the surrogate operator was used.
        var s: Data?
        /// A placeholder-shaped text that was already in the input: its number is reserved and
        /// restore leaves it alone.
        var lit: Bool?
    }

    struct Numbers: Codable {
        /// The highest number ever handed out; numbers are never reused, even after a forget.
        var highest: Int
        var entries: [Entry]
    }

    var format: Int
    var name: String
    var createdAt: Double
    var updatedAt: Double
    var timeToLive: Double
    var surrogateSeed: Data
    var entities: [String: Numbers]

    func expiresAt() -> Double { updatedAt + timeToLive }
}

/// A session's mappings with lookup indexes; value semantics so a failed save can roll back.
struct SessionState {
    private(set) var record: SessionRecord
    private var numberByIdentity: [String: [[UInt8]: Int]] = [:]
    private var entryIndex: [String: [Int: Int]] = [:]
    private var surrogates: Set<[UInt8]> = []
    private var originals: Set<[UInt8]> = []

    init(record: SessionRecord) {
        self.record = record
        for (entity, numbers) in record.entities {
            for (position, entry) in numbers.entries.enumerated() { self.index(entry, at: position, entity: entity) }
        }
    }

    static func fresh(name: String, now: Double, timeToLive: Double) -> SessionState {
        SessionState(record: SessionRecord(
            format: 1, name: name, createdAt: now, updatedAt: now, timeToLive: timeToLive,
            surrogateSeed: Data(PrivateFile.randomBytes(32)), entities: [:]))
    }

    private mutating func index(_ entry: SessionRecord.Entry, at position: Int, entity: String) {
        numberByIdentity[entity, default: [:]][Array(entry.id)] = entry.n
        entryIndex[entity, default: [:]][entry.n] = position
        if let surrogate = entry.s { surrogates.insert(Array(surrogate)) }
        if entry.lit != true { originals.insert(Array(entry.v)) }
    }

    func number(identity: [UInt8], entity: EntityType) -> Int? {
        numberByIdentity[entity.name]?[identity]
    }

    func entry(entity: EntityType, number: Int) -> SessionRecord.Entry? {
        guard let position = entryIndex[entity.name]?[number] else { return nil }
        return record.entities[entity.name]?.entries[position]
    }

    func entry(identity: [UInt8], entity: EntityType) -> SessionRecord.Entry? {
        guard let number = number(identity: identity, entity: entity) else { return nil }
        return entry(entity: entity, number: number)
    }

    /// Whether `bytes` is already a surrogate or an original value somewhere in the session.
    func isTaken(_ bytes: [UInt8]) -> Bool { surrogates.contains(bytes) || originals.contains(bytes) }

    var seed: [UInt8] { Array(record.surrogateSeed) }
    var mappingCount: Int { record.entities.values.reduce(0) { $0 + $1.entries.count } }

    /// Allocates the next number for a new identity.
    mutating func allocate(identity: [UInt8], entity: EntityType, original: [UInt8], surrogate: [UInt8]? = nil) -> Int {
        var numbers = record.entities[entity.name] ?? SessionRecord.Numbers(highest: 0, entries: [])
        let number = numbers.highest + 1
        let entry = SessionRecord.Entry(n: number, id: Data(identity), v: Data(original), s: surrogate.map { Data($0) }, lit: nil)
        numbers.highest = number
        numbers.entries.append(entry)
        record.entities[entity.name] = numbers
        index(entry, at: numbers.entries.count - 1, entity: entity.name)
        return number
    }

    /// Sets the surrogate of an existing entry.
    mutating func setSurrogate(_ surrogate: [UInt8], entity: EntityType, number: Int) {
        guard let position = entryIndex[entity.name]?[number] else { return }
        record.entities[entity.name]?.entries[position].s = Data(surrogate)
        surrogates.insert(surrogate)
    }

    /// Reserves `number` for a placeholder-shaped text found in the input; false when the number
    /// already belongs to a value.
    mutating func reserveLiteral(_ text: [UInt8], entity: EntityType, number: Int) -> Bool {
        if entry(entity: entity, number: number) != nil { return false }
        var numbers = record.entities[entity.name] ?? SessionRecord.Numbers(highest: 0, entries: [])
        let identity = Array("\u{0}literal:".utf8) + text
        let entry = SessionRecord.Entry(n: number, id: Data(identity), v: Data(text), s: nil, lit: true)
        numbers.highest = max(numbers.highest, number)
        numbers.entries.append(entry)
        record.entities[entity.name] = numbers
        index(entry, at: numbers.entries.count - 1, entity: entity.name)
        return true
    }

    mutating func touch(now: Double) { record.updatedAt = now }

    /// A read-only copy for restore.
    func mappings() -> SessionMappings {
        var result: [SessionMappings.Mapping] = []
        for (entity, numbers) in record.entities.sorted(by: { $0.key < $1.key }) {
            for entry in numbers.entries {
                result.append(SessionMappings.Mapping(
                    entity: EntityType(entity), number: entry.n, original: Array(entry.v),
                    surrogate: entry.s.map { Array($0) }, isLiteral: entry.lit == true))
            }
        }
        return SessionMappings(sessionName: record.name, mappings: result)
    }
}

/// A read-only view of one session's mappings: what restore needs.
public struct SessionMappings: Sendable {
    /// One recorded value.
    public struct Mapping: Sendable, Equatable {
        public var entity: EntityType
        public var number: Int
        /// The bytes restore writes back.
        public var original: [UInt8]
        /// The surrogate that replaced the value, if the surrogate operator was used.
        public var surrogate: [UInt8]?
        /// A placeholder-shaped text that was in the input itself; restore leaves it alone.
        public var isLiteral: Bool

        public init(entity: EntityType, number: Int, original: [UInt8], surrogate: [UInt8]? = nil, isLiteral: Bool = false) {
            self.entity = entity
            self.number = number
            self.original = original
            self.surrogate = surrogate
            self.isLiteral = isLiteral
        }
    }

    public var sessionName: String
    public var mappings: [Mapping]
    private var index: [String: [Int: Int]] = [:]

    public init(sessionName: String, mappings: [Mapping]) {
        self.sessionName = sessionName
        self.mappings = mappings
        for (position, mapping) in mappings.enumerated() {
            index[mapping.entity.name, default: [:]][mapping.number] = position
        }
    }

    /// The mapping for `[ENTITY_number]`, if any.
    public func mapping(entity: String, number: Int) -> Mapping? {
        guard let position = index[entity]?[number] else { return nil }
        return mappings[position]
    }

    /// The entity names used in this session.
    public var entityNames: Set<String> { Set(index.keys) }
}
