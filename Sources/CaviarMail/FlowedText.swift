/// format=flowed (RFC 3676): undone before detection, re-applied to lines that changed.
struct FlowedText {
    struct LogicalLine {
        var depth: Int
        var text: [UInt8]
        /// The physical lines it came from, without line ends.
        var physical: [ArraySlice<UInt8>]
    }

    var lines: [LogicalLine]
    var endsWithNewline: Bool
    var delSp: Bool

    /// Unflows `text` (LF line ends): soft breaks (a trailing space) joined, `DelSp=yes`
    /// honoured, quote depth and space-stuffing taken off.
    init(_ text: [UInt8], delSp: Bool) {
        self.delSp = delSp
        var physical = ASCII.lines(text)
        endsWithNewline = text.last == ASCII.lf
        if endsWithNewline { physical.removeLast() }
        var out: [LogicalLine] = []
        var open = false
        for line in physical {
            var depth = 0
            var i = line.startIndex
            while i < line.endIndex && line[i] == UInt8(ascii: ">") { depth += 1; i += 1 }
            if i < line.endIndex && line[i] == ASCII.space { i += 1 }
            var content = line[i...]
            let isSignature = content.elementsEqual("-- ".utf8)
            let flowed = content.last == ASCII.space && !isSignature
            if flowed && delSp { content = content.dropLast() }
            if open, var last = out.last, last.depth == depth {
                last.text.append(contentsOf: content)
                last.physical.append(line)
                out[out.count - 1] = last
            } else {
                out.append(LogicalLine(depth: depth, text: Array(content), physical: [line]))
            }
            open = flowed
        }
        lines = out
    }

    /// The text handed to detection: one line per logical line, quotes as `> `.
    var detectionText: [UInt8] {
        var out: [UInt8] = []
        for (n, line) in lines.enumerated() {
            if n > 0 { out.append(ASCII.lf) }
            out.append(contentsOf: Self.prefix(depth: line.depth))
            out.append(contentsOf: line.text)
        }
        if endsWithNewline && !lines.isEmpty { out.append(ASCII.lf) }
        return out
    }

    static func prefix(depth: Int) -> [UInt8] {
        depth == 0 ? [] : [UInt8](repeating: UInt8(ascii: ">"), count: depth) + [ASCII.space]
    }

    /// The flowed body (LF line ends) for the redacted detection text: unchanged logical lines
    /// keep their original physical lines, changed ones are re-wrapped under 78 columns.
    func reflowed(_ redacted: [UInt8]) -> [UInt8] {
        var newLines = ASCII.lines(redacted).map(Array.init)
        if redacted.last == ASCII.lf { newLines.removeLast() }
        let original = ASCII.lines(detectionText).map(Array.init)
        let sameShape = newLines.count == lines.count
        var out: [UInt8] = []
        for (n, line) in newLines.enumerated() {
            if n > 0 { out.append(ASCII.lf) }
            if sameShape && n < original.count && original[n] == line {
                for (k, p) in lines[n].physical.enumerated() {
                    if k > 0 { out.append(ASCII.lf) }
                    out.append(contentsOf: p)
                }
            } else {
                out.append(contentsOf: wrap(line))
            }
        }
        if redacted.last == ASCII.lf { out.append(ASCII.lf) }
        return out
    }

    private func wrap(_ line: [UInt8]) -> [UInt8] {
        var depth = 0
        var i = 0
        while i < line.count && line[i] == UInt8(ascii: ">") { depth += 1; i += 1 }
        if depth > 0 && i < line.count && line[i] == ASCII.space { i += 1 }
        var content = Array(line[i...])
        var prefix = Self.prefix(depth: depth)
        if content.elementsEqual("-- ".utf8) { return prefix + content }
        while let l = content.last, l == ASCII.space { content.removeLast() }  // hard line: no trailing space
        if depth == 0, let f = content.first,
           f == ASCII.space || f == UInt8(ascii: ">") || content.starts(with: "From ".utf8) {
            prefix = [ASCII.space]  // space-stuffing
        }
        let width = max(20, 76 - prefix.count)
        var out: [UInt8] = []
        var start = 0
        while content.count - start > width {
            // Break after the last space within the width; a long word stays whole.
            var cut = -1
            var j = start + width
            while j > start { if content[j - 1] == ASCII.space { cut = j; break }; j -= 1 }
            if cut < 0 {
                j = start + width
                while j < content.count && content[j - 1] != ASCII.space { j += 1 }
                if j >= content.count { break }
                cut = j
            }
            out.append(contentsOf: prefix)
            out.append(contentsOf: content[start..<cut])
            if delSp { out.append(ASCII.space) }
            out.append(ASCII.lf)
            start = cut
        }
        out.append(contentsOf: prefix)
        out.append(contentsOf: content[start...])
        return out
    }
}
