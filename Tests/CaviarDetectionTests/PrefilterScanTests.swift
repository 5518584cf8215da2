@testable import CaviarDetection
import XCTest

/// The prefilter's scans against naive definitions: the literal shift-or filter in any region of
/// a buffer (hits start in the region and may run past it), and the 64-byte classification the
/// run scans jump with.
final class PrefilterScanTests: XCTestCase {
    /// Literals of 1 to 20 bytes (past the filter's eight lanes), exact, caseless and word-start,
    /// many sharing letters, in random text over their own alphabet, scanned in random regions.
    func testLiteralHitsInAnyRegionEqualANaiveSearch() throws {
        let specs: [String] = ["lit:-", "lit:@", "ilit:x", "ilit:ab", "lit:AB", "ilit:abc", "lit:a-b", "ilit:abab",
                               "ilit:ababab", "ilit:abcabcab", "ilit:abcabcabc", "lit:abcabcabcABCABCabc",
                               "iword:bab", "word:cab ", "ilit:ca", "ilit:c a", "lit:ä", "ilit:bä", "ilit:abäb"]
        let triggers = try specs.map { try Trigger.parse($0) }
        let prefilter = Prefilter(triggers: triggers)
        let alphabet = Array("abcABC -@x".utf8) + Array("ä".utf8)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<400 {
            let n = Int.random(in: 0..<120, using: &rng)
            var text = (0..<n).map { _ in alphabet.randomElement(using: &rng) ?? 32 }
            if Bool.random(using: &rng), let spec = specs.randomElement(using: &rng) {
                let word = spec.split(separator: ":", maxSplits: 1)[1]
                text.insert(contentsOf: Array(word.utf8), at: Int.random(in: 0...text.count, using: &rng))
            }
            let lo = Int.random(in: 0...text.count, using: &rng)
            let hi = Int.random(in: lo...text.count, using: &rng)
            assertLiteralHits(prefilter, triggers, specs, in: text, region: lo..<hi)
        }
    }


    /// Every byte value at every position of a block: the SSE2 and the portable classification
    /// agree with the definition.
    func testByteClassBlockMarksExactlyDigitsAndUpperCaseLetters() {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<300 {
            var bytes = (0..<ByteClassBlock.width).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if round < 4 { for k in bytes.indices { bytes[k] = UInt8((k + 64 * round) & 0xFF) } }  // all 256 values
            bytes.withUnsafeBufferPointer { buf in
                guard let base = buf.baseAddress else { return XCTFail("empty") }
                var digits: UInt64 = 0, uppers: UInt64 = 0
                for (k, b) in bytes.enumerated() {
                    if b >= 48 && b <= 57 { digits |= 1 << UInt64(k) }
                    if b >= 65 && b <= 90 { uppers |= 1 << UInt64(k) }
                }
                let block = ByteClassBlock(base, at: 0), portable = ByteClassBlock.portable(base, at: 0)
                XCTAssertEqual(block.digits, digits)
                XCTAssertEqual(block.uppers, uppers)
                XCTAssertEqual(portable.digits, digits)
                XCTAssertEqual(portable.uppers, uppers)
            }
        }
    }

    /// Digit and upper-case runs found with the 64-byte jumps, over texts longer than a block,
    /// equal a byte-by-byte walk.
    func testRunsFoundWithBlocksEqualAByteWalk() throws {
        let prefilter = Prefilter(triggers: [try Trigger.parse("digits:1"), try Trigger.parse("upper:1")])
        let alphabet = Array("aZ09 xyzé.-".utf8)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let n = Int.random(in: 0..<300, using: &rng)
            // Long stretches without digits or capitals, so that whole blocks are skipped.
            var text: [UInt8] = (0..<n).map { _ in Int.random(in: 0..<10, using: &rng) == 0 ? alphabet.randomElement(using: &rng) ?? 32 : 32 }
            // Now and then a run longer than a block (capitals and digits), anywhere.
            if Int.random(in: 0..<3, using: &rng) == 0 {
                let run = (0..<Int.random(in: 60...200, using: &rng)).map { _ in Array("AZ09".utf8).randomElement(using: &rng) ?? 65 }
                text.insert(contentsOf: run, at: Int.random(in: 0...text.count, using: &rng))
            }
            text.withUnsafeBufferPointer { buf in
                let hits = prefilter.scan(buf, region: 0..<buf.count)
                let uppers = Self.upperRunsByByteWalk(text, from: 0, minimum: 1)
                var digitStarts: [Int] = []
                for (k, b) in text.enumerated() where b >= 48 && b <= 57 && (k == 0 || !(text[k - 1] >= 48 && text[k - 1] <= 57)) {
                    digitStarts.append(k)
                }
                XCTAssertEqual(hits.upperRuns, uppers)
                // Runs may join digits across separators: each run starts at a digit that
                // follows no digit, and every such digit is in a run.
                XCTAssertTrue(hits.digitRuns.allSatisfy { digitStarts.contains($0.range.lowerBound) })
                XCTAssertTrue(digitStarts.allSatisfy { s in hits.digitRuns.contains { $0.range.contains(s) } })
            }
        }
    }

    /// With a longer shortest upper-case trigger, blocks and stretches holding no run that long
    /// are stepped over: the runs reported are still those a byte walk finds (a letter in them,
    /// and at least that long or reaching the end of the data), from any region start.
    func testLongUpperRunsFoundWithBlocksEqualAByteWalk() throws {
        var rng = SystemRandomNumberGenerator()
        for minimum in [2, 4, 9, 40] {
            let prefilter = Prefilter(triggers: [try Trigger.parse("upper:\(minimum)")])
            XCTAssertEqual(prefilter.minUpperCount, minimum)
            var reported = 0
            for _ in 0..<300 {
                let pieces = ["Ab ", "CD ", "ABCD ", "AB12CD ", "A ", "9 ", "12345 ", "XYZ0123456 ", "Éa ", "x ", "\n", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH "]
                var text: [UInt8] = []
                for _ in 0..<Int.random(in: 0..<60, using: &rng) { text += Array((pieces.randomElement(using: &rng) ?? " ").utf8) }
                if Bool.random(using: &rng) { text += Array("QWERTY".utf8) }   // a run at the very end
                let from = text.isEmpty ? 0 : Int.random(in: 0..<max(1, text.count / 3), using: &rng)
                text.withUnsafeBufferPointer { buf in
                    let found = prefilter.scan(buf, region: from..<buf.count).upperRuns
                    let expected = Self.upperRunsByByteWalk(text, from: from, minimum: minimum)
                    XCTAssertEqual(found, expected, "upper:\(minimum) from \(from) in \(String(decoding: text, as: UTF8.self))")
                    reported += found.count
                }
            }
            XCTAssertGreaterThan(reported, 50, "upper:\(minimum)")
        }
    }

    /// The runs of capitals and digits from `from` that hold a capital and are at least
    /// `minimum` long or reach the end of `text`, found a byte at a time.
    static func upperRunsByByteWalk(_ text: [UInt8], from: Int, minimum: Int) -> [Range<Int>] {
        func isRunByte(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 48 && b <= 57) }
        var runs: [Range<Int>] = []
        var i = from
        while i < text.count {
            guard isRunByte(text[i]) else { i += 1; continue }
            var j = i, letter = false
            while j < text.count, isRunByte(text[j]) {
                letter = letter || text[j] >= 65
                j += 1
            }
            if letter && (j - i >= minimum || j == text.count) { runs.append(i..<j) }
            i = j
        }
        return runs
    }
}

/// The hits of a `lit:`, `ilit:`, `word:` or `iword:` spec, by trying every start (what the
/// prefilter's literal scan must find, for the tests that compare them).
func naiveLiteralHits(_ spec: String, in text: [UInt8]) -> [Range<Int>] {
    let parts = spec.split(separator: ":", maxSplits: 1)
    let kind = parts[0], needle = Array(parts[1].utf8)
    let caseless = kind.hasPrefix("i"), wordStart = kind.hasSuffix("word")
    func fold(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }
    var out: [Range<Int>] = []
    guard needle.count <= text.count else { return out }
    for i in 0...(text.count - needle.count) {
        let same = (0..<needle.count).allSatisfy { k in caseless ? fold(text[i + k]) == fold(needle[k]) : text[i + k] == needle[k] }
        if !same { continue }
        if wordStart, i > 0, Trigger.isWordByte(text[i - 1]) { continue }
        out.append(i..<(i + needle.count))
    }
    return out
}

/// The prefilter's literal hits in `region` of `text`, for each trigger, are the naive search's.
func assertLiteralHits(_ prefilter: Prefilter, _ triggers: [Trigger], _ specs: [String], in text: [UInt8], region: Range<Int>,
                       file: StaticString = #filePath, line: UInt = #line) {
    text.withUnsafeBufferPointer { buf in
        let hits = prefilter.scan(buf, region: region)
        for (t, spec) in zip(triggers, specs) {
            guard let li = prefilter.index(of: t) else { return XCTFail("\(spec) not indexed", file: file, line: line) }
            let expected = naiveLiteralHits(spec, in: text).filter { region.contains($0.lowerBound) }
            XCTAssertEqual(hits.literal[li], expected, "\(spec) in \(region) of \(text)", file: file, line: line)
        }
    }
}
