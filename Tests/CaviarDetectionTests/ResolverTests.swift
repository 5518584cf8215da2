import CaviarCore
import CaviarDetection
import XCTest

/// One test per tie-break of the resolver's total order, plus the union merge.
final class ResolverTests: XCTestCase {
    func det(_ id: String, _ r: Range<Int>, conf: Double = 0.6, prio: Int = 0, entity: String = "X") -> Detection {
        Detection(entity: EntityType(entity), detectorID: id, span: r, confidence: conf, priority: prio)
    }

    func testOverlapsAreMergedSoNoFragmentSurvives() {
        let out = Resolver.resolve([det("secret", 8..<16, conf: 0.9, entity: "SECRET"), det("email", 8..<30, entity: "EMAIL")])
        XCTAssertEqual(out.count, 1)
        XCTAssertEqual(out[0].span, 8..<30)
        XCTAssertEqual(out[0].entity.name, "SECRET", "higher confidence wins the label")
    }

    func testPriorityBeatsConfidence() {
        let out = Resolver.resolve([det("a", 0..<5, conf: 0.99), det("b", 2..<6, conf: 0.4, prio: 5)])
        XCTAssertEqual(out.map(\.detectorID), ["b"])
        XCTAssertEqual(out[0].span, 0..<6)
    }

    func testLongerBeatsShorterAtEqualConfidence() {
        XCTAssertEqual(Resolver.resolve([det("short", 0..<3), det("long", 0..<8)]).map(\.detectorID), ["long"])
    }

    func testEarlierStartBeatsLaterAtEqualLength() {
        XCTAssertEqual(Resolver.resolve([det("late", 2..<6), det("early", 0..<4)]).map(\.detectorID), ["early"])
    }

    func testDetectorIdBreaksTheLastTieRegardlessOfInputOrder() {
        let a = Resolver.resolve([det("zeta", 0..<4), det("alpha", 0..<4)])
        let b = Resolver.resolve([det("alpha", 0..<4), det("zeta", 0..<4)])
        XCTAssertEqual(a.map(\.detectorID), ["alpha"])
        XCTAssertEqual(a, b)
    }

    func testTouchingSpansStayApart() {
        XCTAssertEqual(Resolver.resolve([det("a", 0..<4), det("b", 4..<8)]).map(\.span), [0..<4, 4..<8])
    }

    func testChainOfOverlapsMergesIntoOne() {
        XCTAssertEqual(Resolver.resolve([det("a", 0..<4), det("b", 3..<7), det("c", 6..<10)]).map(\.span), [0..<10])
    }
}
