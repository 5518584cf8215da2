import CaviarCore

/// Checks or redacts an RFC 5322 message through a `TextRedacting` engine: decodes headers and
/// text parts first (see INTEGRATIONS.md §2.8), re-encodes only what changed, and keeps every
/// other byte of the message identical.
///
/// Errors: `MailError` (malformed, unsupported charset, limits), `MailRefusal` (parts it may
/// not pass on, engine policy refusals), and whatever the engine throws for internal failures.
/// Nothing is returned for a message that was not fully processed.
public final class MailFilter {
    public let redactor: TextRedacting
    public var policy: MailPolicy
    public var limits: MailLimits

    public init(redactor: TextRedacting, policy: MailPolicy = MailPolicy(), limits: MailLimits = MailLimits()) {
        self.redactor = redactor
        self.policy = policy
        self.limits = limits
    }

    /// Scans the message and reports what it found where (never the values).
    public func check(_ message: [UInt8]) throws -> MailReport {
        let parsed = try MessageParser(limits: limits).parse(message)
        let walk = MailWalk(parsed: parsed, redactor: redactor, policy: policy, isRedacting: false)
        try walk.run(parsed.root)
        if !walk.refusals.isEmpty { throw MailRefusal(reasons: walk.refusals) }
        return walk.report
    }

    /// Redacts the message. Throws `MailRefusal` when a part cannot be redacted and the policy
    /// does not let it through.
    public func redact(_ message: [UInt8]) throws -> MailRedaction {
        let parsed = try MessageParser(limits: limits).parse(message)
        let walk = MailWalk(parsed: parsed, redactor: redactor, policy: policy, isRedacting: true)
        try walk.run(parsed.root)
        if !walk.refusals.isEmpty { throw MailRefusal(reasons: walk.refusals) }
        return MailRedaction(output: try walk.applyEdits(), report: walk.report)
    }
}

/// One pass over the MIME tree collecting findings, refusals and byte edits.
final class MailWalk {
    let bytes: [UInt8]
    let eol: [UInt8]
    let redactor: TextRedacting
    let policy: MailPolicy
    let isRedacting: Bool
    var report = MailReport()
    var refusals: [String] = []
    var edits: [(range: Range<Int>, bytes: [UInt8])] = []

    static let redactableHeaders: Set<String> = ["subject", "comments", "keywords"]
    static let addressHeaders: Set<String> = ["from", "to", "cc", "bcc", "reply-to", "sender",
                                              "resent-from", "resent-to", "resent-cc", "resent-bcc", "resent-sender"]
    static let threadingHeaders: Set<String> = ["message-id", "references", "in-reply-to", "resent-message-id"]

    init(parsed: ParsedMessage, redactor: TextRedacting, policy: MailPolicy, isRedacting: Bool) {
        self.bytes = parsed.bytes
        self.eol = parsed.eol
        self.redactor = redactor
        self.policy = policy
        self.isRedacting = isRedacting
    }

    /// Address and threading headers, scanned after everything else (report only).
    var routingScans: [(text: [UInt8], location: String)] = []

    /// Walks the whole message, then scans the routing headers.
    func run(_ root: MIMEEntity) throws {
        try visit(root, isTop: true, readOnly: false, boundaries: [])
        for scan in routingScans {
            let result = try engine(scan.text, location: scan.location)
            // Addresses are the point of an address header; names and hosts are not.
            for f in result.findings where f.entity.name != "EMAIL" {
                report.findings.append(MailFinding(location: scan.location, entity: f.entity, detectorID: f.detectorID, isRoutingHeader: true))
            }
        }
    }

    func visit(_ e: MIMEEntity, isTop: Bool, readOnly: Bool, boundaries: [[UInt8]]) throws {
        if e.isMessage { try scanMessageHeaders(e, isTop: isTop, readOnly: readOnly) }
        var headerChanges = HeaderChanges()
        try scanFileName(e, readOnly: readOnly, changes: &headerChanges)

        if let boundary = e.boundary {
            let inner = boundaries + [boundary]
            switch e.subtype {
            case "signed":
                unredactable(e, reason: "signed (\(e.mimeType)): changing it would break the signature")
                // The signed content is readable: check it, never change it.
                if let first = e.children.first, !isRedacting {
                    try visit(first, isTop: false, readOnly: true, boundaries: inner)
                }
            case "encrypted":
                unredactable(e, reason: "encrypted (\(e.mimeType)): caviar cannot read it")
            default:
                for child in e.children { try visit(child, isTop: false, readOnly: readOnly, boundaries: inner) }
            }
        } else if let message = e.encapsulated {
            try visit(message, isTop: false, readOnly: readOnly, boundaries: boundaries)
        } else if e.mimeType == "message/rfc822" || e.mimeType == "message/global" {
            if !e.bodyRange.isEmpty { unredactable(e, reason: "forwarded message with a transfer encoding caviar does not decode") }
        } else if e.mainType == "text" {
            try scanTextPart(e, readOnly: readOnly, boundaries: boundaries, changes: &headerChanges)
        } else if !e.bodyRange.isEmpty || e.isAttachment {
            unredactable(e, reason: "\(e.isAttachment ? "attachment" : "part") of type \(e.mimeType) cannot be redacted")
        }
        if isRedacting && !readOnly { headerChanges.emit(for: e, in: bytes, eol: eol, into: &edits) }
    }

    // MARK: headers

    private func scanMessageHeaders(_ e: MIMEEntity, isTop: Bool, readOnly: Bool) throws {
        for field in e.fields {
            let name = field.lowercasedName
            let prefix = isTop ? "" : "forwarded message\(e.path.isEmpty ? "" : " in part \(e.path)") "
            let location = "\(prefix)header \(field.name)"
            let isRouting = isTop ? (Self.addressHeaders.contains(name) || Self.threadingHeaders.contains(name))
                                  : Self.threadingHeaders.contains(name)
            let isRedactable = Self.redactableHeaders.contains(name) || (!isTop && Self.addressHeaders.contains(name))
            guard isRouting || isRedactable else { continue }
            let decoded = Array(ASCII.trimmed(try EncodedWords.decode(field.unfoldedValue(in: bytes), header: field.name)[...]))
            guard !decoded.isEmpty else { continue }
            if isRouting {
                // Scanned last, so that routing headers (never changed) do not take the first
                // placeholder numbers; `@` split off so host names are seen apart from addresses.
                routingScans.append((decoded.map { $0 == UInt8(ascii: "@") ? ASCII.space : $0 }, location))
                continue
            }
            let result = try engine(decoded, location: location)
            for f in result.findings {
                report.findings.append(MailFinding(location: location, entity: f.entity, detectorID: f.detectorID, isRoutingHeader: false))
            }
            if isRedacting && !readOnly && isRedactable && !result.findings.isEmpty && result.output != decoded {
                edits.append((field.range, EncodedWords.encodeField(name: field.name, value: result.output, eol: eol)))
            }
        }
    }

    private func scanFileName(_ e: MIMEEntity, readOnly: Bool, changes: inout HeaderChanges) throws {
        guard let name = try e.fileName(), !name.isEmpty else { return }
        let location = "\(e.displayPath) file name"
        let result = try engine(name, location: location)
        guard !result.findings.isEmpty else { return }
        for f in result.findings {
            report.findings.append(MailFinding(location: location, entity: f.entity, detectorID: f.detectorID, isRoutingHeader: false))
        }
        guard isRedacting && !readOnly else { return }
        if policy.redactAttachments {
            changes.fileName = result.output
        } else {
            refusals.append("\(e.displayPath): the attachment's file name contains \(Self.entityList(result.findings)); rename the file, or pass --redact-attachments to rename it")
        }
    }

    // MARK: text parts

    private func scanTextPart(_ e: MIMEEntity, readOnly: Bool, boundaries: [[UInt8]], changes: inout HeaderChanges) throws {
        let cteValue = e.field("content-transfer-encoding").map { String(decoding: $0.unfoldedValue(in: bytes), as: UTF8.self) }
        guard let cte = TransferEncoding(headerValue: cteValue) else {
            unredactable(e, reason: "transfer encoding '\(ASCII.trimmed(cteValue ?? ""))' is not supported")
            return
        }
        let label = e.contentType.string("charset") ?? "us-ascii"
        guard var charset = MailCharset(label: label) else {
            throw MailError(.unsupported, "\(e.displayPath): charset '\(label)' is not supported (utf-8, us-ascii, iso-8859-1, iso-8859-15, windows-1252); refusing rather than guessing")
        }
        let raw = bytes[e.bodyRange]
        var octets: [UInt8]
        switch cte {
        case .quotedPrintable:
            octets = QuotedPrintable.decode(raw)
        case .base64:
            do { octets = try Base64.decode(raw) } catch {
                throw MailError(.malformed, "\(e.displayPath): base64 body is truncated or contains invalid characters; the message is malformed")
            }
        default:
            octets = Array(raw)
        }
        let (lfText, hadCRLF) = ASCII.normalisingCRLF(octets)
        // 8-bit text under a us-ascii label (or none, as in many patches) that is valid UTF-8 is UTF-8.
        var relabel = false
        if charset == .usASCII, lfText.contains(where: { $0 >= 0x80 }), String(validating: lfText, as: UTF8.self) != nil {
            charset = .utf8
            relabel = true
        }
        let text = charset.decode(lfText)
        let isHTML = e.subtype == "html"
        let isFlowed = e.contentType.string("format")?.lowercased() == "flowed"
        let delSp = e.contentType.string("delsp")?.lowercased() == "yes"

        var detection = text
        var html: HTMLText?
        var flowed: FlowedText?
        if isHTML {
            html = HTMLText(text)
            detection = html?.text ?? []
        } else if isFlowed {
            flowed = FlowedText(text, delSp: delSp)
            detection = flowed?.detectionText ?? text
        }
        guard !detection.isEmpty else { return }
        let kind = e.isAttachment ? "\(e.displayPath), attachment" : e.displayPath
        let result = try engine(detection, location: kind)
        guard !result.findings.isEmpty else { return }
        let textLines = LineIndex(html == nil ? detection : text)
        for f in result.findings {
            var offset = min(f.span.lowerBound, detection.count)
            if let h = html, f.span.lowerBound < h.sources.count, let src = h.sources[f.span.lowerBound] { offset = src.lowerBound }
            let line = textLines.line(at: offset)
            report.findings.append(MailFinding(location: "\(kind) line \(line)", entity: f.entity, detectorID: f.detectorID, isRoutingHeader: false))
        }
        guard isRedacting && !readOnly else { return }
        if e.isAttachment && !policy.redactAttachments {
            refusals.append("\(e.displayPath) is a text attachment with \(result.findings.count) finding\(result.findings.count == 1 ? "" : "s") (\(Self.entityList(result.findings))); remove it, or pass --redact-attachments to redact it")
            return
        }

        // The new text, in the part's own form.
        var newText: [UInt8]
        if let h = html {
            newText = Self.applying(h.edits(for: result.findings.map { ($0.span, $0.replacement) }), to: text)
        } else if let f = flowed {
            newText = f.reflowed(result.output)
        } else {
            newText = result.output
        }
        var newCharset = charset
        var encoded: [UInt8]
        if let same = charset.encode(newText) {
            encoded = same
        } else {
            newCharset = .utf8
            encoded = newText
        }
        if newCharset != charset || (relabel && encoded.contains(where: { $0 >= 0x80 })) { changes.charset = newCharset.label }

        let longestLine = ASCII.lines(encoded).map(\.count).max() ?? 0
        var newCTE = cte
        switch cte {
        case .sevenBit:
            if encoded.contains(where: { $0 >= 0x80 }) || longestLine > 998 { newCTE = .quotedPrintable }
        case .eightBit, .binary:
            if longestLine > 998 { newCTE = .quotedPrintable }
        default:
            break
        }
        if newCTE != cte { changes.transferEncoding = newCTE.label }

        let body: [UInt8]
        switch newCTE {
        case .quotedPrintable:
            body = QuotedPrintable.encode(encoded, eol: eol)
        case .base64:
            let content = hadCRLF ? ASCII.applying(eol: [ASCII.cr, ASCII.lf], to: encoded) : encoded
            body = Base64.encode(content, lineLength: 76, eol: eol, finalEOL: raw.last == ASCII.lf)
        default:
            body = ASCII.applying(eol: eol, to: encoded)
        }
        // A boundary line inside the new body would cut the message apart.
        for line in ASCII.lines(body) {
            for b in boundaries where ASCII.hasPrefix(Array(line), at: 0, Array("--".utf8) + b) {
                throw MailError(.malformed, "\(e.displayPath): the redacted text would contain a MIME boundary line; refusing")
            }
        }
        edits.append((e.bodyRange, body))
    }

    // MARK: helpers

    private func engine(_ text: [UInt8], location: String) throws -> TextRedaction {
        do {
            return try redactor.redact(text)
        } catch let refusal as PolicyRefusal {
            throw MailRefusal(reasons: ["\(location): \(refusal.description)"])
        }
    }

    private func unredactable(_ e: MIMEEntity, reason: String) {
        report.unchecked.append(UncheckedPart(location: e.displayPath, reason: reason))
        if isRedacting && !policy.allowUnredactableParts {
            refusals.append("\(e.displayPath): \(reason); remove it, or pass --allow-attachments to send it unredacted")
        }
    }

    static func entityList(_ findings: [Finding]) -> String {
        var seen: [String] = []
        for f in findings where !seen.contains(f.entity.name) { seen.append(f.entity.name) }
        return seen.joined(separator: ", ")
    }

    static func applying(_ edits: [(Range<Int>, [UInt8])], to source: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(source.count)
        var pos = 0
        for (range, replacement) in edits.sorted(by: { $0.0.lowerBound < $1.0.lowerBound }) where range.lowerBound >= pos {
            out.append(contentsOf: source[pos..<range.lowerBound])
            out.append(contentsOf: replacement)
            pos = range.upperBound
        }
        out.append(contentsOf: source[pos...])
        return out
    }

    func applyEdits() throws -> [UInt8] {
        let sorted = edits.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        var pos = 0
        for edit in sorted {
            guard edit.range.lowerBound >= pos else {
                throw MailError(.malformed, "internal: overlapping rewrites at byte \(edit.range.lowerBound); refusing rather than emitting a damaged message")
            }
            pos = edit.range.upperBound
        }
        return Self.applying(sorted.map { ($0.range, $0.bytes) }, to: bytes)
    }
}

/// Line numbers for byte offsets: one pass to index, a binary search per lookup.
struct LineIndex {
    private var starts: [Int] = [0]

    init(_ text: [UInt8]) {
        for (i, b) in text.enumerated() where b == ASCII.lf { starts.append(i + 1) }
    }

    /// The 1-based line holding `offset`.
    func line(at offset: Int) -> Int {
        var lo = 0, hi = starts.count
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid }
        }
        return lo + 1
    }
}
