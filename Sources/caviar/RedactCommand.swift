import ArgumentParser
import CaviarCore
import CaviarDetection
import CaviarRedaction
import CaviarStreaming

struct RedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Redact stdin or files to stdout (the default command).",
        discussion: """
        Every byte outside a redacted span is written unchanged (line endings, invalid UTF-8, NUL). \
        Output is streamed: each finished line is written as soon as no pending match can include it.

        When a detector with policy 'block' is enabled (classification markings), output is held back \
        until the end of the input, so a marking found late still means nothing was written (exit 3). \
        --stream writes as it goes instead and stops at the marking (text before it has been written).

        Without --session (or CAVIAR_SESSION), placeholders are numbered for this run only and \
        nothing is kept. With a session, the same value gets the same placeholder in every run of \
        the session, the mappings are saved encrypted before any output that uses them is \
        written, and `caviar restore --session NAME` puts the originals back into an answer.

        EXAMPLES
          caviar < mail.txt > mail.redacted.txt
          caviar redact --only EMAIL,PHONE notes.txt
          caviar redact --except IP_ADDRESS --min-confidence 0.8 log.txt
          xclip -o -selection clipboard | caviar redact | xclip -selection clipboard
          caviar redact --session project-x < prompt.txt     # then: caviar restore --session project-x
        """)

    @OptionGroup var engine: EngineOptions

    @OptionGroup var sessions: SessionOptions

    @Flag(name: .long, help: "Write output as it is produced even when blocking markings are enabled.")
    var stream = false

    @Argument(help: "Files to redact; '-' or none for stdin.")
    var files: [String] = []

    func run() throws {
        try RedactRun(engine: engine.settings, sessions: sessions.settings, stream: stream, files: files).run()
    }
}

/// One `caviar redact`, from plain settings: the parsed command, or the defaults when `caviar`
/// runs without arguments (see `CaviarMain.run`).
struct RedactRun {
    var engine = EngineSettings()
    var sessions = SessionSettings()
    var stream = false
    var files: [String] = []

    func run() throws {
        let config = try engine.loadConfig()
        let detection = try engine.makeEngine(config: config)
        let session = try sessions.openSessionForRedaction()
        let redactor = try engine.makeRedactor(config: config, book: session ?? InMemoryPlaceholderBook())
        if let session { redactor.surrogates = SessionSurrogates(session) }
        let holds = !stream && detection.detectors.contains { $0.policy == .block }
        let sink: any ByteSink = holds ? SpoolSink(target: StandardOutput.sink) : StandardOutput.sink
        let warnings = WarningReporter()
        try InputFiles.each(files) { fd, _ in
            let driver = StreamRedactor(engine: detection, redactor: redactor, sink: sink)
            driver.findings = warnings
            if let session { driver.numbering = SessionNumbering(session) }
            try driver.run(fd: fd)
        }
        CaviarMain.keepUntilExit(detection)
    }
}

/// Reports findings whose policy is `warn` on stderr (without values).
final class WarningReporter: FindingSink {
    func wantsFindings(policy: DetectorPolicy) -> Bool { policy == .warn }

    func found(_ finding: Finding, value: [UInt8], policy: DetectorPolicy, line: Int, column: Int) {
        if policy == .warn {
            Diagnostics.warning("\(finding.entity.name) (\(finding.detectorID)) at line \(line), column \(column) was kept (policy: warn)")
        }
    }
}
