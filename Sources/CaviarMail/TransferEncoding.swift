/// A MIME Content-Transfer-Encoding.
public enum TransferEncoding: Sendable, Equatable {
    case sevenBit, eightBit, binary, quotedPrintable, base64

    /// The encoding for a header value (default 7bit), or nil when unknown (x-uuencode …).
    init?(headerValue: String?) {
        guard let raw = headerValue else { self = .sevenBit; return }
        switch ASCII.trimmed(raw.lowercased()) {
        case "", "7bit": self = .sevenBit
        case "8bit": self = .eightBit
        case "binary": self = .binary
        case "quoted-printable": self = .quotedPrintable
        case "base64": self = .base64
        default: return nil
        }
    }

    var label: String {
        switch self {
        case .sevenBit: "7bit"
        case .eightBit: "8bit"
        case .binary: "binary"
        case .quotedPrintable: "quoted-printable"
        case .base64: "base64"
        }
    }

    var isIdentity: Bool { self == .sevenBit || self == .eightBit || self == .binary }
}

/// Quoted-printable (RFC 2045 §6.7).
enum QuotedPrintable {
    /// Decodes a body. Hard line breaks become LF; soft breaks (`=` at line end) disappear;
    /// transport padding (trailing blanks) is dropped. A stray `=` that does not start a valid
    /// escape is kept literally, as RFC 2045 advises.
    static func decode(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        let lines = ASCII.lines(Array(body))
        for (index, rawLine) in lines.enumerated() {
            var line = rawLine
            if line.last == ASCII.cr { line = line.dropLast() }
            while let l = line.last, l == ASCII.space || l == ASCII.tab { line = line.dropLast() }
            var soft = false
            var i = line.startIndex
            while i < line.endIndex {
                let b = line[i]
                if b == UInt8(ascii: "=") {
                    if i + 1 == line.endIndex { soft = true; break }
                    if i + 2 < line.endIndex,
                       let h = ASCII.hexValue(line[i + 1]), let l = ASCII.hexValue(line[i + 2]) {
                        out.append(h << 4 | l)
                        i += 3
                        continue
                    }
                }
                out.append(b)
                i += 1
            }
            if !soft && index < lines.count - 1 { out.append(ASCII.lf) }
        }
        return out
    }

    /// Encodes `text` (LF line ends) with lines of at most 76 bytes, written with `eol`.
    static func encode(_ text: [UInt8], eol: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / 4)
        let lines = ASCII.lines(text)
        for (index, line) in lines.enumerated() {
            var column = 0
            let bytes = Array(line)
            for (j, b) in bytes.enumerated() {
                let isLast = j == bytes.count - 1
                let literal = (b >= 33 && b <= 126 && b != UInt8(ascii: "="))
                    || ((b == ASCII.space || b == ASCII.tab) && !isLast)
                let piece: [UInt8] = literal ? [b] : [UInt8(ascii: "="), ASCII.hexDigits[Int(b >> 4)], ASCII.hexDigits[Int(b & 15)]]
                // Keep room for the soft-break `=` unless this is the line's last piece.
                let limit = isLast ? 76 : 75
                if column + piece.count > limit {
                    out.append(UInt8(ascii: "="))
                    out.append(contentsOf: eol)
                    column = 0
                }
                // A dot alone or `From ` at the start of a line can be mangled by MTAs.
                if column == 0 && (b == UInt8(ascii: ".") || (b == UInt8(ascii: "F") && bytes[j...].starts(with: Array("From ".utf8)))) && literal {
                    out.append(contentsOf: [UInt8(ascii: "="), ASCII.hexDigits[Int(b >> 4)], ASCII.hexDigits[Int(b & 15)]])
                    column = 3
                    continue
                }
                out.append(contentsOf: piece)
                column += piece.count
            }
            if index < lines.count - 1 { out.append(contentsOf: eol) }
        }
        return out
    }
}

/// Base64 (RFC 2045 §6.8), strict on decode so a truncated part is an error, not a guess.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let table: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        return t
    }()

    enum DecodeError: Error { case invalidCharacter(offset: Int), truncated, dataAfterPadding }

    /// Decodes, skipping line breaks and blanks. Throws on characters outside the alphabet,
    /// on a length that is not a multiple of four, and on data after the padding.
    static func decode(_ encoded: ArraySlice<UInt8>) throws(DecodeError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count * 3 / 4)
        var quad: UInt32 = 0
        var count = 0
        var padding = 0
        var offset = 0
        for b in encoded {
            defer { offset += 1 }
            if ASCII.isWhitespace(b) { continue }
            if b == UInt8(ascii: "=") {
                padding += 1
                count += 1
                if padding > 2 { throw .dataAfterPadding }
                if count == 4 {
                    if padding == 1 {
                        out.append(UInt8(truncatingIfNeeded: quad >> 10))
                        out.append(UInt8(truncatingIfNeeded: quad >> 2))
                    } else {
                        out.append(UInt8(truncatingIfNeeded: quad >> 4))
                    }
                    count = 0
                    quad = 0
                }
                continue
            }
            if padding > 0 { throw .dataAfterPadding }
            let v = table[Int(b)]
            if v < 0 { throw .invalidCharacter(offset: offset) }
            quad = quad << 6 | UInt32(v)
            count += 1
            if count == 4 {
                out.append(UInt8(truncatingIfNeeded: quad >> 16))
                out.append(UInt8(truncatingIfNeeded: quad >> 8))
                out.append(UInt8(truncatingIfNeeded: quad))
                count = 0
                quad = 0
            }
        }
        if count != 0 { throw .truncated }
        return out
    }

    /// Encodes with padding; when `lineLength` is given, lines of that many characters joined by
    /// `eol`, with a final `eol` when `finalEOL`.
    static func encode(_ data: [UInt8], lineLength: Int? = 76, eol: [UInt8] = [ASCII.lf], finalEOL: Bool = false) -> [UInt8] {
        var chars: [UInt8] = []
        chars.reserveCapacity((data.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < data.count {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
            chars.append(alphabet[Int(n >> 18 & 63)]); chars.append(alphabet[Int(n >> 12 & 63)])
            chars.append(alphabet[Int(n >> 6 & 63)]); chars.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = data.count - i
        if rest == 1 {
            let n = UInt32(data[i]) << 16
            chars.append(alphabet[Int(n >> 18 & 63)]); chars.append(alphabet[Int(n >> 12 & 63)])
            chars.append(contentsOf: [61, 61])
        } else if rest == 2 {
            let n = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8
            chars.append(alphabet[Int(n >> 18 & 63)]); chars.append(alphabet[Int(n >> 12 & 63)])
            chars.append(alphabet[Int(n >> 6 & 63)]); chars.append(61)
        }
        guard let width = lineLength else { return chars }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count + chars.count / width * eol.count + eol.count)
        var start = 0
        while start < chars.count {
            let end = min(start + width, chars.count)
            out.append(contentsOf: chars[start..<end])
            if end < chars.count || finalEOL { out.append(contentsOf: eol) }
            start = end
        }
        return out
    }
}
