/// CaviarClipboard: read, transform and write back the system clipboard through the platform's
/// helper programs (wl-clipboard, xclip/xsel, pbcopy/pbpaste, PowerShell, or user commands).
///
/// Helpers are launched with CaviarSpawn (never Foundation's process class, which hangs on the daemons
/// these tools fork); writers get `/dev/null` as stdout and stderr; every call has a timeout.
/// Bytes are preserved exactly: no trailing newline is added or removed.

/// Which selection to use.
public enum ClipboardSelection: String, Sendable, Codable, CaseIterable {
    /// The Ctrl-C / Ctrl-V clipboard.
    case clipboard
    /// The X11/Wayland primary selection (last highlighted text, middle-click paste).
    case primary
}

/// One way of reaching a clipboard.
///
/// `read` returns the current text bytes, or `[]` when nothing (or nothing textual) is there.
/// `write` replaces the content; `concealed` asks the platform to keep the content out of
/// clipboard history where it can.
public protocol ClipboardBackend: Sendable {
    /// The name used by `--clipboard` (for example `x11`, `wayland`).
    var name: String { get }
    /// Whether the primary selection can be used.
    var supportsPrimary: Bool { get }
    /// Whether `write(_:to:concealed: true)` actually marks the content as secret.
    var supportsConcealedHint: Bool { get }
    /// Reads the selection. Returns `[]` when it is empty or holds no text.
    func read(_ selection: ClipboardSelection) throws -> [UInt8]
    /// Replaces the selection with `bytes`.
    func write(_ bytes: [UInt8], to selection: ClipboardSelection, concealed: Bool) throws
    /// Empties the selection (for `--clear-after` when the previous content was empty).
    func clear(_ selection: ClipboardSelection) throws
}

extension ClipboardBackend {
    public var supportsConcealedHint: Bool { false }

    public func clear(_ selection: ClipboardSelection) throws {
        try write([], to: selection, concealed: false)
    }

    func requireSelection(_ selection: ClipboardSelection) throws {
        if selection == .primary && !supportsPrimary {
            throw ClipboardError.primaryUnsupported(backend: name)
        }
    }
}
