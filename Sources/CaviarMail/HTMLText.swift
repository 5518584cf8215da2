/// The readable text of an HTML part: text nodes and the `href`, `title` and `alt` attribute
/// values, entity-decoded, joined by line ends into one text for the engine, with a map from
/// every decoded byte back to the source bytes it came from. Markup is never rewritten: a
/// finding replaces only the source bytes of its span, HTML-escaped.
struct HTMLText {
    /// The detection text.
    var text: [UInt8] = []
    /// For each byte of `text`: the source range it came from, or nil for a separator.
    var sources: [Range<Int>?] = []

    init(_ html: [UInt8]) {
        var i = 0
        let n = html.count
        var textStart = 0
        func flushText(_ end: Int) {
            if textStart < end { addPiece(html, textStart..<end) }
        }
        while i < n {
            guard html[i] == UInt8(ascii: "<"), i + 1 < n else { i += 1; continue }
            let c = html[i + 1]
            if ASCII.hasPrefix(html, at: i, Array("<!--".utf8)) {
                flushText(i)
                i = Self.find(html, Array("-->".utf8), from: i + 4).map { $0 + 3 } ?? n
                textStart = i
                continue
            }
            let isLetter = (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z")
            guard isLetter || c == UInt8(ascii: "/") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") else { i += 1; continue }
            flushText(i)
            i = parseTag(html, from: i)
            textStart = i
        }
        flushText(n)
    }

    /// Parses one tag starting at `<`, records wanted attribute values, and returns the index
    /// after it (after the matching end tag for `script` and `style`).
    private mutating func parseTag(_ h: [UInt8], from start: Int) -> Int {
        let n = h.count
        var i = start + 1
        if h[i] == UInt8(ascii: "/") || h[i] == UInt8(ascii: "!") || h[i] == UInt8(ascii: "?") {
            return (h[i...].firstIndex(of: UInt8(ascii: ">")).map { $0 + 1 }) ?? n
        }
        let nameStart = i
        while i < n && !ASCII.isWhitespace(h[i]) && h[i] != UInt8(ascii: ">") && h[i] != UInt8(ascii: "/") { i += 1 }
        let tagName = ASCII.lowercased(h[nameStart..<i])
        while i < n && h[i] != UInt8(ascii: ">") {
            if ASCII.isWhitespace(h[i]) || h[i] == UInt8(ascii: "/") { i += 1; continue }
            let attrStart = i
            while i < n && !ASCII.isWhitespace(h[i]) && h[i] != UInt8(ascii: "=") && h[i] != UInt8(ascii: ">") { i += 1 }
            let attr = ASCII.lowercased(h[attrStart..<i])
            while i < n && ASCII.isWhitespace(h[i]) { i += 1 }
            guard i < n, h[i] == UInt8(ascii: "=") else { continue }
            i += 1
            while i < n && ASCII.isWhitespace(h[i]) { i += 1 }
            guard i < n else { break }
            var valueRange: Range<Int>
            if h[i] == UInt8(ascii: "\"") || h[i] == UInt8(ascii: "'") {
                let q = h[i]
                let end = h[(i + 1)...].firstIndex(of: q) ?? n
                valueRange = (i + 1)..<end
                i = min(n, end + 1)
            } else {
                let s = i
                while i < n && !ASCII.isWhitespace(h[i]) && h[i] != UInt8(ascii: ">") { i += 1 }
                valueRange = s..<i
            }
            if Self.scannedAttributes.contains(attr) { addPiece(h, valueRange) }
        }
        i = min(n, i + 1)
        if tagName == Array("script".utf8) || tagName == Array("style".utf8) {
            let close = Array("</".utf8) + tagName
            var j = i
            while j < n {
                if ASCII.hasPrefix(h, at: j, close, caseInsensitive: true) { break }
                j += 1
            }
            return (h[j...].firstIndex(of: UInt8(ascii: ">")).map { $0 + 1 }) ?? n
        }
        return i
    }

    static let scannedAttributes: Set<[UInt8]> = [Array("href".utf8), Array("title".utf8), Array("alt".utf8)]

    private mutating func addPiece(_ h: [UInt8], _ range: Range<Int>) {
        // Pieces without a letter or digit cannot hold anything: skip them.
        guard h[range].contains(where: { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 || ($0 >= 48 && $0 <= 57) || $0 >= 0x80 || $0 == UInt8(ascii: "&") }) else { return }
        if !text.isEmpty { text.append(ASCII.lf); sources.append(nil) }
        var i = range.lowerBound
        while i < range.upperBound {
            if h[i] == UInt8(ascii: "&"), let (scalar, end) = Self.entity(h, at: i, limit: range.upperBound) {
                var bytes: [UInt8] = []
                // A no-break space is a space to the engine; the source keeps `&nbsp;`.
                MailCharset.appendUTF8(scalar == 0xA0 ? 0x20 : scalar, to: &bytes)
                for b in bytes { text.append(b); sources.append(i..<end) }
                i = end
                continue
            }
            text.append(h[i])
            sources.append(i..<(i + 1))
            i += 1
        }
    }

    /// The source edits for the engine's findings: each finding's bytes in each piece it touches
    /// are replaced, the first piece getting the (escaped) replacement and the others nothing.
    func edits(for findings: [(span: Range<Int>, replacement: [UInt8])]) -> [(Range<Int>, [UInt8])] {
        var edits: [(Range<Int>, [UInt8])] = []
        for f in findings {
            var first = true
            var k = f.span.lowerBound
            while k < f.span.upperBound {
                guard let s = sources[k] else { k += 1; continue }
                var last = s
                var m = k + 1
                while m < f.span.upperBound, let t = sources[m] { last = t; m += 1 }
                edits.append((s.lowerBound..<last.upperBound, first ? Self.escape(f.replacement) : []))
                first = false
                k = m
            }
        }
        return edits
    }

    static func escape(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for b in text {
            switch b {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            default: out.append(b)
            }
        }
        return out
    }

    static func find(_ h: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        var i = from
        while i + needle.count <= h.count {
            if ASCII.hasPrefix(h, at: i, needle) { return i }
            i += 1
        }
        return nil
    }

    /// A character reference at `i` (`&#64;`, `&#x40;`, `&amp;`): its scalar and end index.
    static func entity(_ h: [UInt8], at i: Int, limit: Int) -> (UInt32, Int)? {
        var j = i + 1
        guard j < limit else { return nil }
        if h[j] == UInt8(ascii: "#") {
            j += 1
            var hex = false
            if j < limit && (h[j] | 0x20) == UInt8(ascii: "x") { hex = true; j += 1 }
            var value: UInt32 = 0
            let digitsStart = j
            while j < limit, j - digitsStart < 8 {
                let c = h[j]
                if let d = ASCII.hexValue(c), hex || (c >= 48 && c <= 57) {
                    value = value * (hex ? 16 : 10) + UInt32(d)
                    j += 1
                } else { break }
            }
            guard j > digitsStart else { return nil }
            let end = (j < limit && h[j] == UInt8(ascii: ";")) ? j + 1 : j
            if value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) { return (0xFFFD, end) }
            return (value, end)
        }
        let nameStart = j
        while j < limit, j - nameStart < 12, (h[j] | 0x20) >= 97 && (h[j] | 0x20) <= 122 || (h[j] >= 48 && h[j] <= 57) { j += 1 }
        guard j < limit, h[j] == UInt8(ascii: ";"), j > nameStart else { return nil }
        guard let v = namedEntities[String(decoding: h[nameStart..<j], as: UTF8.self)] else { return nil }
        return (v, j + 1)
    }

    static let namedEntities: [String: UInt32] = [
        "amp": 38, "lt": 60, "gt": 62, "quot": 34, "apos": 39, "nbsp": 0xA0, "commat": 64, "period": 46,
        "colon": 58, "plus": 43, "lpar": 40, "rpar": 41, "hyphen": 0x2010, "dash": 0x2010, "sol": 47, "num": 35,
        "iexcl": 0xA1, "cent": 0xA2, "pound": 0xA3, "curren": 0xA4, "yen": 0xA5, "brvbar": 0xA6, "sect": 0xA7,
        "uml": 0xA8, "copy": 0xA9, "ordf": 0xAA, "laquo": 0xAB, "not": 0xAC, "shy": 0xAD, "reg": 0xAE,
        "macr": 0xAF, "deg": 0xB0, "plusmn": 0xB1, "sup2": 0xB2, "sup3": 0xB3, "acute": 0xB4, "micro": 0xB5,
        "para": 0xB6, "middot": 0xB7, "cedil": 0xB8, "sup1": 0xB9, "ordm": 0xBA, "raquo": 0xBB,
        "frac14": 0xBC, "frac12": 0xBD, "frac34": 0xBE, "iquest": 0xBF,
        "Agrave": 0xC0, "Aacute": 0xC1, "Acirc": 0xC2, "Atilde": 0xC3, "Auml": 0xC4, "Aring": 0xC5, "AElig": 0xC6,
        "Ccedil": 0xC7, "Egrave": 0xC8, "Eacute": 0xC9, "Ecirc": 0xCA, "Euml": 0xCB, "Igrave": 0xCC, "Iacute": 0xCD,
        "Icirc": 0xCE, "Iuml": 0xCF, "ETH": 0xD0, "Ntilde": 0xD1, "Ograve": 0xD2, "Oacute": 0xD3, "Ocirc": 0xD4,
        "Otilde": 0xD5, "Ouml": 0xD6, "times": 0xD7, "Oslash": 0xD8, "Ugrave": 0xD9, "Uacute": 0xDA, "Ucirc": 0xDB,
        "Uuml": 0xDC, "Yacute": 0xDD, "THORN": 0xDE, "szlig": 0xDF, "agrave": 0xE0, "aacute": 0xE1, "acirc": 0xE2,
        "atilde": 0xE3, "auml": 0xE4, "aring": 0xE5, "aelig": 0xE6, "ccedil": 0xE7, "egrave": 0xE8, "eacute": 0xE9,
        "ecirc": 0xEA, "euml": 0xEB, "igrave": 0xEC, "iacute": 0xED, "icirc": 0xEE, "iuml": 0xEF, "eth": 0xF0,
        "ntilde": 0xF1, "ograve": 0xF2, "oacute": 0xF3, "ocirc": 0xF4, "otilde": 0xF5, "ouml": 0xF6, "divide": 0xF7,
        "oslash": 0xF8, "ugrave": 0xF9, "uacute": 0xFA, "ucirc": 0xFB, "uuml": 0xFC, "yacute": 0xFD, "thorn": 0xFE,
        "yuml": 0xFF, "OElig": 0x152, "oelig": 0x153, "Scaron": 0x160, "scaron": 0x161, "Yuml": 0x178,
        "Zcaron": 0x17D, "zcaron": 0x17E, "fnof": 0x192, "circ": 0x2C6, "tilde": 0x2DC,
        "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009, "zwnj": 0x200C, "zwj": 0x200D, "ndash": 0x2013,
        "mdash": 0x2014, "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A, "ldquo": 0x201C, "rdquo": 0x201D,
        "bdquo": 0x201E, "dagger": 0x2020, "Dagger": 0x2021, "bull": 0x2022, "hellip": 0x2026, "permil": 0x2030,
        "lsaquo": 0x2039, "rsaquo": 0x203A, "euro": 0x20AC, "trade": 0x2122, "larr": 0x2190, "rarr": 0x2192,
    ]
}
