/// One sensitive span found in the input: the single record shared by detection, resolution,
/// replacement and reporting. Nothing downstream re-reads the input to decide what was found.
public struct Detection: Hashable, Sendable {
    /// What was found.
    public var entity: EntityType
    /// The id of the detector that found it (for example `core.email`).
    public var detectorID: String
    /// Byte offsets into the input, half-open.
    public var span: Range<Int>
    /// 0...1; see `Confidence` for the named tiers.
    public var confidence: Double
    /// Higher wins when spans overlap (see `Resolver`); detectors default to 0.
    public var priority: Int
    /// The value that identifies what was found for placeholder numbering, when it is not simply
    /// the span's bytes: a person found as `Dupont`, `J. Dupont` and `jean.dupont@…` carries one
    /// identity (for example the folded `jean dupont`) so that all mentions share `[PERSON_1]`.
    public var identity: [UInt8]?

    public init(entity: EntityType, detectorID: String, span: Range<Int>, confidence: Double, priority: Int = 0, identity: [UInt8]? = nil) {
        self.entity = entity
        self.detectorID = detectorID
        self.span = span
        self.confidence = confidence
        self.priority = priority
        self.identity = identity
    }
}

/// Named confidence tiers (after Purview's high 85 / medium 75 / low 65).
public enum Confidence {
    public static let low = 0.4
    public static let medium = 0.6
    public static let high = 0.85
    /// The default `--min-confidence`: medium and above are redacted.
    public static let defaultThreshold = 0.5
}
