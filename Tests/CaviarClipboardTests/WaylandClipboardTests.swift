import XCTest
import CaviarSpawn
@testable import CaviarClipboard

final class WaylandBackendTests: XCTestCase {
    nonisolated(unsafe) static var server: SwayServer?

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    func checks() throws -> BackendChecks {
        if Self.server == nil { Self.server = try SwayServer.start() }
        guard let server = Self.server else { throw XCTSkip("no sway") }
        let environment = server.environment
        let host = ClipboardHost(environment: environment, systemName: "Linux", kernelVersion: "")
        let backend = try ClipboardBackends.make(ClipboardConfiguration(), host: host)
        XCTAssertEqual(backend.name, "wayland", "WAYLAND_DISPLAY set: auto-detection picks wl-clipboard")
        return BackendChecks(backend: backend) { selection in
            try rawRead("wl-paste", ["--no-newline"] + (selection == .primary ? ["--primary"] : []), environment: environment)
        }
    }

    func testSamplesRoundTripExactly() throws { try checks().samplesRoundTripExactly() }
    func testEightMegabytes() throws { try checks().largeTextRoundTrips() }
    func testClearedClipboardIsEmpty() throws { try checks().clearedClipboardIsEmpty() }
    func testFiftyRapidWrites() throws { try checks().fiftyRapidWritesAllVerify() }
    func testPrimarySelection() throws { try checks().primaryIsIndependent() }
    func testFlowRedactsAndFailsClosed() throws { try checks().flowRedactsAndFailsClosed() }

    func testHTMLOnlyOfferIsReadAsText() throws {
        let checks = try checks()
        guard let server = Self.server else { return }
        _ = try Spawn.run("wl-copy", arguments: ["--type", "text/html"], environment: server.environment,
                          stdin: Array("<b>Zoë</b>".utf8), stdout: .null, stderr: .null, timeout: 5)
        XCTAssertEqual(try checks.backend.read(.clipboard), Array("<b>Zoë</b>".utf8))
    }
}
