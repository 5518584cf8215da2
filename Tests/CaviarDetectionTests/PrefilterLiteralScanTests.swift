@testable import CaviarDetection
import XCTest

/// The literal scan (four-byte shift-or steps, candidates looked up by folded prefix) against a
/// naive search, with many literals sharing prefixes so that every bucket and group is crowded.
final class PrefilterLiteralScanTests: XCTestCase {
    /// Hundreds of literals of 1 to 14 bytes over a small alphabet (exact, caseless and
    /// word-start; many share their first five bytes), in text of the same alphabet mixed with
    /// any byte (NUL, invalid UTF-8, `@` and `` ` ``, which fold nearly alike), scanned in random
    /// regions, at every alignment and up to the end of the data.
    func testManyLiteralsInAnyRegionEqualANaiveSearch() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abAB@`[{ 1\u{0}".utf8) + [0xC3, 0xA4, 0xFF]
        var specs: Set<String> = []
        while specs.count < 300 {
            let n = [1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7, 8, 9, 12, 14].randomElement(using: &rng) ?? 4
            // Printable bytes only in the literal (its spec is a string); a shared stem makes
            // long literals differ only after their fifth byte.
            let stem = Bool.random(using: &rng) ? "abAb@" : ""
            var word = stem.prefix(n)
            while word.count < n { word.append(Character(Unicode.Scalar("abAB@`[{ 1".utf8.randomElement(using: &rng) ?? 97))) }
            var kind = ["lit", "ilit", "word", "iword"].randomElement(using: &rng) ?? "lit"
            // A word-start trigger must begin with a word character.
            if let first = word.first, !"abAB1".contains(first) { kind = kind == "word" ? "lit" : kind == "iword" ? "ilit" : kind }
            specs.insert("\(kind):\(word)")
        }
        let specList = specs.sorted()
        let triggers = try specList.map { try Trigger.parse($0) }
        let prefilter = Prefilter(triggers: triggers)
        for round in 0..<100 {
            let n = round < 10 ? round : Int.random(in: 0..<400, using: &rng)
            var text = (0..<n).map { _ in alphabet.randomElement(using: &rng) ?? 32 }
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                guard let spec = specList.randomElement(using: &rng) else { break }
                var word = Array(spec.split(separator: ":", maxSplits: 1)[1].utf8)
                if spec.hasPrefix("i") { word = word.map { Bool.random(using: &rng) && $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 } }
                text.insert(contentsOf: word, at: Int.random(in: 0...text.count, using: &rng))
            }
            let lo = Int.random(in: 0...text.count, using: &rng)
            let hi = Bool.random(using: &rng) ? text.count : Int.random(in: lo...text.count, using: &rng)
            assertLiteralHits(prefilter, triggers, specList, in: text, region: lo..<hi)
        }
    }

    /// A literal repeated back to back (each start a hit) and overlapping itself, at every offset
    /// from the start of the region: no hit is missed or reported twice.
    func testAdjacentAndOverlappingHitsAreEachReportedOnce() throws {
        let specs = ["lit:a", "lit:aa", "ilit:aaaa", "lit:aaaaa", "ilit:aaaaaaaaa", "lit:abab", "ilit:ababa", "iword:ab"]
        let triggers = try specs.map { try Trigger.parse($0) }
        let prefilter = Prefilter(triggers: triggers)
        for text in [Array(repeating: UInt8(97), count: 40), Array(String(repeating: "ab", count: 20).utf8),
                     Array(String(repeating: "aB", count: 21).utf8)] {
            for lo in 0..<min(12, text.count) {
                assertLiteralHits(prefilter, triggers, specs, in: text, region: lo..<text.count)
            }
        }
    }
}

