#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaviarSpawn

/// How to pick the clipboard: the `--clipboard` flag / `clipboard.backend` config key, and the
/// command pair for the `command` backend (`clipboard.copy`, `clipboard.paste`).
public struct ClipboardConfiguration: Sendable, Equatable, Codable {
    /// `auto` (or nil), `wayland`, `x11`, `xclip`, `xsel`, `macos`, `windows`, `command`.
    public var backend: String?
    public var copyCommand: [String]?
    public var pasteCommand: [String]?
    public var primaryCopyCommand: [String]?
    public var primaryPasteCommand: [String]?

    public init(
        backend: String? = nil, copyCommand: [String]? = nil, pasteCommand: [String]? = nil,
        primaryCopyCommand: [String]? = nil, primaryPasteCommand: [String]? = nil
    ) {
        self.backend = backend
        self.copyCommand = copyCommand
        self.pasteCommand = pasteCommand
        self.primaryCopyCommand = primaryCopyCommand
        self.primaryPasteCommand = primaryPasteCommand
    }
}

/// What automatic detection looks at. `current()` reads the real process; tests build their own.
public struct ClipboardHost: Sendable {
    public var environment: [String: String]
    /// `uname -s`: `Darwin`, `Linux`.
    public var systemName: String
    /// The text of /proc/version (WSL shows `microsoft` there), or empty.
    public var kernelVersion: String

    public init(environment: [String: String], systemName: String, kernelVersion: String) {
        self.environment = environment
        self.systemName = systemName
        self.kernelVersion = kernelVersion
    }

    /// The running process's view.
    public static func current() -> ClipboardHost {
        var names = utsname()
        uname(&names)
        let systemName = withUnsafeBytes(of: &names.sysname) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return ClipboardHost(
            environment: Spawn.currentEnvironment(), systemName: systemName,
            kernelVersion: readSmallFile("/proc/version"))
    }

    /// WSL: `WSL_DISTRO_NAME` / `WSL_INTEROP`, or `microsoft` in /proc/version.
    public var isWSL: Bool {
        if environment["WSL_DISTRO_NAME"]?.isEmpty == false || environment["WSL_INTEROP"]?.isEmpty == false {
            return true
        }
        return kernelVersion.lowercased().contains("microsoft")
    }

    func has(_ variable: String) -> Bool { environment[variable]?.isEmpty == false }

    func which(_ tool: String) -> String? { Spawn.which(tool, path: environment["PATH"]) }
}

/// Chooses a backend (INTEGRATIONS.md 1.2): explicit choice; macOS; WSL; Wayland if
/// `WAYLAND_DISPLAY` is set and wl-copy exists (even when `DISPLAY` is also set, as under
/// Xwayland); X11 if `DISPLAY` is set (xclip, else xsel); otherwise an error.
/// `XDG_SESSION_TYPE` is ignored: it is unset under sudo, ssh and cron.
public enum ClipboardBackends {
    /// Backend names accepted by `--clipboard`, with their aliases.
    public static let names = ["auto", "wayland", "x11", "xclip", "xsel", "macos", "windows", "command"]

    /// Builds the backend that `configuration` asks for, or detects one.
    public static func make(
        _ configuration: ClipboardConfiguration = ClipboardConfiguration(),
        host: ClipboardHost = .current(),
        timeout: Double? = nil
    ) throws -> any ClipboardBackend {
        let requested = (configuration.backend ?? "auto").lowercased()
        switch requested {
        case "auto", "":
            return try detect(configuration, host: host, timeout: timeout)
        case "wayland", "wl", "wl-clipboard":
            try require("wl-copy", backend: "wayland", host: host, hint: "install wl-clipboard")
            try require("wl-paste", backend: "wayland", host: host, hint: "install wl-clipboard")
            return WaylandBackend(timeout: timeout ?? 5, environment: host.environment)
        case "x11":
            if host.which("xclip") != nil { return XclipBackend(timeout: timeout ?? 5, environment: host.environment) }
            if host.which("xsel") != nil { return XselBackend(timeout: timeout ?? 15, environment: host.environment, name: "x11") }
            throw ClipboardError.toolMissing(backend: "x11", tool: "xclip or xsel", hint: "install xclip")
        case "xclip":
            try require("xclip", backend: "xclip", host: host, hint: "install xclip")
            return XclipBackend(timeout: timeout ?? 5, environment: host.environment, name: "xclip")
        case "xsel":
            try require("xsel", backend: "xsel", host: host, hint: "install xsel")
            return XselBackend(timeout: timeout ?? 15, environment: host.environment)
        case "macos", "pasteboard", "pbcopy", "darwin":
            return MacPasteboardBackend(timeout: timeout ?? 5, environment: host.environment)
        case "windows", "wsl", "powershell":
            let tool = host.which("powershell.exe") ?? WindowsClipboardBackend.wslPowerShellPath
            guard Spawn.which(tool) != nil else {
                throw ClipboardError.toolMissing(
                    backend: "windows", tool: "powershell.exe",
                    hint: "enable WSL interop (appendWindowsPath) or use --clipboard=command")
            }
            return WindowsClipboardBackend(tool: tool, timeout: timeout ?? 20, environment: host.environment)
        case "command", "custom":
            guard let copy = configuration.copyCommand, let paste = configuration.pasteCommand else {
                throw ClipboardError.commandsMissing
            }
            return try CommandBackend(
                copy: copy, paste: paste, primaryCopy: configuration.primaryCopyCommand,
                primaryPaste: configuration.primaryPasteCommand, timeout: timeout ?? 10, environment: host.environment)
        default:
            throw ClipboardError.unknownBackend(requested)
        }
    }

    static func detect(_ configuration: ClipboardConfiguration, host: ClipboardHost, timeout: Double?) throws -> any ClipboardBackend {
        if host.systemName == "Darwin" {
            return try make(configuration.with(backend: "macos"), host: host, timeout: timeout)
        }
        if host.isWSL {
            return try make(configuration.with(backend: "windows"), host: host, timeout: timeout)
        }
        if host.has("WAYLAND_DISPLAY") && host.which("wl-copy") != nil && host.which("wl-paste") != nil {
            return try make(configuration.with(backend: "wayland"), host: host, timeout: timeout)
        }
        if host.has("DISPLAY") {
            if host.which("xclip") != nil || host.which("xsel") != nil {
                return try make(configuration.with(backend: "x11"), host: host, timeout: timeout)
            }
            throw ClipboardError.toolMissing(backend: "x11", tool: "xclip or xsel", hint: "install xclip")
        }
        if host.has("WAYLAND_DISPLAY") {
            throw ClipboardError.toolMissing(backend: "wayland", tool: "wl-copy and wl-paste", hint: "install wl-clipboard")
        }
        throw ClipboardError.noBackend(reason: "neither WAYLAND_DISPLAY nor DISPLAY is set")
    }

    private static func require(_ tool: String, backend: String, host: ClipboardHost, hint: String) throws {
        if host.which(tool) == nil { throw ClipboardError.toolMissing(backend: backend, tool: tool, hint: hint) }
    }
}

extension ClipboardConfiguration {
    func with(backend: String) -> ClipboardConfiguration {
        var copy = self
        copy.backend = backend
        return copy
    }
}

/// Reads a small text file with open/read (no Foundation), or returns "".
func readSmallFile(_ path: String) -> String {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
}
