import CaviarSpawn

/// A user-configured pair of commands (like Neovim's `g:clipboard`): `paste` prints the
/// clipboard on stdout, `copy` reads the new content on stdin. Each is an argv array; use
/// `["sh", "-c", "..."]` for shell syntax.
public struct CommandBackend: ClipboardBackend {
    public let name: String
    public var supportsPrimary: Bool { primaryCopy != nil && primaryPaste != nil }
    let copy: [String]
    let paste: [String]
    let primaryCopy: [String]?
    let primaryPaste: [String]?
    let runner: HelperRunner

    /// - Throws: `ClipboardError.commandsMissing` when a command is empty.
    public init(
        copy: [String], paste: [String], primaryCopy: [String]? = nil, primaryPaste: [String]? = nil,
        timeout: Double = 10, environment: [String: String]? = nil, name: String = "command"
    ) throws {
        guard let copyTool = copy.first, !copyTool.isEmpty, let pasteTool = paste.first, !pasteTool.isEmpty else {
            throw ClipboardError.commandsMissing
        }
        self.name = name
        self.copy = copy
        self.paste = paste
        self.primaryCopy = primaryCopy?.isEmpty == true ? nil : primaryCopy
        self.primaryPaste = primaryPaste?.isEmpty == true ? nil : primaryPaste
        self.runner = HelperRunner(backend: name, environmentOverrides: [:], timeout: timeout, baseEnvironment: environment)
    }

    public func read(_ selection: ClipboardSelection) throws -> [UInt8] {
        try requireSelection(selection)
        let command = (selection == .primary ? primaryPaste : nil) ?? paste
        let result = try runner.read(command[0], Array(command.dropFirst()))
        guard result.isSuccess else {
            throw ClipboardError.readFailed(backend: name, detail: runner.failure(command[0], result))
        }
        return result.stdout
    }

    public func write(_ bytes: [UInt8], to selection: ClipboardSelection, concealed: Bool) throws {
        try requireSelection(selection)
        let command = (selection == .primary ? primaryCopy : nil) ?? copy
        // The copy command may fork a daemon like xclip does: its output goes to /dev/null.
        try runner.write(command[0], Array(command.dropFirst()), input: bytes)
    }
}
