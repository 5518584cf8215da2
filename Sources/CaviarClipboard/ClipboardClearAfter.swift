#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import CaviarSpawn

/// `--clear-after SECONDS`, like `pass -c`: after a delay, put the previous clipboard content back,
/// but only if the clipboard still holds what caviar wrote (if the user copied something else
/// meanwhile, leave it). Also asks KDE's Klipper to forget its history, as pass does.
///
/// The wait happens in a detached copy of the caviar binary (`Spawn.detach`, new session), so the
/// command returns at once and the timer survives the terminal closing. The request travels on
/// that child's stdin, never on its command line (where other users could read it).
public struct ClipboardClearAfter: Sendable, Codable, Equatable {
    public var seconds: Double
    public var selection: ClipboardSelection
    public var configuration: ClipboardConfiguration
    /// What to put back (the content before caviar wrote).
    public var previous: [UInt8]
    /// What caviar wrote (restore only if this is still there).
    public var written: [UInt8]

    public init(
        seconds: Double, selection: ClipboardSelection, configuration: ClipboardConfiguration,
        previous: [UInt8], written: [UInt8]
    ) {
        self.seconds = seconds
        self.selection = selection
        self.configuration = configuration
        self.previous = previous
        self.written = written
    }

    /// Starts the detached timer: runs `executable arguments...` with this request on stdin.
    /// The CLI passes its own path (`Spawn.currentExecutablePath()`) and the hidden argument
    /// that leads to `serveStandardInput()`.
    @discardableResult
    public func schedule(executable: String, arguments: [String]) throws -> Int32 {
        let payload = try JSONEncoder().encode(self)
        do {
            return try Spawn.detach(executable, arguments: arguments, stdin: Array(payload), timeout: 10)
        } catch let error as SpawnError {
            throw ClipboardError.writeFailed(backend: "clear-after", detail: error.description)
        }
    }

    /// The detached side: reads a request from stdin, waits, restores. Returns when done.
    public static func serveStandardInput(host: ClipboardHost = .current()) throws {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count > 0 { bytes.append(contentsOf: buffer[0..<count]); continue }
            if count < 0 && errno == EINTR { continue }
            break
        }
        let request = try JSONDecoder().decode(ClipboardClearAfter.self, from: Data(bytes))
        try request.serve(host: host)
    }

    /// Waits `seconds`, then puts `previous` back if the clipboard still holds `written`.
    /// Returns true when it restored.
    @discardableResult
    public func serve(host: ClipboardHost = .current()) throws -> Bool {
        let backend = try ClipboardBackends.make(configuration, host: host)
        if seconds > 0 {
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
        }
        let current = try backend.read(selection)
        guard current == written else { return false }
        let flow = ClipboardFlow(backend: backend, selection: selection)
        try flow.writeVerified(previous, previous: nil)
        Self.clearKlipperHistory()
        return true
    }

    /// Best effort: Klipper keeps every clipboard entry, including the restored text.
    static func clearKlipperHistory() {
        guard let qdbus = Spawn.which("qdbus") ?? Spawn.which("qdbus6") else { return }
        _ = try? Spawn.run(
            qdbus, arguments: ["org.kde.klipper", "/klipper", "org.kde.klipper.klipper.clearClipboardHistory"],
            stdout: .null, stderr: .null, timeout: 3)
    }
}
