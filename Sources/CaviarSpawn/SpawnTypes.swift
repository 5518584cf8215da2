/// CaviarSpawn: launch a helper program with `posix_spawn` + `waitpid`, feed it bytes, collect its
/// output, with a timeout on every call.
///
/// Why not Foundation's process class: on Linux it learns that a child exited through a socket it leaves
/// open in the child, so a helper that forks a daemon (xclip, xsel, wl-copy) makes it hang forever
/// (INTEGRATIONS.md 1.4). Here the parent learns of the exit from `waitpid` alone, and captured
/// pipes are drained only until the direct child has exited.

/// Where a child's stdout or stderr goes.
public enum OutputMode: Sendable, Equatable {
    /// A pipe read by the parent; the bytes end up in `SpawnResult`.
    case capture
    /// The parent's own file descriptor (1 or 2).
    case inherit
    /// `/dev/null`. Use it for helpers that fork a daemon which keeps the descriptor open
    /// (xclip writer, wl-copy).
    case null
}

/// What a finished child left behind.
public struct SpawnResult: Sendable, Equatable {
    /// The exit code, or 128 + the signal number when a signal ended the child.
    public var status: Int32
    /// Captured stdout (empty unless `.capture`).
    public var stdout: [UInt8]
    /// Captured stderr (empty unless `.capture`).
    public var stderr: [UInt8]

    public init(status: Int32, stdout: [UInt8], stderr: [UInt8]) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// True when the child exited with status 0.
    public var isSuccess: Bool { status == 0 }

    /// The captured stderr as text, trimmed, for error messages (never contains stdin).
    public var stderrText: String {
        String(decoding: stderr, as: UTF8.self).trimmingWhitespace()
    }
}

/// Why a child could not be run to completion.
public enum SpawnError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The program is not on `PATH` (or the given path is not an executable file).
    case notFound(String)
    /// `posix_spawn` or the pipe setup failed; `reason` is the `strerror` text.
    case spawnFailed(executable: String, reason: String)
    /// The child moved no data for `seconds` (or ran far longer); its process group was killed
    /// and the child reaped.
    case timedOut(executable: String, seconds: Double)
    /// Waiting for or talking to the child failed (`reason` is the `strerror` text).
    case ioFailed(executable: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let name):
            return "program not found: \(name) (install it or check PATH)"
        case .spawnFailed(let executable, let reason):
            return "cannot start \(executable): \(reason)"
        case .timedOut(let executable, let seconds):
            return "\(executable) did not finish (no progress for \(Self.format(seconds)) s) and was killed"
        case .ioFailed(let executable, let reason):
            return "i/o error talking to \(executable): \(reason)"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
