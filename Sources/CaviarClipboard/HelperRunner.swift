import CaviarSpawn

/// Runs one clipboard helper program with the conventions every backend needs.
struct HelperRunner: Sendable {
    /// Backend name, for error messages.
    var backend: String
    /// Variables set in the helper's environment on top of the caller's (UTF-8 locale).
    var environmentOverrides: [String: String]
    /// Seconds before a helper is killed.
    var timeout: Double
    /// The helpers' environment before the overrides; `nil` means the caller's.
    var baseEnvironment: [String: String]?

    /// Runs a reader: stdout captured, stderr captured for error messages.
    func read(_ tool: String, _ arguments: [String]) throws -> SpawnResult {
        do {
            return try Spawn.run(
                tool, arguments: arguments, environment: environment(), stdin: nil,
                stdout: .capture, stderr: .capture, timeout: timeout)
        } catch let error as SpawnError {
            throw ClipboardError.readFailed(backend: backend, detail: error.clipboardDetail)
        }
    }

    /// Runs a writer: the bytes on stdin; stdout and stderr to /dev/null because the writer forks
    /// a daemon that keeps inherited descriptors open (xclip keeps both, wl-copy keeps stderr).
    func write(_ tool: String, _ arguments: [String], input: [UInt8]) throws {
        let result: SpawnResult
        do {
            result = try Spawn.run(
                tool, arguments: arguments, environment: environment(), stdin: input,
                stdout: .null, stderr: .null, timeout: timeout)
        } catch let error as SpawnError {
            throw ClipboardError.writeFailed(backend: backend, detail: error.clipboardDetail)
        }
        guard result.isSuccess else {
            throw ClipboardError.writeFailed(backend: backend, detail: "\(tool) exited with status \(result.status)")
        }
    }

    /// Runs a writer whose stderr is safe to capture (it does not leave a daemon behind).
    func writeCapturingErrors(_ tool: String, _ arguments: [String], input: [UInt8]) throws -> SpawnResult {
        do {
            return try Spawn.run(
                tool, arguments: arguments, environment: environment(), stdin: input,
                stdout: .capture, stderr: .capture, timeout: timeout)
        } catch let error as SpawnError {
            throw ClipboardError.writeFailed(backend: backend, detail: error.clipboardDetail)
        }
    }

    func failure(_ tool: String, _ result: SpawnResult) -> String {
        let message = result.stderrText
        let firstLine = message.split(separator: "\n").first.map(String.init) ?? ""
        return firstLine.isEmpty
            ? "\(tool) exited with status \(result.status)"
            : "\(tool) exited with status \(result.status): \(firstLine)"
    }

    private func environment() -> [String: String]? {
        guard var result = baseEnvironment else {
            return environmentOverrides.isEmpty ? nil : Spawn.environment(overriding: environmentOverrides)
        }
        for (key, value) in environmentOverrides { result[key] = value }
        return result
    }
}
