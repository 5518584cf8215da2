/// One header field as it sits in the message: byte ranges into the original buffer, so an
/// untouched field is copied byte for byte.
public struct HeaderField: Sendable {
    /// The field name as written (`Subject`).
    public var name: String
    /// The whole field: name, value, continuation lines and the final line end.
    public var range: Range<Int>
    /// The value after the colon, up to (not including) the final line end; still folded.
    public var valueRange: Range<Int>

    var lowercasedName: String { name.lowercased() }

    /// The value unfolded: line ends before continuation blanks removed, blanks kept.
    func unfoldedValue(in bytes: [UInt8]) -> ArraySlice<UInt8> {
        let raw = bytes[valueRange]
        guard raw.contains(ASCII.lf) else { return raw }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        for b in raw where b != ASCII.lf && b != ASCII.cr { out.append(b) }
        return out[...]
    }
}

/// A parsed Content-Type or Content-Disposition value: `type/subtype; name=value …`.
struct ParameterizedValue {
    /// `text/plain`, `attachment` …, lower-cased.
    var value: String
    /// Parameters with lower-cased names; RFC 2231 continuations joined and charset-decoded
    /// (UTF-8), quoted strings unquoted.
    var parameters: [String: [UInt8]]

    init(_ raw: ArraySlice<UInt8>) {
        let bytes = Self.strippingComments(Array(raw))
        var segments: [[UInt8]] = []
        var current: [UInt8] = []
        var inQuotes = false
        var escaped = false
        for b in bytes {
            if escaped { current.append(b); escaped = false; continue }
            if inQuotes && b == UInt8(ascii: "\\") { current.append(b); escaped = true; continue }
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            if b == UInt8(ascii: ";") && !inQuotes { segments.append(current); current = []; continue }
            current.append(b)
        }
        segments.append(current)
        value = String(decoding: ASCII.lowercased(ASCII.trimmed(segments[0][...])), as: UTF8.self)
        var simple: [String: [UInt8]] = [:]
        var extended: [String: [(index: Int, encoded: Bool, value: [UInt8])]] = [:]
        for segment in segments.dropFirst() {
            guard let eq = segment.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(decoding: ASCII.lowercased(ASCII.trimmed(segment[..<eq])), as: UTF8.self)
            var v = Array(ASCII.trimmed(segment[(eq + 1)...]))
            if v.first == UInt8(ascii: "\""), v.count >= 2, v.last == UInt8(ascii: "\"") {
                var unq: [UInt8] = []
                var esc = false
                for b in v.dropFirst().dropLast() {
                    if !esc && b == UInt8(ascii: "\\") { esc = true; continue }
                    esc = false
                    unq.append(b)
                }
                v = unq
            }
            // RFC 2231: name*=charset'lang'%XX, name*0=…, name*1*=…
            if let star = name.firstIndex(of: "*") {
                let base = String(name[..<star])
                let rest = name[name.index(after: star)...]
                let encoded = rest.hasSuffix("*") || rest.isEmpty
                let indexText = rest.hasSuffix("*") ? rest.dropLast() : rest
                let index = Int(indexText) ?? 0
                extended[base, default: []].append((index, encoded, v))
            } else {
                simple[name] = v
            }
        }
        for (base, pieces) in extended {
            var charset: MailCharset? = .utf8
            var joined: [UInt8] = []
            for (n, piece) in pieces.sorted(by: { $0.index < $1.index }).enumerated() {
                var v = piece.value
                if piece.encoded {
                    if n == 0, let q1 = v.firstIndex(of: UInt8(ascii: "'")),
                       let q2 = v[(q1 + 1)...].firstIndex(of: UInt8(ascii: "'")) {
                        charset = MailCharset(label: String(decoding: v[..<q1], as: UTF8.self)) ?? (q1 == 0 ? .utf8 : nil)
                        v = Array(v[(q2 + 1)...])
                    }
                    v = Self.percentDecoded(v)
                }
                joined.append(contentsOf: v)
            }
            // An unknown charset leaves the bytes as windows-1252 text: still scanned.
            simple[base] = (charset ?? .windows1252).decode(joined)
        }
        parameters = simple
    }

    static func percentDecoded(_ v: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < v.count {
            if v[i] == UInt8(ascii: "%"), i + 2 < v.count, let h = ASCII.hexValue(v[i + 1]), let l = ASCII.hexValue(v[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(v[i])
                i += 1
            }
        }
        return out
    }

    static func strippingComments(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var depth = 0
        var inQuotes = false
        var escaped = false
        for c in b {
            if escaped { if depth == 0 { out.append(c) }; escaped = false; continue }
            if c == UInt8(ascii: "\\") && (inQuotes || depth > 0) { escaped = true; if depth == 0 { out.append(c) }; continue }
            if depth == 0 && c == UInt8(ascii: "\"") { inQuotes.toggle(); out.append(c); continue }
            if !inQuotes && c == UInt8(ascii: "(") { depth += 1; continue }
            if !inQuotes && c == UInt8(ascii: ")") && depth > 0 { depth -= 1; continue }
            if depth == 0 { out.append(c) }
        }
        return out
    }

    func string(_ name: String) -> String? {
        parameters[name].map { String(decoding: $0, as: UTF8.self) }
    }
}
