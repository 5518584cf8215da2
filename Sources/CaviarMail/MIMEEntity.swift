/// One node of a message's MIME tree, as byte ranges into the original message.
public final class MIMEEntity {
    /// IMAP-style part number (`1`, `2.1`); empty for the top-level message.
    public let path: String
    /// The header fields in order.
    public let fields: [HeaderField]
    /// Where a new header field would be inserted (the start of the blank line, or the end of
    /// the header block when the entity has no body).
    public let headerEnd: Int
    /// The body: after the blank line up to the line end before the next boundary.
    public let bodyRange: Range<Int>
    /// `type/subtype` lower-cased, with parameters.
    let contentType: ParameterizedValue
    let disposition: ParameterizedValue?
    /// Whether this entity starts a message (top level or inside message/rfc822).
    public let isMessage: Bool
    /// Children of a multipart.
    public internal(set) var children: [MIMEEntity] = []
    /// The message inside a message/rfc822 part.
    public internal(set) var encapsulated: MIMEEntity?
    /// The boundary of a multipart, as bytes.
    var boundary: [UInt8]?

    init(path: String, fields: [HeaderField], headerEnd: Int, bodyRange: Range<Int>, contentType: ParameterizedValue, disposition: ParameterizedValue?, isMessage: Bool) {
        self.path = path
        self.fields = fields
        self.headerEnd = headerEnd
        self.bodyRange = bodyRange
        self.contentType = contentType
        self.disposition = disposition
        self.isMessage = isMessage
    }

    /// `text/plain`, `multipart/mixed` …
    public var mimeType: String { contentType.value }

    var mainType: Substring { mimeType.split(separator: "/", maxSplits: 1).first ?? "" }
    var subtype: Substring { mimeType.split(separator: "/", maxSplits: 1).dropFirst().first ?? "" }

    func field(_ lowercasedName: String) -> HeaderField? {
        fields.first { $0.lowercasedName == lowercasedName }
    }

    /// The attachment's file name (Content-Disposition `filename`, else Content-Type `name`),
    /// RFC 2231 or RFC 2047 decoded, as UTF-8; nil when it has none.
    func fileName() throws(MailError) -> [UInt8]? {
        guard let raw = disposition?.parameters["filename"] ?? contentType.parameters["name"] else { return nil }
        return try EncodedWords.decode(raw[...], header: "file name of part \(displayPath)")
    }

    /// Whether the part is an attachment: `Content-Disposition: attachment` or a file name.
    var isAttachment: Bool {
        disposition?.value == "attachment" || disposition?.parameters["filename"] != nil
            || contentType.parameters["name"] != nil
    }

    /// How reports name this part: `part 1.2 (text/html)`, `message body (text/plain)`.
    public var displayPath: String { path.isEmpty ? "message body (\(mimeType))" : "part \(path) (\(mimeType))" }
}

/// Structural limits: a hostile or broken message gets a clear error instead of a crash.
public struct MailLimits: Sendable {
    /// Nesting of multiparts and forwarded messages.
    public var maxDepth = 64
    /// Longest physical header line, in bytes (RFC 5322 allows 998; real mail exceeds it a little).
    public var maxHeaderLineLength = 16_384
    /// Largest message, in bytes.
    public var maxMessageSize = 256 << 20
    /// Most header fields in one entity.
    public var maxHeaderFields = 10_000

    public init() {}
}

/// A parsed message: the original bytes and the MIME tree over them.
public struct ParsedMessage {
    public let bytes: [UInt8]
    public let root: MIMEEntity
    /// The message's line end (`\r\n` or `\n`), taken from its first line.
    public let eol: [UInt8]
}
