/// The body and header charsets caviar decodes. Unknown charsets are refused, never guessed.
///
/// Like the WHATWG encoding standard, `iso-8859-1` and `us-ascii` labels are decoded as
/// windows-1252 (mail clients write 0x80–0x9F smart quotes and `€` into such parts).
public enum MailCharset: Sendable, Equatable {
    case utf8
    case usASCII
    case windows1252
    case iso8859_15

    /// The charset for a MIME label (case-insensitive, common aliases), or nil when unknown.
    public init?(label: String) {
        var name = ASCII.trimmed(label.lowercased(), extra: "\"'")
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }  // RFC 2231 language
        switch name {
        case "utf-8", "utf8", "unicode-1-1-utf-8":
            self = .utf8
        case "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us", "cp367", "ibm367", "iso-ir-6":
            self = .usASCII
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
             "iso-ir-100", "iso_8859-1:1987", "windows-1252", "cp1252", "x-cp1252", "win-1252":
            self = .windows1252
        case "iso-8859-15", "iso8859-15", "iso_8859-15", "latin-9", "latin9", "l9", "csisolatin9":
            self = .iso8859_15
        default:
            return nil
        }
    }

    /// The label written when a part is re-encoded in this charset.
    public var label: String {
        switch self {
        case .utf8: "utf-8"
        case .usASCII: "us-ascii"
        case .windows1252: "windows-1252"
        case .iso8859_15: "iso-8859-15"
        }
    }

    /// Decodes `bytes` to UTF-8. UTF-8 input is passed through untouched (invalid sequences
    /// included: the engine tolerates them and untouched bytes must stay identical).
    public func decode(_ bytes: [UInt8]) -> [UInt8] {
        if self == .utf8 || bytes.allSatisfy({ $0 < 0x80 }) { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 { out.append(b); continue }
            Self.appendUTF8(scalar(for: b), to: &out)
        }
        return out
    }

    /// Encodes UTF-8 `text` in this charset, or nil when a character does not fit.
    public func encode(_ text: [UInt8]) -> [UInt8]? {
        if self == .utf8 { return text }
        if text.allSatisfy({ $0 < 0x80 }) { return text }
        if self == .usASCII { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
            let v = scalar.value
            if v < 0x80 { out.append(UInt8(v)); continue }
            guard let b = byte(for: v) else { return nil }
            out.append(b)
        }
        return out
    }

    private func scalar(for byte: UInt8) -> UInt32 {
        switch self {
        case .utf8: return UInt32(byte)
        case .usASCII, .windows1252:
            if byte >= 0x80 && byte < 0xA0 { return Self.cp1252High[Int(byte - 0x80)] }
            return UInt32(byte)
        case .iso8859_15:
            if let v = Self.latin9Differences.first(where: { $0.0 == byte })?.1 { return v }
            return UInt32(byte)
        }
    }

    private func byte(for scalar: UInt32) -> UInt8? {
        switch self {
        case .utf8, .usASCII: return nil
        case .windows1252:
            if let i = Self.cp1252High.firstIndex(of: scalar) { return UInt8(0x80 + i) }
            if scalar >= 0xA0 && scalar <= 0xFF { return UInt8(scalar) }
            return nil
        case .iso8859_15:
            if let d = Self.latin9Differences.first(where: { $0.1 == scalar }) { return d.0 }
            if scalar <= 0xFF, !Self.latin9Differences.contains(where: { UInt32($0.0) == scalar }) {
                return UInt8(scalar)
            }
            return nil
        }
    }

    /// windows-1252 0x80…0x9F; the five undefined bytes map to the C1 controls (WHATWG).
    private static let cp1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// ISO-8859-15 differs from ISO-8859-1 in eight positions.
    private static let latin9Differences: [(UInt8, UInt32)] = [
        (0xA4, 0x20AC), (0xA6, 0x0160), (0xA8, 0x0161), (0xB4, 0x017D),
        (0xB8, 0x017E), (0xBC, 0x0152), (0xBD, 0x0153), (0xBE, 0x0178),
    ]

    static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
