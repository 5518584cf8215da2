import CaviarSpawn

/// macOS through pbcopy/pbpaste. They take the text encoding from the locale, which is often
/// unset when a hotkey tool or launchd starts caviar, so the helpers get a UTF-8 locale.
public struct MacPasteboardBackend: ClipboardBackend {
    public let name: String
    public var supportsPrimary: Bool { false }
    let runner: HelperRunner
    let copyTool: String
    let pasteTool: String

    public init(copyTool: String = "pbcopy", pasteTool: String = "pbpaste", timeout: Double = 5, environment: [String: String]? = nil, name: String = "macos") {
        self.name = name
        self.copyTool = copyTool
        self.pasteTool = pasteTool
        self.runner = HelperRunner(
            backend: name,
            environmentOverrides: ["LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8", "LC_CTYPE": "en_US.UTF-8"],
            timeout: timeout, baseEnvironment: environment)
    }

    public func read(_ selection: ClipboardSelection) throws -> [UInt8] {
        try requireSelection(selection)
        let result = try runner.read(pasteTool, ["-Prefer", "txt"])
        guard result.isSuccess else {
            throw ClipboardError.readFailed(backend: name, detail: runner.failure(pasteTool, result))
        }
        return result.stdout
    }

    public func write(_ bytes: [UInt8], to selection: ClipboardSelection, concealed: Bool) throws {
        // pbcopy cannot add org.nspasteboard.ConcealedType (that needs NSPasteboard).
        try requireSelection(selection)
        let result = try runner.writeCapturingErrors(copyTool, [], input: bytes)
        guard result.isSuccess else {
            throw ClipboardError.writeFailed(backend: name, detail: runner.failure(copyTool, result))
        }
    }
}
