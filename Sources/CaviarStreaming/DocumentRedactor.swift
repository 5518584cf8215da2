import CaviarCore
import CaviarDetection
import CaviarRedaction

/// Redacts bounded texts (clipboard contents, MIME parts, headers) with the same engine and the
/// same placeholder book as the pipe, so a value gets the same placeholder everywhere in a run.
public final class DocumentRedactor: TextRedacting {
    public let engine: DetectionEngine
    public let redactor: Redactor

    public init(engine: DetectionEngine, redactor: Redactor) {
        self.engine = engine
        self.redactor = redactor
    }

    /// Throws `PolicyRefusal` for a blocking marking; never returns partly redacted text.
    public func redact(_ text: [UInt8]) throws -> TextRedaction {
        let sink = MemorySink()
        let collector = FindingCollector()
        let stream = StreamRedactor(engine: engine, redactor: redactor, sink: sink)
        stream.findings = collector
        try stream.feed(text)
        try stream.finish()
        return TextRedaction(output: sink.bytes, findings: collector.findings.filter { collector.redacted.contains($0.span) })
    }
}

/// Collects findings in memory.
public final class FindingCollector: FindingSink {
    public private(set) var findings: [Finding] = []
    public private(set) var redacted: Set<Range<Int>> = []
    public private(set) var positions: [(line: Int, column: Int, policy: DetectorPolicy)] = []
    public init() {}
    public func found(_ finding: Finding, value: [UInt8], policy: DetectorPolicy, line: Int, column: Int) {
        findings.append(finding)
        positions.append((line, column, policy))
        if policy == .redact || policy == .block { redacted.insert(finding.span) }
    }
}
