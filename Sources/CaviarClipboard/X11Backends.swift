#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaviarSpawn

/// X11 through xclip: the preferred X11 helper (it owns the selection before it returns, so a
/// read right after a write sees the new value).
public struct XclipBackend: ClipboardBackend {
    public let name: String
    public var supportsPrimary: Bool { true }
    let runner: HelperRunner
    let tool: String

    /// - Parameters:
    ///   - tool: the xclip program (name on PATH or path).
    ///   - timeout: seconds per helper call.
    ///   - name: the backend name shown in messages.
    public init(tool: String = "xclip", timeout: Double = 5, environment: [String: String]? = nil, name: String = "x11") {
        self.name = name
        self.tool = tool
        self.runner = HelperRunner(backend: name, environmentOverrides: ["LC_ALL": "C.UTF-8"], timeout: timeout, baseEnvironment: environment)
    }

    public func read(_ selection: ClipboardSelection) throws -> [UInt8] {
        // Without -target, xclip asks for UTF8_STRING and falls back to STRING.
        let result = try runner.read(tool, ["-selection", selection.rawValue, "-o"])
        if result.isSuccess { return result.stdout }
        // Nothing owned, or no text target: "Error: target STRING not available".
        if result.status == 1 && result.stderrText.contains("not available") { return [] }
        throw ClipboardError.readFailed(backend: name, detail: runner.failure(tool, result))
    }

    public func write(_ bytes: [UInt8], to selection: ClipboardSelection, concealed: Bool) throws {
        // No -r (it strips a trailing newline), no -quiet (it would stay in the foreground).
        // xclip offers a single target, so a secret hint (x-kde-passwordManagerHint) cannot be
        // offered alongside the text: `concealed` has no effect here.
        try runner.write(tool, ["-selection", selection.rawValue, "-i"], input: bytes)
    }
}

/// X11 through xsel, the fallback when xclip is missing. xsel returns before its forked child
/// owns the selection, so the flow's read-back poll is what makes a write reliable.
///
/// xsel is slow and fragile with large selections (over a second for 1 MB, and `malloc error`
/// reading about 10 MB from an xclip owner): prefer xclip.
public struct XselBackend: ClipboardBackend {
    public let name: String
    public var supportsPrimary: Bool { true }
    let runner: HelperRunner
    let tool: String

    public init(tool: String = "xsel", timeout: Double = 15, environment: [String: String]? = nil, name: String = "xsel") {
        self.name = name
        self.tool = tool
        self.runner = HelperRunner(backend: name, environmentOverrides: ["LC_ALL": "C.UTF-8"], timeout: timeout, baseEnvironment: environment)
    }

    public func read(_ selection: ClipboardSelection) throws -> [UInt8] {
        // --selectionTimeout: without it xsel waits forever when the owner dies mid-transfer
        // (seen when the previous xsel owner is being replaced); a timed-out read returns
        // nothing, and the flow's read-back poll asks again.
        let result = try runner.read(tool, [flag(selection), "--output", "--selectionTimeout", "3000"])
        if result.isSuccess { return result.stdout }   // empty selection: status 0, no bytes
        throw ClipboardError.readFailed(backend: name, detail: runner.failure(tool, result))
    }

    public func write(_ bytes: [UInt8], to selection: ClipboardSelection, concealed: Bool) throws {
        try runner.write(tool, [flag(selection), "--input"], input: bytes)
        // xsel returns before its daemon owns the selection; a read that starts during the
        // hand-over can hang on the outgoing owner (seen with 1 MB: 2 of 8 reads hung, 0 of 10
        // after a 50 ms pause). INTEGRATIONS.md 1.3: 60 of 200 immediate reads saw the old value.
        usleep(50_000)
    }

    public func clear(_ selection: ClipboardSelection) throws {
        let result = try runner.writeCapturingErrors(tool, [flag(selection), "--clear"], input: [])
        guard result.isSuccess else {
            throw ClipboardError.writeFailed(backend: name, detail: runner.failure(tool, result))
        }
    }

    private func flag(_ selection: ClipboardSelection) -> String {
        selection == .primary ? "--primary" : "--clipboard"
    }
}
