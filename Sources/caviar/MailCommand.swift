import ArgumentParser
import CaviarCore
import CaviarMail
import CaviarPacks
import CaviarStreaming
import Foundation

/// `caviar mail check|redact`: the MIME-aware filter. The work is in CaviarMail.
struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Check or redact an e-mail message (RFC 5322, MIME-aware).",
        discussion: """
        Headers, quoted-printable, base64, legacy charsets, format=flowed and HTML are decoded \
        before detection; only the Subject and the text parts that change are re-encoded, every \
        other byte stays identical. Address headers, Message-ID and References are never changed \
        (they route and thread the mail); check reports names and internal hosts found there.

        EXAMPLES
          caviar mail check draft.eml      exit 1 and a report when something is found
          caviar mail redact < in.eml > out.eml
          git hook sendemail-validate:     caviar mail check "$1"

        EXIT CODES
          0 clean or redacted     1 findings (check)
          3 refused: attachment, signed or encrypted part, unknown charset, marking
          4 malformed message or runtime failure
        """,
        subcommands: [MailCheckCommand.self, MailRedactCommand.self])
}

/// Options that decide which parts the mail filter may pass on.
struct MailPolicyOptions: ParsableArguments {
    @Flag(name: .long, help: "Let non-text attachments, signed and encrypted parts through unredacted (config: mail.allow_unredactable).")
    var allowAttachments = false

    @Flag(name: .long, help: "Redact text attachments and attachment file names instead of refusing (config: mail.redact_attachments).")
    var redactAttachments = false

    func policy(config: CaviarConfig) -> MailPolicy {
        let section = config.sections["mail"] ?? [:]
        return MailPolicy(
            allowUnredactableParts: allowAttachments || MailCLI.isTrue(section["allow_unredactable"]),
            redactAttachments: redactAttachments || MailCLI.isTrue(section["redact_attachments"]))
    }
}

struct MailCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Report what a message contains, where (part, header, line), never the values.",
        discussion: "Exit 0 when clean, 1 when something was found; unchecked parts (images, signed or encrypted parts) are listed.")

    @OptionGroup var engine: EngineOptions
    @OptionGroup var mail: MailPolicyOptions

    @Argument(help: "The message file (a format-patch file works too); '-' or none for stdin.")
    var file: String?

    func run() throws {
        let config = try engine.loadConfig()
        let filter = MailFilter(redactor: try MailCLI.redactor(engine, config: config), policy: mail.policy(config: config))
        let report = try MailCLI.guarding { try filter.check(try MailCLI.read(file)) }
        let label = file.map { ($0 as NSString).lastPathComponent } ?? "message"
        for line in report.lines() { Diagnostics.note("mail check \(label): \(line)") }
        if !report.countedFindings.isEmpty { throw ExitCode(CaviarExit.findings.rawValue) }
    }
}

struct MailRedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Write the message with its personal data replaced; nothing on stdout when refused.")

    @OptionGroup var engine: EngineOptions
    @OptionGroup var mail: MailPolicyOptions

    @Flag(name: .long, help: "Report each finding's location on stderr.")
    var verbose = false

    @Argument(help: "The message file; '-' or none for stdin.")
    var file: String?

    func run() throws {
        let config = try engine.loadConfig()
        let filter = MailFilter(redactor: try MailCLI.redactor(engine, config: config), policy: mail.policy(config: config))
        let result = try MailCLI.guarding { try filter.redact(try MailCLI.read(file)) }
        if verbose { for line in result.report.lines(verb: "redacted") { Diagnostics.note("mail redact: \(line)") } }
        for part in result.report.unchecked { Diagnostics.warning("\(part.location) passed on unredacted (\(part.reason))") }
        try StandardOutput.sink.write(result.output)
    }
}

/// `caviar sendmail [sendmail arguments]` (also run as `caviar-sendmail`): a drop-in sendmail.
struct SendmailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sendmail",
        abstract: "Drop-in sendmail: check or redact the message, then run the real MTA with the same arguments.",
        discussion: """
        Every argument is passed to the real MTA untouched (--, -t, -f, -i, -oi ...); caviar \
        parses none of them. Settings come from the environment, else the config's mail section:
          CAVIAR_MAIL_MODE=check|redact   (mail.mode, default check)
          CAVIAR_MTA=/usr/bin/msmtp       (mail.mta; default /usr/sbin/sendmail, else msmtp)
          CAVIAR_MAIL_NOTIFY=1            desktop notification on refusal (mail.notify)
          CAVIAR_MAIL_ALLOW_ATTACHMENTS=1, CAVIAR_MAIL_REDACT_ATTACHMENTS=1
          CAVIAR_CONFIG=FILE              the config file
        Exit 65 (EX_DATAERR) when the message is refused, 75 (EX_TEMPFAIL) on an internal \
        failure; in both cases nothing is handed to the MTA. Otherwise the MTA's exit status.

        EXAMPLES
          neomutt:  set sendmail = "caviar-sendmail -oi"
          aerc:     outgoing = /usr/local/bin/caviar-sendmail
          git:      git config sendemail.sendmailCmd caviar-sendmail
          Emacs:    (setq sendmail-program "caviar-sendmail")
        """)

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the real MTA, passed untouched.")
    var arguments: [String] = []

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        let status: Int32
        do {
            var options = try EngineOptions.parse(env["CAVIAR_CONFIG"].map { ["--config", $0] } ?? [])
            options.packs = []
            let config = try options.loadConfig()
            let section = config.sections["mail"] ?? [:]
            var base = SendmailConfiguration()
            if let mode = section["mode"], let m = SendmailConfiguration.Mode(rawValue: mode.lowercased()) { base.mode = m }
            if let mta = section["mta"], !mta.isEmpty { base.mta = mta }
            base.notifiesOnRefusal = MailCLI.isTrue(section["notify"])
            base.policy = MailPolicy(allowUnredactableParts: MailCLI.isTrue(section["allow_unredactable"]),
                                     redactAttachments: MailCLI.isTrue(section["redact_attachments"]))
            let configuration = try SendmailConfiguration.applyingEnvironment(env, to: base)
            let redactor = try MailCLI.redactor(options, config: config)
            let message = try StandardStreams.readAll()
            status = SendmailWrapper(redactor: redactor, configuration: configuration).run(message: message, arguments: arguments)
        } catch {
            // Config, packs or stdin failed: fail closed, nothing was handed to the MTA.
            Diagnostics.error("sendmail: \(error); message not sent")
            status = SendmailWrapper.exTempFail
        }
        if status != 0 { throw ExitCode(status) }
    }
}

enum MailCLI {
    static func isTrue(_ value: String?) -> Bool {
        guard let v = value?.lowercased() else { return false }
        return ["1", "yes", "true", "on"].contains(v)
    }

    static func redactor(_ engine: EngineOptions, config: CaviarConfig) throws -> DocumentRedactor {
        DocumentRedactor(engine: try engine.makeEngine(config: config), redactor: try engine.makeRedactor(config: config))
    }

    static func read(_ file: String?) throws -> [UInt8] {
        guard let file, file != "-" else { return try StandardStreams.readAll() }
        return try StandardStreams.readFile(file)
    }

    /// Maps mail errors to exit codes: refusals (and unknown charsets) 3, malformed 4.
    static func guarding<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let refusal as MailRefusal {
            throw CaviarFailure("refused, nothing written:\n  " + refusal.reasons.joined(separator: "\n  "), code: .refused)
        } catch let error as MailError {
            throw CaviarFailure(error.message, code: error.kind == .unsupported ? .refused : .failure)
        }
    }
}
