@testable import CaviarDetection
import CaviarPacks
import CaviarPCRE
import Foundation
import XCTest

/// Digit-stretch masks: hand-computed cases, give-up cases, and a soundness fuzz against real
/// PCRE2 over every shipped detector and a set of synthetic patterns.
final class DigitStretchesTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func bits(_ ks: Int...) -> UInt64 { ks.reduce(0) { $0 | (UInt64(1) << UInt64($1)) } }
    func atLeast(_ k: Int) -> UInt64 { UInt64.max << UInt64(k) }
    func mask(_ p: String) -> UInt64? { DigitStretches.mask(ofPattern: p) }

    // MARK: hand-computed masks

    func testBoundariesDecideBetweenExactAndOpenLengths() {
        XCTAssertEqual(mask(#"\d{9}"#), atLeast(9))
        XCTAssertEqual(mask(#"(?<!\d)\d{9}(?!\d)"#), bits(9))
        XCTAssertEqual(mask(#"(?<!\d)\d{9}"#), atLeast(9))
        XCTAssertEqual(mask(#"\d{9}(?!\d)"#), atLeast(9))
        XCTAssertEqual(mask(#"x\d{2}y"#), bits(2))
        XCTAssertEqual(mask(#"\D\d{2}\D"#), bits(2))
        XCTAssertEqual(mask(#"^\d{3}$"#), bits(3))
        XCTAssertEqual(mask(#"(?m)^\d{3}$"#), bits(3))
        XCTAssertEqual(mask(#"\A\d{3}\z"#), bits(3))
        XCTAssertEqual(mask(#"(?<!\d)\d{70}(?!\d)"#), bits(63))
        XCTAssertEqual(mask(#"\d{70}"#), bits(63))
        XCTAssertEqual(mask(#"[a-z]+"#), 0)
    }

    func testSeparatedGroupsAndTrailingCheckCharacter() {
        XCTAssertEqual(mask(#"\b\d{3}[ .]?\d{3}[ .]?\d{3}\b"#), bits(3, 6, 9))
        XCTAssertEqual(mask(#"(?<![\p{L}\p{N}])\d{6}[-+A]\d{3}[0-9A-Z](?![\p{L}\p{N}])"#), bits(3, 4, 6))
        XCTAssertEqual(mask(#"(?<!\d)\d{2}([ -]?)\d{2}\1\d{2}(?!\d)"#), bits(2, 4, 6))
        XCTAssertEqual(mask(#"\b\d{2}\b"#), bits(2))
        XCTAssertEqual(mask(#"\d{2}\b"#), atLeast(2))
    }

    func testAlternationAndQuantifierFlavours() {
        XCTAssertEqual(mask(#"(?<!\d)(?:\d{2}|\d{4})(?!\d)"#), bits(2, 4))
        XCTAssertEqual(mask(#"(?<!\d)\d{2,3}?(?!\d)"#), bits(2, 3))
        XCTAssertEqual(mask(#"(?<!\d)\d{1,3}+(?!\d)"#), bits(1, 2, 3))
        XCTAssertEqual(mask(#"(?<!\d)(?>\d{2})x"#), bits(2))
        XCTAssertEqual(mask(#"(?<!\d)\d++(?!\d)"#), atLeast(1))
        XCTAssertEqual(mask(#"(?<!\d)(?:\d\d[ .]){2}\d\d(?!\d)"#), bits(2))
        XCTAssertEqual(mask(#"(?<!\d)(?:\d\d[ .]?){2}\d\d(?!\d)"#), bits(2, 4, 6))
    }

    func testMixedClassesCanBeDigitsOrNot() {
        // \p{N} also matches non-ASCII digits, which break an ASCII stretch anywhere.
        XCTAssertEqual(mask(#"(?<![\p{L}\p{N}])\p{N}{4}(?![\p{L}\p{N}])"#), bits(1, 2, 3, 4))
        XCTAssertEqual(mask(#"(?<!\d)[^a-z]{3}(?!\d)"#), bits(1, 2, 3))
        XCTAssertEqual(mask(#"(?<!\d)[^\D]{3}(?!\d)"#), bits(3))
        XCTAssertEqual(mask(#"(?<!\d)[[:digit:]]{3}(?![[:alnum:]])"#), bits(3))
        XCTAssertEqual(mask(#"(?<!\d)\w{2}(?!\d)"#), bits(1, 2))
        XCTAssertEqual(mask(#"(?<!\d)[\x30-\x{39}]{2}(?!\d)"#), bits(2))
        XCTAssertEqual(mask(#"(?<!\d)[0-4]{2}(?![0-4])"#), atLeast(2), "[0-4] does not cover every digit")
    }

    func testInlineOptionsAndLookarounds() {
        XCTAssertEqual(mask(#"(?i)(?<!\d)ab\d{2}(?!\d)"#), bits(2))
        XCTAssertEqual(mask(#"(?i:x)\d{2}(?-i)\b"#), bits(2))
        XCTAssertEqual(mask(#"(?s).\d{2}(?=[A-Z])"#), atLeast(2))
        XCTAssertEqual(mask(#"(?<=[A-Z])\d{2}(?=[A-Z])"#), bits(2))
        XCTAssertEqual(mask(#"(?<=[A-Z])\d{2}"#), atLeast(2))
        XCTAssertEqual(mask(#"(?<![\p{L}\p{N}#]|\d[.,/\-])\d{4}(?![\p{L}\p{N}]|[.,/\-]\d)"#), bits(4))
        // Lookarounds that say nothing about the very next character are ignored.
        XCTAssertEqual(mask(#"(?<!\d)\d{2}(?!\d\d)"#), atLeast(2))
        XCTAssertEqual(mask(#"(?<!\d)\d{2}(?!\d-)"#), atLeast(2))
        XCTAssertEqual(mask(#"(?<!\d\d)\d{2}(?!\d)"#), atLeast(2))
        XCTAssertEqual(mask(#"(?<!\d)\d{2}(?=\d?x)"#), atLeast(2))
        XCTAssertEqual(mask(#"(?<!\d)\d{2}\B"#), atLeast(2))
    }

    func testExtendedModeIgnoresSpaceAndCommentsWithinItsScope() {
        XCTAssertEqual(mask(#"(?x)\d \d"#), atLeast(2))
        XCTAssertEqual(mask("(?x) (?<!\\d) \\d{2} # two digits\n (?!\\d)"), bits(2))
        XCTAssertEqual(mask(#"(?<!\d)(?x: \d ) \d(?!\d)"#), bits(1))
        XCTAssertEqual(mask(#"(?<!\d)(\d(?x) \d) \d(?!\d)"#), bits(1, 2))
        XCTAssertEqual(mask(#"(?<!\d)(?x)\d(?-x) \d(?!\d)"#), bits(1))
        XCTAssertEqual(mask(#"(?<!\d)(?x)\d\ \d(?!\d)"#), bits(1))
    }

    func testUnmodelledConstructsGiveUp() {
        for p in [#"(\d)\1"#, #"(?<a>x)\k<a>"#, #"(?R)"#, #"(\d)(?1)"#, #"(?(1)a|b)"#, #"\d\K\d"#, #"(*SKIP)\d"#,
                  #"\X"#, #"\C"#, #"(?xx)\d"#, #"(?x)\d +"#, "(?x)\\d{2} #c\r\\d", #"\Q1\E"#, #"a{,3}"#, #"(?|(a)|(b))\1"#, #"[[:foo:]]"#, #"(\d"#,
                  #"\d)"#, #"*"#, #"(?P=a)"#, #"\g{-1}"#, #"(?C1)\d"#] {
            XCTAssertNil(mask(p), p)
        }
        XCTAssertNil(DigitStretches.mask(ofPatterns: [#"\d"#, #"(\d)\1"#]))
        XCTAssertEqual(DigitStretches.mask(ofPatterns: [#"(?<!\d)\d(?!\d)"#, #"(?<!\d)\d{3}(?!\d)"#]), bits(1, 3))
    }

    // MARK: soundness fuzz against real PCRE2

    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let separators = [" ", ".", "-", "/", "(", ")", "+", "\u{A0}", "\u{202F}", "\u{2009}", ",", ":", "#", "\n"]
    static let otherChars = ["é", "٣", "Ä", "ß", "_", "\\", "@", "€"]

    func randomToken(_ rng: inout SplitMix) -> String {
        let r = rng.below(100)
        if r < 45 { return String(rng.below(10)) }
        if r < 48 { return (0..<(1 + rng.below(70))).map { _ in String(rng.below(10)) }.joined() }
        if r < 68 { return Self.separators[rng.below(Self.separators.count)] }
        if r < 80 { return String(UnicodeScalar(UInt8(65 + rng.below(26)))) }
        if r < 92 { return String(UnicodeScalar(UInt8(97 + rng.below(26)))) }
        return Self.otherChars[rng.below(Self.otherChars.count)]
    }

    func randomSubject(_ rng: inout SplitMix) -> String {
        (0..<(1 + rng.below(40))).map { _ in randomToken(&rng) }.joined()
    }

    /// Half the mutants keep the example's shape (digits replaced, random neighbours added), half
    /// also get a few edits (deletions, inserted digits or tokens) that move stretch boundaries.
    func mutate(_ text: String, _ rng: inout SplitMix) -> String {
        let editRate = rng.below(2) == 0 ? 0 : 1 + rng.below(8)
        var out = rng.below(2) == 0 ? randomToken(&rng) : ""
        for ch in text {
            let r = rng.below(100)
            if ch.isASCII, ch.isNumber, r < 50 { out += String(rng.below(10)); continue }
            if r < 50 + editRate { continue }                               // delete
            if r < 50 + 2 * editRate { out += String(rng.below(10)) }       // insert a digit before
            if r < 50 + 3 * editRate { out += randomToken(&rng) }
            out.append(ch)
        }
        if rng.below(2) == 0 { out += randomToken(&rng) }
        return out
    }

    static func stripMarkers(_ s: String) -> String { s.replacingOccurrences(of: "⟦", with: "").replacingOccurrences(of: "⟧", with: "") }

    /// Maximal ASCII-digit stretches of the subject, as byte ranges.
    func stretches(_ b: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < b.count {
            if b[i] >= 48 && b[i] <= 57 {
                let s = i
                while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
                out.append(s..<i)
            } else { i += 1 }
        }
        return out
    }

    struct FuzzResult { var patterns = 0, patternsMatched = 0, subjects = 0, matches = 0, stretchesChecked = 0, violations: [String] = [] }

    /// Runs `source` from every start in every subject and hands each non-empty match to
    /// `inspect` (with the subject's bytes), counting patterns, subjects and matches.
    func eachMatch(_ source: String, subjects: [String], matcher: Matcher, into r: inout FuzzResult,
                   _ inspect: (_ match: Range<Int>, _ bytes: [UInt8], _ subject: String, _ r: inout FuzzResult) -> Void) throws {
        let pattern = try CompiledPattern(source, caseless: false, jit: true)
        r.patterns += 1
        let before = r.matches
        defer { if r.matches > before { r.patternsMatched += 1 } }
        for subject in subjects {
            let b = Array(subject.utf8)
            r.subjects += 1
            var start = 0
            while start <= b.count {
                defer { start += 1 }
                if start < b.count, b[start] & 0xC0 == 0x80 { continue }
                let outcome = try b.withUnsafeBufferPointer { try matcher.match(pattern, in: $0, from: start, startLimit: start) }
                guard case .match(let groups) = outcome, let m = groups[0], !m.isEmpty else { continue }
                r.matches += 1
                inspect(m, b, subject, &r)
            }
        }
    }

    /// Every match of `source` in every subject: each digit stretch overlapping it must be in the mask.
    func check(_ source: String, label: String, mask: UInt64, subjects: [String], matcher: Matcher, into r: inout FuzzResult) throws {
        try eachMatch(source, subjects: subjects, matcher: matcher, into: &r) { m, b, subject, r in
            for s in stretches(b) where s.lowerBound < m.upperBound && s.upperBound > m.lowerBound {
                r.stretchesChecked += 1
                let k = min(s.count, 63)
                if mask & (UInt64(1) << UInt64(k)) == 0, r.violations.count < 20 {
                    r.violations.append("\(label): stretch of \(s.count) in match \(m) of \(subject.debugDescription) not in mask \(String(mask, radix: 2))")
                }
            }
        }
    }

    static let synthetic: [String] = [
        #"\d+"#, #"\d{3}"#, #"(?<!\d)\d{2,4}"#, #"\d{2,4}(?!\d)"#, #"\b\d+\b"#, #"\b\d{3}\b"#, #"\B\d{2}"#, #"\d{2}\B"#,
        #"(?=\d{3})\d"#, #"[^a-z]{3}"#, #"\p{N}{2}"#, #"(?<![\p{L}\p{N}])\p{Nd}{2,3}"#, #"([ .-]?)\d\d\1\d\d"#,
        #"\d{2}(?!\d)|\d{5}"#, #"(?<=\d)\d{2}"#, #"(?<=[A-Z])\d+"#, #"\d+?"#, #"\d++"#, #"(?>\d{2})"#, #"\d$"#,
        #"^\d+"#, #"(?m)^\d{3}$"#, #"\D\d{3}\D"#, #".{3}"#, #"\w{4}"#, #"[[:digit:]]{2}"#, #"[^\D]{3}"#,
        #"(?i)[a-f0-9]{4}"#, #"(?:\d{2}[ .]){2}\d{2}"#, #"\d{2}(?![.,]\d)"#, #"(?<!\d)\d{2}(?!\d\d)"#,
        #"(?<!\d\d)\d{2}"#, #"\d(?=\D)"#, #"\d{2}\b"#, #"\d\R\d"#, #"\d\s\d"#, #"\d\h?\d"#, #"[\d\s]{3,}"#,
        #"(?<![\d.])\d{1,3}(?:\.\d{3})+(?![\d.])"#, #"\d{2}(?=[A-Z]|$)"#, #"(?:(?!\d{3})\d)+"#, #"\N\d"#,
        #"(?<![0-9A-Z])\d{2}[A-Z]?\d"#, #"[\p{L}\p{N}]{2}\d"#, #"\P{L}{3}"#, #"[^\p{L}]{2}\d"#, #"\d*[a-z]?\d*"#,
        #"(?:\d|é){3}"#, "(?x) (?<!\\d) \\d{2} [ ]? \\d # c\n \\d", #"(?x:\d \d)\ \d"#, #"(\d(?x) \d) \d"#, #"(?x)\d(?-x) \d"#, #"(?<!\w)\d{2}"#, #"\d{2}(?!\w)"#, #"(?<=\s|^)\d{2}"#, #"\d\x{0660}?\d"#,
    ]

    /// For each pattern: random subjects, then each example and its mutants, handed to `check`
    /// (which skips the patterns its analysis does not model).
    func fuzz(_ patterns: [(label: String, source: String, examples: [String])], seed: UInt64, randomSubjects: Int, mutants: Int,
              check: (_ label: String, _ source: String, _ subjects: [String], _ matcher: Matcher, _ r: inout FuzzResult) throws -> Void) throws -> FuzzResult {
        var rng = SplitMix(state: seed)
        let matcher = try Matcher(maxCaptures: 64)
        var r = FuzzResult()
        for p in patterns {
            var subjects = (0..<randomSubjects).map { _ in randomSubject(&rng) }
            for e in p.examples {
                subjects.append(e)
                subjects += (0..<mutants).map { _ in mutate(e, &rng) }
            }
            try check(p.label, p.source, subjects, matcher, &r)
        }
        return r
    }

    /// The stretch-mask fuzz.
    func fuzz(_ patterns: [(label: String, source: String, examples: [String])], seed: UInt64, randomSubjects: Int, mutants: Int) throws -> FuzzResult {
        try fuzz(patterns, seed: seed, randomSubjects: randomSubjects, mutants: mutants) { label, source, subjects, matcher, r in
            guard let m = DigitStretches.mask(ofPattern: source) else { return }
            try check(source, label: label, mask: m, subjects: subjects, matcher: matcher, into: &r)
        }
    }

    /// Every match of `source` in every subject: each digit run the prefilter records that holds
    /// a digit of the match (and that the data cannot have cut) holds one of `segments`, so the
    /// engine, which skips runs that hold none, never skips the run a match is found from.
    func checkSegments(_ source: String, label: String, segments: DigitSegments, subjects: [String], matcher: Matcher,
                       into r: inout FuzzResult) throws {
        let prefilter = Prefilter(triggers: [.digits(1)])
        // The runs of the subject the last match was in (a subject has several matches).
        var scanned: (bytes: [UInt8], hits: Prefilter.Hits)?
        try eachMatch(source, subjects: subjects, matcher: matcher, into: &r) { m, b, subject, r in
            if scanned?.bytes != b { scanned = (b, b.withUnsafeBufferPointer { prefilter.scan($0, region: 0..<$0.count) }) }
            guard let hits = scanned?.hits else { return }
            for run in hits.digitRuns where run.stretches != Trigger.anyStretch {
                let low = max(run.range.lowerBound, m.lowerBound), high = min(run.range.upperBound, m.upperBound)
                guard low < high, (low..<high).contains(where: { b[$0] >= 48 && b[$0] <= 57 }) else { continue }
                r.stretchesChecked += 1
                let lengths = Array(hits.stretchLengths[Int(run.lengths.lowerBound)..<Int(run.lengths.upperBound)])
                if !lengths.withUnsafeBufferPointer({ segments.admits($0) }), r.violations.count < 20 {
                    r.violations.append("\(label): run \(lengths) in match \(m) of \(subject.debugDescription) holds none of \(segments)")
                }
            }
        }
    }

    /// The digit-segment fuzz. Each subject also gets a tail, so that a run at its end is not one
    /// the data may have cut (the engine, and this check, take those on trust).
    func fuzzSegments(_ patterns: [(label: String, source: String, examples: [String])], seed: UInt64, randomSubjects: Int,
                      mutants: Int) throws -> FuzzResult {
        try fuzz(patterns, seed: seed, randomSubjects: randomSubjects, mutants: mutants) { label, source, subjects, matcher, r in
            guard let segments = DigitSegments.of(pattern: source) else { return }
            try checkSegments(source, label: label, segments: segments, subjects: subjects + subjects.map { $0 + "\nzz;" }, matcher: matcher, into: &r)
        }
    }

    func testSyntheticPatternsKeepTheirDigitSegmentsAgainstPCRE2() throws {
        let r = try fuzzSegments(Self.synthetic.map { ($0, $0, []) }, seed: 43, randomSubjects: 500, mutants: 0)
        XCTAssertEqual(r.violations, [])
        XCTAssertGreaterThan(r.patterns, 15, "many synthetic patterns are modelled")
        XCTAssertGreaterThan(r.stretchesChecked, 10_000)
        print("synthetic segment fuzz: \(r.patterns) patterns modelled, \(r.matches) matches, \(r.stretchesChecked) runs checked")
    }

    func testShippedDetectorsKeepTheirDigitSegmentsAgainstPCRE2() throws {
        let all = try shippedPatterns()
        let r = try fuzzSegments(all.map { ($0.label, $0.source, $0.examples) }, seed: 8, randomSubjects: 150, mutants: 80)
        XCTAssertEqual(r.violations, [])
        XCTAssertGreaterThan(r.patterns, 150, "most shipped digit patterns are modelled")
        XCTAssertGreaterThan(r.patternsMatched, r.patterns * 9 / 10, "most patterns are exercised by a match")
        print("shipped segment fuzz: \(r.patterns) of \(all.count) patterns modelled, \(r.patternsMatched) matched, \(r.matches) matches, \(r.stretchesChecked) runs checked")
    }

    func testSyntheticPatternsAreSoundAgainstPCRE2() throws {
        let r = try fuzz(Self.synthetic.map { ($0, $0, []) }, seed: 42, randomSubjects: 1500, mutants: 0)
        XCTAssertEqual(r.violations, [])
        XCTAssertEqual(r.patterns, Self.synthetic.count, "every synthetic pattern is modelled")
        XCTAssertGreaterThan(r.matches, 20_000)
        print("synthetic fuzz: \(r.patterns) patterns, \(r.subjects) subjects, \(r.matches) matches, \(r.stretchesChecked) stretches checked")
    }

    /// Every shipped detector's pattern sources, with its examples (markers removed).
    func shippedPatterns() throws -> [(label: String, source: String, examples: [String], trigger: String)] {
        var lib = PackLibrary()
        try lib.load(directory: Self.repo.appendingPathComponent("patterns").path)
        var out: [(String, String, [String], String)] = []
        for pack in lib.packs {
            var examples: [String: [String]] = [:]
            for d in pack.raw.detectors { examples[d.id] = (d.matchExamples + d.noMatchExamples).map { Self.stripMarkers($0.text) } }
            for d in pack.detectors {
                for (k, s) in d.patternSources.enumerated() {
                    out.append(("\(d.id)#\(k)", s, examples[d.id] ?? [], d.trigger?.description ?? ""))
                }
            }
        }
        return out
    }

    /// The pattern sources of every shipped detector with a digit trigger, by detector id.
    func digitTriggeredDetectors() throws -> [String: [String]] {
        var byDetector: [String: [String]] = [:]
        for p in try shippedPatterns() where p.trigger.contains("digits:") {
            byDetector[String(p.label.split(separator: "#")[0]), default: []].append(p.source)
        }
        return byDetector
    }

    func testShippedDetectorsAreSoundAgainstPCRE2() throws {
        let all = try shippedPatterns()
        XCTAssertGreaterThan(all.count, 150)
        let r = try fuzz(all.map { ($0.label, $0.source, $0.examples) }, seed: 7, randomSubjects: 150, mutants: 80)
        XCTAssertEqual(r.violations, [])
        XCTAssertGreaterThan(r.matches, 10_000)
        XCTAssertGreaterThan(r.patternsMatched, r.patterns * 9 / 10, "most patterns are exercised by a match")
        print("shipped fuzz: \(r.patterns) of \(all.count) patterns modelled, \(r.patternsMatched) matched at least once, \(r.subjects) subjects, \(r.matches) matches, \(r.stretchesChecked) stretches checked")
    }

    /// A detector with a digit trigger needs digits in every match, so its mask is never empty;
    /// prints how many masks are useful (not every length 1...63).
    func testDigitTriggeredDetectorStatistics() throws {
        let byDetector = try digitTriggeredDetectors()
        var modelled = 0, useful = 0
        var histogram: [Int: Int] = [:]
        var givenUp: [String] = []
        for (id, sources) in byDetector.sorted(by: { $0.key < $1.key }) {
            guard let m = DigitStretches.mask(ofPatterns: sources) else { givenUp.append(id); continue }
            XCTAssertNotEqual(m, 0, id)
            modelled += 1
            if m != atLeast(1) { useful += 1 }
            histogram[m.nonzeroBitCount, default: 0] += 1
            let lengths = (1...63).filter { m & (UInt64(1) << UInt64($0)) != 0 }
            let shown = lengths.count > 12 ? "\(lengths.prefix(6).map(String.init).joined(separator: ","))...63 (\(lengths.count))" : lengths.map(String.init).joined(separator: ",")
            print("stretch mask \(id): \(shown)")
        }
        let sources = try shippedPatterns().map(\.source)
        let t0 = Date()
        let analysed = sources.compactMap { DigitStretches.mask(ofPattern: $0) }.count
        print("analysed \(analysed) of \(sources.count) shipped pattern sources in \(Int(Date().timeIntervalSince(t0) * 1000)) ms (debug build)")
        print("digit-triggered detectors: \(byDetector.count), modelled \(modelled), useful \(useful), nil \(givenUp.count): \(givenUp)")
        print("lengths allowed -> detectors: \(histogram.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " "))")
        XCTAssertGreaterThan(modelled, byDetector.count / 2)
    }

    // MARK: left isolation

    static let guards = #"(?<![\p{L}\p{N}#])(?<!\p{N}[.,])(?<![\p{L}\p{N}][\-/])(?<!\p{N}[ \x{00A0}\x{202F}\x{2009}])"#

    func isolated(_ p: String) -> Bool { DigitStretches.isLeftIsolated(pattern: p) }

    func testLeftIsolationHandCases() {
        XCTAssertTrue(isolated(Self.guards + #"\d{8}"#))
        XCTAssertFalse(isolated(Self.guards.replacingOccurrences(of: #"(?<!\p{N}[.,])"#, with: "") + #"\d{8}"#), "'.' unguarded")
        XCTAssertFalse(isolated(Self.guards.replacingOccurrences(of: #"[\-/]"#, with: #"[\-]"#) + #"\d{8}"#), "'/' unguarded")
        XCTAssertFalse(isolated(Self.guards.replacingOccurrences(of: #"\x{202F}"#, with: "") + #"\d{8}"#), "U+202F unguarded")
        XCTAssertFalse(isolated(#"(?<!\d)\d{8}"#))
        XCTAssertTrue(isolated(#"\bBE\d{10}"#), "letters first")
        XCTAssertFalse(isolated(#"(?<![\d ])(?:\d{9}|BE\d{8})"#), "misses NBSP and the others")
        XCTAssertFalse(isolated(Self.guards + #"\d{8}|(?<!\d)\d{9}"#), "one branch not isolated")
        XCTAssertTrue(isolated(Self.guards + #"\d{8}|BE\d{9}"#))
        XCTAssertFalse(isolated(#"[A-Z0-9]\d+"#))
        // Facts: ^ and \A rule out everything; \h and \D surely match the spaces; \s does not prove NBSP.
        XCTAssertTrue(isolated(#"^\d{8}"#))
        XCTAssertTrue(isolated(#"(?m)^(?:\d{3}|\d{5})"#))
        XCTAssertTrue(isolated(#"\A\d+"#))
        XCTAssertTrue(isolated(#"(?<![\d.\-/\h])\d{8}"#))
        XCTAssertFalse(isolated(#"(?<!\d)(?<!\d\D)\d{8}"#), "JIT: \\D in a lookbehind misses U+2009")
        XCTAssertFalse(isolated(#"(?<!\d)(?<!\d[\D])\d{8}"#), "type escapes claim one-byte separators only, in classes too")
        XCTAssertTrue(isolated(#"(?<!\d)(?<!\d.)\d{8}"#))
        XCTAssertFalse(isolated(#"(?<![\d.\-/\s])\d{8}"#), "\\s surely matches U+0020 only")
        XCTAssertTrue(isolated(#"(?<![\d.\-/\s\x{A0}\x{202F}\x{2009}])\d{8}"#))
        XCTAssertTrue(isolated(#"(?<!\d|\d[\h./\-])\d{8}"#))
        XCTAssertFalse(isolated(#"(?<!\d|\d\d[\h./\-])\d{8}"#), "three-character branch not recognised")
        XCTAssertFalse(isolated(#"(?<![^\d])\d{8}"#), "[^\\d] is no fact (and (a) is missing)")
        XCTAssertFalse(isolated(#"(?<=\d[ .])\d{8}"#))
        // First atoms through optional items, groups and repetitions.
        XCTAssertTrue(isolated(#"(?:No\.?\h?)?(?<![\d\h./\-])\d{6}"#), "facts after a skipped optional prefix")
        XCTAssertFalse(isolated(#"(?:No\.?\h?)?\d{6}"#))
        XCTAssertTrue(isolated(#"(?<![\d\h./\-])(?:No\.?\h?)?\d{6}"#))
        XCTAssertTrue(isolated(#"(?:[A-Z]{2}|#)\d{6}"#))
        XCTAssertFalse(isolated(#"(?:[A-Z]{2})?\d{6}"#))
        XCTAssertFalse(isolated(#"[A-Z]*\d{6}"#))
        XCTAssertTrue(isolated(#"[A-Z]+\d{6}"#))
        XCTAssertFalse(isolated(#"\w+\d"#))
        XCTAssertFalse(isolated(#"(?<!\d)[A-Z0-9]\d"#))
        XCTAssertTrue(isolated(Self.guards + #"[A-Z0-9]{2}\d{7}"#), "a digit first meets every guard")
        XCTAssertTrue(isolated(Self.guards + #"\w\d{7}"#))
        XCTAssertFalse(isolated(Self.guards + #"[\w.]\d{7}"#), "'.' may come first")
        XCTAssertFalse(isolated(#"\D\d"#))
        XCTAssertFalse(isolated(#".\d"#))
        XCTAssertFalse(isolated(#"[ ]?x\d"#), "a separator may come first")
        XCTAssertFalse(isolated(#"\(\d"#) == false, "'(' is not a tight separator")
        XCTAssertTrue(isolated(#"\p{Lu}\d"#))
        XCTAssertFalse(isolated(#"\p{N}\d"#))
        XCTAssertTrue(isolated(#"(x)\1\d"#), "x first")
        XCTAssertFalse(isolated(#"(x?)\1\d"#), "back-reference may come first")
        XCTAssertFalse(isolated(#"(?(1)a|b)\d"#), "not modelled")
        XCTAssertFalse(DigitStretches.isLeftIsolated(patterns: []))
        XCTAssertTrue(DigitStretches.isLeftIsolated(patterns: [#"^\d"#, #"x\d"#]))
        XCTAssertFalse(DigitStretches.isLeftIsolated(patterns: [#"^\d"#, #"\d"#]))
    }

    /// Every prefilter separator (T and the others) and a few ordinary characters.
    static let runSeparators = [" ", "\u{A0}", "\u{202F}", "\u{2009}", ".", "-", "/", "(", ")", "+", ",", ":", "#", "x", "\n"]

    /// Digit groups joined by one or two separators, sometimes with letters: runs like phone numbers.
    func randomRun(_ rng: inout SplitMix) -> String {
        var out = rng.below(3) == 0 ? randomToken(&rng) : ""
        for k in 0..<(1 + rng.below(5)) {
            if k > 0 || rng.below(3) == 0 {
                out += Self.runSeparators[rng.below(Self.runSeparators.count)]
                if rng.below(4) == 0 { out += Self.runSeparators[rng.below(Self.runSeparators.count)] }
            }
            if rng.below(6) == 0 { out += String(UnicodeScalar(UInt8(65 + rng.below(26)))) }
            out += (0..<(1 + rng.below(12))).map { _ in String(rng.below(10)) }.joined()
        }
        return out
    }

    /// An example with a digit + separator (+ separator) put right before its marked span.
    func adversarial(_ example: String, _ rng: inout SplitMix) -> String {
        let prefix = (0..<(1 + rng.below(3))).map { _ in String(rng.below(10)) }.joined()
            + Self.runSeparators[rng.below(Self.runSeparators.count)]
            + (rng.below(4) == 0 ? Self.runSeparators[rng.below(Self.runSeparators.count)] : "")
        return Self.stripMarkers(example.replacingOccurrences(of: "⟦", with: "⟦" + prefix))
    }

    static let tightUTF8: [[UInt8]] = [" ", "\u{A0}", "\u{202F}", "\u{2009}", ".", "-", "/"].map { Array($0.utf8) }

    /// Whether the stretch starting at byte `s` is initial (not preceded by digit + tight separator).
    static func isInitial(_ b: [UInt8], _ s: Int) -> Bool {
        for t in tightUTF8 where s - t.count - 1 >= 0 && Array(b[(s - t.count)..<s]) == t {
            let d = b[s - t.count - 1]
            if d >= 48 && d <= 57 { return false }
        }
        return true
    }

    struct IsolationResult { var patterns = 0, patternsMatched = 0, matches = 0, digitMatches = 0, violations: [String] = [], unmatched: [String] = [] }

    /// Every match of every pattern in its subjects: the first digit's stretch must be initial.
    func checkIsolation(_ patterns: [(label: String, source: String, subjects: [String])]) throws -> IsolationResult {
        let matcher = try Matcher(maxCaptures: 64)
        var r = IsolationResult()
        for p in patterns {
            let pattern = try CompiledPattern(p.source, caseless: false, jit: true)
            r.patterns += 1
            let before = r.digitMatches
            for subject in p.subjects {
                let b = Array(subject.utf8)
                for start in 0...b.count where start == b.count || b[start] & 0xC0 != 0x80 {
                    let outcome = try b.withUnsafeBufferPointer { try matcher.match(pattern, in: $0, from: start, startLimit: start) }
                    guard case .match(let groups) = outcome, let m = groups[0], !m.isEmpty else { continue }
                    r.matches += 1
                    guard var s = m.first(where: { b[$0] >= 48 && b[$0] <= 57 }) else { continue }
                    r.digitMatches += 1
                    while s > 0, b[s - 1] >= 48, b[s - 1] <= 57 { s -= 1 }
                    if !Self.isInitial(b, s), r.violations.count < 20 {
                        r.violations.append("\(p.label): match \(m) of \(subject.debugDescription) starts its digits on a non-initial stretch")
                    }
                }
            }
            if r.digitMatches > before { r.patternsMatched += 1 } else { r.unmatched.append(p.label) }
        }
        return r
    }

    static let isolationSynthetic: [String] = [
        guards + #"\d{8}"#, guards + #"\d{2,4}(?:[ .]\d{2,4})+"#, #"\bBE\d{10}"#, #"[A-Z]{2}\d{3}"#, #"#\d+"#,
        #"^\d{4}"#, #"(?m)^\d+"#, #"\A\d"#, #"(?<![\d.\-/\h])\d{3}"#, #"(?<!\d)(?<!\d.)\d{2}"#,
        #"(?<!\d|\d[\h./\-])\d{2,}"#, #"(?<![\d.\-/\s\x{A0}\x{202F}\x{2009}])\d{3}"#, #"(?:No|Nr)\.?\h?\d{4}"#,
        #"(?<![\d\h./\-])(?:No\.?\h?)?\d{3}"#, #"\p{Lu}+\d+"#, #"[:#]\d{2}"#, #"x*y\d"#, #"(?:[A-Z]{2}|#)\d{3}"#,
        #"(?<![\p{L}\p{N}])(?<!\d[.\-/\h])\d{3}"#, guards + #"[A-Z0-9]{2}\d{3}"#, guards + #"\w\d"#, #"(?<![\d ])(?<!\d[\x{A0}\x{202F}\x{2009}.\-/])\d{2}"#,
    ]

    /// Deliberately not isolated: each must be caught by the checker on these subjects.
    static let notIsolatedSynthetic: [String] = [
        #"(?<!\d)\d{3}"#, #"(?<![\d ])\d{3}"#, #"(?<![\d.\-/\s])\d{3}"#, #"(?<!\d|\d[ ./\-])\d{2}"#,
        #"(?<![\d\x{A0}\x{202F}\x{2009}./\-])\d{3}"#, #"(?<![\d\h./])\d{3}"#, #"(?<!\d)(?<!\d\D)\d{2}"#, #"(?<!\d)(?<!\d\W)\d{2}"#, #"(?<![\d\h.\-])\d{3}"#, #"(?<![\d\h\-/])\d{3}"#, #"(?<!\d)[A-Z0-9]\d{2}"#, #"[\w.]\d{3}"#,
        guards.replacingOccurrences(of: #"(?<!\p{N}[.,])"#, with: "") + #"\d{3}"#,
    ]

    func testLeftIsolationIsSoundAgainstPCRE2() throws {
        var rng = SplitMix(state: 99)
        let words = ["No", "Nr", "No.", "BE", "#", "x"]
        let subjects = (0..<400).map { _ in randomRun(&rng) } + (0..<100).map { _ in randomSubject(&rng) }
            + (0..<200).map { _ in randomRun(&rng) + Self.runSeparators[rng.below(Self.runSeparators.count)] + words[rng.below(words.count)] + [" ", "", "\u{A0}", ""][rng.below(4)] + randomRun(&rng) }
        for p in Self.isolationSynthetic { XCTAssertTrue(isolated(p), p) }
        for p in Self.notIsolatedSynthetic { XCTAssertFalse(isolated(p), p) }
        // Fuzz what the rule says is isolated (so an over-claiming rule brings bad patterns in).
        let chosen = (Self.isolationSynthetic + Self.notIsolatedSynthetic).filter { isolated($0) }
        let r = try checkIsolation(chosen.map { ($0, $0, subjects) })
        XCTAssertEqual(r.violations, [])
        XCTAssertEqual(r.patternsMatched, chosen.count, "every isolated synthetic pattern matched digits")
        XCTAssertEqual(r.unmatched, [])
        print("isolation fuzz (synthetic): \(r.patterns) patterns, \(subjects.count) subjects, \(r.digitMatches) matches with digits")
        // The checker can fail: each non-isolated pattern shows a non-initial first stretch.
        for p in Self.notIsolatedSynthetic {
            let bad = try checkIsolation([(p, p, subjects)])
            XCTAssertFalse(bad.violations.isEmpty, "the fuzz should catch \(p)")
        }
    }

    func testShippedIsolatedPatternsAreSoundAgainstPCRE2() throws {
        var rng = SplitMix(state: 2026)
        let all = try shippedPatterns().filter { isolated($0.source) }
        XCTAssertGreaterThan(all.count, 20)
        let runs = (0..<60).map { _ in randomRun(&rng) }
        let cases = all.map { p -> (String, String, [String]) in
            var subjects = runs
            for e in p.examples {
                subjects.append(e)
                for _ in 0..<12 { subjects.append(adversarial(e, &rng)) }
                for _ in 0..<12 { subjects.append(mutate(adversarial(e, &rng), &rng)) }
            }
            return (p.label, p.source, subjects)
        }
        let r = try checkIsolation(cases)
        XCTAssertEqual(r.violations, [])
        XCTAssertGreaterThan(r.patternsMatched, r.patterns * 3 / 4, "most isolated patterns are exercised by a match with digits")
        print("isolation fuzz (shipped): \(r.patterns) isolated pattern sources, \(r.patternsMatched) matched digits, \(r.digitMatches) matches with digits")
    }

    /// How many digit-triggered detectors are left-isolated (all their patterns), and which not.
    func testLeftIsolationStatistics() throws {
        let byDetector = try digitTriggeredDetectors()
        var isolatedIds: [String] = []
        for (id, sources) in byDetector.sorted(by: { $0.key < $1.key }) {
            if DigitStretches.isLeftIsolated(patterns: sources) { isolatedIds.append(id); continue }
            let first = sources.first { !isolated($0) } ?? ""
            print("not isolated \(id): \(first.prefix(110))")
        }
        print("digit-triggered detectors: \(byDetector.count), left-isolated \(isolatedIds.count): \(isolatedIds.joined(separator: " "))")
        XCTAssertGreaterThan(isolatedIds.count, 0)
    }
}
