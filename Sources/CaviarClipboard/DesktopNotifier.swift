#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import CaviarSpawn

/// Best-effort desktop notifications for hotkey use (no terminal to show stderr).
///
/// Callers pass counts and reasons only, never clipboard content: notification daemons keep a
/// history (`dunstctl history` shows it). Failures are ignored: no daemon, no notification.
public struct DesktopNotifier: Sendable {
    public enum Urgency: String, Sendable { case low, normal, critical }

    let host: ClipboardHost

    public init(host: ClipboardHost = .current()) {
        self.host = host
    }

    /// Whether a notification can probably be shown (tool present, session bus reachable).
    public var isAvailable: Bool { command(summary: "", body: "", urgency: .normal) != nil }

    /// Shows `summary` / `body`. Returns true if the helper reported success.
    @discardableResult
    public func notify(summary: String, body: String, urgency: Urgency = .normal) -> Bool {
        guard let (tool, arguments) = command(summary: summary, body: body, urgency: urgency) else { return false }
        let result = try? Spawn.run(
            tool, arguments: arguments, environment: host.environment, stdout: .null, stderr: .null, timeout: 3)
        return result?.isSuccess ?? false
    }

    private func command(summary: String, body: String, urgency: Urgency) -> (String, [String])? {
        if host.systemName == "Darwin" {
            guard let osascript = host.which("osascript") else { return nil }
            let script = "display notification \(appleScriptString(body)) with title \(appleScriptString(summary))"
            return (osascript, ["-e", script])
        }
        guard let notifySend = host.which("notify-send"), hasSessionBus else { return nil }
        return (notifySend, ["--app-name=caviar", "--urgency=\(urgency.rawValue)", "--expire-time=6000", summary, body])
    }

    /// A session bus is reachable: `DBUS_SESSION_BUS_ADDRESS`, or the systemd socket
    /// `$XDG_RUNTIME_DIR/bus`.
    private var hasSessionBus: Bool {
        if host.has("DBUS_SESSION_BUS_ADDRESS") { return true }
        guard let runtime = host.environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") else { return false }
        return access(runtime + "/bus", F_OK) == 0
    }

    private func appleScriptString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
