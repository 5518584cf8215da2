import Foundation
import XCTest
@testable import CaviarMail

/// The wrapper runs a real child (a shell script standing in for msmtp that records its argv
/// and stdin), through CaviarSpawn.
final class SendmailWrapperTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-sendmail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = """
        #!/bin/sh
        for a in "$@"; do printf '%s\\n' "$a"; done > "\(dir.path)/argv"
        cat > "\(dir.path)/stdin"
        exit ${FAKE_MTA_STATUS:-0}
        """
        try script.write(to: mta, atomically: true, encoding: .utf8)
        chmod(mta.path, 0o755)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    private var mta: URL { dir.appendingPathComponent("fake-mta") }
    private var delivered: [UInt8]? { (try? Data(contentsOf: dir.appendingPathComponent("stdin"))).map(Array.init) }
    private var argv: [String]? {
        (try? String(contentsOf: dir.appendingPathComponent("argv"), encoding: .utf8)).map { $0.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    private func wrapper(_ mode: SendmailConfiguration.Mode, policy: MailPolicy = MailPolicy(), mtaPath: String? = nil) -> (SendmailWrapper, () -> [String]) {
        var w = SendmailWrapper(redactor: TestRedactor(), configuration: SendmailConfiguration(mode: mode, mta: mtaPath ?? mta.path, policy: policy))
        final class Log: @unchecked Sendable { var lines: [String] = [] }
        let log = Log()
        w.log = { log.lines.append($0) }
        return (w, { log.lines })
    }

    func testCleanMessagePassesWithArgumentsUntouched() throws {
        let message = try Fixtures.bytes("01-neomutt-clean-ascii.eml")
        let args = ["-oem", "-oi", "-f", "alice@example.org", "--", "bob@example.org", "-t", "carol@example.org"]
        let (w, _) = wrapper(.check)
        XCTAssertEqual(w.run(message: message, arguments: args), 0)
        XCTAssertEqual(argv, args)
        XCTAssertEqual(delivered, message)
    }

    func testCheckModeRefusesWithDataErrAndRunsNothing() throws {
        let (w, log) = wrapper(.check)
        XCTAssertEqual(w.run(message: try Fixtures.bytes("06-neomutt-utf8-quoted-printable.eml"), arguments: ["--", "bob@example.org"]), 65)
        XCTAssertNil(delivered, "nothing may reach the MTA")
        XCTAssertTrue(log().contains { $0.contains("message body (text/plain) line 1: IBAN") }, "\(log())")
        XCTAssertFalse(log().joined().contains("FR76"), "no value in the diagnostics")
    }

    func testRedactModeHandsOnTheRedactedMessage() throws {
        let (w, _) = wrapper(.redact)
        XCTAssertEqual(w.run(message: try Fixtures.bytes("13-python-alternative-base64-html-entities.eml"), arguments: ["-i", "list@example.org"]), 0)
        let out = String(decoding: try XCTUnwrap(delivered), as: UTF8.self)
        XCTAssertTrue(out.contains("[IBAN_1]"), "the HTML part carries the placeholder")
        XCTAssertFalse(out.contains("FR76"))
        XCTAssertEqual(argv, ["-i", "list@example.org"])
    }

    func testRedactModeRefusesAttachmentsUnlessAllowed() throws {
        let message = try Fixtures.bytes("16-python-nested-mixed-related.eml")
        XCTAssertEqual(wrapper(.redact).0.run(message: message, arguments: ["bob@example.org"]), 65)
        XCTAssertNil(delivered)
        XCTAssertEqual(wrapper(.redact, policy: MailPolicy(allowUnredactableParts: true)).0.run(message: message, arguments: ["bob@example.org"]), 0)
        XCTAssertNotNil(delivered)
    }

    func testMalformedMessageIsADataErrorAndMissingMTAIsATempFail() throws {
        XCTAssertEqual(wrapper(.redact).0.run(message: Array("Content-Type: multipart/mixed\n\nx\n".utf8), arguments: []), 65)
        XCTAssertNil(delivered)
        let (w, log) = wrapper(.redact, mtaPath: dir.appendingPathComponent("no-such-mta").path)
        XCTAssertEqual(w.run(message: try Fixtures.bytes("01-neomutt-clean-ascii.eml"), arguments: []), 75)
        XCTAssertTrue(log().contains { $0.contains("no MTA found") }, "\(log())")
    }

    func testMTAStatusIsPassedBack() throws {
        setenv("FAKE_MTA_STATUS", "69", 1)
        defer { unsetenv("FAKE_MTA_STATUS") }
        XCTAssertEqual(wrapper(.check).0.run(message: try Fixtures.bytes("01-neomutt-clean-ascii.eml"), arguments: []), 69)
    }

    func testEnvironmentConfiguration() throws {
        let c = try SendmailConfiguration.applyingEnvironment(["CAVIAR_MAIL_MODE": "Redact", "CAVIAR_MTA": "/usr/bin/msmtp", "CAVIAR_MAIL_NOTIFY": "1", "CAVIAR_MAIL_ALLOW_ATTACHMENTS": "yes"])
        XCTAssertEqual(c.mode, .redact)
        XCTAssertEqual(c.mta, "/usr/bin/msmtp")
        XCTAssertTrue(c.notifiesOnRefusal && c.policy.allowUnredactableParts && !c.policy.redactAttachments)
        XCTAssertThrowsError(try SendmailConfiguration.applyingEnvironment(["CAVIAR_MAIL_MODE": "rewrite"]))
    }
}
