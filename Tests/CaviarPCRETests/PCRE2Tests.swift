@testable import CaviarPCRE
import XCTest

final class PCRE2Tests: XCTestCase {
    func match(_ p: CompiledPattern, _ s: [UInt8], from: Int = 0, limit: Int? = nil, partial: Bool = false, matcher: Matcher? = nil) throws -> MatchOutcome {
        let m = try matcher ?? Matcher()
        return try s.withUnsafeBufferPointer { try m.match(p, in: $0, from: from, startLimit: limit, partial: partial) }
    }

    func testJITIsAvailableAndUsed() throws {
        XCTAssertTrue(PCRE2Library.hasJIT)
        XCTAssertTrue(try CompiledPattern("a+b").isJITCompiled)
    }

    /// The newline is LF whatever the library's build default: `(?m)^` starts a line after `\n`
    /// (also in CRLF text) and not after a lone `\r`; `.` stops at `\n` only.
    func testNewlineIsLineFeed() throws {
        let start = try CompiledPattern("(?m)^b")
        for (text, at) in [("a\nb", 2), ("a\r\nb", 3), ("a\rb", nil)] as [(String, Int?)] {
            if case .match(let g) = try match(start, Array(text.utf8)) { XCTAssertEqual(g[0]?.lowerBound, at, text) } else { XCTAssertNil(at, text) }
        }
        guard case .match(let g) = try match(try CompiledPattern("a.+"), Array("a\rb\nc".utf8)) else { return XCTFail("no match") }
        XCTAssertEqual(g[0], 0..<3)
    }

    func testCompileErrorsCarryOffsetAndMessage() {
        XCTAssertThrowsError(try CompiledPattern("foo(bar")) { e in
            let err = e as? PatternCompileError
            XCTAssertEqual(err?.offset, 7)
            XCTAssertEqual(err?.message, "missing closing parenthesis")
        }
    }

    func testInvalidUTF8NeverErrorsAndIsNotRepaired() throws {
        let p = try CompiledPattern("[\\p{L}.]+@[a-z]+\\.[a-z]{2,}")
        var s: [UInt8] = [0xFF, 0xFE, 0xC3]
        s += Array(" jöhn.döe@example.com".utf8)
        guard case .match(let g) = try match(p, s) else { return XCTFail("no match") }
        XCTAssertEqual(String(decoding: s[g[0]!], as: UTF8.self), "jöhn.döe@example.com")
    }

    func testOffsetLimitBoundsWhereAMatchStartsWithoutFakingBoundaries() throws {
        let p = try CompiledPattern("\\b\\d{4}\\b")
        let s = Array("ab 1234 5678".utf8)
        guard case .match(let g) = try match(p, s, limit: 3) else { return XCTFail() }
        XCTAssertEqual(g[0], 3..<7)
        XCTAssertEqual(try match(p, s, from: 4, limit: 6), .noMatch)
    }

    func testPartialHardReportsTheOpenStart() throws {
        let p = try CompiledPattern("[a-z.]+@[a-z]+\\.com")
        XCTAssertEqual(try match(p, Array("mail me at john.doe@exam".utf8), partial: true), .partial(start: 11))
    }

    /// The JIT compiles complete matching first and adds partial-hard code at the first partial
    /// call; complete matches are the same before and after, and partial ones run in the JIT.
    func testPartialJITCodeIsAddedOnFirstPartialCall() throws {
        let p = try CompiledPattern("[a-z.]+@[a-z]+\\.com")
        guard p.isJITCompiled else { throw XCTSkip("PCRE2 without JIT") }
        let full = Array("mail me at john.doe@example.com now".utf8), cut = Array("mail me at john.doe@exam".utf8)
        guard case .match(let before) = try match(p, full) else { return XCTFail("no complete match") }
        XCTAssertEqual(try match(p, cut), .noMatch)
        XCTAssertEqual(try match(p, cut, partial: true), .partial(start: 11))
        XCTAssertTrue(p.partialJIT(), "the partial-hard mode was not added to the JIT code")
        guard case .match(let after) = try match(p, full) else { return XCTFail("no complete match after the partial call") }
        XCTAssertEqual(before, after)
        XCTAssertEqual(try match(p, cut, partial: true), .partial(start: 11))
        XCTAssertEqual(try match(p, Array("nothing here, 42".utf8), partial: true), .noMatch)
    }

    /// `matchSpan` (what the engine calls) gives the whole match and the group asked for as
    /// `match` gives them, unset and missing groups as nil, and the same partial and no match.
    func testMatchSpanReportsWhatMatchReports() throws {
        let m = try Matcher()
        let p = try CompiledPattern("(?:IBAN:? )?(DE\\d{2})(x)?( \\d{4})+")
        let cases: [(String, Bool)] = [("pay IBAN DE89 3704 0044 now", false), ("DE12 3456", false), ("no number here", false), ("IBAN DE89 37", true)]
        for (text, partial) in cases {
            let bytes = Array(text.utf8)
            let full = try match(p, bytes, partial: partial, matcher: m)
            for group in 0...4 {
                let spans = try bytes.withUnsafeBufferPointer { try m.matchSpan(p, in: $0, from: 0, group: group, partial: partial) }
                switch full {
                case .noMatch: XCTAssertEqual(spans, .noMatch, text)
                case .partial(let start): XCTAssertEqual(spans, .partial(start: start), text)
                case .match(let groups):
                    let expected = group < groups.count ? groups[group] : nil
                    XCTAssertEqual(spans, .match(whole: groups[0] ?? 0..<0, group: expected), "\(text) group \(group)")
                }
            }
        }
        // The cases cover a match with a set group, an unset one (2) and one past the pattern's (4).
        XCTAssertEqual(try Array("DE12 3456".utf8).withUnsafeBufferPointer { try m.matchSpan(p, in: $0, from: 0, group: 1) }, .match(whole: 0..<9, group: 0..<4))
    }

    /// The interpreter (patterns that run a few times only) agrees with the JIT, partial
    /// matching included.
    func testInterpreterAgreesWithTheJIT() throws {
        let jit = try CompiledPattern("[a-z.]+@[a-z]+\\.com")
        let interpreted = try CompiledPattern("[a-z.]+@[a-z]+\\.com", jit: false)
        XCTAssertTrue(jit.isJITCompiled || !PCRE2Library.hasJIT)
        XCTAssertFalse(interpreted.isJITCompiled)
        for text in ["mail me at john.doe@exam", "mail me at john.doe@example.com now", "nothing here", "x@y.co"] {
            let s = Array(text.utf8)
            XCTAssertEqual(try match(interpreted, s, partial: true), try match(jit, s, partial: true), text)
            XCTAssertEqual(try match(interpreted, s), try match(jit, s), text)
        }
        XCTAssertEqual(try match(interpreted, Array("mail me at john.doe@exam".utf8), partial: true), .partial(start: 11))
    }

    /// Bytecode kept in the pack cache decodes to patterns that match exactly like the
    /// compiled ones (captures, caseless, lookbehind, partial), in the interpreter and the JIT.
    func testSerializedPatternsMatchLikeTheOriginals() throws {
        let originals = [try CompiledPattern("(?<=\\b)([a-z.]+)@([a-z]+)\\.com"), try CompiledPattern("ibAN\\s?(\\d{2})", caseless: true),
                         try CompiledPattern("[\\p{L}]+ \\d{4}")]
        let blob = try XCTUnwrap(CompiledPattern.serialize(originals))
        for jit in [false, true] {
            let decoded = try XCTUnwrap(CompiledPattern.deserialize(blob[...], expectedCount: 3, jit: jit))
            XCTAssertEqual(decoded.map(\.captureCount), originals.map(\.captureCount))
            XCTAssertEqual(decoded.map(\.maxLookbehind), originals.map(\.maxLookbehind))
            XCTAssertEqual(decoded.map(\.isJITCompiled), [jit, jit, jit].map { $0 && PCRE2Library.hasJIT })
            for text in ["mail john.doe@example.com now", "IBAN 76 and iban76", "Zoë 2024 ok", "mail me at john.doe@exam", "nothing"] {
                let s = Array(text.utf8)
                for (a, b) in zip(decoded, originals) {
                    XCTAssertEqual(try match(a, s), try match(b, s), text)
                    XCTAssertEqual(try match(a, s, partial: true), try match(b, s, partial: true), text)
                }
            }
        }
    }

    /// PCRE2 trusts serialized bytecode, so a damaged blob must be refused before decoding:
    /// any flipped byte, a cut, or the wrong pattern count gives nil, never a pattern.
    func testDamagedSerializedPatternsAreRefused() throws {
        let blob = try XCTUnwrap(CompiledPattern.serialize([try CompiledPattern("a(b+)c"), try CompiledPattern("\\d{3}")]))
        XCTAssertNotNil(CompiledPattern.deserialize(blob[...], expectedCount: 2, jit: false))
        XCTAssertNil(CompiledPattern.deserialize(blob[...], expectedCount: 1, jit: false))
        XCTAssertNil(CompiledPattern.deserialize(blob.dropLast(), expectedCount: 2, jit: false))
        XCTAssertNil(CompiledPattern.deserialize(blob.prefix(16), expectedCount: 2, jit: false))
        for index in stride(from: 0, to: blob.count, by: max(1, blob.count / 97)) {
            var damaged = blob
            damaged[index] ^= 0x5A
            XCTAssertNil(CompiledPattern.deserialize(damaged[...], expectedCount: 2, jit: false), "byte \(index) flipped")
        }
        // A slice of a larger buffer (how the pack cache hands it over) works like a copy.
        let embedded = [0xAA, 0xBB] + blob + [0xCC]
        XCTAssertNotNil(CompiledPattern.deserialize(embedded[2..<(2 + blob.count)], expectedCount: 2, jit: true))
    }

    func testMatchLimitIsAnErrorNotASkip() throws {
        let p = try CompiledPattern("^(\\w+\\s?)*$")
        let m = try Matcher(matchLimit: 1000)
        XCTAssertThrowsError(try match(p, Array((String(repeating: "a", count: 40) + "!").utf8), matcher: m)) { e in
            XCTAssertTrue((e as? MatchFailure)?.isLimit ?? false)
        }
    }

    func testLongRepeatsFitTheJITStack() throws {
        let p = try CompiledPattern("(?:(a)|b)*c")
        var s = [UInt8]()
        for _ in 0..<100_000 { s += Array("ab".utf8) }
        s += Array("c".utf8)
        guard case .match = try match(p, s) else { return XCTFail("long repeat failed") }
    }
}
