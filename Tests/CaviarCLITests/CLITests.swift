import Foundation
import XCTest

/// End-to-end tests of the built binary against golden files in samples/.
final class CLITests: XCTestCase {
    let corePack = ["--no-default-packs", "--packs", "patterns/core.yaml"]

    func testGoldenSamples() throws {
        let samples = CaviarBinary.repoRoot.appendingPathComponent("samples")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: samples.path).filter { $0.hasSuffix(".txt") && !$0.contains(".redacted") }
        XCTAssertFalse(inputs.isEmpty)
        for name in inputs {
            let input = try Data(contentsOf: samples.appendingPathComponent(name))
            let golden = samples.appendingPathComponent(name.replacingOccurrences(of: ".txt", with: ".redacted.txt"))
            let r = try CaviarBinary.run(["redact"], stdin: input)
            XCTAssertEqual(r.status, 0, r.stderr)
            guard let expected = try? Data(contentsOf: golden) else {
                XCTFail("missing golden file \(golden.lastPathComponent); create it with: .build/debug/caviar < samples/\(name) > samples/\(golden.lastPathComponent) and review it")
                continue
            }
            XCTAssertEqual(r.out, String(decoding: expected, as: UTF8.self), "golden mismatch for \(name)")
            // `caviar` without arguments skips the argument parser: it must be `redact` exactly.
            let bare = try CaviarBinary.run([], stdin: input)
            XCTAssertEqual(bare.status, 0, bare.stderr)
            XCTAssertEqual(bare.stdout, r.stdout, "`caviar` and `caviar redact` differ on \(name)")
        }
    }

    func testBytesOutsideSpansAreKept() throws {
        var input = Data("héllo\r\nmail: a.b@example.org\u{0}\r\n".utf8)
        input.append(contentsOf: [0xFF, 0xFE, 0xC3, 0x0A])
        input.append(Data("tail without newline".utf8))
        let r = try CaviarBinary.run(corePack, stdin: input)
        XCTAssertEqual(r.status, 0)
        var expected = Data("héllo\r\nmail: [EMAIL_1]\u{0}\r\n".utf8)
        expected.append(contentsOf: [0xFF, 0xFE, 0xC3, 0x0A])
        expected.append(Data("tail without newline".utf8))
        XCTAssertEqual(r.stdout, expected)
    }

    func testSameValueSamePlaceholder() throws {
        let r = try CaviarBinary.run(corePack, stdin: Data("x@example.org y@example.org x@example.org\n".utf8))
        XCTAssertEqual(r.out, "[EMAIL_1] [EMAIL_2] [EMAIL_1]\n")
    }

    func testCheckExitCodes() throws {
        XCTAssertEqual(try CaviarBinary.run(["check"] + corePack, stdin: Data("nothing here\n".utf8)).status, 0)
        let r = try CaviarBinary.run(["check"] + corePack, stdin: Data("IBAN DE89370400440532013000\n".utf8))
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("IBAN"))
        XCTAssertFalse(r.stderr.contains("DE89370400440532013000"), "values must never appear in reports")
    }

    func testVersionNamesTheReleaseAndPCRE2() throws {
        let r = try CaviarBinary.run(["--version"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.out.hasPrefix("caviar ") && r.out.contains("PCRE2 10."), r.out)
    }

    /// A `warn` marking is kept and reported with its line and column (columns count characters);
    /// the redacted findings around it, which the warning reporter does not want, still go.
    func testWarnPolicyReportsLineAndColumnAndKeepsTheMarking() throws {
        let pack = ["--no-default-packs", "--packs", "patterns/core.yaml", "--packs", "patterns/eu-markings.yaml"]
        let input = "première ligne a@example.org\r\nÀ propos: b@example.org SENSITIVE x\nfin\n"
        let r = try CaviarBinary.run(pack, stdin: Data(input.utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.out, "première ligne [EMAIL_1]\r\nÀ propos: [EMAIL_2] SENSITIVE x\nfin\n")
        XCTAssertTrue(r.stderr.contains("CLASSIFICATION_MARKING (eu-markings.sensitive) at line 2, column 25 was kept (policy: warn)"), r.stderr)
        XCTAssertFalse(r.stderr.contains("EMAIL"), r.stderr)
    }

    func testScanJSONMasksValues() throws {
        let r = try CaviarBinary.run(["scan", "--json"] + corePack, stdin: Data("line one\ncard 4111 1111 1111 1111\n".utf8))
        XCTAssertEqual(r.status, 0)
        let obj = try JSONSerialization.jsonObject(with: Data(r.out.split(separator: "\n")[0].utf8)) as? [String: Any]
        XCTAssertEqual(obj?["entity"] as? String, "PAYMENT_CARD")
        XCTAssertEqual(obj?["line"] as? Int, 2)
        XCTAssertEqual(obj?["column"] as? Int, 6)
        XCTAssertEqual(obj?["offset"] as? Int, 14)
        XCTAssertEqual(obj?["value"] as? String, "****1111")
    }

    func testBadPackIsAUsageErrorNamingFileLineAndDetector() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-badpack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = "pack: bad\ndetectors:\n  - id: bad.one\n    entity: EMAIL\n    patterns:\n      - 'foo(bar'\n    trigger: lit:foo\n"
        try bad.write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let r = try CaviarBinary.run(["--no-default-packs", "--packs", dir.path], stdin: Data("foo\n".utf8))
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout.count, 0, "nothing may be written on a pack error")
        XCTAssertTrue(r.stderr.contains("bad.yaml:6"), r.stderr)
        XCTAssertTrue(r.stderr.contains("bad.one"), r.stderr)
        XCTAssertTrue(r.stderr.contains("missing closing parenthesis"), r.stderr)
    }

    func testUnknownConfigKeyIsAnError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-config-\(UUID().uuidString).yaml")
        try "min_confidence: 0.5\nallow:\n  valuez: [x]\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try CaviarBinary.run(["--config", file.path] + corePack, stdin: Data("x\n".utf8))
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains(":3"), r.stderr)
        XCTAssertTrue(r.stderr.contains("unknown key 'valuez'"), r.stderr)
    }

    func testAllowListAndOperatorsFromConfig() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-config-\(UUID().uuidString).yaml")
        try "allow:\n  values: [keep@example.org]\noperators:\n  PAYMENT_CARD: {kind: mask, char: '#', keep_last: 4}\n  EMAIL: remove\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try CaviarBinary.run(["--config", file.path] + corePack,
                                     stdin: Data("keep@example.org drop@example.org 4111 1111 1111 1111\n".utf8))
        XCTAssertEqual(r.out, "keep@example.org  ###############1111\n")
    }

    func testOnlyAndExcept() throws {
        let input = Data("a@example.org 4111 1111 1111 1111\n".utf8)
        XCTAssertEqual(try CaviarBinary.run(["--only", "EMAIL"] + corePack, stdin: input).out, "[EMAIL_1] 4111 1111 1111 1111\n")
        XCTAssertEqual(try CaviarBinary.run(["--except", "EMAIL"] + corePack, stdin: input).out, "a@example.org [PAYMENT_CARD_1]\n")
    }

    func testPatternsTestRunsEveryShippedExample() throws {
        let r = try CaviarBinary.run(["patterns", "test"])
        XCTAssertEqual(r.status, 0, r.out + r.stderr)
        XCTAssertTrue(r.out.contains(" 0 failures"), r.out)
    }

    func testPatternsListShowsUngatedDetectors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-ungated-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "pack: mine\ndetectors:\n  - id: mine.codename\n    entity: ORGANISATION_TERM\n    patterns: ['\\bPROJECT\\h+[A-Z]{4,}\\b']\n    examples:\n      match: ['⟦PROJECT ORION⟧']\n      no_match: ['project orion']\n"
            .write(to: dir.appendingPathComponent("mine.yaml"), atomically: true, encoding: .utf8)
        let r = try CaviarBinary.run(["patterns", "list", "--no-default-packs", "--packs", dir.path])
        XCTAssertTrue(r.out.contains("mine.codename\tORGANISATION_TERM\tungated"), r.out)
        let t = try CaviarBinary.run(["patterns", "test", "--no-default-packs", "--packs", dir.path])
        XCTAssertEqual(t.status, 0, t.out)
        let red = try CaviarBinary.run(["--no-default-packs", "--packs", dir.path], stdin: Data("see PROJECT ORION now\n".utf8))
        XCTAssertEqual(red.out, "see [ORGANISATION_TERM_1] now\n")
    }

    func testClosedStdoutEndsQuietly() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-big-\(UUID().uuidString).txt")
        try String(repeating: "line with a@example.org inside\n", count: 200_000).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let exe = CaviarBinary.path
        guard FileManager.default.isExecutableFile(atPath: exe) else { throw XCTSkip("caviar not built") }
        let (out, err) = try bash("'\(exe)' --no-default-packs --packs patterns/core.yaml '\(file.path)' | head -1 >/dev/null; echo ${PIPESTATUS[0]}")
        XCTAssertEqual(err, "", "a closed stdout must not produce an error message")
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }

    /// A compiled dictionary truncated while a stream is being redacted: the mapped pages are
    /// gone (SIGBUS). caviar ends with a message and status 4, having written only lines it
    /// fully processed.
    func testATruncatedDictionaryFailsClosed() throws {
        let exe = CaviarBinary.path
        guard FileManager.default.isExecutableFile(atPath: exe) else { throw XCTSkip("caviar not built") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-sigbus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let list = dir.appendingPathComponent("names.txt"), dict = dir.appendingPathComponent("names.dict")
        try "Zoltan Kovacs\nOrion Sextant\n".write(to: list, atomically: true, encoding: .utf8)
        let build = try CaviarBinary.run(["dict", "build", list.path, "-o", dict.path])
        XCTAssertEqual(build.status, 0, build.stderr)
        let (out, err) = try bash("""
            ( printf 'met Zoltan Kovacs\\n'; sleep 1; : > '\(dict.path)'; printf 'and Orion Sextant\\n' ) \\
              | '\(exe)' redact --stream --no-default-packs --dict '\(dict.path)'; echo "status=$?"
            """)
        XCTAssertTrue(out.hasPrefix("met ["), out)
        XCTAssertFalse(out.contains("Zoltan"), out)
        XCTAssertFalse(out.contains("Orion"), "a line was written after the dictionary was gone: \(out)")
        XCTAssertTrue(out.hasSuffix("status=4\n"), out)
        XCTAssertTrue(err.contains("truncated while in use"), err)
    }

    /// Runs `script` with bash in the repository root; its stdout and stderr.
    func bash(_ script: String) throws -> (out: String, err: String) {
        let sh = Process()
        sh.executableURL = URL(fileURLWithPath: "/bin/bash")
        sh.arguments = ["-c", script]
        sh.currentDirectoryURL = CaviarBinary.repoRoot
        let outPipe = Pipe(), errPipe = Pipe()
        sh.standardOutput = outPipe
        sh.standardError = errPipe
        try sh.run()
        let out = String(decoding: outPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sh.waitUntilExit()
        return (out, err)
    }

    func testHelpHasExamples() throws {
        for cmd in [["--help"], ["redact", "--help"], ["scan", "--help"], ["check", "--help"], ["patterns", "test", "--help"]] {
            let r = try CaviarBinary.run(cmd)
            XCTAssertEqual(r.status, 0)
            XCTAssertTrue(r.out.contains("EXAMPLES"), "no examples in \(cmd)")
        }
    }
}
