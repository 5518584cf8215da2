import CaviarCore
import CaviarDetection

/// Runs a pack's examples: `match` examples must be found exactly at their ⟦marked⟧ spans by
/// their detector, `no_match` examples must give that detector nothing, at the default threshold.
public enum PackSelfTest {
    public struct Failure: Sendable, CustomStringConvertible {
        public let file: String
        public let line: Int?
        public let detectorID: String
        public let message: String
        public var description: String { "\(file):\(line ?? 0): detector \(detectorID): \(message)" }
    }

    public struct Report: Sendable {
        public var examples = 0
        public var failures: [Failure] = []
        public var detectorsWithoutExamples: [String] = []
    }

    static let open: [UInt8] = Array("⟦".utf8)
    static let close: [UInt8] = Array("⟧".utf8)

    /// Splits an example into its text and the marked spans (byte offsets in the text).
    public static func parseExample(_ example: String) -> (text: [UInt8], spans: [Range<Int>]) {
        let bytes = Array(example.utf8)
        var text: [UInt8] = []
        var spans: [Range<Int>] = []
        var start: Int?
        var i = 0
        while i < bytes.count {
            if bytes[i...].starts(with: open) { start = text.count; i += open.count; continue }
            if bytes[i...].starts(with: close), let s = start { spans.append(s..<text.count); start = nil; i += close.count; continue }
            text.append(bytes[i])
            i += 1
        }
        if spans.isEmpty { spans = [0..<text.count] }
        return (text, spans)
    }

    public static func run(_ pack: CompiledPack, minConfidence: Double = Confidence.defaultThreshold) throws -> Report {
        var report = Report()
        let engine = try DetectionEngine(detectors: pack.detectors, minConfidence: minConfidence)
        for (d, raw) in zip(pack.detectors, pack.raw.detectors) {
            if raw.matchExamples.isEmpty || raw.noMatchExamples.isEmpty { report.detectorsWithoutExamples.append(d.id) }
            for ex in raw.matchExamples {
                report.examples += 1
                let (text, spans) = parseExample(ex.text)
                let found = try findings(engine, text, detector: d.id, minConfidence: minConfidence)
                let missing = spans.filter { !found.contains($0) }
                let extra = found.filter { !spans.contains($0) }
                if !missing.isEmpty || !extra.isEmpty {
                    report.failures.append(Failure(file: pack.raw.file, line: ex.line, detectorID: d.id, message:
                        "match example: expected \(describe(spans, text)), found \(describe(found, text))"))
                }
            }
            for ex in raw.noMatchExamples {
                report.examples += 1
                let (text, _) = parseExample(ex.text)
                let found = try findings(engine, text, detector: d.id, minConfidence: minConfidence)
                if !found.isEmpty {
                    report.failures.append(Failure(file: pack.raw.file, line: ex.line, detectorID: d.id, message:
                        "no_match example was matched at \(describe(found, text))"))
                }
            }
        }
        return report
    }

    static func findings(_ engine: DetectionEngine, _ text: [UInt8], detector: String, minConfidence: Double) throws -> [Range<Int>] {
        try text.withUnsafeBufferPointer { buf in
            try engine.scan(buf, from: 0, segmentEnd: buf.count, isFinal: true).detections
                .filter { $0.detectorID == detector && $0.confidence >= minConfidence }
                .map(\.span)
        }
    }

    static func describe(_ spans: [Range<Int>], _ text: [UInt8]) -> String {
        if spans.isEmpty { return "nothing" }
        return spans.map { "⟦" + String(decoding: text[$0], as: UTF8.self) + "⟧@\($0.lowerBound)" }.joined(separator: ", ")
    }
}
