import CaviarCore
import CaviarDetection
import CaviarPCRE
import XCTest

/// Detectors from the pack cache compile on first use: in the interpreter while few match calls
/// are announced (a short input pays no JIT compile), JIT-compiled once enough are.
final class LazyCompileTests: XCTestCase {
    func lazyDetector(_ source: String, maxExtent: Int? = nil) -> RegexDetector {
        RegexDetector(lazySources: [source], caseless: false, maxCaptureCount: 0, maxLookbehind: 1, id: "t.card", entity: EntityType("CARD"),
                      group: 0, trigger: .digits(8), lead: 0, validators: [], confidence: 0.9, context: nil, priority: 0,
                      policy: .redact, operatorName: nil, maxExtent: maxExtent, allowList: nil, origin: "t.yaml:1", packID: "t")
    }

    func testInterpreterFirstThenJIT() throws {
        let d = lazyDetector("\\b\\d{4}(?: \\d{4}){3}\\b")
        let first = try d.patterns(plannedCalls: 1)
        XCTAssertFalse(first[0].isJITCompiled, "a pattern announced for one call should not be JIT-compiled")
        XCTAssertFalse(try d.patterns(plannedCalls: 2)[0].isJITCompiled)
        let later = try d.patterns(plannedCalls: RegexDetector.jitAfterCalls)
        XCTAssertTrue(later[0].isJITCompiled || !PCRE2Library.hasJIT)
        XCTAssertTrue(try d.patterns(plannedCalls: 1)[0] === later[0], "once JIT-compiled it stays so")
        XCTAssertTrue(try lazyDetector("a+", maxExtent: 100).patterns()[0].isJITCompiled || !PCRE2Library.hasJIT)
    }

    /// The JIT budget is in bytes of pattern source: a detector that does not fit stays in the
    /// interpreter for now, one that fits is compiled and uses up its share.
    func testJITBudgetInSourceBytes() throws {
        let source = "\\b\\d{4}(?: \\d{4}){3}\\b"
        let d = lazyDetector(source)
        var small = source.utf8.count - 1
        XCTAssertFalse(try d.patterns(plannedCalls: 100, jitBudget: &small)[0].isJITCompiled)
        XCTAssertEqual(small, source.utf8.count - 1, "nothing was compiled, nothing used")
        var enough = source.utf8.count + 10
        XCTAssertTrue(try d.patterns(plannedCalls: 1, jitBudget: &enough)[0].isJITCompiled || !PCRE2Library.hasJIT)
        XCTAssertEqual(enough, 10)
    }

    /// The interpreter and the JIT find the same spans through the engine, on a short input
    /// (interpreted) and on a long one (JIT after the first windows).
    func testInterpretedAndJITScansAgree() throws {
        let line = "Karte 4111 1111 1111 1111 und Ticket 2024 0001 sowie 5500 0000 0000 0004.\n"
        for copies in [1, 200] {
            let text = Array(String(repeating: line, count: copies).utf8)
            let lazy = try DetectionEngine(detectors: [lazyDetector("\\b\\d{4}(?: \\d{4}){3}\\b")])
            let jit = try DetectionEngine(detectors: [RegexDetector(id: "t.card", entity: EntityType("CARD"),
                                                                    patterns: [try CompiledPattern("\\b\\d{4}(?: \\d{4}){3}\\b")],
                                                                    trigger: .digits(8), lead: 0, confidence: 0.9)])
            let a = try text.withUnsafeBufferPointer { try lazy.scan($0, from: 0, segmentEnd: $0.count, isFinal: true) }
            let b = try text.withUnsafeBufferPointer { try jit.scan($0, from: 0, segmentEnd: $0.count, isFinal: true) }
            XCTAssertEqual(a.detections.map(\.span), b.detections.map(\.span))
            XCTAssertEqual(a.detections.count, 2 * copies)
        }
    }

    /// A match-limit hit in the interpreter is retried with the JIT (their limits differ); when
    /// the JIT hits it too, it is the same named error.
    func testInterpretedLimitNamesTheDetector() throws {
        let d = RegexDetector(lazySources: ["(?:a|aa)+(?:a|aa)+y"], caseless: false, maxCaptureCount: 0, maxLookbehind: 0, id: "t.catastrophic",
                              entity: EntityType("SECRET"), group: 0, trigger: try Trigger.parse("lit:aaaa"), lead: 0, validators: [],
                              confidence: 0.9, context: nil, priority: 0, policy: .redact, operatorName: nil, maxExtent: nil,
                              allowList: nil, origin: "t.yaml:1", packID: "t")
        let e = try DetectionEngine(detectors: [d], matchLimit: 10_000)
        let text = Array(("x " + String(repeating: "a", count: 60) + " y\n").utf8)
        XCTAssertThrowsError(try text.withUnsafeBufferPointer { try e.scan($0, from: 0, segmentEnd: $0.count, isFinal: true) }) { error in
            XCTAssertEqual((error as? DetectorFailure)?.detectorID, "t.catastrophic", "\(error)")
        }
        XCTAssertTrue(try d.patterns(plannedCalls: 0)[0].isJITCompiled || !PCRE2Library.hasJIT, "the failed interpreted call was not retried with the JIT")
    }
}
