/// A candidate value handed to a validator.
public struct Candidate: Sendable {
    /// The matched bytes exactly as they appear in the text (capture group if the detector has one).
    public let raw: [UInt8]
    /// `raw` with everything but ASCII letters and digits removed and letters upper-cased
    /// (`BE71 0961 2345 6769` -> `BE71096123456769`).
    public let compact: [UInt8]

    public init(raw: [UInt8]) {
        self.raw = raw
        var c: [UInt8] = []
        c.reserveCapacity(raw.count)
        for b in raw {
            switch b {
            case 48...57, 65...90: c.append(b)
            case 97...122: c.append(b - 32)
            default: break
            }
        }
        self.compact = c
    }

    /// The digit values of `compact` if it is all digits, else nil.
    public var digits: [Int]? {
        var out: [Int] = []
        out.reserveCapacity(compact.count)
        for b in compact {
            guard b >= 48 && b <= 57 else { return nil }
            out.append(Int(b - 48))
        }
        return out
    }
}

/// A named, pure check on a candidate (checksum, date plausibility, entropy, …).
public protocol CandidateValidator: Sendable {
    func isValid(_ candidate: Candidate) -> Bool
}

/// A parameter of a declarative validator, as written in a pack.
public enum ValidatorParameter: Sendable, Equatable {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case ints([Int])
    case strings([String])
}

/// A validator could not be built from its pack entry (unknown name, missing or bad parameter).
public struct ValidatorError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Builds a validator from the parameters written in a pack.
public typealias ValidatorFactory = @Sendable ([String: ValidatorParameter]) throws -> any CandidateValidator

/// A validator defined by a closure (for the named algorithms without parameters).
public struct ClosureValidator: CandidateValidator {
    let check: @Sendable (Candidate) -> Bool
    public init(_ check: @escaping @Sendable (Candidate) -> Bool) { self.check = check }
    public func isValid(_ candidate: Candidate) -> Bool { check(candidate) }
}
