/// The kind of a sensitive value (`EMAIL`, `PHONE`, `PERSON`, `NATIONAL_ID`, …).
///
/// Entity names are upper-case ASCII letters, digits and underscores, because they end up in
/// placeholders such as `[EMAIL_1]` that must survive a chatbot's rewriting.
public struct EntityType: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) { self.name = name }

    public var description: String { name }

    public static func < (lhs: EntityType, rhs: EntityType) -> Bool { lhs.name < rhs.name }

    /// Whether `name` is acceptable as an entity name: `[A-Z][A-Z0-9_]*`, at most 40 bytes.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 40, first >= 65, first <= 90 else { return false }
        return bytes.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }
}
