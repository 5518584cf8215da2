import CaviarCore
import CaviarSpawn

/// Why a clipboard operation did not happen. Messages never contain clipboard content.
public enum ClipboardError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing (or nothing textual) on the clipboard.
    case empty(selection: ClipboardSelection)
    /// No backend could be chosen automatically; `reason` says what was looked for.
    case noBackend(reason: String)
    /// `--clipboard=NAME` (or the config key) names no backend.
    case unknownBackend(String)
    /// The backend's helper program is missing.
    case toolMissing(backend: String, tool: String, hint: String)
    /// The chosen backend has no primary selection.
    case primaryUnsupported(backend: String)
    /// The `command` backend was chosen without both commands.
    case commandsMissing
    /// The helper that reads the clipboard failed.
    case readFailed(backend: String, detail: String)
    /// The helper that writes the clipboard failed.
    case writeFailed(backend: String, detail: String)
    /// After writing, the clipboard did not read back as written within the verify time.
    case verifyFailed(backend: String, restoredPrevious: Bool)

    public var description: String {
        switch self {
        case .empty(let selection):
            let what = selection == .primary ? "primary selection" : "clipboard"
            return "the \(what) is empty or holds no text; copy some text first"
        case .noBackend(let reason):
            return "no clipboard found: \(reason); pipe text through `caviar` instead, or pass --clipboard=BACKEND (wayland, x11, xclip, xsel, macos, windows, command)"
        case .unknownBackend(let name):
            return "unknown clipboard backend '\(name)'; use one of: auto, wayland, x11, xclip, xsel, macos, windows, command"
        case .toolMissing(let backend, let tool, let hint):
            return "clipboard backend '\(backend)' needs \(tool), which is not on PATH; \(hint)"
        case .primaryUnsupported(let backend):
            return "clipboard backend '\(backend)' has no primary selection; drop --primary"
        case .commandsMissing:
            return "clipboard backend 'command' needs both clipboard.copy and clipboard.paste commands in the config"
        case .readFailed(let backend, let detail):
            return "cannot read the clipboard (\(backend)): \(detail)"
        case .writeFailed(let backend, let detail):
            return "cannot write the clipboard (\(backend)): \(detail); the clipboard was left as it was"
        case .verifyFailed(let backend, let restoredPrevious):
            let state = restoredPrevious
                ? "the previous content was put back"
                : "the clipboard content is uncertain; do not paste it"
            return "the clipboard (\(backend)) did not read back as written; \(state)"
        }
    }

    /// The process exit code for this error (DESIGN.md): usage errors 2, the rest 4.
    public var exitCode: CaviarExit {
        switch self {
        case .unknownBackend, .primaryUnsupported, .commandsMissing:
            return .usage
        case .empty, .noBackend, .toolMissing, .readFailed, .writeFailed, .verifyFailed:
            return .failure
        }
    }
}

extension SpawnError {
    /// A short description for clipboard errors (never includes stdin).
    var clipboardDetail: String { description }
}
