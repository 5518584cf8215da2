import CaviarCore
import CaviarPCRE
@testable import CaviarDetection
import XCTest

/// Word-start triggers (`word:`, `iword:`): they drop only hits glued to a preceding ASCII
/// letter, digit or `_`, and gating on them never loses a match of a regex that needs a word start.
final class TriggerTests: XCTestCase {
    func testParsesWordKindsAndRoundTripsTheirDescription() throws {
        // A literal's spaces are part of it; the separators take one space on each side.
        XCTAssertEqual(try Trigger.parse("iword:Rue ").description, "iword:rue ")
        XCTAssertEqual(try Trigger.parse("  digits:3 ").description, "digits:3")
        XCTAssertEqual(try Trigger.parse("word:Út").description, "word:Út")
        XCTAssertEqual(try Trigger.parse("iword:via | lit:Straße").description, "any[iword:via, lit:Straße]")
        XCTAssertThrowsError(try Trigger.parse("word:-x")) { error in
            XCTAssertTrue("\(error)".contains("cannot begin a word"), "\(error)")
        }
        XCTAssertThrowsError(try Trigger.parse("iword:é")) { error in
            XCTAssertTrue("\(error)".contains("no ASCII letter to fold"), "\(error)")
        }
        // Non-ASCII text in a keyword is matched exactly, its ASCII letters in either case.
        XCTAssertEqual(try hits("ilit:marcă", "MARCă marcĂ March Marcă"), [0..<6, 20..<26])
        XCTAssertThrowsError(try Trigger.parse("wort:x"))
    }

    func hits(_ trigger: String, _ text: String) throws -> [Range<Int>] {
        let t = try Trigger.parse(trigger)
        let prefilter = Prefilter(triggers: [t])
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buf in
            let h = prefilter.scan(buf, region: 0..<buf.count)
            guard let i = prefilter.index(of: t) else { return [] }
            return h.literal[i]
        }
    }

    /// `cdigits:N` takes the runs of `digits` that hold N digits in a row: not dates, times or
    /// phone groups, whose digits are split by separators.
    func testContiguousDigitsTakesOnlyRunsWithNDigitsInARow() throws {
        XCTAssertEqual(try Trigger.parse("cdigits:9").description, "cdigits:9")
        XCTAssertThrowsError(try Trigger.parse("cdigits:0"))
        let text = "am 2025-11-18 um 10:30, tel +32 470 12 34 56, Steuer-ID 12345678901 und 123 456789012."
        XCTAssertEqual(try runs(.contiguousDigits(9), text), ["12345678901", "123 456789012"])
        XCTAssertEqual(try runs(.contiguousDigits(11), text), ["12345678901"])
        XCTAssertEqual(try runs(.digits(8), text), ["2025-11-18", "32 470 12 34 56", "12345678901", "123 456789012"])
    }

    /// `@line:K` takes the runs that begin a line: besides spaces and tabs, at most K bytes
    /// before them on their line (the postcode of `B-1047 Bruxelles`, `Τ.Κ. 106 82 Αθήνα`).
    func testLineStartTakesOnlyRunsNearTheStartOfTheirLine() throws {
        let t = try Trigger.parse("digits:4@line:14")
        XCTAssertEqual(t, .run(.digits(4), .beginsLine(within: 14)))
        XCTAssertEqual(t.description, "digits:4@line:14")
        XCTAssertEqual(try Trigger.parse(t.description), t)
        XCTAssertThrowsError(try Trigger.parse("digits:4@line:x"))
        XCTAssertThrowsError(try Trigger.parse("upper:4@line:2"))
        XCTAssertEqual(t.restrictingDigitStretches(to: 1 << 4, initialOnly: true),
                       .run(.stretches(.digits(4), 1 << 4, initialOnly: true), .beginsLine(within: 14)))
        let text = "Rue de la Loi 200, 1000 Bruxelles\n1047 Bruxelles\n\t  B-1047 Bruxelles\nΤ.Κ. B-106 82 Αθήνα\n"
            + "Tel. 1234 5678\r\n1234567890123 x 9876\n"
        XCTAssertEqual(try runs(t, text), ["1047", "1047", "106 82", "1234 5678", "1234567890123"])
        XCTAssertEqual(try runs(.run(.digits(4), .beginsLine(within: 0)), text), ["1047", "1234567890123"])
    }

    /// `@sep:` takes the runs that hold one of the given separators between their digits (`_`:
    /// any space the runs join digits with).
    func testSeparatedTakesOnlyRunsWithTheGivenSeparators() throws {
        let t = try Trigger.parse("digits:4@sep:./")
        XCTAssertEqual(t, .run(.digits(4), .holdsSeparator(mask: 1 | 4)))
        XCTAssertEqual(t.description, "digits:4@sep:./")
        XCTAssertEqual(try Trigger.parse(t.description), t)
        XCTAssertEqual(try Trigger.parse("cdigits:4@sep:_-").description, "cdigits:4@sep:-_")
        XCTAssertThrowsError(try Trigger.parse("digits:4@sep:x"))
        XCTAssertThrowsError(try Trigger.parse("digits:4@sep:"))
        XCTAssertThrowsError(try Trigger.parse("digits:4@near:3"))
        // Conditions combine, innermost first.
        let both = try Trigger.parse("digits:4@line:14@sep:.")
        XCTAssertEqual(both, .run(.run(.digits(4), .beginsLine(within: 14)), .holdsSeparator(mask: 1)))
        XCTAssertEqual(both.description, "digits:4@line:14@sep:.")
        XCTAssertEqual(try runs(both, "192.168.1.10\nIP 10.0.0.1 x\n1234 5678\nend\n"), ["192.168.1.10", "10.0.0.1"])
        let text = "IP 192.168.1.10, doc 14595/12, tel 0470 12 34 56, 2025-11-18, 1\u{00A0}234\u{00A0}567, 12345678 end."
        XCTAssertEqual(try runs(t, text), ["192.168.1.10", "14595/12"])
        XCTAssertEqual(try runs(.run(.digits(4), .holdsSeparator(mask: 64)), text), ["0470 12 34 56", "1\u{00A0}234\u{00A0}567"])
        XCTAssertEqual(try runs(.run(.digits(4), .holdsSeparator(mask: 2)), text), ["2025-11-18"])
        // Composes with the stretch restriction the compiler adds.
        XCTAssertEqual(t.restrictingDigitStretches(to: 1 << 3), .run(.stretches(.digits(4), 1 << 3, initialOnly: false), .holdsSeparator(mask: 5)))
    }

    /// `@then:` takes the runs followed by one of the given characters, at once or after one
    /// separator; a run near the end of the data is kept (what follows it may not be there yet).
    func testFollowedByTakesOnlyRunsFollowedByTheGivenCharacters() throws {
        let t = try Trigger.parse("cdigits:4@then:MGZ")
        XCTAssertEqual(t, .run(.contiguousDigits(4), .followedBy(bytes: Array("GMZ".utf8))))
        XCTAssertEqual(t.description, "cdigits:4@then:GMZ")
        XCTAssertEqual(try Trigger.parse(t.description), t)
        XCTAssertThrowsError(try Trigger.parse("digits:4@then:"))
        XCTAssertThrowsError(try Trigger.parse("digits:4@then:é"))
        let text = "ID 1234567M, 7654321 G, 2345678\u{00A0}Z, 3456789-m, 4567890 x, 5678901, 12 March, end 9876"
        XCTAssertEqual(try runs(t, text), ["1234567", "7654321", "2345678", "9876"])
        XCTAssertEqual(t.restrictingDigitStretches(to: 1 << 7, initialOnly: true),
                       .run(.stretches(.contiguousDigits(4), 1 << 7, initialOnly: true), .followedBy(bytes: Array("GMZ".utf8))))
    }

    /// `@next:`, `@prev:` and `@line:` on a literal: its hits whose neighbouring bytes match a
    /// short byte sequence, or that lie near their line's start. An `@` in the literal's own text
    /// stays part of it, and a hit too close to either end of the data to decide is kept.
    func testLiteralConditionsTakeOnlyHitsWhoseNeighboursMatch() throws {
        let ipv6 = try Trigger.parse("lit::@next:[0-9a-fA-F]{0,4}:")
        XCTAssertEqual(ipv6, .run(.literal(Array(":".utf8)), .next(try BytePattern("[0-9a-fA-F]{0,4}:"))))
        XCTAssertEqual(try Trigger.parse(ipv6.description), ipv6)
        let text = "Re: at 10:00 and 12:30:45, fe80::1 or 2001:DB8:0:1::5 ratio 3:2 of them x:"
        // Not `Re: `, `10:00 `, `45, `, `3:2 `; the undecided colon at the end is kept.
        XCTAssertEqual(try offsets(ipv6, text), [19, 31, 42, 46, 48, 50, 73])
        // The byte sequence backtracks: {0,4} gives back what the ':' after it needs.
        XCTAssertEqual(try offsets(try Trigger.parse("lit:=@next:[a-z:]{0,4}:"), "a=b:c x=abcde: y=ab::"), [1, 16])
        // Before the hit, read backwards; several conditions combine.
        let mac = try Trigger.parse("lit:-@prev:[0-9A-Fa-f]{2}@next:[0-9A-Fa-f]{2}-")
        XCTAssertEqual(mac.description, "lit:-@prev:[0-9A-Fa-f]{2}@next:[0-9A-Fa-f]{2}-")
        XCTAssertEqual(try offsets(mac, "ISBN 978-3-16, a4-5e-60-e2, 2025-11-18, x-ab-cd"), [17, 20, 32, 44])
        // Classes of bytes outside ASCII, negation, \d and `?`.
        let slash = try Trigger.parse("lit:/@prev:[A-Z\\x80-\\xBF]@next:[a-z\\xC2-\\xF4]")
        XCTAssertEqual(try offsets(slash, "ΕΚΜ/νικ JP/ab and/or 2016/679 EUR/Year"), [6, 16])
        XCTAssertEqual(try offsets(try Trigger.parse("lit:#@next:[^ ]\\d?x"), "#1x #ax # x #12x"), [0, 4, 12])
        // `@line:K` on a literal: nothing but spaces and tabs more than K bytes before it on its line.
        let clock = try Trigger.parse("lit::@prev:\\d@next:\\d{2}@line:15")
        XCTAssertEqual(try offsets(clock, "[09:21] ann: hi\n  10:02 <bo> ok at 11:30\nmeeting starts at 12:00\n"), [3, 20])
        // The literal's own `@`, with and without conditions.
        XCTAssertEqual(try Trigger.parse("lit:@"), .literal(Array("@".utf8)))
        XCTAssertEqual(try Trigger.parse("lit:@@next:x"), .run(.literal(Array("@".utf8)), .next(try BytePattern("x"))))
        XCTAssertEqual(try Trigger.parse("word:ab@c"), .wordStart(.literal(Array("ab@c".utf8))))
        // Near either end of the data, undecided hits are kept.
        XCTAssertEqual(try offsets(try Trigger.parse("lit::@next:\\d{3}"), "a:12"), [1])
        XCTAssertEqual(try offsets(try Trigger.parse("lit::@prev:\\d{3}"), "12:a"), [2])
        // Conditions belong to their kind of trigger; sequences are checked when parsed.
        XCTAssertThrowsError(try Trigger.parse("lit::@sep:."))
        XCTAssertThrowsError(try Trigger.parse("digits:4@next:x"))
        for bad in ["", "[a-", "[]", "x{2", "x{3,1}", "\\xZZ", "é", "(a)", "\\q", "x{40}", "[z-a]"] {
            XCTAssertThrowsError(try Trigger.parse("lit::@next:" + bad), bad) { error in
                XCTAssertTrue("\(error)".contains("@next:"), "\(error)")
            }
        }
    }

    /// Start offsets of the literal hits a trigger takes in `text`, as the engine gates on them.
    func offsets(_ t: Trigger, _ text: String) throws -> [Int] {
        let bytes = Array(text.utf8)
        let engine = try DetectionEngine(detectors: [])
        let prefilter = Prefilter(triggers: [t])
        return bytes.withUnsafeBufferPointer { buf in
            engine.triggerHits(prefilter.plan(t), prefilter.scan(buf, region: 0..<buf.count), buf).map(\.lowerBound)
        }
    }

    /// The digit runs a trigger takes in `text`, as the engine gates on them.
    func runs(_ t: Trigger, _ text: String) throws -> [String] {
        let bytes = Array(text.utf8)
        let engine = try DetectionEngine(detectors: [])
        let prefilter = Prefilter(triggers: [t])
        return bytes.withUnsafeBufferPointer { buf in
            let h = prefilter.scan(buf, region: 0..<buf.count)
            return engine.triggerHits(prefilter.plan(t), h, buf).map { String(decoding: bytes[$0], as: UTF8.self) }
        }
    }

    /// A digit trigger restricted to stretch lengths takes the runs that have a maximal stretch
    /// of one of those lengths; a run the data may have cut (at its end) keeps every length.
    func testStretchRestrictedDigitsTakeOnlyRunsWithAStretchOfAnAllowedLength() throws {
        let bit: (Int) -> UInt64 = { 1 << UInt64($0) }
        let text = "am 2025-11-18 um 10:30, tel +32 470 12 34 56, Steuer-ID 12345678901 und 123 456789012."
        let some: (Trigger, UInt64) -> Trigger = { .stretches($0, $1, initialOnly: false) }
        XCTAssertEqual(try runs(some(.digits(8), bit(11)), text), ["12345678901"])
        XCTAssertEqual(try runs(some(.digits(8), bit(9)), text), ["123 456789012"])
        XCTAssertEqual(try runs(some(.digits(8), bit(2) | bit(3)), text), ["2025-11-18", "32 470 12 34 56", "123 456789012"])
        XCTAssertEqual(try runs(some(.contiguousDigits(9), bit(3)), text), ["123 456789012"])
        XCTAssertEqual(try runs(some(.digits(8), bit(63)), "x " + String(repeating: "7", count: 70) + " y"), [String(repeating: "7", count: 70)])
        // Cut by the end of the data: the last stretch may go on.
        XCTAssertEqual(try runs(some(.digits(8), bit(11)), "ID 123456789"), ["123456789"])
        XCTAssertEqual(try runs(some(.digits(8), bit(11)), "ID 123456789 "), [])
        XCTAssertEqual(some(.contiguousDigits(6), bit(6) | bit(8) | bit(9) | bit(10) | bit(63)).description, "cdigits:6{6,8-10,63+}")
        // Restricting leaves the literal leaves alone and drops a mask that allows everything.
        let t = try Trigger.parse("digits:9 | lit:ID")
        XCTAssertEqual(t.restrictingDigitStretches(to: bit(9) | bit(11)).description, "any[digits:9{9,11}, lit:ID]")
        XCTAssertEqual(t.restrictingDigitStretches(to: ~0), t)
        XCTAssertEqual(t.restrictingDigitStretches(to: nil), t)
        XCTAssertEqual(t.restrictingDigitStretches(to: ~0, initialOnly: true).description, "any[digits:9{^1+}, lit:ID]")
    }

    /// Initial stretches: not just after a digit and one tight separator (space, NBSP, narrow
    /// NBSP, thin space, `.`, `-`, `/`). `(`, `)`, `+` and pairs of separators keep a stretch
    /// initial; so does the start of a run.
    func testInitialOnlyStretchesSkipRunsWhoseStretchFollowsADigitAndATightSeparator() throws {
        let bit: (Int) -> UInt64 = { 1 << UInt64($0) }
        let eight = Trigger.stretches(.digits(8), bit(8), initialOnly: true)
        for sep in [" ", "\u{00A0}", "\u{202F}", "\u{2009}", ".", "-", "/"] {
            XCTAssertEqual(try runs(eight, "Mobil 0151\(sep)55102666."), [], "separator \(sep.unicodeScalars.first!.value)")
        }
        for sep in ["(", ")", "+", " -", ". "] {
            XCTAssertEqual(try runs(eight, "Mobil 0151\(sep)55102666."), ["0151\(sep)55102666"], "separator \(sep)")
        }
        XCTAssertEqual(try runs(eight, "ID 55102666 0151."), ["55102666 0151"])
        XCTAssertEqual(try runs(.stretches(.digits(8), bit(8), initialOnly: false), "Mobil 0151 55102666."), ["0151 55102666"])
        XCTAssertEqual(eight.description, "digits:8{^8}")
    }

    /// Many literals sharing their first letters, of one to thirteen bytes, caseless and exact
    /// (`DE` exact, `de` caseless: the main loop's pair filters differ), near the end of the
    /// buffer too: the prefilter's hits equal a naive search for every literal.
    func testLiteralHitsEqualANaiveSearch() throws {
        let words = ["de", "dem", "den", "der", "des", "dob", "date", "date of birth", "Datum", "geb.", "ge", "gebdatum",
                     "né le", "née le", "ul. ", "str.", "STR", "straße", "x", "é", "Ab", "DE"]
        var triggers: [Trigger] = []
        for (i, w) in words.enumerated() {
            triggers.append(w.utf8.allSatisfy { $0 < 0x80 } && i % 2 == 0 ? .keyword(Array(w.lowercased().utf8)) : .literal(Array(w.utf8)))
        }
        let prefilter = Prefilter(triggers: triggers)
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("deDEmnrsobatgéèl .Xx ".utf8) + Array("ß".utf8)
        for round in 0..<300 {
            let n = Int.random(in: 0..<40, using: &rng)
            var text = (0..<n).map { _ in alphabet.randomElement(using: &rng) ?? 32 }
            if round % 3 == 0 { text += Array(words.randomElement(using: &rng)!.utf8) }  // ends with a literal
            text.withUnsafeBufferPointer { buf in
                let h = prefilter.scan(buf, region: 0..<buf.count)
                for t in triggers {
                    guard let li = prefilter.index(of: t) else { return XCTFail("\(t) not indexed") }
                    var expected: [Range<Int>] = []
                    let (needle, caseless): ([UInt8], Bool) = {
                        if case .keyword(let b) = t { return (b, true) }
                        if case .literal(let b) = t { return (b, false) }
                        return ([], false)
                    }()
                    if needle.count <= text.count {
                        for i in 0...(text.count - needle.count) {
                            let same = (0..<needle.count).allSatisfy { k in
                                caseless ? Prefilter.fold(text[i + k]) == needle[k] : text[i + k] == needle[k]
                            }
                            if same { expected.append(i..<(i + needle.count)) }
                        }
                    }
                    XCTAssertEqual(h.literal[li], expected, "\(t) in \(String(decoding: text, as: UTF8.self))")
                }
            }
        }
    }

    func testWordStartDropsOnlyGluedHits() throws {
        // "lawful. " ends in "ul. " but is no street word; "ul. Długa" is.
        XCTAssertEqual(try hits("iword:ul. ", "lawful. ul. Długa 5, UL. Krótka"), [8..<12, 22..<26])
        XCTAssertEqual(try hits("ilit:ul. ", "lawful. ul. Długa 5"), [4..<8, 8..<12])
        // Start of the buffer, punctuation, digits and underscores before the hit.
        XCTAssertEqual(try hits("word:via ", "via a (via b) 3via c _via d"), [0..<4, 7..<11])
        // A non-ASCII character before the hit keeps it: the prefilter does not decode letters.
        XCTAssertEqual(try hits("word:via ", "«via Roma» évia x"), [2..<6, 15..<19])
    }

    func testGatingOnAWordTriggerFindsWhatTheUngatedRegexFinds() throws {
        let detector = RegexDetector(id: "t.street", entity: EntityType("ADDRESS"),
                                     patterns: [try CompiledPattern("(?<![\\p{L}\\p{N}_])(?i:rue|via) [\\p{Lu}][\\p{L}]+ \\d{1,4}")],
                                     trigger: try Trigger.parse("iword:rue | iword:via "), lead: 0, confidence: 0.9)
        let text = "Larue Haute 3; rue Haute 5; «via Appia 12»; Bolivia Norte 4; VIA Roma 1\n"
        let ungated = try matches(of: detector, in: text, gated: false)
        XCTAssertEqual(ungated, ["rue Haute 5", "via Appia 12", "VIA Roma 1"])
        XCTAssertEqual(try matches(of: detector, in: text, gated: true), ungated)
    }

    /// A lead in characters reaches back over four-byte letters as far as over ASCII ones, and
    /// a single-line window stops at its hit's line start: the gated run finds what the ungated
    /// one finds, including matches that start right at a line start.
    func testLeadInCharactersAndLineClippedWindowsFindWhatTheUngatedRegexFinds() throws {
        let detector = RegexDetector(id: "t.handle", entity: EntityType("EMAIL"),
                                     patterns: [try CompiledPattern("(?<![\\p{L}])\\p{L}{1,6}@")],
                                     trigger: try Trigger.parse("lit:@"), lead: 24, confidence: 0.9)
        detector.leadCharacters = 6
        let text = "𝒜𝒜𝒜𝒜𝒜𝒜@ x ééééé@ y abcdefg@ z\nab@c\n@d e\u{00A0}f@\n"
        let ungated = try matches(of: detector, in: text, gated: false)
        XCTAssertEqual(ungated, ["𝒜𝒜𝒜𝒜𝒜𝒜@", "ééééé@", "ab@", "f@"])
        XCTAssertEqual(try matches(of: detector, in: text, gated: true), ungated)
    }

    /// The text of every detection of `detector` in `text`, from an engine gated or not.
    func matches(of detector: RegexDetector, in text: String, gated: Bool) throws -> [String] {
        let bytes = Array(text.utf8)
        let engine = try DetectionEngine(detectors: [detector])
        engine.isGated = gated
        return try bytes.withUnsafeBufferPointer { buf in
            try engine.scan(buf, from: 0, segmentEnd: buf.count, isFinal: true).detections.map {
                String(decoding: bytes[$0.span], as: UTF8.self)
            }
        }
    }

    /// Byte conditions next to a hit, forwards and backwards, for patterns of fixed length (one
    /// pass) and with optional counts (tried from the most bytes down), against the same bytes.
    func testBytePatternsMatchNextToAHitForwardsAndBackwards() throws {
        func check(_ pattern: String, _ text: String, after: Int? = nil, before: Int? = nil, _ expected: Bool, line: UInt = #line) throws {
            let p = try BytePattern(pattern)
            let bytes = Array(text.utf8)
            let result = bytes.withUnsafeBufferPointer { buf in
                if let after { return p.matches(after: after, in: buf) }
                return p.matches(before: before!, in: buf)
            }
            XCTAssertEqual(result, expected, "\(pattern) on \(text)", line: line)
        }
        // Fixed length.
        try check("[^a-zA-Z]", "Tel: 0612", after: 3, true)
        try check("[^a-zA-Z]", "Telefon 0612", after: 3, false)
        try check("\\d{2}:", "at 12:30 sharp", after: 3, true)
        try check("\\d{2}:", "at 12:30 sharp", after: 4, false)
        try check("\\d{2}:", "at 1x:30 sharp", after: 3, false)
        try check("[?&;]", "x?token=1", before: 2, true)
        try check("[?&;]", "xatoken=1", before: 2, false)
        try check("\\d{4}", "year 2024 ok", before: 9, true)
        try check("\\d{4}", "year 20x4 ok", before: 9, false)
        try check("[\\x80-\\xBF]", "caf\u{E9}", before: 5, true)
        // Near the end of the data a fixed pattern that could run past it is a maybe.
        try check("\\d{4}", "ab 20", after: 3, true)
        // Optional counts: the greedy count and the fewer ones are both tried.
        try check("[0-9a-fA-F]{0,4}:", "fe80::1", after: 0, true)
        try check("[0-9a-fA-F]{0,4}:", "Re: hello there", after: 0, false)
        try check("[\\x09 ]{0,24}[^0-9\\x09 ]", "Nr   abc and more text here to fill the window", after: 2, true)
        try check("[\\x09 ]{0,24}[^0-9\\x09 ]", "Nr   123 and more text here to fill the window", after: 2, false)
    }
}
