import CaviarCore
import CaviarDetection
import CaviarPCRE
import XCTest

/// A match-limit hit is an error that names the detector and the offset, in every matching
/// path of the engine (single-line, multi-line, and the streaming hold check); never a skip.
final class EngineLimitTests: XCTestCase {
    func engine(multiLine: Bool, trigger: String = "lit:aaaa", lead: Int = 0) throws -> DetectionEngine {
        // Nested quantifiers over a long run of 'a' without the final 'y' right after them: exponential backtracking.
        let detector = RegexDetector(id: "t.catastrophic", entity: EntityType("SECRET"),
                                     patterns: [try CompiledPattern("(?:a|aa)+(?:a|aa)+y")], trigger: try Trigger.parse(trigger),
                                     lead: lead, confidence: 0.9, maxExtent: multiLine ? 4096 : nil, origin: "t.yaml:1")
        return try DetectionEngine(detectors: [detector], matchLimit: 10_000)
    }

    func assertNamesTheDetector(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let failure = error as? DetectorFailure else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(failure.detectorID, "t.catastrophic", file: file, line: line)
            XCTAssertTrue(failure.description.contains("t.yaml:1") && failure.description.contains("not redacted"), failure.description, file: file, line: line)
        }
    }

    func testLimitInEveryPathIsAnErrorNamingTheDetector() throws {
        let text = Array(("x " + String(repeating: "a", count: 60) + " y\n").utf8)
        for multiLine in [false, true] {
            let e = try engine(multiLine: multiLine)
            assertNamesTheDetector {
                _ = try text.withUnsafeBufferPointer { try e.scan($0, from: 0, segmentEnd: $0.count, isFinal: true) }
            }
        }
        // Not final: the multi-line hold check runs the regex over the last `lead` bytes. Its
        // trigger never fires here, so that check is the only path that runs the regex.
        let tail = Array(("x " + String(repeating: "a", count: 60) + " z\n").utf8)
        let e = try engine(multiLine: true, trigger: "lit:QQ", lead: 80)
        assertNamesTheDetector {
            _ = try tail.withUnsafeBufferPointer { try e.scan($0, from: 0, segmentEnd: $0.count, isFinal: false) }
        }
    }
}
