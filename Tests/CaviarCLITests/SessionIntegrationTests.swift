import Foundation
import XCTest

/// End to end with the real binary: `caviar redact --session S` then `caviar restore --session S`
/// gives back the input byte for byte; sessions number consistently across invocations and
/// concurrent processes.
final class SessionIntegrationTests: XCTestCase {
    var home = ""
    var env: [String: String] = [:]

    override func setUpWithError() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-session-it-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        // XDG_RUNTIME_DIR relative = ignored: the vault goes to $XDG_STATE_HOME/caviar.
        env = ["XDG_STATE_HOME": home + "/state", "XDG_RUNTIME_DIR": "unset", "CAVIAR_VAULT_KEY": key, "CAVIAR_VAULT_KEYRING": "off", "CAVIAR_SESSION": ""]
        let help = try CaviarBinary.run(["restore", "--help"], env: env)
        try XCTSkipUnless((help.out + help.stderr).contains("Replace placeholders"), "`caviar restore` is not wired into the binary yet")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: home)
    }

    func redact(_ input: Data, session: String) throws -> Data {
        let result = try CaviarBinary.run(["redact", "--session", session], stdin: input, env: env)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }

    func restore(_ input: Data, session: String, extra: [String] = []) throws -> CaviarBinary.Result {
        try CaviarBinary.run(["restore", "--session", session] + extra, stdin: input, env: env)
    }

    /// `caviar` without arguments takes its session from CAVIAR_SESSION, like `caviar redact`.
    func testBareCaviarUsesTheSessionFromTheEnvironment() throws {
        let input = Data("Mail jan.novak@example.eu, IBAN DE89 3704 0044 0532 0130 00.\n".utf8)
        var sessionEnv = env
        sessionEnv["CAVIAR_SESSION"] = "bare-run"
        let redacted = try CaviarBinary.run([], stdin: input, env: sessionEnv)
        XCTAssertEqual(redacted.status, 0, redacted.stderr)
        XCTAssertFalse(redacted.out.contains("jan.novak"), redacted.out)
        let restored = try restore(redacted.stdout, session: "bare-run")
        XCTAssertEqual(restored.status, 0, restored.stderr)
        XCTAssertEqual(restored.stdout, input)
    }

    func testSamplesRoundTrip() throws {
        let samples = CaviarBinary.repoRoot.appendingPathComponent("samples")
        let files = try FileManager.default.contentsOfDirectory(atPath: samples.path).filter { $0.hasSuffix(".txt") }.sorted()
        XCTAssertFalse(files.isEmpty)
        var changed = 0
        for file in files {
            let input = try Data(contentsOf: samples.appendingPathComponent(file))
            let redacted = try redact(input, session: "samples")
            if redacted != input { changed += 1 }
            let restored = try restore(redacted, session: "samples")
            XCTAssertEqual(restored.status, 0, "\(file): \(restored.stderr)")
            XCTAssertEqual(restored.stdout, input, file)
        }
        XCTAssertGreaterThan(changed, 0, "no sample was redacted at all")
    }

    func testRandomInputsRoundTripIncludingBracketedWords() throws {
        let noise = ["[NOTE]", "[TODO_1]", "TODO_1", "hello", " ", "\n", "\r\n", "Réunion", "🎉", "(", ")", "**", "`", "[", "]", "42", ":", "'s"]
        let values = ["jean.dupont@example.fr", "anna.virtanen@firma.fi", "FR76 3000 6000 0112 3456 7890 189", "DE89370400440532013000", "+33 6 12 34 56 78", "192.168.10.23"]
        var generator = SystemRandomNumberGenerator()
        for round in 0..<25 {
            var input = ""
            for _ in 0..<Int.random(in: 1...30, using: &generator) {
                input += Bool.random(using: &generator) ? noise.randomElement(using: &generator) ?? "" : " " + (values.randomElement(using: &generator) ?? "") + " "
            }
            let data = Data(input.utf8)
            let redacted = try redact(data, session: "random")
            for value in values where input.contains(value) {
                XCTAssertFalse(String(decoding: redacted, as: UTF8.self).contains(value), "round \(round): \(value) survived redaction in \(input.debugDescription)")
            }
            let restored = try restore(redacted, session: "random")
            XCTAssertEqual(restored.status, 0, restored.stderr)
            XCTAssertEqual(String(decoding: restored.stdout, as: UTF8.self), input, "round \(round)")
        }
    }

    func testSameValueSamePlaceholderAcrossInvocations() throws {
        let first = try redact(Data("write to jean.dupont@example.fr\n".utf8), session: "s")
        let second = try redact(Data("anna@example.fi and jean.dupont@example.fr\n".utf8), session: "s")
        XCTAssertEqual(String(decoding: first, as: UTF8.self), "write to [EMAIL_1]\n")
        XCTAssertEqual(String(decoding: second, as: UTF8.self), "[EMAIL_2] and [EMAIL_1]\n")
        let answer = Data("Sure: **Email_2** and `EMAIL_1`, also [EMAIL_1]'s box.\n".utf8)
        let restored = try restore(answer, session: "s")
        XCTAssertEqual(restored.out, "Sure: **anna@example.fi** and `jean.dupont@example.fr`, also jean.dupont@example.fr's box.\n")
    }

    func testStrictFailsWithoutOutputAndReportsWithoutValues() throws {
        _ = try redact(Data("jean.dupont@example.fr\n".utf8), session: "s")
        let loose = try restore(Data("[EMAIL_1] [EMAIL_9] [PERSON-1]\n".utf8), session: "s")
        XCTAssertEqual(loose.status, 0)
        XCTAssertEqual(loose.out, "jean.dupont@example.fr [EMAIL_9] [PERSON-1]\n")
        XCTAssertTrue(loose.stderr.contains("[EMAIL_9]"), loose.stderr)
        XCTAssertFalse(loose.stderr.contains("jean.dupont"), loose.stderr)
        let strict = try restore(Data("[EMAIL_1] [EMAIL_9]\n".utf8), session: "s", extra: ["--strict"])
        XCTAssertEqual(strict.status, 1)
        XCTAssertEqual(strict.stdout, Data())
        let missing = try restore(Data("[EMAIL_1]\n".utf8), session: "nope", extra: ["--strict"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no session named 'nope'"), missing.stderr)
    }

    func testConcurrentRedactionsNeverShareANumber() throws {
        let count = 6
        let outputs = OutputBox()
        let environment = env
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let input = Data("mail user\(index)@example.org and shared@example.org\n".utf8)
            let result = try? CaviarBinary.run(["redact", "--session", "c"], stdin: input, env: environment)
            outputs.add(index, result?.out ?? "failed: \(result?.stderr ?? "")")
        }
        var ownNumbers = Set<String>(), sharedNumbers = Set<String>()
        for index in 0..<count {
            let words = outputs.value(index).split(separator: " ").map(String.init)
            // "mail [EMAIL_a] and [EMAIL_b]\n"
            XCTAssertEqual(words.count, 4, outputs.value(index))
            guard words.count == 4 else { continue }
            ownNumbers.insert(words[1])
            sharedNumbers.insert(words[3].trimmingCharacters(in: .whitespacesAndNewlines))
        }
        XCTAssertEqual(ownNumbers.count, count, "a number was handed out twice: \(ownNumbers)")
        XCTAssertEqual(sharedNumbers.count, 1, "the same value got different numbers: \(sharedNumbers)")
        XCTAssertTrue(ownNumbers.isDisjoint(with: sharedNumbers))
    }

    func testSessionListForgetPurge() throws {
        _ = try redact(Data("a@example.org\n".utf8), session: "one")
        _ = try redact(Data("b@example.org\n".utf8), session: "two")
        let list = try CaviarBinary.run(["session", "list"], env: env)
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.out.contains("one") && list.out.contains("two") && list.out.contains("EMAIL 1"), list.out)
        XCTAssertFalse(list.out.contains("a@example.org"))
        XCTAssertEqual(try CaviarBinary.run(["session", "forget", "one"], env: env).status, 0)
        XCTAssertNotEqual(try CaviarBinary.run(["session", "forget", "one"], env: env).status, 0)
        XCTAssertEqual(try CaviarBinary.run(["session", "purge"], env: env).status, 0)
        XCTAssertTrue(try CaviarBinary.run(["session", "list"], env: env).out.contains("no sessions"))
        // The vault directory and files are private.
        let attributes = try FileManager.default.attributesOfItem(atPath: home + "/state/caviar")
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o700)
    }

    func testUnsafeVaultIsRefusedWithFix() throws {
        try FileManager.default.createDirectory(atPath: home + "/state/caviar", withIntermediateDirectories: true)
        chmod(home + "/state/caviar", 0o755)
        let result = try CaviarBinary.run(["redact", "--session", "x"], stdin: Data("a@example.org\n".utf8), env: env)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stdout, Data(), "fail closed: nothing written")
        XCTAssertTrue(result.stderr.contains("chmod 700"), result.stderr)
    }
}

final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: String] = [:]
    func add(_ index: Int, _ value: String) { lock.lock(); values[index] = value; lock.unlock() }
    func value(_ index: Int) -> String { lock.lock(); defer { lock.unlock() }; return values[index] ?? "" }
}
