import CaviarCore
import CaviarSpawn
#if canImport(Glibc)
import Glibc
#endif

/// How `caviar sendmail` behaves; read from the environment (and the CLI's config).
public struct SendmailConfiguration: Sendable {
    public enum Mode: String, Sendable {
        /// Refuse a message with findings (exit 65), pass a clean one on unchanged.
        case check
        /// Redact the message and pass the result on.
        case redact
    }

    public var mode: Mode
    /// The real MTA: a path or a name on PATH. nil: /usr/sbin/sendmail, /usr/lib/sendmail, msmtp.
    public var mta: String?
    /// Send a desktop notification (notify-send) on refusal: aerc hides the wrapper's stderr.
    public var notifiesOnRefusal: Bool
    public var policy: MailPolicy
    /// Seconds the MTA may take.
    public var timeout: Double

    public init(mode: Mode = .check, mta: String? = nil, notifiesOnRefusal: Bool = false, policy: MailPolicy = MailPolicy(), timeout: Double = 600) {
        self.mode = mode
        self.mta = mta
        self.notifiesOnRefusal = notifiesOnRefusal
        self.policy = policy
        self.timeout = timeout
    }

    /// `base` with the environment applied: `CAVIAR_MAIL_MODE=check|redact`, `CAVIAR_MTA`,
    /// `CAVIAR_MAIL_NOTIFY=1`, `CAVIAR_MAIL_ALLOW_ATTACHMENTS=1`, `CAVIAR_MAIL_REDACT_ATTACHMENTS=1`.
    /// Throws a message naming the variable for an invalid mode.
    public static func applyingEnvironment(_ env: [String: String], to base: SendmailConfiguration = SendmailConfiguration()) throws(MailError) -> SendmailConfiguration {
        var c = base
        if let m = env["CAVIAR_MAIL_MODE"], !m.isEmpty {
            guard let mode = Mode(rawValue: m.lowercased()) else {
                throw MailError(.unsupported, "CAVIAR_MAIL_MODE='\(m)' is not a mode; use check or redact")
            }
            c.mode = mode
        }
        if let mta = env["CAVIAR_MTA"], !mta.isEmpty { c.mta = mta }
        func flag(_ name: String) -> Bool? {
            guard let v = env[name]?.lowercased(), !v.isEmpty else { return nil }
            return ["1", "yes", "true", "on"].contains(v)
        }
        if let v = flag("CAVIAR_MAIL_NOTIFY") { c.notifiesOnRefusal = v }
        if let v = flag("CAVIAR_MAIL_ALLOW_ATTACHMENTS") { c.policy.allowUnredactableParts = v }
        if let v = flag("CAVIAR_MAIL_REDACT_ATTACHMENTS") { c.policy.redactAttachments = v }
        return c
    }
}

/// A drop-in sendmail: checks or redacts the message, then hands it to the real MTA with the
/// caller's arguments untouched (`--`, `-t`, `-f`, `-i`, `-oi` …). Fails closed: on a refusal
/// (65, EX_DATAERR) or an internal failure (75, EX_TEMPFAIL) the MTA is not run at all.
public struct SendmailWrapper {
    public static let exDataErr: Int32 = 65
    public static let exTempFail: Int32 = 75

    public let redactor: TextRedacting
    public let configuration: SendmailConfiguration
    /// Where diagnostic lines go (stderr by default).
    public var log: (String) -> Void = { StandardStreams.error($0) }

    public init(redactor: TextRedacting, configuration: SendmailConfiguration) {
        self.redactor = redactor
        self.configuration = configuration
    }

    /// Filters `message` and runs the MTA with `arguments`; returns the exit status to use
    /// (the MTA's own status when it ran).
    public func run(message: [UInt8], arguments: [String]) -> Int32 {
        let filter = MailFilter(redactor: redactor, policy: configuration.policy)
        let outgoing: [UInt8]
        do {
            switch configuration.mode {
            case .check:
                let report = try filter.check(message)
                var reasons: [String] = []
                if !report.countedFindings.isEmpty {
                    reasons += report.countedFindings.map { "\($0.location): \($0.entity.name) (\($0.detectorID))" }
                }
                if !configuration.policy.allowUnredactableParts {
                    reasons += report.unchecked.map { "\($0.location): not checked: \($0.reason)" }
                }
                guard reasons.isEmpty else { throw MailRefusal(reasons: reasons) }
                outgoing = message
            case .redact:
                let result = try filter.redact(message)
                let n = result.report.countedFindings.count
                if n > 0 { log("caviar sendmail: redacted \(n) item\(n == 1 ? "" : "s") before sending") }
                outgoing = result.output
            }
        } catch let refusal as MailRefusal {
            return refuse(refusal.reasons)
        } catch let error as MailError {
            return refuse([error.message])
        } catch {
            log("caviar sendmail: internal failure, message not sent: \(error)")
            return Self.exTempFail
        }

        guard let mta = resolveMTA() else {
            log("caviar sendmail: no MTA found (set CAVIAR_MTA to msmtp or /usr/sbin/sendmail); message not sent")
            return Self.exTempFail
        }
        if Self.isSelf(mta) {
            log("caviar sendmail: the MTA \(mta) is caviar itself; set CAVIAR_MTA to the real sendmail; message not sent")
            return Self.exTempFail
        }
        do {
            let result = try Spawn.run(mta, arguments: arguments, stdin: outgoing, stdout: .inherit, stderr: .inherit, timeout: configuration.timeout)
            return result.status
        } catch {
            log("caviar sendmail: \(error); message not sent")
            return Self.exTempFail
        }
    }

    private func refuse(_ reasons: [String]) -> Int32 {
        log("caviar sendmail: message NOT sent (mode \(configuration.mode.rawValue)):")
        for r in reasons { log("  \(r)") }
        if configuration.mode == .check {
            log("  fix the message, or send it with CAVIAR_MAIL_MODE=redact to replace the data")
        }
        if configuration.notifiesOnRefusal {
            let body = "Message not sent: \(reasons.count) problem\(reasons.count == 1 ? "" : "s") found. See the terminal or run caviar mail check."
            _ = try? Spawn.run("notify-send", arguments: ["-a", "caviar", "caviar", body], stdout: .null, stderr: .null, timeout: 5)
        }
        return Self.exDataErr
    }

    private func resolveMTA() -> String? {
        if let configured = configuration.mta { return Spawn.which(configured) }
        for candidate in ["/usr/sbin/sendmail", "/usr/lib/sendmail", "msmtp"] {
            if let path = Spawn.which(candidate), !Self.isSelf(path) { return path }
        }
        return nil
    }

    /// Whether `path` resolves to the running executable (caviar installed as sendmail).
    static func isSelf(_ path: String) -> Bool {
        guard let me = realpath("/proc/self/exe", nil) else { return false }
        defer { free(me) }
        guard let other = realpath(path, nil) else { return false }
        defer { free(other) }
        return strcmp(me, other) == 0
    }
}
