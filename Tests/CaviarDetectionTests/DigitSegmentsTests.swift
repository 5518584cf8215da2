@testable import CaviarDetection
import XCTest

/// The stretch sequences a pattern's matches can hold in one digit run (`DigitSegments`), and
/// the runs they admit.
final class DigitSegmentsTests: XCTestCase {
    func segments(_ pattern: String) -> String? { DigitSegments.of(pattern: pattern)?.description }

    func testGroupedNumbersGiveTheirSequences() {
        // Guarded on both sides: every stretch is exact.
        let guarded = "(?<![\\p{L}\\p{N}#])(?:\\d{9}|\\d{4}[ .\\-]\\d{2}[ .\\-]\\d{3}|\\d{3}[ .\\-]\\d{3}[ .\\-]\\d{3})(?![\\p{L}\\p{N}])"
        XCTAssertEqual(segments(guarded), "9|4.2.3|3.3.3")
        // Unguarded ends may go on outside the match.
        XCTAssertEqual(segments("\\d{4} \\d{2}"), ">=4.>=2")
        XCTAssertEqual(segments("(?<!\\d)\\d{4} \\d{2}"), "4.>=2")
        XCTAssertEqual(segments("\\b\\d{2}-\\d{3}\\b"), "2.3")
        XCTAssertEqual(segments("^\\d{1,3}$"), "1-3")
        // An optional separator merges two stretches or not.
        XCTAssertEqual(segments("(?<!\\d)\\d\\d[ ]?\\d\\d(?!\\d)"), "4|2.2")
        // A letter ends a run: each side is a segment of its own.
        XCTAssertEqual(segments("(?<!\\d)[XYZ]\\d{7}[A-Z](?!\\d)"), "7")
        XCTAssertEqual(segments("(?<!\\d)\\d{2}[AB]\\d{3}(?!\\d)"), "2|3")
        // Three separators in a row end a run too.
        XCTAssertEqual(segments("(?<!\\d)\\d{2} - \\d{3}(?!\\d)"), "2|3")
        XCTAssertEqual(segments("(?<!\\d)\\d{2} -\\d{3}(?!\\d)"), "2.3")
        // Unbounded digits; a weaker segment makes a stronger one redundant.
        XCTAssertEqual(segments("(?<!\\d)\\d+(?!\\d)"), "1+")
        XCTAssertEqual(segments("(?:\\d{6}|\\d{13} \\d{2})"), ">=6")
        // Counted groups are expanded.
        XCTAssertEqual(segments("(?<!\\d)(?:\\d{2}[\\-/]){2}\\d{2}(?!\\d)"), "2.2.2")
        // The guards of the shipped packs (nl.bsn).
        let l = "(?<![\\p{L}\\p{N}#])(?<!\\p{N}[.,])(?<![\\p{L}\\p{N}][\\-/])(?<!\\p{N}[ \\x{00A0}\\x{202F}\\x{2009}])"
        let r = "(?![\\p{L}\\p{N}])(?![.,]\\p{N})(?![\\-/][\\p{L}\\p{N}])"
        let sep = "[ \\x{00A0}\\x{202F}\\x{2009}.\\-]"
        XCTAssertEqual(segments(l + "(?:\\d{9}|\\d{4}\(sep)\\d{2}\(sep)\\d{3}|\\d{3}\(sep)\\d{3}\(sep)\\d{3})" + r), "9|4.2.3|3.3.3")
    }

    func testWhatIsNotModelledGivesUp() {
        for pattern in ["\\d{3}\\s\\d{3}", "[0-9A-Z]{8}", "\\w+", "(\\d)\\1", "\\d{3}.\\d", "[^a]\\d", "(?x) \\d", "\\p{N}{4}", "(?:\\d )+\\d", "ab"] {
            XCTAssertNil(DigitSegments.of(pattern: pattern), pattern)
        }
    }

    /// The prefilter records each digit run's stretch lengths, in order, and nothing else.
    func testThePrefilterRecordsEachRunsStretchLengths() {
        let prefilter = Prefilter(triggers: [.digits(1)])
        let text = Array("Karte 4111 1111 1111 1111, IBAN DE89 3704 0044 05, tel +32 470 12 34 56; 2016/679 (x) 7\u{00A0}12  3 - 4 end".utf8)
        let runs: [[UInt8]] = text.withUnsafeBufferPointer { buf in
            let hits = prefilter.scan(buf, region: 0..<buf.count)
            return hits.digitRuns.map { Array(hits.stretchLengths[Int($0.lengths.lowerBound)..<Int($0.lengths.upperBound)]) }
        }
        XCTAssertEqual(runs, [[4, 4, 4, 4], [2, 4, 4, 2], [2, 3, 2, 2, 2], [4, 3], [1, 2, 1], [1]])
    }

    /// Sets of single stretches decide from the run's stretch bits: the same answer as the walk
    /// over its lengths, for random sets and runs (the bits as the prefilter records them, bit 0
    /// sometimes set by a run that ends after a separator).
    func testSingleStretchSetsDecideFromTheStretchBitsAsTheWalkDoes() {
        var random = SystemRandomNumberGenerator()
        var decided = (admitted: 0, refused: 0)
        for _ in 0..<3000 {
            let segments = (0..<Int.random(in: 1...3, using: &random)).map { _ -> [DigitSegments.Stretch] in
                let low = Int.random(in: 1...14, using: &random)
                return [DigitSegments.Stretch(min: low, max: low + Int.random(in: 0...3, using: &random), isExact: Bool.random(using: &random))]
            }
            let set = DigitSegments(segments: segments)
            XCTAssertNotNil(set.singleStretchLengths)
            let lengths = (0..<Int.random(in: 1...6, using: &random)).map { _ in UInt8.random(in: 1...20, using: &random) }
            var bits = lengths.reduce(UInt64(0)) { $0 | 1 << UInt64($1) }
            if Bool.random(using: &random) { bits |= 1 }
            let walked = lengths.withUnsafeBufferPointer { set.admits($0) }
            XCTAssertEqual(lengths.withUnsafeBufferPointer { set.admits(stretches: bits, lengths: $0) }, walked, "\(set) on \(lengths)")
            if walked { decided.admitted += 1 } else { decided.refused += 1 }
        }
        // Both answers were given often enough for the comparison to mean something.
        XCTAssertGreaterThan(decided.admitted, 300)
        XCTAssertGreaterThan(decided.refused, 300)
        // A set with a longer segment keeps the walk.
        XCTAssertNil(DigitSegments(segments: [[.init(min: 3, max: 3, isExact: true), .init(min: 3, max: 3, isExact: true)]]).singleStretchLengths)
    }

    func testRunsAdmitOnlyTheirSegments() throws {
        let bsn = try XCTUnwrap(DigitSegments.of(pattern: "(?<!\\d)(?:\\d{9}|\\d{4}[ .]\\d{2}[ .]\\d{3}|\\d{3}[ .]\\d{3}[ .]\\d{3})(?!\\d)"))
        func admits(_ lengths: [UInt8]) -> Bool { lengths.withUnsafeBufferPointer { bsn.admits($0) } }
        XCTAssertTrue(admits([9]))
        XCTAssertTrue(admits([2, 4, 2, 3]))
        XCTAssertTrue(admits([3, 3, 3, 4]))
        XCTAssertFalse(admits([4, 4, 4, 4]))   // a card number
        XCTAssertFalse(admits([2, 4, 4, 4, 4, 2]))  // an IBAN's digits
        XCTAssertFalse(admits([4, 8]))          // a mobile number
        XCTAssertFalse(admits([2, 3, 2, 2, 2])) // +32 470 12 34 56
        XCTAssertFalse(admits([3, 3, 1, 2]))    // an IPv4 address
        XCTAssertFalse(admits([10]))
        let open = try XCTUnwrap(DigitSegments.of(pattern: "\\d{4} \\d{2}"))
        XCTAssertTrue([UInt8]([6, 2]).withUnsafeBufferPointer { open.admits($0) })
        XCTAssertFalse([UInt8]([3, 2]).withUnsafeBufferPointer { open.admits($0) })
    }
}
