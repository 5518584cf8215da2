import CaviarSpawn

/// Wayland through wl-clipboard (wl-copy, wl-paste).
public struct WaylandBackend: ClipboardBackend {
    public let name: String
    public var supportsPrimary: Bool { true }
    let runner: HelperRunner
    let copyTool: String
    let pasteTool: String

    static let textType = "text/plain;charset=utf-8"

    public init(copyTool: String = "wl-copy", pasteTool: String = "wl-paste", timeout: Double = 5, environment: [String: String]? = nil, name: String = "wayland") {
        self.name = name
        self.copyTool = copyTool
        self.pasteTool = pasteTool
        self.runner = HelperRunner(backend: name, environmentOverrides: ["LC_ALL": "C.UTF-8"], timeout: timeout, baseEnvironment: environment)
    }

    public func read(_ selection: ClipboardSelection) throws -> [UInt8] {
        // --no-newline: wl-paste appends one otherwise. Ask for UTF-8 text first (so an app that
        // offers HTML as well gives us the plain text), then any text type.
        var lastFailure = ""
        for type in [Self.textType, "text"] {
            var arguments = ["--no-newline", "--type", type]
            if selection == .primary { arguments.append("--primary") }
            let result = try runner.read(pasteTool, arguments)
            if result.isSuccess { return result.stdout }
            let message = result.stderrText
            if message.contains("No selection") || message.contains("Nothing is copied") { return [] }
            lastFailure = runner.failure(pasteTool, result)
            if !message.contains("type") { break }
        }
        if lastFailure.contains("No suitable type") { return [] }
        throw ClipboardError.readFailed(backend: name, detail: lastFailure)
    }

    public func write(_ bytes: [UInt8], to selection: ClipboardSelection, concealed: Bool) throws {
        // No -n (it trims a trailing newline). wl-copy 2.1 offers one type (plus its text
        // aliases), so there is no way to add a secret hint: `concealed` has no effect.
        var arguments = ["--type", Self.textType]
        if selection == .primary { arguments.append("--primary") }
        try runner.write(copyTool, arguments, input: bytes)
    }

    public func clear(_ selection: ClipboardSelection) throws {
        var arguments = ["--clear"]
        if selection == .primary { arguments.append("--primary") }
        try runner.write(copyTool, arguments, input: [])
    }
}
