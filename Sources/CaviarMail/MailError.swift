import CaviarCore

/// A message caviar cannot process: malformed structure, an unknown charset or transfer
/// encoding, or a limit exceeded. Messages name the part and header, never a value.
public struct MailError: Error, Sendable, CustomStringConvertible {
    /// Why processing stopped.
    public enum Kind: Sendable {
        /// The message breaks MIME or RFC 5322 structure (missing boundary, truncated base64 …).
        case malformed
        /// A charset or transfer encoding caviar does not know; it refuses rather than guess.
        case unsupported
        /// A structural limit (nesting depth, header line length, size) was exceeded.
        case limit
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The message cannot be passed on as asked: parts caviar cannot redact, text attachments with
/// findings, findings in check mode of the sendmail wrapper, or a policy refusal by the engine.
public struct MailRefusal: Error, Sendable, CustomStringConvertible {
    /// One line per reason, each naming the part and the fix, never a value.
    public var reasons: [String]

    public init(reasons: [String]) { self.reasons = reasons }

    public var description: String { reasons.joined(separator: "\n") }
}
