import CaviarCore
import Crypto

/// How a detected value is replaced.
public enum RedactionOperator: Sendable, Equatable {
    /// `[EMAIL_1]`: typed, numbered per type, the same value always the same number.
    case placeholder
    /// Every character replaced by `character`, except the last `keepLast` characters.
    case mask(character: Character, keepLast: Int)
    /// The value disappears.
    case remove
    /// `[EMAIL:3fa4c2d1e0b9a877]`: keyed HMAC-SHA-256 of the value (never a bare, unsalted hash).
    case hash(key: [UInt8])
    /// A realistic fake value of the same kind, from the session (see CaviarSessions).
    case surrogate

    /// Parses the config names `placeholder`, `mask`, `remove`, `hash`, `surrogate`.
    public static func named(_ name: String, maskCharacter: Character = "*", keepLast: Int = 0, hashKey: [UInt8]? = nil) throws -> RedactionOperator {
        switch name {
        case "placeholder": return .placeholder
        case "mask": return .mask(character: maskCharacter, keepLast: keepLast)
        case "remove": return .remove
        case "surrogate": return .surrogate
        case "hash":
            guard let hashKey, hashKey.count >= 16 else {
                throw OperatorError("the hash operator needs a key of at least 16 bytes: set 'hash_key_file' in the config")
            }
            return .hash(key: hashKey)
        default:
            throw OperatorError("unknown operator '\(name)'; use placeholder, mask, remove, hash or surrogate")
        }
    }
}

public struct OperatorError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Produces realistic substitutes for values and remembers them (implemented by sessions).
public protocol SurrogateProvider: AnyObject {
    func surrogate(for identity: [UInt8], entity: EntityType, original: [UInt8]) throws -> [UInt8]
}

/// Turns detections into replacement bytes: operator per detector, else per entity type, else
/// the default; placeholder numbers from one `PlaceholderBook` shared by everything in a run.
public final class Redactor {
    public let book: any PlaceholderBook
    public var defaultOperator: RedactionOperator
    public var entityOperators: [EntityType: RedactionOperator]
    public var detectorOperators: [String: RedactionOperator]
    public var surrogates: (any SurrogateProvider)?

    /// `book`, when it is the in-memory one: numbered from the bytes in place.
    private let memoryBook: InMemoryPlaceholderBook?

    public init(book: any PlaceholderBook = InMemoryPlaceholderBook(), defaultOperator: RedactionOperator = .placeholder,
                entityOperators: [EntityType: RedactionOperator] = [:], detectorOperators: [String: RedactionOperator] = [:],
                surrogates: (any SurrogateProvider)? = nil) {
        self.book = book
        memoryBook = book as? InMemoryPlaceholderBook
        self.defaultOperator = defaultOperator
        self.entityOperators = entityOperators
        self.detectorOperators = detectorOperators
        self.surrogates = surrogates
    }

    public func operatorFor(_ d: Detection) -> RedactionOperator {
        // Most runs configure no operator per entity or detector: no hashing then.
        if entityOperators.isEmpty && detectorOperators.isEmpty { return defaultOperator }
        return entityOperators[d.entity] ?? detectorOperators[d.detectorID] ?? defaultOperator
    }

    /// Appends the bytes that replace `value`, found as `d`, to `out`: `replacement(for:value:)`
    /// without an array per redaction for a placeholder (nor a copy of the value, with the
    /// in-memory book). The driver's two arrays per detection, made and freed, were a tenth of
    /// what emitting a region cost.
    public func appendReplacement(for d: Detection, value: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) throws {
        // The common configuration, placeholders for everything, without copying an operator out.
        var isPlaceholder = false
        if entityOperators.isEmpty && detectorOperators.isEmpty, case .placeholder = defaultOperator {
            isPlaceholder = true
        } else if case .placeholder = operatorFor(d) {
            isPlaceholder = true
        }
        guard isPlaceholder else {
            out += try replacement(for: d, value: Array(value))
            return
        }
        let n: Int
        if let memoryBook, d.identity == nil {
            n = memoryBook.number(for: value, entity: d.entity)
        } else {
            let original = Array(value)
            n = try book.number(for: d.identity ?? original, entity: d.entity, original: original)
        }
        Placeholder.append(entity: d.entity, number: n, to: &out)
    }

    /// The bytes that replace `value`, found as `d`.
    public func replacement(for d: Detection, value: [UInt8]) throws -> [UInt8] {
        switch operatorFor(d) {
        case .placeholder:
            let n = try book.number(for: d.identity ?? value, entity: d.entity, original: value)
            return Placeholder.bytes(entity: d.entity, number: n)
        case .mask(let c, let keepLast):
            let s = String(decoding: value, as: UTF8.self)
            let count = s.count
            var out = ""
            for (i, ch) in s.enumerated() { out.append(i >= count - keepLast ? ch : c) }
            return Array(out.utf8)
        case .remove:
            return []
        case .hash(let key):
            let mac = HMAC<SHA256>.authenticationCode(for: d.identity ?? value, using: SymmetricKey(data: key))
            let hex = mac.prefix(8).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
            return Array("[\(d.entity.name):\(hex)]".utf8)
        case .surrogate:
            guard let surrogates else {
                throw OperatorError("the surrogate operator needs a session (--session NAME)")
            }
            return try surrogates.surrogate(for: d.identity ?? value, entity: d.entity, original: value)
        }
    }
}
