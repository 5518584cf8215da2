import CaviarPCRE
@testable import CaviarDetection
import XCTest

/// An allow-list's regexes compiled as one pattern allow exactly what they allow one by one.
final class AllowListTests: XCTestCase {
    /// core.password_assignment's list, which is combined into one pattern.
    static let passwordList = ["\\*+", "x{3,}", "X{3,}", "<[^>]*>", "$\\{[^}]*\\}", "\\{\\{[^}]*\\}\\}", "%\\([a-z_]+\\)s", "changeme",
                               "redacted", "\\[[A-Z_]+(?:_\\d+)?\\]", "null", "none", "true", "false", "required"]

    static let values = ["****", "*", "xxx", "xx", "XXXX", "<your-password>", "<", "${PASS}", "{{ pw }}", "%(password)s", "changeme",
                         "changeme2", "redacted", "[SECRET_1]", "[SECRET]", "[secret_1]", "null", "none", "true", "false", "required",
                         "hunter22", "Sommer2024!", "", "x", "abcabc", "Aa1", "aB", "ab\n", "né", "(a)", "xyzzy", "ab|cd"]

    /// Whether any regex alone, anchored as before, matches the value.
    func allowedOneByOne(_ regexes: [String], _ value: String) throws -> Bool {
        let matcher = try Matcher(maxCaptures: 4)
        for r in regexes {
            let p = try CompiledPattern("^(?:\(r))$", jit: false)
            let outcome = try Array(value.utf8).withUnsafeBufferPointer { try matcher.match(p, in: $0, from: 0) }
            if case .match = outcome { return true }
        }
        return false
    }

    func assertAgrees(_ regexes: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let list = try AllowList(regexes: regexes)
        let matcher = try Matcher(maxCaptures: 4)
        for v in Self.values {
            XCTAssertEqual(try list.allows(Array(v.utf8), matcher: matcher), try allowedOneByOne(regexes, v), "value \(v.debugDescription)",
                           file: file, line: line)
        }
    }

    /// Past `jitAfterCalls` values the list runs JIT-compiled and still allows the same values.
    func testListAllowsTheSameValuesOnceJITCompiled() throws {
        let list = try AllowList(regexes: Self.passwordList)
        let matcher = try Matcher(maxCaptures: 4)
        let expected = try Self.values.map { try allowedOneByOne(Self.passwordList, $0) }
        for round in 0..<(AllowList.jitAfterCalls / Self.values.count + 2) {
            for (v, allowed) in zip(Self.values, expected) {
                XCTAssertEqual(try list.allows(Array(v.utf8), matcher: matcher), allowed, "round \(round), value \(v.debugDescription)")
            }
        }
        XCTAssertTrue(try AllowList.compile(Self.passwordList, jit: true).allSatisfy(\.isJITCompiled))
    }

    func testPasswordListIsOnePatternAndAllowsTheSameValues() throws {
        XCTAssertEqual(try AllowList.compile(Self.passwordList).count, 1)
        try assertAgrees(Self.passwordList)
    }

    func testScopedOptionsAndGroupsStayInTheirAlternative() throws {
        // (?i) applies to "abc" only; the second regex stays case-sensitive.
        let list = ["(?i)abc", "xyzzy", "(a)|(b)"]
        XCTAssertEqual(try AllowList.compile(list).count, 1)
        try assertAgrees(list + ["ab\\|cd"])
        let matcher = try Matcher(maxCaptures: 4)
        XCTAssertTrue(try AllowList(regexes: list).allows(Array("ABC".utf8), matcher: matcher))
        XCTAssertFalse(try AllowList(regexes: list).allows(Array("XYZZY".utf8), matcher: matcher))
    }

    func testRegexesThatDependOnTheirOwnNumberingStaySeparate() throws {
        for r in ["(a)\\1", "(a)(?1)", "(?<n>a)\\k<n>", "(?|(a)|(b))", "(?(1)a|b)", "(?R)?a", "a)(?i)(b", "\\Qa)\\E", "[)](", "a(*COMMIT)b"] {
            XCTAssertFalse(AllowList.isSelfContained(r), r)
        }
        for r in ["\\*+", "[)(]", "[]a]", "[^]a]", "[[:alpha:])]", "(?i)abc", "(?:a|b)c", "\\(x\\)", "a(?-i)b", "(?<year>\\d{4})"] {
            XCTAssertTrue(AllowList.isSelfContained(r), r)
        }
        // A verb in the first regex would stop the second from being tried on "ac" if combined.
        let verbs = ["a(*COMMIT)b", "ac"]
        XCTAssertEqual(try AllowList.compile(verbs).count, 2)
        XCTAssertTrue(try AllowList(regexes: verbs).allows(Array("ac".utf8), matcher: try Matcher(maxCaptures: 4)))
        // A list holding one of them is compiled one regex at a time, and still agrees.
        let list = ["(a)\\1", "(b)\\1", "null"]
        XCTAssertEqual(try AllowList.compile(list).count, 3)
        try assertAgrees(list + ["aa", "bb", "ab"])
    }
}
