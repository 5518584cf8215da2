import ArgumentParser
import Foundation
import CaviarClipboard
import CaviarCore
import CaviarPacks
import CaviarSessions
import CaviarSpawn
import CaviarStreaming
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `caviar clip`: redact (or restore) the clipboard in place. The work is in CaviarClipboard.
struct ClipCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clip",
        abstract: "Redact the clipboard in place (or restore a copied answer with --restore).",
        discussion: """
        Reads the clipboard, redacts it with the same packs and config as the pipe, writes the \
        result back and reads it back to check. If reading, redaction or writing fails, the \
        clipboard is left as it was and caviar exits non-zero (3 when a classification marking \
        refuses the text). Bytes are kept exactly: no newline is added or removed.

        The clipboard is found in this order: --clipboard (or clipboard.backend in the config); \
        macOS pasteboard; WSL -> Windows clipboard (powershell.exe); WAYLAND_DISPLAY -> wl-clipboard; \
        DISPLAY -> xclip, else xsel. Backends: auto, wayland, x11, xclip, xsel, macos, windows, \
        command (clipboard.read_command / clipboard.write_command in the config, run by /bin/sh).

        Without a terminal on stderr (a hotkey), a desktop notification reports the outcome \
        (counts and reasons only, never a value) when a notification daemon is running.

        EXAMPLES
          caviar clip                             redact the clipboard
          caviar clip --preview                   list what would change (masked)
          caviar clip --primary --clipboard=x11   redact the X11 primary selection
          caviar clip --restore --clear-after 60  restore; 60 s later put the
                                                  redacted text back (like pass -c)
        """)

    @OptionGroup var engine: EngineOptions

    @Flag(name: .long, help: "Restore placeholders in the clipboard to the original values (needs the session).")
    var restore = false

    @OptionGroup var sessions: SessionOptions

    @Flag(name: .long, help: "Print what would be changed (values masked) and leave the clipboard alone.")
    var preview = false

    @Flag(name: .long, help: "Use the primary selection (X11, most Wayland compositors) instead of the clipboard.")
    var primary = false

    @Option(name: .long, help: ArgumentHelp("Clipboard backend (default: auto-detect).", valueName: "BACKEND"))
    var clipboard: String?

    @Option(name: .long, help: ArgumentHelp("After a write, put the previous content back after this many seconds unless the clipboard changed meanwhile.", valueName: "SECONDS"))
    var clearAfter: Double?

    @Flag(inversion: .prefixedNo, help: "Show a desktop notification (default: when stderr is not a terminal).")
    var notify: Bool?

    @Flag(name: .long, help: .hidden)
    var clearAfterDaemon = false

    func validate() throws {
        if let clearAfter, !(clearAfter > 0 && clearAfter <= 86_400) {
            throw ValidationError("--clear-after must be between 0 and 86400 seconds")
        }
        if let clipboard, !ClipboardBackends.names.contains(clipboard.lowercased()) {
            throw ValidationError(ClipboardError.unknownBackend(clipboard).description)
        }
    }

    func run() throws {
        if clearAfterDaemon {
            try ClipboardClearAfter.serveStandardInput()
            return
        }
        try ClipRun(engine: engine.settings, sessions: sessions.settings, restore: restore, preview: preview,
                    primary: primary, clipboard: clipboard, clearAfter: clearAfter, notify: notify).run()
    }
}

/// One `caviar clip`, from plain settings: the parsed command, or what `ClipRun.fastArguments`
/// read from the few flags a hotkey uses (`caviar clip`, `caviar clip --restore`), which skips
/// the argument parser and its ~5 ms of reflection.
struct ClipRun {
    var engine = EngineSettings()
    var sessions = SessionSettings()
    var restore = false
    var preview = false
    var primary = false
    var clipboard: String?
    var clearAfter: Double?
    var notify: Bool?

    /// The settings for `clip` followed by `arguments`, when every argument is one of the plain
    /// flags `--restore`, `--preview`, `--primary`, `--notify`, `--no-notify` or
    /// `--clipboard=BACKEND` with a known backend, each at most once; nil for anything else
    /// (help, values in separate arguments, other options), which goes to the parser.
    static func fastArguments(_ arguments: [String]) -> ClipRun? {
        var run = ClipRun()
        var seen: Set<String> = []
        for argument in arguments {
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard seen.insert(name == "--no-notify" ? "--notify" : name).inserted else { return nil }
            switch argument {
            case "--restore": run.restore = true
            case "--preview": run.preview = true
            case "--primary": run.primary = true
            case "--notify": run.notify = true
            case "--no-notify": run.notify = false
            default:
                let prefix = "--clipboard="
                guard argument.hasPrefix(prefix) else { return nil }
                let backend = String(argument.dropFirst(prefix.count))
                guard ClipboardBackends.names.contains(backend.lowercased()) else { return nil }
                run.clipboard = backend
            }
        }
        return run
    }

    func run() throws {
        let config = try engine.loadConfig()
        let settings = ClipSettings(command: self, section: config.sections["clipboard"] ?? [:])
        let notifier = settings.notifies ? DesktopNotifier() : nil
        do {
            let backend = try ClipboardBackends.make(settings.clipboard)
            let flow = ClipboardFlow(backend: backend, selection: settings.selection)
            // The redactor (packs, engine, session) is built on another thread while the
            // clipboard tool runs: the hotkey waits for the longer of the two, not their sum.
            let sessions = self.sessions, engine = self.engine, restore = self.restore
            let building = BackgroundResult {
                restore ? try ClipTransform.restorer(sessions: sessions)
                        : try ClipTransform.redactor(sessions: sessions, engine: engine, config: config)
            }
            let outcome = try flow.run(preview: preview, concealed: restore) { bytes in try building.value().apply(bytes) }
            let transform = try building.value()
            CaviarMain.keepUntilExit(transform)
            if preview {
                try transform.printPreview(of: outcome.input)
                return
            }
            if outcome.didWrite, let seconds = settings.clearAfter {
                try scheduleClear(after: seconds, settings: settings, outcome: outcome)
            }
            let message = transform.summary(didWrite: outcome.didWrite, clearAfter: outcome.didWrite ? settings.clearAfter : nil)
            Diagnostics.note(message)
            notifier?.notify(summary: "caviar", body: message)
        } catch let error as ClipboardError {
            notifier?.notify(summary: "caviar: clipboard unchanged", body: error.description, urgency: .critical)
            throw CaviarFailure(error.description, code: error.exitCode)
        } catch let refusal as PolicyRefusal {
            notifier?.notify(summary: "caviar: clipboard unchanged", body: "Refused: \(refusal.reason)", urgency: .critical)
            throw refusal
        } catch {
            notifier?.notify(summary: "caviar: clipboard unchanged", body: "Redaction failed; see the terminal or run caviar clip --preview", urgency: .critical)
            throw error
        }
    }

    private func scheduleClear(after seconds: Double, settings: ClipSettings, outcome: ClipboardOutcome) throws {
        guard let executable = Spawn.currentExecutablePath() else {
            throw CaviarFailure("cannot find caviar's own path to start the --clear-after timer", code: .failure)
        }
        let timer = ClipboardClearAfter(
            seconds: seconds, selection: settings.selection, configuration: settings.clipboard,
            previous: outcome.input, written: outcome.output)
        try timer.schedule(executable: executable, arguments: ["clip", "--clear-after-daemon"])
    }
}

/// Flags merged with the `clipboard:` section of the config (flags win).
struct ClipSettings {
    var clipboard: ClipboardConfiguration
    var selection: ClipboardSelection
    var notifies: Bool
    var clearAfter: Double?

    init(command: ClipRun, section: [String: String]) {
        clipboard = ClipboardConfiguration(
            backend: command.clipboard ?? section["backend"],
            copyCommand: section["write_command"].map { ["/bin/sh", "-c", $0] },
            pasteCommand: section["read_command"].map { ["/bin/sh", "-c", $0] })
        let primary = command.primary || section["primary"].map(Self.isTrue) == true
        selection = primary ? .primary : .clipboard
        notifies = command.notify ?? section["notify"].map(Self.isTrue) ?? (isatty(2) == 0)
        clearAfter = command.clearAfter ?? (command.restore ? section["clear_after"].flatMap(Double.init) : nil)
    }

    static func isTrue(_ text: String) -> Bool {
        ["true", "yes", "on", "1"].contains(text.lowercased())
    }
}

/// The redactor or the restorer, as the clipboard flow sees it, plus what to report afterwards.
final class ClipTransform {
    private let body: (ClipTransform, [UInt8]) throws -> [UInt8]
    private let verb: String
    /// Changed items per entity name (redaction), or under "placeholder" (restore).
    fileprivate var counts: [String: Int] = [:]
    /// Findings of the last redaction (for --preview).
    fileprivate var findings: [Finding] = []

    private init(verb: String, body: @escaping (ClipTransform, [UInt8]) throws -> [UInt8]) {
        self.verb = verb
        self.body = body
    }

    func apply(_ bytes: [UInt8]) throws -> [UInt8] { try body(self, bytes) }

    /// Redacts with the engine of the pipe; with a session, numbers are recorded in the vault
    /// (saved in one transaction before the text is returned, so the clipboard never refers to
    /// unsaved mappings).
    static func redactor(sessions: SessionSettings, engine options: EngineSettings, config: CaviarConfig) throws -> ClipTransform {
        let engine = try options.makeEngine(config: config)
        let session = try sessions.openSessionForRedaction()
        let redactor = try options.makeRedactor(config: config, book: session ?? InMemoryPlaceholderBook())
        if let session { redactor.surrogates = SessionSurrogates(session) }
        let document = DocumentRedactor(engine: engine, redactor: redactor)
        return ClipTransform(verb: "redacted") { transform, bytes in
            let result: TextRedaction
            if let session {
                result = try SessionOptions.checked {
                    try session.transaction {
                        try session.reserveLiteralPlaceholders(in: bytes)
                        return try document.redact(bytes)
                    }
                }
            } else {
                result = try document.redact(bytes)
            }
            transform.findings = result.findings
            transform.counts = [:]
            for finding in result.findings { transform.counts[finding.entity.name, default: 0] += 1 }
            return result.output
        }
    }

    /// Puts the session's originals back; placeholders it cannot resolve are reported on stderr
    /// (never a value) and left as they are.
    static func restorer(sessions: SessionSettings) throws -> ClipTransform {
        guard let name = sessions.sessionName() else {
            throw CaviarFailure("caviar clip --restore needs --session NAME (or CAVIAR_SESSION)", code: .usage)
        }
        let vault = try sessions.makeVault()
        let restorer = try SessionOptions.checked { try vault.restorer(forSession: name) }
        return ClipTransform(verb: "restored") { transform, bytes in
            let result = restorer.restore(bytes)
            for issue in result.issues { Diagnostics.warning(issue.description) }
            transform.counts = result.restoredCount > 0 ? ["placeholder": result.restoredCount] : [:]
            return result.output
        }
    }

    /// "redacted 3 items (EMAIL 2, IBAN 1); clipboard updated" — counts and entity names only.
    func summary(didWrite: Bool, clearAfter: Double?, isPreview: Bool = false) -> String {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return "nothing to change; clipboard left as it was" }
        let detail = counts.keys.count > 1 || counts["placeholder"] == nil
            ? " (" + counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
            : ""
        let noun = counts["placeholder"] != nil ? "placeholder" : "item"
        let items = total == 1 ? "1 \(noun)" : "\(total) \(noun)s"
        let what = isPreview ? "\(items) would be \(verb)" : "\(verb) \(items)"
        var text = "\(what)\(detail); " + (didWrite ? "clipboard updated" : "clipboard left as it was")
        if let clearAfter { text += "; previous content returns in \(Int(clearAfter.rounded())) s" }
        return text
    }

    /// Prints the findings like `caviar scan` (values masked), for `--preview`.
    func printPreview(of input: [UInt8]) throws {
        let printer = FindingPrinter(json: false, showValues: false, quiet: false)
        printer.source = "clipboard"
        var line = 1
        var lineStart = 0
        var scanned = 0
        for finding in findings.sorted(by: { $0.span.lowerBound < $1.span.lowerBound }) {
            let start = min(finding.span.lowerBound, input.count)
            while scanned < start {
                if input[scanned] == UInt8(ascii: "\n") { line += 1; lineStart = scanned + 1 }
                scanned += 1
            }
            let end = min(finding.span.upperBound, input.count)
            printer.found(finding, value: Array(input[start..<end]), policy: .redact, line: line, column: start - lineStart + 1)
        }
        try printer.flush()
        Diagnostics.note(summary(didWrite: false, clearAfter: nil, isPreview: true))
    }
}

/// Runs `work` on its own thread at once; `value()` waits for it and returns its result or
/// rethrows its error. For work that shares nothing with the caller while it runs.
final class BackgroundResult<T>: @unchecked Sendable {
    private var work: (() throws -> T)?
    private var result: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping () throws -> T) {
        self.work = work
        Thread.detachNewThread { [self] in
            let outcome = Result { () throws -> T in
                guard let work = self.work else { throw CaviarFailure("internal error: background work ran twice", code: .failure) }
                return try work()
            }
            self.work = nil
            self.result = outcome
            self.done.signal()
        }
    }

    func value() throws -> T {
        done.wait()
        done.signal()  // later callers get the same result
        guard let result else { throw CaviarFailure("internal error: background work gave no result", code: .failure) }
        return try result.get()
    }
}
