import CaviarPacks
import XCTest

/// Stage-one and stage-two errors name file, line and detector; shipped packs pass their examples.
final class PackLoadingTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func error(_ yaml: String) -> String {
        do {
            _ = try PackCompiler.compile(try RawPack.decode(yaml: yaml, file: "t.yaml"))
            return "no error"
        } catch { return "\(error)" }
    }

    func testUnknownKeyNamesLineAndDetector() {
        let e = error("pack: t\ndetectors:\n  - id: t.a\n    entity: EMAIL\n    patterns: ['x']\n    triger: lit:x\n")
        XCTAssertTrue(e.contains("t.yaml:6"), e)
        XCTAssertTrue(e.contains("t.a"), e)
        XCTAssertTrue(e.contains("unknown key 'triger'"), e)
    }

    func testBadRegexNamesPatternLineAndOffset() {
        let e = error("pack: t\ndetectors:\n  - id: t.a\n    entity: EMAIL\n    patterns:\n      - '(?<=a+)b'\n")
        XCTAssertTrue(e.contains("t.yaml:6"), e)
        XCTAssertTrue(e.contains("lookbehind"), e)
    }

    func testUnknownValidatorAndFragmentAndEntity() {
        XCTAssertTrue(error("pack: t\ndetectors:\n  - id: t.a\n    entity: EMAIL\n    patterns: ['x']\n    validators: [nope]\n").contains("unknown validator 'nope'"))
        XCTAssertTrue(error("pack: t\ndetectors:\n  - id: t.a\n    entity: EMAIL\n    patterns: ['{SEP}x']\n").contains("unknown fragment {SEP}"))
        XCTAssertTrue(error("pack: t\ndetectors:\n  - id: t.a\n    entity: email\n    patterns: ['x']\n").contains("entity 'email'"))
    }

    func testFragmentsAreSubstitutedButRegexEscapesAreNot() throws {
        let p = try PackCompiler.compile(try RawPack.decode(yaml: "pack: t\nfragments:\n  S: '[ .]'\ndetectors:\n  - id: t.a\n    entity: X\n    patterns: ['\\p{L}{2}\\d{2}{S}\\d']\n    examples:\n      match: ['⟦ab12 3⟧']\n      no_match: ['ab123']\n", file: "t.yaml"))
        let report = try PackSelfTest.run(p)
        XCTAssertEqual(report.failures.map(\.description), [])
        XCTAssertEqual(report.examples, 2)
    }

    func testSelfTestCatchesAWrongExample() throws {
        let p = try PackCompiler.compile(try RawPack.decode(yaml: "pack: t\ndetectors:\n  - id: t.a\n    entity: X\n    patterns: ['\\d{3}']\n    trigger: digits:3\n    examples:\n      match: ['a ⟦1234⟧']\n      no_match: ['567']\n", file: "t.yaml"))
        let report = try PackSelfTest.run(p)
        XCTAssertEqual(report.failures.count, 2)
    }

    func testEveryShippedPackPassesItsExamples() throws {
        var lib = PackLibrary()
        try lib.load(directory: PackLoadingTests.repo.appendingPathComponent("patterns").path)
        XCTAssertGreaterThan(lib.packs.count, 0)
        for pack in lib.packs {
            let report = try PackSelfTest.run(pack)
            XCTAssertEqual(report.failures.map(\.description), [], pack.raw.file)
            XCTAssertEqual(report.detectorsWithoutExamples, [], pack.raw.file)
        }
    }
}
