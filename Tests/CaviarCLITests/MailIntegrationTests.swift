import Foundation
import XCTest

/// End to end with real clients (INTEGRATIONS.md §2.9): neomutt in batch mode -> `caviar
/// sendmail` -> msmtp -> an SMTP sink on 127.0.0.1 (aiosmtpd under Debian's /usr/bin/python3),
/// and git send-email with samples/mail/sendemail-validate. Skipped when a tool is missing.
/// The helper processes here are neomutt, git, msmtp and python: none forks a daemon, so
/// Foundation.Process is safe in this test target (CaviarSpawn is for the product).
final class MailIntegrationTests: XCTestCase {
    private var work: URL!
    private var sink: Process?
    private var port = 0
    private let planted = ["FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189", "jean.martin@example.com"]

    private var inbox: URL { work.appendingPathComponent("inbox") }
    private var inboxCount: Int { ((try? FileManager.default.contentsOfDirectory(atPath: inbox.path)) ?? []).filter { $0.hasSuffix(".eml") }.count }

    override func setUpWithError() throws {
        for tool in ["/usr/bin/neomutt", "/usr/bin/msmtp", "/usr/bin/python3", "/usr/bin/git"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is not installed (apt-get install neomutt msmtp python3-aiosmtpd git git-email libmailtools-perl)")
        }
        guard FileManager.default.isExecutableFile(atPath: CaviarBinary.path) else { throw XCTSkip("caviar binary not built at \(CaviarBinary.path)") }
        guard try Self.shell(["/usr/bin/python3", "-c", "import aiosmtpd"]).status == 0 else { throw XCTSkip("python3-aiosmtpd is not installed") }
        let help = try Self.shell([CaviarBinary.path, "mail", "--help"])
        guard (String(decoding: help.stdout, as: UTF8.self) + help.stderr).contains("caviar mail <subcommand>") else { throw XCTSkip("this caviar binary has no mail command (MailCommand not registered)") }

        work = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-mail-e2e-\(UUID().uuidString)")
        for d in ["inbox", "home", "bin", "Mail/inbox/cur", "Mail/inbox/new", "Mail/inbox/tmp"] {
            try FileManager.default.createDirectory(at: work.appendingPathComponent(d), withIntermediateDirectories: true)
        }
        try startSink()
        try write("bin/msmtprc", "defaults\nauth off\ntls off\naccount sink\nhost 127.0.0.1\nport \(port)\nfrom alice@example.org\naccount default : sink\n", mode: 0o600)
        // The real MTA caviar runs; it keeps a copy of what it was handed.
        try write("bin/mta", "#!/bin/sh\ntee \"\(work.path)/handed-to-mta\" | exec /usr/bin/msmtp -C \"\(work.path)/bin/msmtprc\" \"$@\"\n", mode: 0o755)
        // What neomutt produced, before caviar: a tee in front of caviar-sendmail (a link, so
        // caviar sees argv[0] = caviar-sendmail).
        try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("bin/caviar-sendmail").path, withDestinationPath: CaviarBinary.path)
        try write("bin/capture-then-caviar", "#!/bin/sh\ntee \"\(work.path)/from-neomutt\" | exec \"\(work.path)/bin/caviar-sendmail\" \"$@\"\n", mode: 0o755)
    }

    override func tearDownWithError() throws {
        if let sink, sink.isRunning { sink.terminate(); sink.waitUntilExit() }
        if let work { try? FileManager.default.removeItem(at: work) }
    }

    // MARK: neomutt

    func testNeomuttRedactModeDeliversRedactedMessageOtherwiseIntact() throws {
        let before = inboxCount
        let r = try neomutt(mode: "redact", subject: "Réunion budget", body: "Bonjour Bob,\nvirement sur FR76 3000 6000 0112 3456 7890 189 demain.\nContact: jean.martin@example.com\nMerci, à bientôt\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(inboxCount, before + 1, "one message delivered")
        let delivered = try latestDelivered()
        let original = try Data(contentsOf: work.appendingPathComponent("from-neomutt"))
        let d = try decode(delivered), o = try decode(original)
        for value in planted { XCTAssertFalse(d.text.contains(value), "planted value delivered") }
        XCTAssertTrue(d.text.contains("[IBAN_1]") && d.text.contains("[EMAIL_1]"), d.text)
        // Otherwise intact: every header as neomutt wrote it, and the decoded body equal to the
        // original with exactly the planted values replaced by placeholders.
        XCTAssertEqual(d.headers, o.headers)
        var pattern = NSRegularExpression.escapedPattern(for: o.text)
        for value in planted { pattern = pattern.replacingOccurrences(of: NSRegularExpression.escapedPattern(for: value), with: #"\[[A-Z_]+_[0-9]+\]"#) }
        XCTAssertNotNil(d.text.range(of: "^" + pattern + "$", options: .regularExpression), "body changed beyond the planted values:\n\(d.text)")
    }

    func testNeomuttCheckModeFailsAndNothingIsDelivered() throws {
        let before = inboxCount
        let r = try neomutt(mode: "check", subject: "leak", body: "IBAN FR76 3000 6000 0112 3456 7890 189\n")
        XCTAssertNotEqual(r.status, 0, "neomutt must report the failed send")
        XCTAssertTrue(r.stderr.contains("IBAN"), r.stderr)
        XCTAssertFalse(r.stderr.contains("FR76"), "no value on stderr")
        XCTAssertEqual(inboxCount, before, "nothing delivered")
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("handed-to-mta").path), "the MTA never ran")
    }

    func testNeomuttCleanMessageInCheckModeIsDeliveredUnchanged() throws {
        let r = try neomutt(mode: "check", subject: "Build status", body: "Hello Bob,\nthe build passed.\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: work.appendingPathComponent("handed-to-mta")), try Data(contentsOf: work.appendingPathComponent("from-neomutt")))
    }

    // MARK: git send-email

    func testGitSendEmailHookRejectsLeakySeriesAndAcceptsCleanOne() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/lib/git-core/git-send-email") else { throw XCTSkip("git-email is not installed") }
        let repo = work.appendingPathComponent("repo")
        let git = { (args: [String]) throws -> (status: Int32, stderr: String) in
            let r = try Self.shell(["/usr/bin/git", "-C", repo.path] + args, env: ["HOME": self.work.appendingPathComponent("home").path, "CAVIAR": CaviarBinary.path] + self.caviarEnvironment)
            return (r.status, r.stderr)
        }
        XCTAssertEqual(try Self.shell(["/usr/bin/git", "init", "-q", repo.path]).status, 0)
        _ = try git(["config", "user.name", "Alice"]); _ = try git(["config", "user.email", "alice@example.org"])
        try "a\n".write(to: repo.appendingPathComponent("f"), atomically: true, encoding: .utf8)
        _ = try git(["add", "f"]); _ = try git(["commit", "-qm", "init"])
        try "a\nb\n".write(to: repo.appendingPathComponent("f"), atomically: true, encoding: .utf8)
        _ = try git(["commit", "-qam", "Clean change"])
        try "payee_iban: FR76 3000 6000 0112 3456 7890 189\n".write(to: repo.appendingPathComponent("payroll.yml"), atomically: true, encoding: .utf8)
        _ = try git(["add", "payroll.yml"]); _ = try git(["commit", "-qm", "Add payroll config"])
        let hook = repo.appendingPathComponent(".git/hooks/sendemail-validate")
        try FileManager.default.copyItem(at: CaviarBinary.repoRoot.appendingPathComponent("samples/mail/sendemail-validate"), to: hook)

        let send = ["send-email", "--smtp-server=127.0.0.1", "--smtp-server-port=\(port)", "--from=alice@example.org",
                    "--to=list@example.org", "--confirm=never", "--quiet"]
        var before = inboxCount
        let leaky = try git(send + ["HEAD~2..HEAD"])
        XCTAssertNotEqual(leaky.status, 0, "the series with a leaky patch must be rejected")
        XCTAssertTrue(leaky.stderr.contains("IBAN"), leaky.stderr)
        XCTAssertEqual(inboxCount, before, "no patch of a rejected series is sent")

        before = inboxCount
        let clean = try git(send + ["HEAD~2..HEAD~1"])
        XCTAssertEqual(clean.status, 0, clean.stderr)
        XCTAssertEqual(inboxCount, before + 1)
        XCTAssertTrue(String(decoding: try latestDelivered(), as: UTF8.self).contains("Clean change"))
    }

    // MARK: the binary on the fixture corpus

    private func fixture(_ name: String) -> String {
        CaviarBinary.repoRoot.appendingPathComponent("Tests/CaviarMailTests/fixtures/\(name)").path
    }

    func testMailCheckAndRedactExitCodes() throws {
        let env = caviarEnvironment
        let leaky = try CaviarBinary.run(["mail", "check", fixture("06-neomutt-utf8-quoted-printable.eml")], env: env)
        XCTAssertEqual(leaky.status, 1, leaky.stderr)
        XCTAssertTrue(leaky.stderr.contains("message body (text/plain) line 1: IBAN"), leaky.stderr)
        XCTAssertFalse(leaky.stderr.contains("3000 6000"), "no value in the report")
        let clean = try CaviarBinary.run(["mail", "check", fixture("01-neomutt-clean-ascii.eml")], env: env)
        XCTAssertEqual(clean.status, 0, clean.stderr)

        let refused = try CaviarBinary.run(["mail", "redact", fixture("08-neomutt-attachments.eml")], env: env)
        XCTAssertEqual(refused.status, 3, refused.stderr)
        XCTAssertTrue(refused.stdout.isEmpty, "nothing on stdout when refused")
        XCTAssertTrue(refused.stderr.contains("image/png"), refused.stderr)

        let input = try Data(contentsOf: URL(fileURLWithPath: fixture("13-python-alternative-base64-html-entities.eml")))
        let redacted = try CaviarBinary.run(["mail", "redact"], stdin: input, env: env)
        XCTAssertEqual(redacted.status, 0, redacted.stderr)
        let d = try decode(redacted.stdout)
        for value in planted { XCTAssertFalse(d.text.contains(value)) }
        XCTAssertFalse(d.text.contains("jean&#46;martin&#64;example&#46;com"), "HTML entity-hidden address must be redacted")

        var nested = ""
        for i in 0..<200 { nested += "Content-Type: multipart/mixed; boundary=b\(i)\n\n--b\(i)\n" }
        nested += "Content-Type: text/plain\n\nIBAN FR76 3000 6000 0112 3456 7890 189\n"
        for i in (0..<200).reversed() { nested += "--b\(i)--\n" }
        let malformed = try CaviarBinary.run(["mail", "redact"], stdin: Data(nested.utf8), env: env)
        XCTAssertEqual(malformed.status, 4, malformed.stderr)
        XCTAssertTrue(malformed.stdout.isEmpty)
        XCTAssertTrue(malformed.stderr.contains("nesting deeper than 64"), malformed.stderr)
    }

    func testSendmailPassesEveryArgumentUntouched() throws {
        try write("bin/record-mta", "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"\(work.path)/argv\"\ncat > \"\(work.path)/stdin\"\n", mode: 0o755)
        let args = ["-oem", "-oi", "-f", "alice@example.org", "--", "bob@example.org", "-t", "--help"]
        let message = try Data(contentsOf: URL(fileURLWithPath: fixture("01-neomutt-clean-ascii.eml")))
        let env = ["CAVIAR_MTA": work.appendingPathComponent("bin/record-mta").path] + caviarEnvironment
        let r = try CaviarBinary.run(args, stdin: message, env: env, executable: work.appendingPathComponent("bin/caviar-sendmail").path)
        XCTAssertEqual(r.status, 0, r.stderr)
        let argv = try String(contentsOf: work.appendingPathComponent("argv"), encoding: .utf8)
        XCTAssertEqual(argv, args.map { $0 + "\n" }.joined())
        XCTAssertEqual(try Data(contentsOf: work.appendingPathComponent("stdin")), message)

        let viaSubcommand = try CaviarBinary.run(["sendmail"] + args, stdin: Data("Subject: x\n\nIBAN FR76 3000 6000 0112 3456 7890 189\n".utf8), env: env)
        XCTAssertEqual(viaSubcommand.status, 65, viaSubcommand.stderr)
    }

    // MARK: helpers

    private var caviarEnvironment: [String: String] {
        ["CAVIAR_PATTERNS": ProcessInfo.processInfo.environment["CAVIAR_PATTERNS"] ?? CaviarBinary.repoRoot.appendingPathComponent("patterns").path,
         "XDG_CONFIG_HOME": work.appendingPathComponent("home/.config").path]
    }

    private func neomutt(mode: String, subject: String, body: String) throws -> (status: Int32, stderr: String) {
        let rc = """
        set from="Alice Durand <alice@example.org>"
        set use_from=yes
        set use_envelope_from=yes
        set sendmail="\(work.path)/bin/capture-then-caviar -oi"
        set record=""
        set copy=no
        set folder=\(work.path)/Mail
        set spoolfile=\(work.path)/Mail/inbox
        set mbox_type=Maildir
        set send_charset="utf-8"
        set hostname=vm.intra.example.org

        """
        try write("neomuttrc", rc, mode: 0o644)
        let env = ["HOME": work.appendingPathComponent("home").path, "CAVIAR_MAIL_MODE": mode,
                   "CAVIAR_MTA": work.appendingPathComponent("bin/mta").path] + caviarEnvironment
        let r = try Self.shell(["/usr/bin/neomutt", "-n", "-F", work.appendingPathComponent("neomuttrc").path, "-s", subject, "--", "bob@example.org"],
                               stdin: Data(body.utf8), env: env)
        return (r.status, r.stderr)
    }

    private func latestDelivered() throws -> Data {
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox.path).filter { $0.hasSuffix(".eml") }.sorted()
        guard let last = names.last else { throw XCTSkip("nothing delivered") }
        return try Data(contentsOf: inbox.appendingPathComponent(last))
    }

    /// Headers (unfolded, decoded) and the decoded text of every text part, by Python's email package.
    private func decode(_ message: Data) throws -> (headers: [String], text: String) {
        let file = work.appendingPathComponent("decode-\(UUID().uuidString).eml")
        try message.write(to: file)
        let script = """
        import sys, email, email.policy
        m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
        for k, v in m.items(): print('H', k, str(v))
        for p in m.walk():
            if p.get_content_maintype() == 'text': sys.stdout.write('T' + p.get_content().replace('\\r\\n', '\\n'))
        """
        let r = try Self.shell(["/usr/bin/python3", "-c", script, file.path])
        guard r.status == 0 else { throw NSError(domain: "decode", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        let out = String(decoding: r.stdout, as: UTF8.self)
        guard let t = out.range(of: "\nT") else { return (out.split(separator: "\n").map(String.init), "") }
        return (out[..<t.lowerBound].split(separator: "\n").map(String.init), String(out[t.upperBound...]))
    }

    private func startSink() throws {
        let script = """
        import os, sys, time, signal
        from aiosmtpd.controller import Controller
        out, port = sys.argv[1], int(sys.argv[2])
        class H:
            async def handle_DATA(self, server, session, env):
                path = os.path.join(out, f"{time.time_ns()}.eml")
                with open(path + ".tmp", "wb") as f: f.write(env.original_content)
                os.rename(path + ".tmp", path)
                return "250 OK"
        c = Controller(H(), hostname="127.0.0.1", port=port); c.start(); print("ready", flush=True); signal.pause()
        """
        try write("sink.py", script, mode: 0o644)
        for attempt in 0..<5 {
            port = Int.random(in: 20_000...40_000)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            p.arguments = [work.appendingPathComponent("sink.py").path, inbox.path, String(port)]
            let log = work.appendingPathComponent("sink-\(attempt).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            p.standardOutput = handle
            p.standardError = handle
            try p.run()
            for _ in 0..<100 {
                if (try? String(contentsOf: log, encoding: .utf8))?.contains("ready") == true { sink = p; return }
                if !p.isRunning { break }
                usleep(50_000)
            }
            if p.isRunning { p.terminate(); p.waitUntilExit() }
        }
        throw XCTSkip("could not start the SMTP sink on 127.0.0.1")
    }

    private func write(_ relative: String, _ text: String, mode: Int) throws {
        let url = work.appendingPathComponent(relative)
        try text.write(to: url, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    static func shell(_ argv: [String], stdin: Data = Data(), env: [String: String] = [:]) throws -> (status: Int32, stdout: Data, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        // stderr goes to a file (no second reader thread); stdin is small and written first.
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-e2e-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let errHandle = try FileHandle(forWritingTo: errFile)
        let inPipe = Pipe(), outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = errHandle
        try p.run()
        inPipe.fileHandleForWriting.write(stdin)
        try? inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try? errHandle.close()
        let errData = (try? Data(contentsOf: errFile)) ?? Data()
        return (p.terminationStatus, out, String(decoding: errData, as: UTF8.self))
    }
}

private func + (lhs: [String: String], rhs: [String: String]) -> [String: String] {
    lhs.merging(rhs) { _, new in new }
}
