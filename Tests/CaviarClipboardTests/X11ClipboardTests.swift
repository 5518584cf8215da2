import XCTest
import CaviarCore
import CaviarSpawn
@testable import CaviarClipboard

final class XclipBackendTests: XCTestCase {
    nonisolated(unsafe) static var server: XvfbServer?

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    func checks() throws -> BackendChecks {
        if Self.server == nil { Self.server = try XvfbServer.start(requiring: ["xclip"]) }
        guard let server = Self.server else { throw XCTSkip("no Xvfb") }
        let environment = server.environment
        return BackendChecks(backend: XclipBackend(environment: environment)) { selection in
            try rawRead("xclip", ["-selection", selection.rawValue, "-o"], environment: environment)
        }
    }

    func testSamplesRoundTripExactly() throws { try checks().samplesRoundTripExactly() }
    func testEightMegabytes() throws { try checks().largeTextRoundTrips() }
    func testClearedClipboardIsEmpty() throws { try checks().clearedClipboardIsEmpty() }
    func testFiftyRapidWrites() throws { try checks().fiftyRapidWritesAllVerify() }
    func testPrimarySelection() throws { try checks().primaryIsIndependent() }
    func testFlowRedactsAndFailsClosed() throws { try checks().flowRedactsAndFailsClosed() }

    func testNothingOwnedOnAFreshDisplayIsEmpty() throws {
        let fresh = try XvfbServer.start(requiring: ["xclip"])
        defer { fresh.stop() }
        let flow = ClipboardFlow(backend: XclipBackend(environment: fresh.environment))
        XCTAssertThrowsError(try flow.read()) { error in
            XCTAssertEqual(error as? ClipboardError, .empty(selection: .clipboard))
        }
    }

    func testNoDisplayIsAReadError() throws {
        _ = try checks()
        var environment = Spawn.currentEnvironment()
        environment["DISPLAY"] = ":4999"
        XCTAssertThrowsError(try XclipBackend(environment: environment).read(.clipboard)) { error in
            guard case ClipboardError.readFailed(let backend, let detail)? = error as? ClipboardError else {
                return XCTFail("expected readFailed, got \(error)")
            }
            XCTAssertEqual(backend, "x11")
            XCTAssertTrue(detail.contains("xclip exited with status 1"), detail)
        }
    }

    func testVerifyFailureRestoresThePreviousContent() throws {
        let checks = try checks()
        guard let server = Self.server else { return }
        let marker = NSTemporaryDirectory() + "caviar-lying-copy-\(getpid())"
        unlink(marker)
        defer { unlink(marker) }
        // A copy command that writes something else the first time it runs, then behaves.
        let script = """
            if [ -e "$0" ]; then exec xclip -selection clipboard -i; fi
            touch "$0"; cat > /dev/null; printf 'not what was asked' | xclip -selection clipboard -i
            """
        let lying = try CommandBackend(
            copy: ["sh", "-c", script, marker], paste: ["xclip", "-selection", "clipboard", "-o"],
            environment: server.environment)
        let original = Array("original — keep me".utf8)
        try ClipboardFlow(backend: checks.backend).writeVerified(original, previous: nil)
        let flow = ClipboardFlow(backend: lying, verifyTimeout: 0.3)
        XCTAssertThrowsError(try flow.run(transform: redactIBANOrMark)) { error in
            XCTAssertEqual(error as? ClipboardError, .verifyFailed(backend: "command", restoredPrevious: true))
        }
        XCTAssertEqual(try checks.witness(.clipboard), original)
    }

    func testClearAfterRestoresPreviousOnlyIfStillOurs() throws {
        let checks = try checks()
        guard let server = Self.server else { return }
        let host = ClipboardHost(environment: server.environment, systemName: "Linux", kernelVersion: "")
        let configuration = ClipboardConfiguration(backend: "xclip")
        let flow = ClipboardFlow(backend: checks.backend)
        let previous = Array("answer with [PERSON_1]".utf8)
        let restored = Array("answer with Zoë Dupont".utf8)

        try flow.writeVerified(restored, previous: nil)
        let timer = ClipboardClearAfter(seconds: 0.2, selection: .clipboard, configuration: configuration,
                                        previous: previous, written: restored)
        XCTAssertTrue(try timer.serve(host: host))
        XCTAssertEqual(try checks.witness(.clipboard), previous)

        // The user copied something else meanwhile: leave it.
        try flow.writeVerified(Array("user copied this".utf8), previous: nil)
        XCTAssertFalse(try timer.serve(host: host))
        XCTAssertEqual(try checks.witness(.clipboard), Array("user copied this".utf8))

        // Previous content empty: the clipboard is cleared.
        try flow.writeVerified(restored, previous: nil)
        let clearing = ClipboardClearAfter(seconds: 0, selection: .clipboard, configuration: configuration,
                                           previous: [], written: restored)
        XCTAssertTrue(try clearing.serve(host: host))
        XCTAssertEqual(try checks.backend.read(.clipboard), [])
    }

    func testNotificationReachesADaemonOnAPrivateBus() throws {
        _ = try checks()
        guard let server = Self.server else { return }
        for tool in ["dbus-daemon", "dunst", "dunstctl", "notify-send"] where Spawn.which(tool) == nil {
            throw XCTSkip("\(tool) missing (apt-get install dbus dunst libnotify-bin)")
        }
        let directory = NSTemporaryDirectory() + "caviar-bus-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let address = "unix:path=\(directory)/bus"
        var environment = server.environment
        environment["DBUS_SESSION_BUS_ADDRESS"] = address
        environment["XDG_RUNTIME_DIR"] = nil
        environment["HOME"] = directory

        // Without a bus: not available, and notify() reports false instead of failing.
        var noBus = environment
        noBus["DBUS_SESSION_BUS_ADDRESS"] = nil
        XCTAssertFalse(DesktopNotifier(host: ClipboardHost(environment: noBus, systemName: "Linux", kernelVersion: "")).isAvailable)

        let bus = try Spawn.detach("dbus-daemon", arguments: ["--session", "--nofork", "--address=\(address)"],
                                   environment: environment)
        defer { kill(bus, SIGTERM); var status: Int32 = 0; waitpid(bus, &status, 0) }
        for _ in 0..<100 where access("\(directory)/bus", F_OK) != 0 { usleep(20_000) }
        let dunst = try Spawn.detach("dunst", arguments: [], environment: environment)
        defer { kill(dunst, SIGTERM); var status: Int32 = 0; waitpid(dunst, &status, 0) }

        let notifier = DesktopNotifier(host: ClipboardHost(environment: environment, systemName: "Linux", kernelVersion: ""))
        XCTAssertTrue(notifier.isAvailable)
        var delivered = false
        for _ in 0..<50 where !delivered {   // dunst needs a moment to own the bus name
            delivered = notifier.notify(summary: "caviar", body: "Redacted 3 items; clipboard updated")
            if !delivered { usleep(100_000) }
        }
        XCTAssertTrue(delivered)
        _ = try Spawn.run("dunstctl", arguments: ["close-all"], environment: environment, timeout: 5)
        usleep(200_000)
        let history = try Spawn.run("dunstctl", arguments: ["history"], environment: environment, timeout: 5)
        XCTAssertTrue(String(decoding: history.stdout, as: UTF8.self).contains("Redacted 3 items"))
    }
}

/// Redacts the IBAN, or marks the text when there is none (so the flow always writes).
func redactIBANOrMark(_ bytes: [UInt8]) -> [UInt8] {
    let redacted = redactIBAN(bytes)
    return redacted == bytes ? bytes + Array(" [MARK]".utf8) : redacted
}

final class XselBackendTests: XCTestCase {
    nonisolated(unsafe) static var server: XvfbServer?

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    func checks() throws -> BackendChecks {
        if Self.server == nil { Self.server = try XvfbServer.start(requiring: ["xsel", "xclip"]) }
        guard let server = Self.server else { throw XCTSkip("no Xvfb") }
        let environment = server.environment
        // The witness is xclip, a different program than the backend under test.
        return BackendChecks(backend: XselBackend(environment: environment)) { selection in
            try rawRead("xclip", ["-selection", selection.rawValue, "-o"], environment: environment)
        }
    }

    func testSamplesRoundTripExactly() throws { try checks().samplesRoundTripExactly() }
    /// xsel is too slow and fragile for 8 MB (see XselBackend); 1 MB is its test size.
    func testOneMegabyte() throws { try checks().largeTextRoundTrips(megabytes: 1) }
    func testClearedClipboardIsEmpty() throws { try checks().clearedClipboardIsEmpty() }
    func testFiftyRapidWrites() throws { try checks().fiftyRapidWritesAllVerify() }
    func testPrimarySelection() throws { try checks().primaryIsIndependent() }
    func testFlowRedactsAndFailsClosed() throws { try checks().flowRedactsAndFailsClosed() }
}

/// The user-configured command pair, here pointed at xclip through `sh -c`.
final class CommandBackendTests: XCTestCase {
    nonisolated(unsafe) static var server: XvfbServer?

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    func checks() throws -> BackendChecks {
        if Self.server == nil { Self.server = try XvfbServer.start(requiring: ["xclip"]) }
        guard let server = Self.server else { throw XCTSkip("no Xvfb") }
        let environment = server.environment
        let configuration = ClipboardConfiguration(
            backend: "command",
            copyCommand: ["sh", "-c", "xclip -selection clipboard -i"],
            pasteCommand: ["xclip", "-selection", "clipboard", "-o"],
            primaryCopyCommand: ["xclip", "-selection", "primary", "-i"],
            primaryPasteCommand: ["sh", "-c", "xclip -selection primary -o"])
        let host = ClipboardHost(environment: environment, systemName: "Linux", kernelVersion: "")
        let backend = try ClipboardBackends.make(configuration, host: host)
        XCTAssertEqual(backend.name, "command")
        return BackendChecks(backend: backend) { selection in
            try rawRead("xclip", ["-selection", selection.rawValue, "-o"], environment: environment)
        }
    }

    func testSamplesRoundTripExactly() throws { try checks().samplesRoundTripExactly() }
    func testFiftyRapidWrites() throws { try checks().fiftyRapidWritesAllVerify() }
    func testPrimarySelection() throws { try checks().primaryIsIndependent() }
    func testFlowRedactsAndFailsClosed() throws { try checks().flowRedactsAndFailsClosed() }

    func testFailingPasteCommandIsAReadError() throws {
        let backend = try CommandBackend(copy: ["true"], paste: ["sh", "-c", "echo 'no clipboard here' >&2; exit 3"])
        XCTAssertThrowsError(try backend.read(.clipboard)) { error in
            XCTAssertEqual(error as? ClipboardError,
                           .readFailed(backend: "command", detail: "sh exited with status 3: no clipboard here"))
        }
        XCTAssertFalse(backend.supportsPrimary)
        XCTAssertThrowsError(try ClipboardFlow(backend: backend, selection: .primary).read()) { error in
            XCTAssertEqual(error as? ClipboardError, .primaryUnsupported(backend: "command"))
        }
    }
}
