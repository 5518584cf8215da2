/// A resolved redaction: a span of the input, what it is, and the text that replaced it.
public struct Finding: Hashable, Sendable {
    public var entity: EntityType
    public var detectorID: String
    /// Byte offsets into the input, half-open.
    public var span: Range<Int>
    public var confidence: Double
    /// The bytes written instead of the span (for example `[EMAIL_1]`).
    public var replacement: [UInt8]

    public init(entity: EntityType, detectorID: String, span: Range<Int>, confidence: Double, replacement: [UInt8]) {
        self.entity = entity
        self.detectorID = detectorID
        self.span = span
        self.confidence = confidence
        self.replacement = replacement
    }
}

/// The result of redacting one whole text (used by front ends that hold a bounded text:
/// clipboard, MIME parts, headers).
public struct TextRedaction: Sendable {
    /// The redacted bytes: the input with every finding's span replaced.
    public var output: [UInt8]
    /// Findings in input order.
    public var findings: [Finding]

    public init(output: [UInt8], findings: [Finding]) {
        self.output = output
        self.findings = findings
    }
}

/// Redacts a bounded text. Implemented by the engine; used by mail and clipboard front ends,
/// which know nothing of detectors.
///
/// Implementations throw `PolicyRefusal` when the text carries a marking whose policy is
/// `block`, and other errors for internal failures. They never return partly redacted text.
public protocol TextRedacting: AnyObject {
    func redact(_ text: [UInt8]) throws -> TextRedaction
}

/// Refusal by policy (for example a classification marking in block mode). Exit code 3.
public struct PolicyRefusal: Error, Sendable, CustomStringConvertible {
    /// Which marking or rule caused the refusal, for example `EU classified marking SECRET UE/EU SECRET`.
    public var reason: String
    /// Where, as a human-readable location (`line 3, column 1`), never the value itself.
    public var location: String

    public init(reason: String, location: String) {
        self.reason = reason
        self.location = location
    }

    public var description: String { "refused: \(reason) at \(location)" }
}
