import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// End-to-end tests of `caviar clip` against a real X11 clipboard (Xvfb + xclip), headless.
/// They skip when Xvfb or xclip is missing; CI installs them (`xvfb xclip`).
///
/// The clipboard is seeded and read back with xclip launched by `ClipShell` below (posix_spawn,
/// output to files), never with Foundation.Process: xclip forks a daemon that keeps inherited
/// descriptors open. caviar itself is run with `CaviarBinary.run`.
final class ClipboardIntegrationTests: XCTestCase {
    nonisolated(unsafe) static var xvfb: (display: String, pid: pid_t)?

    override class func tearDown() {
        if let xvfb { ClipShell.stop(xvfb.pid) }
        xvfb = nil
        super.tearDown()
    }

    /// The display for this class, started on first use.
    func display() throws -> String {
        if let xvfb = Self.xvfb { return xvfb.display }
        // (`--help` exits 2 in this CLI, so look at the text rather than the status.)
        let help = try CaviarBinary.run(["clip", "--help"])
        if !(help.out + help.stderr).contains("USAGE: caviar clip") {
            throw XCTSkip("this caviar binary has no `clip` command (ClipCommand not registered)")
        }
        let started = try ClipShell.startXvfb()
        Self.xvfb = started
        return started.display
    }

    func setClipboard(_ bytes: [UInt8], display: String) throws {
        let file = try ClipShell.temporaryFile(bytes)
        defer { unlink(file) }
        let status = try ClipShell.run("xclip -selection clipboard -i < '\(file)' > /dev/null 2>&1", display: display).status
        XCTAssertEqual(status, 0, "seeding the clipboard with xclip")
    }

    func clipboard(_ display: String) throws -> [UInt8] {
        let result = try ClipShell.run("xclip -selection clipboard -o", display: display)
        return result.status == 0 ? result.stdout : []
    }

    func caviar(_ arguments: [String], display: String, stdin: [UInt8] = [], extraEnv: [String: String] = [:]) throws -> CaviarBinary.Result {
        var env = ["DISPLAY": display, "WAYLAND_DISPLAY": "", "WSL_DISTRO_NAME": "", "WSL_INTEROP": ""]
        for (key, value) in extraEnv { env[key] = value }
        return try CaviarBinary.run(arguments, stdin: Data(stdin), env: env)
    }

    static let sample = Array("""
        Bonjour Zoë, café façade — naïve 🎉🇫🇷 日本語のテキスト
        Écrivez à zoe.dupont@example.org ou au +33 6 12 34 56 78.
        IBAN FR76 3000 6000 0112 3456 7890 189, merci !
        no newline at the end
        """.utf8)

    // MARK: - Redact in place

    func testClipRedactsLikeThePipeAndKeepsEveryOtherByte() throws {
        let display = try display()
        try setClipboard(Self.sample, display: display)
        let expected = try caviar(["redact"], display: display, stdin: Self.sample)
        XCTAssertEqual(expected.status, 0, expected.stderr)

        let run = try caviar(["clip", "--clipboard=x11", "--no-notify"], display: display)
        XCTAssertEqual(run.status, 0, run.stderr)
        let after = try clipboard(display)
        XCTAssertEqual(after, Array(expected.stdout), "clipboard equals `caviar redact` of the same text")
        let text = String(decoding: after, as: UTF8.self)
        XCTAssertFalse(text.contains("zoe.dupont@example.org"))
        XCTAssertFalse(text.contains("3000 6000 0112"))
        XCTAssertTrue(text.contains("[EMAIL_1]"), text)
        XCTAssertTrue(text.contains("[IBAN_1]"), text)
        XCTAssertTrue(text.hasPrefix("Bonjour Zoë, café façade — naïve 🎉🇫🇷 日本語のテキスト\n"))
        XCTAssertTrue(text.hasSuffix("no newline at the end"), "no newline added")
        XCTAssertTrue(run.stderr.contains("clipboard updated"), run.stderr)
        XCTAssertFalse(run.stderr.contains("example.org"), "no value in messages")

        // A second run finds nothing and writes nothing.
        let again = try caviar(["clip", "--clipboard=x11", "--no-notify"], display: display)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try clipboard(display), after)
    }

    func testAutoDetectionUsesX11WhenOnlyDisplayIsSet() throws {
        let display = try display()
        try setClipboard(Array("mail me: ana.lopez@example.com".utf8), display: display)
        let run = try caviar(["clip", "--no-notify"], display: display)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(String(decoding: try clipboard(display), as: UTF8.self), "mail me: [EMAIL_1]")
    }

    func testPreviewPrintsMaskedFindingsAndChangesNothing() throws {
        let display = try display()
        try setClipboard(Self.sample, display: display)
        let run = try caviar(["clip", "--clipboard=x11", "--preview", "--no-notify"], display: display)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try clipboard(display), Self.sample, "preview leaves the clipboard alone")
        XCTAssertTrue(run.out.contains("EMAIL"), run.out)
        XCTAssertTrue(run.out.contains("IBAN"), run.out)
        XCTAssertFalse(run.out.contains("zoe.dupont@example.org"), "values are masked")
        XCTAssertFalse(run.out.contains("FR76 3000"), "values are masked")
    }

    // MARK: - Fail closed

    func testBadPackLeavesTheClipboardUntouched() throws {
        let display = try display()
        let packs = NSTemporaryDirectory() + "caviar-bad-packs-\(getpid())"
        try FileManager.default.createDirectory(atPath: packs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: packs) }
        try Data("pack: broken\ndetectors:\n  - id: broken.x\n    entity: EMAIL\n    patterns: ['(unclosed']\n".utf8)
            .write(to: URL(fileURLWithPath: packs + "/broken.yaml"))
        try setClipboard(Self.sample, display: display)
        let run = try caviar(["clip", "--clipboard=x11", "--no-notify", "--packs", packs], display: display)
        XCTAssertEqual(run.status, 2, "a bad pack is a configuration error: \(run.stderr)")
        XCTAssertTrue(run.stderr.contains("broken"), run.stderr)
        XCTAssertEqual(try clipboard(display), Self.sample, "nothing written")
    }

    func testClassificationMarkingRefusesWithExit3AndWritesNothing() throws {
        let display = try display()
        let marked = Array("RESTREINT UE/EU RESTRICTED\nContact: zoe.dupont@example.org\n".utf8)
        try setClipboard(marked, display: display)
        let run = try caviar(["clip", "--clipboard=x11", "--no-notify"], display: display)
        XCTAssertEqual(run.status, 3, run.stderr)
        XCTAssertTrue(run.stderr.contains("refused"), run.stderr)
        XCTAssertEqual(try clipboard(display), marked, "nothing written")
    }

    func testEmptyClipboardIsAClearError() throws {
        let fresh = try ClipShell.startXvfb()
        defer { ClipShell.stop(fresh.pid) }
        let run = try caviar(["clip", "--clipboard=x11", "--no-notify"], display: fresh.display)
        XCTAssertEqual(run.status, 4, run.stderr)
        XCTAssertTrue(run.stderr.contains("clipboard is empty"), run.stderr)
    }

    func testNoDisplayIsAClearError() throws {
        _ = try display()
        let run = try CaviarBinary.run(["clip", "--no-notify"], env: ["DISPLAY": "", "WAYLAND_DISPLAY": "", "WSL_DISTRO_NAME": "", "WSL_INTEROP": ""])
        XCTAssertEqual(run.status, 4, run.stderr)
        XCTAssertTrue(run.stderr.contains("no clipboard found"), run.stderr)
    }

    func testUnknownBackendIsAUsageError() throws {
        let display = try display()
        let run = try caviar(["clip", "--clipboard=osc52"], display: display)
        XCTAssertEqual(run.status, 2, run.stderr)
    }

    // MARK: - Size and repetition

    func testEightMegabytes() throws {
        let display = try display()
        var big: [UInt8] = []
        let line = Array("Zoë café 🎉 日本語 write to zoe.dupont@example.org today\n".utf8)
        while big.count < 8 << 20 { big += line }
        try setClipboard(big, display: display)
        let run = try caviar(["clip", "--clipboard=x11", "--no-notify"], display: display)
        XCTAssertEqual(run.status, 0, run.stderr)
        let after = try clipboard(display)
        let expectedLine = Array("Zoë café 🎉 日本語 write to [EMAIL_1] today\n".utf8)
        XCTAssertEqual(after.count, big.count / line.count * expectedLine.count)
        XCTAssertTrue(after.starts(with: expectedLine + expectedLine))
        XCTAssertFalse(String(decoding: after, as: UTF8.self).contains("@example.org"))
    }

    func testFiftyRunsInARowDoNotHang() throws {
        let display = try display()
        for index in 0..<50 {
            let text = Array("run \(index): write to user\(index)@example.org — ok".utf8)
            try setClipboard(text, display: display)
            let run = try caviar(["clip", "--clipboard=x11", "--no-notify"], display: display)
            XCTAssertEqual(run.status, 0, "run \(index): \(run.stderr)")
            XCTAssertEqual(String(decoding: try clipboard(display), as: UTF8.self), "run \(index): write to [EMAIL_1] — ok")
        }
    }

    // MARK: - Restore and clear-after

    func testRestoreRoundTripsByteForByteAndClearAfterPutsTheRedactedTextBack() throws {
        let display = try display()
        let session = "cliptest-\(getpid())"
        let state = NSTemporaryDirectory() + "caviar-clip-state-\(getpid())"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: state) }
        // As in SessionIntegrationTests: a relative XDG_RUNTIME_DIR is ignored, so the vault
        // goes to $XDG_STATE_HOME/caviar; the key comes from the environment, no keyring.
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let env = ["XDG_STATE_HOME": state, "XDG_RUNTIME_DIR": "unset", "CAVIAR_VAULT_KEY": key,
                   "CAVIAR_VAULT_KEYRING": "off", "CAVIAR_SESSION": ""]
        let original = Self.sample + Array("\n[TODO_1] stays a literal\n".utf8)
        try setClipboard(original, display: display)
        let redact = try caviar(["clip", "--clipboard=x11", "--no-notify", "--session", session], display: display, extraEnv: env)
        XCTAssertEqual(redact.status, 0, redact.stderr)
        let redacted = try clipboard(display)
        XCTAssertNotEqual(redacted, original)
        XCTAssertFalse(String(decoding: redacted, as: UTF8.self).contains("zoe.dupont@example.org"))

        let restore = try caviar(["clip", "--clipboard=x11", "--no-notify", "--restore", "--session", session, "--clear-after", "1"],
                                 display: display, extraEnv: env)
        XCTAssertEqual(restore.status, 0, restore.stderr)
        XCTAssertEqual(try clipboard(display), original, "restore gives back the original byte for byte")
        XCTAssertFalse(restore.stderr.contains("example.org"), "no value in messages")

        // --clear-after 1: the detached timer puts the redacted text back.
        var back = false
        for _ in 0..<60 where !back {
            usleep(100_000)
            back = (try? clipboard(display)) == redacted
        }
        XCTAssertTrue(back, "the redacted text is back after --clear-after")

        // Restore without a session name is a usage error and changes nothing.
        let unnamed = try caviar(["clip", "--clipboard=x11", "--no-notify", "--restore"], display: display, extraEnv: env)
        XCTAssertEqual(unnamed.status, 2, unnamed.stderr)
        XCTAssertEqual(try clipboard(display), redacted)
    }

    func testClearAfterPutsThePreviousContentBack() throws {
        let display = try display()
        try setClipboard(Array("tell ana.lopez@example.com".utf8), display: display)
        let run = try caviar(["clip", "--clipboard=x11", "--no-notify", "--clear-after", "1"], display: display)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(String(decoding: try clipboard(display), as: UTF8.self), "tell [EMAIL_1]")
        XCTAssertTrue(run.stderr.contains("returns in 1 s"), run.stderr)
        // The detached timer outlives the command: within a few seconds the previous text is back.
        var back = false
        for _ in 0..<60 where !back {
            usleep(100_000)
            back = (try? clipboard(display)) == Array("tell ana.lopez@example.com".utf8)
        }
        XCTAssertTrue(back, "previous content restored by the detached timer")
    }

    // MARK: - Measurement (printed, not asserted)

    func testMeasureWallTimeForOneKilobyte() throws {
        let display = try display()
        let binary = ProcessInfo.processInfo.environment["CAVIAR_BIN"].flatMap { $0.isEmpty ? nil : $0 }
            ?? [CaviarBinary.repoRoot.appendingPathComponent(".build/release/caviar").path, CaviarBinary.path]
                .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let binary else { throw XCTSkip("no caviar binary built") }
        var text = ""
        var index = 0
        while text.utf8.count < 1000 {
            text += "Ligne \(index): Zoë écrit à zoe\(index)@example.org, IBAN FR76 3000 6000 0112 3456 7890 189.\n"
            index += 1
        }
        var times: [Double] = []
        for _ in 0..<11 {
            try setClipboard(Array(text.utf8), display: display)
            let started = Date()
            let result = try ClipShell.run("'\(binary)' clip --clipboard=x11 --no-notify", display: display)
            times.append(Date().timeIntervalSince(started) * 1000)
            XCTAssertEqual(result.status, 0, String(decoding: result.stderr, as: UTF8.self))
        }
        times.sort()
        let line = String(format: "caviar clip, %d-byte clipboard, X11 (xclip): median %.1f ms, min %.1f ms, max %.1f ms over %d runs (%@)",
                          text.utf8.count, times[times.count / 2], times[0], times[times.count - 1], times.count, binary)
        print(line)
    }
}

/// Runs shell commands with posix_spawn (all descriptors above 2 closed in the child), output
/// captured through files, with a timeout. For xclip and Xvfb, which must not inherit pipes.
enum ClipShell {
    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    static func temporaryFile(_ bytes: [UInt8] = []) throws -> String {
        var template = Array((NSTemporaryDirectory() + "caviar-clip.XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw XCTSkip("mkstemp failed") }
        let path = String(cString: template)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if written <= 0 { break }
            offset += written
        }
        close(fd)
        return path
    }

    /// Runs `/bin/sh -c script` with DISPLAY set; waits at most `timeout` seconds.
    static func run(_ script: String, display: String, timeout: Double = 60) throws -> Result {
        let outFile = try temporaryFile()
        let errFile = try temporaryFile()
        defer { unlink(outFile); unlink(errFile) }
        let pid = try spawn(["/bin/sh", "-c", "exec > '\(outFile)' 2> '\(errFile)' < /dev/null; \(script)"], display: display)
        let status = wait(pid, timeout: timeout)
        let stdout = (try? Array(Data(contentsOf: URL(fileURLWithPath: outFile)))) ?? []
        let stderr = (try? Array(Data(contentsOf: URL(fileURLWithPath: errFile)))) ?? []
        guard let status else { throw XCTSkip("`\(script)` timed out after \(timeout) s") }
        return Result(status: status, stdout: stdout, stderr: stderr)
    }

    static func startXvfb() throws -> (display: String, pid: pid_t) {
        guard access("/usr/bin/Xvfb", X_OK) == 0 else { throw XCTSkip("Xvfb is not installed (apt-get install xvfb)") }
        guard access("/usr/bin/xclip", X_OK) == 0 else { throw XCTSkip("xclip is not installed (apt-get install xclip)") }
        let base = 600 + Int(getpid() % 300)
        for number in base..<(base + 40) {
            if access("/tmp/.X\(number)-lock", F_OK) == 0 || access("/tmp/.X11-unix/X\(number)", F_OK) == 0 { continue }
            let pid = try spawn(["/usr/bin/Xvfb", ":\(number)", "-screen", "0", "640x480x24", "-nolisten", "tcp", "-noreset"],
                                display: "", quiet: true)
            for _ in 0..<100 {
                if access("/tmp/.X11-unix/X\(number)", F_OK) == 0 { return (":\(number)", pid) }
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { break }
                usleep(50_000)
            }
            stop(pid)
        }
        throw XCTSkip("could not start Xvfb")
    }

    static func stop(_ pid: pid_t) {
        kill(pid, SIGTERM)
        if wait(pid, timeout: 5) == nil {
            kill(pid, SIGKILL)
            _ = wait(pid, timeout: 5)
        }
    }

    private static func spawn(_ argv: [String], display: String, quiet: Bool = false) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if quiet {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        if let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["DISPLAY"] = display.isEmpty ? nil : display
        environment["WAYLAND_DISPLAY"] = nil
        let envStrings = environment.map { "\($0.key)=\($0.value)" }
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = envStrings.map { strdup($0) } + [nil]
        defer { (cArgv + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, nil, cArgv, cEnv)
        guard result == 0 else { throw XCTSkip("cannot start \(argv[0]): errno \(result)") }
        return pid
    }

    /// The exit status, or nil after `timeout` seconds (the child is then killed).
    private static func wait(_ pid: pid_t, timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            if result < 0 { return nil }
            usleep(1_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        return nil
    }
}
