#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs helper programs (clipboard tools, editors, mail transports) safely.
public enum Spawn {
    /// Runs `executable` to completion and returns its status and captured output.
    ///
    /// - Parameters:
    ///   - executable: a program name looked up on `PATH`, or a path containing `/`.
    ///   - arguments: the arguments after `argv[0]` (which is `executable`).
    ///   - environment: the child's whole environment; `nil` inherits the caller's.
    ///   - stdin: bytes written to the child's stdin (then closed); `nil` gives it `/dev/null`.
    ///   - stdout: where the child's stdout goes.
    ///   - stderr: where the child's stderr goes.
    ///   - timeout: seconds before the child's process group is killed with SIGKILL.
    /// - Throws: `SpawnError`. A non-zero exit status is not an error: check `status`.
    ///
    /// Captured pipes are read only until the direct child exits, plus whatever is already
    /// buffered, so a grandchild that keeps a pipe open (a forked clipboard daemon) cannot hang
    /// the call. Stdin and the output pipes are serviced together with `poll`, so large inputs
    /// and outputs cannot deadlock. Every descriptor the parent opens is close-on-exec.
    public static func run(
        _ executable: String,
        arguments: [String],
        environment: [String: String]? = nil,
        stdin: [UInt8]? = nil,
        stdout: OutputMode = .capture,
        stderr: OutputMode = .capture,
        timeout: Double
    ) throws -> SpawnResult {
        guard let path = which(executable) else { throw SpawnError.notFound(executable) }
        let child = try ChildProcess.launch(
            path: path, argv: [executable] + arguments, environment: environment,
            hasStdin: stdin != nil, stdout: stdout, stderr: stderr)
        return try child.communicate(input: stdin ?? [], timeout: timeout)
    }

    /// Starts `executable` detached in a new session (it survives the caller's exit and the
    /// terminal's hangup), writes `stdin` to it, closes the pipe and returns its pid without
    /// waiting. Its stdout and stderr go to `/dev/null`.
    ///
    /// If the caller lives on, it should reap the pid (`waitpid`) once the child is done;
    /// a short-lived caller can simply exit.
    @discardableResult
    public static func detach(
        _ executable: String,
        arguments: [String],
        environment: [String: String]? = nil,
        stdin: [UInt8] = [],
        timeout: Double = 5
    ) throws -> Int32 {
        guard let path = which(executable) else { throw SpawnError.notFound(executable) }
        let child = try ChildProcess.launch(
            path: path, argv: [executable] + arguments, environment: environment,
            hasStdin: true, stdout: .null, stderr: .null, newSession: true)
        return try child.feedAndRelease(input: stdin, timeout: timeout)
    }

    /// The absolute path of the running program (to start a helper copy of itself), or `nil`.
    public static func currentExecutablePath() -> String? {
        #if canImport(Darwin)
        var size: UInt32 = 0
        _ = _NSGetExecutablePath(nil, &size)
        var buffer = [CChar](repeating: 0, count: Int(size) + 1)
        guard _NSGetExecutablePath(&buffer, &size) == 0 else { return nil }
        return String(cString: buffer)
        #else
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink("/proc/self/exe", &buffer, 4096)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #endif
    }

    /// The absolute path of `name` found on `path` (default: the `PATH` variable), or `nil`.
    ///
    /// A name containing `/` is returned as is when it is an executable regular file.
    public static func which(_ name: String, path: String? = nil) -> String? {
        if name.isEmpty { return nil }
        if name.contains("/") { return isExecutableFile(name) ? name : nil }
        let searchPath = path ?? (getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin")
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// The caller's environment with `overrides` applied (a convenience for `run(environment:)`).
    public static func environment(overriding overrides: [String: String]) -> [String: String] {
        var result = currentEnvironment()
        for (key, value) in overrides { result[key] = value }
        return result
    }

    /// The caller's environment as a dictionary.
    public static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        guard var cursor = currentEnvironPointer() else { return result }
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}

/// The process's `environ`, read through a function so Swift 6 does not see a global variable.
func currentEnvironPointer() -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    #if canImport(Darwin)
    return _NSGetEnviron()?.pointee
    #else
    return environ
    #endif
}

/// The `strerror` text for an errno value.
func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text).lowercased()
}
