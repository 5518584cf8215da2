/// Changes to one part's MIME headers after its body was rewritten: a new charset, a new
/// transfer encoding, a redacted file name. Emitted as edits of just the fields concerned.
struct HeaderChanges {
    var charset: String?
    var transferEncoding: String?
    var fileName: [UInt8]?

    func emit(for e: MIMEEntity, in bytes: [UInt8], eol: [UInt8], into edits: inout [(range: Range<Int>, bytes: [UInt8])]) {
        if let ct = e.field("content-type"), charset != nil || (fileName != nil && e.contentType.parameters["name"] != nil) {
            if fileName == nil, let cs = charset {
                edits.append((ct.range, Self.replacingCharset(in: ct, bytes: bytes, with: cs)))
            } else {
                var params = e.contentType.parameters
                if let cs = charset { params["charset"] = Array(cs.utf8) }
                if let name = fileName, params["name"] != nil { params["name"] = name }
                edits.append((ct.range, Self.field(name: ct.name, value: e.contentType.value, parameters: params, eol: eol)))
            }
        } else if let cs = charset {
            // No Content-Type field: the default is text/plain; us-ascii.
            edits.append((e.headerEnd..<e.headerEnd, Array("Content-Type: text/plain; charset=\(cs)".utf8) + eol))
        }
        if let name = fileName, let cd = e.field("content-disposition"), let parsed = e.disposition,
           parsed.parameters["filename"] != nil {
            var params = parsed.parameters
            params["filename"] = name
            edits.append((cd.range, Self.field(name: cd.name, value: parsed.value, parameters: params, eol: eol)))
        }
        if let cte = transferEncoding {
            if let field = e.field("content-transfer-encoding") {
                edits.append((field.range, Array("\(field.name): \(cte)".utf8) + eol))
            } else {
                edits.append((e.headerEnd..<e.headerEnd, Array("Content-Transfer-Encoding: \(cte)".utf8) + eol))
            }
        }
    }

    /// The field with only the charset parameter's value replaced (or added).
    static func replacingCharset(in field: HeaderField, bytes: [UInt8], with charset: String) -> [UInt8] {
        let raw = Array(bytes[field.range])
        let valueStart = field.valueRange.lowerBound - field.range.lowerBound
        let valueEnd = field.valueRange.upperBound - field.range.lowerBound
        var i = valueStart
        while i < valueEnd {
            if ASCII.hasPrefix(raw, at: i, Array("charset".utf8), caseInsensitive: true),
               i == valueStart || raw[i - 1] == UInt8(ascii: ";") || ASCII.isWhitespace(raw[i - 1]) {
                var j = i + 7
                while j < valueEnd && ASCII.isWhitespace(raw[j]) { j += 1 }
                if j < valueEnd && raw[j] == UInt8(ascii: "=") {
                    j += 1
                    while j < valueEnd && ASCII.isWhitespace(raw[j]) { j += 1 }
                    var end = j
                    if end < valueEnd && raw[end] == UInt8(ascii: "\"") {
                        end = (raw[(end + 1)..<valueEnd].firstIndex(of: UInt8(ascii: "\"")) ?? (valueEnd - 1)) + 1
                    } else {
                        while end < valueEnd && raw[end] != UInt8(ascii: ";") && !ASCII.isWhitespace(raw[end]) { end += 1 }
                    }
                    return Array(raw[..<j]) + Array(charset.utf8) + Array(raw[end...])
                }
            }
            i += 1
        }
        return Array(raw[..<valueEnd]) + Array("; charset=\(charset)".utf8) + Array(raw[valueEnd...])
    }

    /// A whole field `Name: value;` + one parameter per line, RFC 2231 for non-ASCII values.
    static func field(name: String, value: String, parameters: [String: [UInt8]], eol: [UInt8]) -> [UInt8] {
        var out = Array("\(name): \(value)".utf8)
        for key in parameters.keys.sorted() {
            guard let v = parameters[key] else { continue }
            out.append(UInt8(ascii: ";"))
            out.append(contentsOf: eol)
            out.append(ASCII.space)
            if v.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
                out.append(contentsOf: "\(key)=\"".utf8)
                for b in v {
                    if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                    out.append(b)
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: "\(key)*=utf-8''".utf8)
                for b in v {
                    let plain = (b >= 48 && b <= 57) || ((b | 0x20) >= 97 && (b | 0x20) <= 122) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
                    if plain { out.append(b) } else { out.append(contentsOf: [UInt8(ascii: "%"), ASCII.hexDigits[Int(b >> 4)], ASCII.hexDigits[Int(b & 15)]]) }
                }
            }
        }
        out.append(contentsOf: eol)
        return out
    }
}
