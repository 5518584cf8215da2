/// Small byte and ASCII helpers shared by the parser and the encoders.
enum ASCII {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let space: UInt8 = 32
    static let tab: UInt8 = 9

    static func isWhitespace(_ b: UInt8) -> Bool { b == space || b == tab || b == cr || b == lf }

    static func lower(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b + 32 : b }

    static func lowercased(_ bytes: some Sequence<UInt8>) -> [UInt8] { bytes.map(lower) }

    /// `s` without leading and trailing spaces, tabs, line ends and the `extra` characters.
    static func trimmed(_ s: String, extra: String = "") -> String {
        let strip = Set(" \t\r\n" + extra)
        var scalars = Substring(s)
        while let f = scalars.first, strip.contains(f) { scalars = scalars.dropFirst() }
        while let l = scalars.last, strip.contains(l) { scalars = scalars.dropLast() }
        return String(scalars)
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = bytes
        while let f = s.first, isWhitespace(f) { s = s.dropFirst() }
        while let l = s.last, isWhitespace(l) { s = s.dropLast() }
        return s
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: b - 48
        case 65...70: b - 55
        case 97...102: b - 87
        default: nil
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Whether `haystack` starts with `prefix` at `offset`, ASCII case-insensitively.
    static func hasPrefix(_ haystack: [UInt8], at offset: Int, _ prefix: [UInt8], caseInsensitive: Bool = false) -> Bool {
        guard offset >= 0, offset + prefix.count <= haystack.count else { return false }
        for i in 0..<prefix.count {
            let a = haystack[offset + i], b = prefix[i]
            if caseInsensitive ? lower(a) != lower(b) : a != b { return false }
        }
        return true
    }

    /// Splits `text` at LF; a CR before the LF stays with the line content.
    static func lines(_ text: [UInt8]) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        for i in 0..<text.count where text[i] == lf {
            out.append(text[start..<i])
            start = i + 1
        }
        out.append(text[start..<text.count])
        return out
    }

    /// `text` with every CRLF turned into LF, and whether any CRLF was there.
    static func normalisingCRLF(_ text: [UInt8]) -> (text: [UInt8], hadCRLF: Bool) {
        guard text.contains(cr) else { return (text, false) }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var had = false
        var i = 0
        while i < text.count {
            if text[i] == cr && i + 1 < text.count && text[i + 1] == lf {
                had = true
                i += 1
                continue
            }
            out.append(text[i])
            i += 1
        }
        return (out, had)
    }

    /// `text` (LF line ends) with every LF written as `eol`.
    static func applying(eol: [UInt8], to text: [UInt8]) -> [UInt8] {
        if eol == [lf] { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / 30)
        for b in text {
            if b == lf { out.append(contentsOf: eol) } else { out.append(b) }
        }
        return out
    }
}
