import CaviarCore

/// Options that decide what redact mode may pass on.
public struct MailPolicy: Sendable {
    /// Let non-text attachments, `multipart/signed` and `multipart/encrypted` parts through
    /// unredacted (`--allow-attachments`). Default: refuse the message.
    public var allowUnredactableParts: Bool
    /// Redact text attachments (and attachment file names) that have findings
    /// (`--redact-attachments`). Default: refuse the message.
    public var redactAttachments: Bool

    public init(allowUnredactableParts: Bool = false, redactAttachments: Bool = false) {
        self.allowUnredactableParts = allowUnredactableParts
        self.redactAttachments = redactAttachments
    }
}

/// One thing found in a message, located without its value.
public struct MailFinding: Sendable, Equatable {
    /// `header Subject`, `part 1.2 (text/html) line 14`, `part 3 (text/csv) file name`.
    public var location: String
    public var entity: EntityType
    public var detectorID: String
    /// Found in an address or threading header (From, To, Message-ID …): reported, never
    /// modified, and not counted as a finding (the sender's own name is always there).
    public var isRoutingHeader: Bool
}

/// A part caviar could not read or may not change.
public struct UncheckedPart: Sendable, Equatable {
    public var location: String
    public var reason: String
}

/// What `check` or `redact` saw in a message.
public struct MailReport: Sendable {
    public var findings: [MailFinding] = []
    public var unchecked: [UncheckedPart] = []

    /// Findings that count for the exit status (not those in routing headers).
    public var countedFindings: [MailFinding] { findings.filter { !$0.isRoutingHeader } }

    /// Report lines for stderr: one per finding or unchecked part, then a summary. No values.
    public func lines(verb: String = "found") -> [String] {
        var out: [String] = []
        for f in findings {
            let note = f.isRoutingHeader ? " (routing header: reported only, never modified)" : ""
            out.append("\(f.location): \(f.entity.name) (\(f.detectorID))\(note)")
        }
        for u in unchecked { out.append("\(u.location): not checked: \(u.reason)") }
        let counted = countedFindings.count
        var summary = counted == 0 ? "no findings" : "\(verb) \(counted) item\(counted == 1 ? "" : "s")"
        if !unchecked.isEmpty { summary += "; \(unchecked.count) part\(unchecked.count == 1 ? "" : "s") not checked" }
        out.append(summary)
        return out
    }
}

/// The output of `MailFilter.redact`.
public struct MailRedaction: Sendable {
    /// The message to pass on: the input with only the changed headers and parts rewritten.
    public var output: [UInt8]
    public var report: MailReport
}
