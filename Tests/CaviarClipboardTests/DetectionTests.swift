import XCTest
import CaviarSpawn
@testable import CaviarClipboard

/// Backend choice (INTEGRATIONS.md 1.2), with PATH pointed at directories holding real tools.
final class DetectionTests: XCTestCase {
    var toolDirectory = ""

    override func setUpWithError() throws {
        toolDirectory = NSTemporaryDirectory() + "caviar-tools-\(getpid())-\(name.hashValue & 0xffff)"
        try FileManager.default.createDirectory(atPath: toolDirectory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: toolDirectory)
    }

    /// A PATH holding exactly `tools` (links to the real ones, or to /bin/true when absent).
    func path(with tools: [String]) throws -> String {
        let directory = toolDirectory + "/" + (tools.isEmpty ? "none" : tools.joined(separator: "+"))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for tool in tools {
            let target = Spawn.which(tool) ?? "/bin/true"
            try FileManager.default.createSymbolicLink(atPath: "\(directory)/\(tool)", withDestinationPath: target)
        }
        return directory
    }

    func host(_ environment: [String: String], system: String = "Linux", kernel: String = "Linux version 6.1.0-28-amd64") -> ClipboardHost {
        ClipboardHost(environment: environment, systemName: system, kernelVersion: kernel)
    }

    func testOrder() throws {
        let all = try path(with: ["wl-copy", "wl-paste", "xclip", "xsel"])
        // Wayland wins even when DISPLAY is also set (Xwayland).
        XCTAssertTrue(try ClipboardBackends.make(host: host(["PATH": all, "WAYLAND_DISPLAY": "wayland-1", "DISPLAY": ":0"])) is WaylandBackend)
        // DISPLAY only: xclip.
        XCTAssertTrue(try ClipboardBackends.make(host: host(["PATH": all, "DISPLAY": ":0"])) is XclipBackend)
        // macOS first, whatever the variables say.
        XCTAssertTrue(try ClipboardBackends.make(host: host(["PATH": all, "DISPLAY": ":0"], system: "Darwin")) is MacPasteboardBackend)
        // XDG_SESSION_TYPE alone is not trusted.
        XCTAssertThrowsError(try ClipboardBackends.make(host: host(["PATH": all, "XDG_SESSION_TYPE": "x11"]))) { error in
            XCTAssertEqual(error as? ClipboardError, .noBackend(reason: "neither WAYLAND_DISPLAY nor DISPLAY is set"))
        }
    }

    func testWSLComesBeforeWaylandAndX11() throws {
        let all = try path(with: ["wl-copy", "wl-paste", "xclip", "powershell.exe"])
        let wslg = ["PATH": all, "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "WSL_DISTRO_NAME": "Debian"]
        let backend = try ClipboardBackends.make(host: host(wslg))
        XCTAssertTrue(backend is WindowsClipboardBackend)
        XCTAssertEqual(backend.name, "windows")
        let byKernel = try ClipboardBackends.make(host: host(["PATH": all, "DISPLAY": ":0"],
                                                             kernel: "Linux version 5.15.167.4-microsoft-standard-WSL2"))
        XCTAssertTrue(byKernel is WindowsClipboardBackend)
    }

    func testWaylandWithoutWlClipboardFallsBackToX11() throws {
        let xOnly = try path(with: ["xsel"])
        let backend = try ClipboardBackends.make(host: host(["PATH": xOnly, "WAYLAND_DISPLAY": "wayland-1", "DISPLAY": ":0"]))
        XCTAssertTrue(backend is XselBackend, "xsel when xclip is missing")
        XCTAssertEqual(backend.name, "x11")
        let none = try path(with: [])
        XCTAssertThrowsError(try ClipboardBackends.make(host: host(["PATH": none, "DISPLAY": ":0"]))) { error in
            XCTAssertEqual(error as? ClipboardError, .toolMissing(backend: "x11", tool: "xclip or xsel", hint: "install xclip"))
        }
    }

    func testExplicitChoice() throws {
        let all = try path(with: ["wl-copy", "wl-paste", "xclip", "xsel"])
        let environment = ["PATH": all, "WAYLAND_DISPLAY": "wayland-1"]
        XCTAssertTrue(try ClipboardBackends.make(ClipboardConfiguration(backend: "x11"), host: host(environment)) is XclipBackend)
        XCTAssertTrue(try ClipboardBackends.make(ClipboardConfiguration(backend: "XSEL"), host: host(environment)) is XselBackend)
        XCTAssertThrowsError(try ClipboardBackends.make(ClipboardConfiguration(backend: "osc52"), host: host(environment))) { error in
            XCTAssertEqual(error as? ClipboardError, .unknownBackend("osc52"))
            XCTAssertEqual((error as? ClipboardError)?.exitCode, .usage)
        }
        XCTAssertThrowsError(try ClipboardBackends.make(ClipboardConfiguration(backend: "command"), host: host(environment))) { error in
            XCTAssertEqual(error as? ClipboardError, .commandsMissing)
        }
        let bare = try ClipboardBackends.make(ClipboardConfiguration(backend: "command", copyCommand: ["wl-copy"], pasteCommand: ["wl-paste", "-n"]),
                                              host: host(environment))
        XCTAssertTrue(bare is CommandBackend)
    }

    func testMessagesNameTheFix() {
        XCTAssertEqual(ClipboardError.primaryUnsupported(backend: "macos").description,
                       "clipboard backend 'macos' has no primary selection; drop --primary")
        XCTAssertTrue(ClipboardError.empty(selection: .clipboard).description.hasPrefix("the clipboard is empty"))
    }
}

/// The PowerShell bridge cannot run here (no Windows); its encoding pieces can.
final class WindowsBridgeTests: XCTestCase {
    func testBase64MatchesFoundation() {
        let samples = ClipboardSamples.all.map(\.1) + [[], [0], [0, 1], [0, 1, 2], Array(0...255)]
        for sample in samples {
            let ours = Base64.encode(sample)
            XCTAssertEqual(String(decoding: ours, as: UTF8.self), Data(sample).base64EncodedString())
            XCTAssertEqual(Base64.decode(ours), sample)
            XCTAssertEqual(Base64.decode(Array((String(decoding: ours, as: UTF8.self) + "\r\n").utf8)), sample)
        }
        XCTAssertNil(Base64.decode(Array("not*base64".utf8)))
    }

    func testEncodedCommandIsUTF16LEOfTheScript() throws {
        let arguments = WindowsClipboardBackend.arguments(WindowsClipboardBackend.readScript)
        XCTAssertEqual(Array(arguments.prefix(5)), ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand"])
        let decoded = try XCTUnwrap(Data(base64Encoded: arguments[5]))
        XCTAssertEqual(String(data: decoded, encoding: .utf16LittleEndian), WindowsClipboardBackend.readScript)
        XCTAssertTrue(WindowsClipboardBackend.readScript.contains("Get-Clipboard -Raw"))
    }
}
