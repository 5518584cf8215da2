/// Parses an RFC 5322 message into a MIME tree of byte ranges. Nothing is copied or
/// re-encoded; a leading mbox `From ` line (git format-patch) is skipped.
public struct MessageParser {
    public var limits: MailLimits

    public init(limits: MailLimits = MailLimits()) { self.limits = limits }

    public func parse(_ bytes: [UInt8]) throws(MailError) -> ParsedMessage {
        guard bytes.count <= limits.maxMessageSize else {
            throw MailError(.limit, "message is \(bytes.count) bytes, over the limit of \(limits.maxMessageSize)")
        }
        guard !bytes.isEmpty else { throw MailError(.malformed, "message is empty") }
        var eol: [UInt8] = [ASCII.lf]
        if let lf = bytes.firstIndex(of: ASCII.lf), lf > 0, bytes[lf - 1] == ASCII.cr { eol = [ASCII.cr, ASCII.lf] }
        var start = 0
        if ASCII.hasPrefix(bytes, at: 0, Array("From ".utf8)) {
            start = (bytes.firstIndex(of: ASCII.lf) ?? (bytes.count - 1)) + 1
        }
        let root = try parseEntity(bytes, start..<bytes.count, path: "", depth: 0, defaultType: "text/plain", isMessage: true)
        return ParsedMessage(bytes: bytes, root: root, eol: eol)
    }

    private func parseEntity(_ b: [UInt8], _ range: Range<Int>, path: String, depth: Int, defaultType: String, isMessage: Bool) throws(MailError) -> MIMEEntity {
        guard depth <= limits.maxDepth else {
            throw MailError(.limit, "part \(path): MIME nesting deeper than \(limits.maxDepth) levels; refusing the message")
        }
        let where_ = path.isEmpty ? "the message header" : "the header of part \(path)"
        var fields: [HeaderField] = []
        var pos = range.lowerBound
        var headerEnd = range.upperBound
        var bodyStart = range.upperBound
        var lineNumber = 0
        while pos < range.upperBound {
            lineNumber += 1
            var end = pos
            while end < range.upperBound && b[end] != ASCII.lf { end += 1 }
            let next = end < range.upperBound ? end + 1 : end
            var contentEnd = end
            if contentEnd > pos && b[contentEnd - 1] == ASCII.cr { contentEnd -= 1 }
            if contentEnd - pos > limits.maxHeaderLineLength {
                throw MailError(.limit, "line \(lineNumber) of \(where_) is \(contentEnd - pos) bytes long, over the limit of \(limits.maxHeaderLineLength)")
            }
            if contentEnd == pos {  // blank line: the body follows
                headerEnd = pos
                bodyStart = next
                break
            }
            if b[pos] == ASCII.space || b[pos] == ASCII.tab {
                guard let last = fields.popLast() else {
                    throw MailError(.malformed, "line \(lineNumber) of \(where_) is a continuation line with no field before it")
                }
                fields.append(HeaderField(name: last.name, range: last.range.lowerBound..<next, valueRange: last.valueRange.lowerBound..<contentEnd))
            } else {
                var colon = pos
                while colon < contentEnd && b[colon] != UInt8(ascii: ":") {
                    let c = b[colon]
                    guard c > 32 && c < 127 else { colon = contentEnd; break }
                    colon += 1
                }
                guard colon < contentEnd, colon > pos else {
                    throw MailError(.malformed, "line \(lineNumber) of \(where_) is not a header field (no 'Name:'); the message is malformed")
                }
                guard fields.count < limits.maxHeaderFields else {
                    throw MailError(.limit, "\(where_) has more than \(limits.maxHeaderFields) fields")
                }
                fields.append(HeaderField(name: String(decoding: b[pos..<colon], as: UTF8.self), range: pos..<next, valueRange: (colon + 1)..<contentEnd))
            }
            pos = next
        }
        if pos >= range.upperBound { headerEnd = range.upperBound; bodyStart = range.upperBound }

        func value(_ name: String) -> ArraySlice<UInt8>? {
            fields.first { $0.lowercasedName == name }.map { $0.unfoldedValue(in: b) }
        }
        var contentType = ParameterizedValue(Array(defaultType.utf8)[...])
        if let raw = value("content-type") {
            let parsed = ParameterizedValue(raw)
            if parsed.value.contains("/") { contentType = parsed }
        }
        let disposition = value("content-disposition").map { ParameterizedValue($0) }
        let entity = MIMEEntity(path: path, fields: fields, headerEnd: headerEnd, bodyRange: bodyStart..<range.upperBound,
                                contentType: contentType, disposition: disposition, isMessage: isMessage)

        if entity.mainType == "multipart" {
            guard let boundary = contentType.parameters["boundary"], !boundary.isEmpty else {
                throw MailError(.malformed, "\(entity.displayPath) has no boundary parameter; the message is malformed")
            }
            guard boundary.count <= 200 else {
                throw MailError(.malformed, "\(entity.displayPath) has a boundary of \(boundary.count) bytes (at most 70 allowed)")
            }
            entity.boundary = boundary
            let childDefault = entity.subtype == "digest" ? "message/rfc822" : "text/plain"
            let ranges = try splitMultipart(b, entity.bodyRange, boundary: boundary, display: entity.displayPath)
            for (i, r) in ranges.enumerated() {
                let childPath = path.isEmpty ? "\(i + 1)" : "\(path).\(i + 1)"
                entity.children.append(try parseEntity(b, r, path: childPath, depth: depth + 1, defaultType: childDefault, isMessage: false))
            }
        } else if entity.mimeType == "message/rfc822" || entity.mimeType == "message/global" {
            let cte = TransferEncoding(headerValue: value("content-transfer-encoding").map { String(decoding: $0, as: UTF8.self) })
            if cte?.isIdentity == true, !entity.bodyRange.isEmpty {
                entity.encapsulated = try parseEntity(b, entity.bodyRange, path: path, depth: depth + 1, defaultType: "text/plain", isMessage: true)
            }
        }
        return entity
    }

    /// The byte ranges of a multipart's children. The line end before a delimiter belongs to
    /// the delimiter (RFC 2046 §5.1.1).
    private func splitMultipart(_ b: [UInt8], _ body: Range<Int>, boundary: [UInt8], display: String) throws(MailError) -> [Range<Int>] {
        let delimiter = Array("--".utf8) + boundary
        var parts: [Range<Int>] = []
        var partStart: Int?
        var closed = false
        var pos = body.lowerBound
        while pos < body.upperBound {
            var end = pos
            while end < body.upperBound && b[end] != ASCII.lf { end += 1 }
            let next = end < body.upperBound ? end + 1 : end
            if end - pos >= delimiter.count, ASCII.hasPrefix(b, at: pos, delimiter) {
                var i = pos + delimiter.count
                var isClose = false
                if ASCII.hasPrefix(b, at: i, Array("--".utf8)) && i + 2 <= end { isClose = true; i += 2 }
                var onlyPadding = true
                while i < end {
                    if b[i] != ASCII.space && b[i] != ASCII.tab && b[i] != ASCII.cr { onlyPadding = false; break }
                    i += 1
                }
                if onlyPadding {
                    var before = pos
                    if before > body.lowerBound && b[before - 1] == ASCII.lf { before -= 1 }
                    if before > body.lowerBound && b[before - 1] == ASCII.cr { before -= 1 }
                    if let s = partStart { parts.append(s..<max(s, before)) }
                    if isClose { closed = true; break }
                    partStart = next
                }
            }
            pos = next
        }
        guard partStart != nil else {
            throw MailError(.malformed, "\(display): the boundary given in Content-Type never appears in the body; the message is malformed")
        }
        guard closed else {
            throw MailError(.malformed, "\(display): no closing boundary; the message is truncated or malformed")
        }
        return parts
    }
}
