/// Assigns a stable number to each distinct value of an entity type, so that the same value is
/// always `[EMAIL_1]` and a different value never reuses a number.
///
/// Without a session the book lives for one run (`InMemoryPlaceholderBook`); with a session it is
/// backed by the encrypted vault (`CaviarSessions`).
public protocol PlaceholderBook: AnyObject {
    /// The number for `value` (the exact original bytes) under `entity`, allocated on first sight.
    func number(for value: [UInt8], entity: EntityType) throws -> Int
    /// The number for `identity` (what makes two mentions the same), remembering `original`
    /// (the text as written) as what a restore writes back.
    func number(for identity: [UInt8], entity: EntityType, original: [UInt8]) throws -> Int
}

extension PlaceholderBook {
    public func number(for identity: [UInt8], entity: EntityType, original: [UInt8]) throws -> Int {
        try number(for: identity, entity: entity)
    }
}

/// A placeholder book that keeps its numbers in memory for one run only.
public final class InMemoryPlaceholderBook: PlaceholderBook {
    private var numbers: [EntityType: [[UInt8]: Int]] = [:]

    public init() {}

    public func number(for value: [UInt8], entity: EntityType) -> Int {
        if let n = numbers[entity]?[value] { return n }
        let n = (numbers[entity]?.count ?? 0) + 1
        numbers[entity, default: [:]][value] = n
        return n
    }
}

/// The textual form of placeholders: `[ENTITY_N]`. Restore parses the same form tolerantly.
public enum Placeholder {
    public static func text(entity: EntityType, number: Int) -> String {
        "[\(entity.name)_\(number)]"
    }
}
