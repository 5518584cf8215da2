import ArgumentParser
import CaviarCore
import CaviarSessions
import CaviarStreaming
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options naming the session and where the vault lives; shared by `redact`, `restore`, `clip`
/// and `session`.
struct SessionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Session whose mappings are used and recorded (default: $CAVIAR_SESSION; 'daily' means today's date).", valueName: "NAME"))
    var session: String?

    @Flag(name: .long, help: "Keep sessions in $XDG_STATE_HOME/caviar (survives logout) instead of $XDG_RUNTIME_DIR/caviar.")
    var keepSessions = false

    @Option(name: .long, help: ArgumentHelp("Hours a new session lives after its last change (default 24).", valueName: "HOURS"))
    var sessionTtl: Double?

    func validate() throws {
        if let sessionTtl, !(sessionTtl > 0) { throw ValidationError("--session-ttl must be a positive number of hours") }
        if let session { try Self.checked { try SessionVault.validate(sessionName: session == "daily" ? SessionVault.dailySessionName() : session) } }
    }

    /// The parsed options as plain values.
    var settings: SessionSettings { SessionSettings(session: session, keepSessions: keepSessions, sessionTtl: sessionTtl) }

    func sessionName() -> String? { settings.sessionName() }
    func makeVault() throws -> SessionVault { try settings.makeVault() }
    func openSessionForRedaction() throws -> Session? { try settings.openSessionForRedaction() }

    /// Turns vault errors into caviar failures (exit 4; 2 for a bad name).
    static func checked<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as VaultError {
            if case .invalidSessionName = error { throw CaviarFailure(error.description, code: .usage) }
            throw CaviarFailure(error.description, code: .failure)
        }
    }
}

/// What `SessionOptions` holds, without the command-line parser (see `EngineSettings`).
struct SessionSettings {
    var session: String?
    var keepSessions = false
    var sessionTtl: Double?

    /// The session to use: `--session`, else `CAVIAR_SESSION`; nil when neither is set.
    func sessionName() -> String? {
        if let session { return session == "daily" ? SessionVault.dailySessionName() : session }
        return SessionVault.defaultSessionName(environment: Environment.value("CAVIAR_SESSION").map { ["CAVIAR_SESSION": $0] } ?? [:])
    }

    /// Opens the vault (creating its directory 0700; refusing an unsafe one).
    func makeVault() throws -> SessionVault {
        var configuration = SessionVault.Configuration(keepsSessions: keepSessions)
        if let sessionTtl { configuration.timeToLive = sessionTtl * 3600 }
        return try SessionOptions.checked { try SessionVault(configuration: configuration) }
    }

    /// Opens the named session for redaction (the `PlaceholderBook` to hand to the redactor),
    /// or nil when no session was asked for.
    func openSessionForRedaction() throws -> Session? {
        guard let name = sessionName() else { return nil }
        let vault = try makeVault()
        return try SessionOptions.checked { try vault.openSession(named: name) }
    }
}

/// `caviar restore`: put the original values back into a chatbot's answer.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace placeholders (and surrogates) in an answer with the original values.",
        discussion: """
        Reads the answer from FILE or stdin and writes it to stdout with every placeholder of the \
        session replaced by its original value. Placeholders that cannot be restored (unknown \
        number, wrong or expired session) or that look altered are listed on stderr (never with \
        a value); --strict turns any of them into exit 1 with no output.

        WHAT COUNTS AS A PLACEHOLDER
          \(Restorer.rule)

        EXAMPLES
          caviar redact --session work mail.txt | llm "summarise" | caviar restore --session work
          caviar restore --session 2026-11-29 answer.md > answer.restored.md
          CAVIAR_SESSION=daily caviar restore --strict < answer.txt
        """)

    @OptionGroup var sessions: SessionOptions

    @Flag(name: .long, help: "Fail (exit 1, no output) if any placeholder cannot be restored or looks altered.")
    var strict = false

    @Flag(name: .long, help: "Restore placeholders only, not surrogates.")
    var noSurrogates = false

    @Argument(help: "The answer to restore; '-' or none for stdin.")
    var file: String?

    func run() throws {
        guard let name = sessions.sessionName() else {
            throw CaviarFailure("no session: pass --session NAME or set CAVIAR_SESSION (see `caviar session list`)", code: .usage)
        }
        let input = try SessionInput.readAll(file ?? "-")
        let vault = try sessions.makeVault()
        let restorer = try SessionOptions.checked {
            try vault.restorer(forSession: name, strictness: Restorer.Options(restoresSurrogates: !noSurrogates))
        }
        let result = restorer.restore(input)
        for issue in result.issues {
            Diagnostics.warning(issue.description)
        }
        if strict, !result.isClean {
            throw CaviarFailure("--strict: \(result.issues.count) placeholder(s) not restored; nothing was written", code: .findings)
        }
        try StandardOutput.sink.write(result.output)
    }
}

/// `caviar session`: inspect and remove sessions.
struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "List, forget and purge the sessions kept for restore.",
        discussion: """
        Sessions live in $XDG_RUNTIME_DIR/caviar (gone at logout), or $XDG_STATE_HOME/caviar with \
        --keep-sessions or when there is no runtime directory; the directory is 0700 and every \
        file 0600. Session files are encrypted (AES-256-GCM) with a key from CAVIAR_VAULT_KEY, \
        else the desktop keyring (secret-tool, service caviar account vault-key), else the key \
        file vault.key in $XDG_STATE_HOME/caviar. Sessions expire 24 h after their last change \
        (--session-ttl).

        EXAMPLES
          caviar session list
          caviar session forget 2026-11-29
          caviar session purge --expired
        """,
        subcommands: [List.self, Forget.self, Purge.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions with their expiry and how many values each holds.")

        @OptionGroup var sessions: SessionOptions

        func run() throws {
            let vault = try sessions.makeVault()
            let summaries = try SessionOptions.checked { try vault.list() }
            var out = "vault: \(vault.location.directory)\(vault.location.isPersistent ? "" : " (removed at logout)")\n"
            if summaries.isEmpty { out += "no sessions\n" }
            for summary in summaries {
                if let problem = summary.problem {
                    out += "\(summary.name)  unreadable: \(problem)\n"
                    continue
                }
                let counts = summary.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                let state = summary.isExpired ? "expired" : "expires \(Self.format(summary.expiresAt))"
                out += "\(summary.name)  created \(Self.format(summary.createdAt))  \(state)  \(counts.isEmpty ? "no values" : counts)\n"
            }
            try StandardOutput.write(out)
        }

        static func format(_ seconds: Double) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
            formatter.timeZone = .current
            return formatter.string(from: Date(timeIntervalSince1970: seconds))
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete one session and its mappings.")

        @OptionGroup var sessions: SessionOptions

        @Argument(help: "The session to delete.")
        var name: String

        func run() throws {
            let vault = try sessions.makeVault()
            if try !SessionOptions.checked({ try vault.forget(named: name) }) {
                throw CaviarFailure("no session named '\(name)' (see `caviar session list`)", code: .usage)
            }
        }
    }

    struct Purge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete every session (or only the expired ones).")

        @OptionGroup var sessions: SessionOptions

        @Flag(name: .long, help: "Delete only expired sessions.")
        var expired = false

        func run() throws {
            let vault = try sessions.makeVault()
            let count = try SessionOptions.checked { try vault.purge(onlyExpired: expired) }
            Diagnostics.note("removed \(count) session(s)")
        }
    }
}

/// Reads a whole input (the answers to restore are small).
enum SessionInput {
    static func readAll(_ path: String) throws -> [UInt8] {
        let fd = try InputFiles.open(path)
        defer { if fd != 0 { close(fd) } }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CaviarFailure("cannot read \(path == "-" ? "stdin" : path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }
}
