import CaviarPCRE
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
