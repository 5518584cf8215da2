/// RFC 2047 encoded-words in headers: decoding for detection, encoding for rewritten headers.
enum EncodedWords {
    /// Decodes a header value (already unfolded) to UTF-8. Whitespace between adjacent
    /// encoded-words is dropped; adjacent words in the same charset are joined before charset
    /// decoding, so a multi-byte character split across two words comes out whole. Text outside
    /// encoded-words is taken as UTF-8 when valid (RFC 6532), else as windows-1252.
    ///
    /// Throws for an encoded-word that has the right shape but cannot be decoded (unknown
    /// encoding letter, bad base64, unknown charset): a header caviar cannot read is not
    /// passed as clean.
    static func decode(_ value: ArraySlice<UInt8>, header: String) throws(MailError) -> [UInt8] {
        var out: [UInt8] = []
        var pendingCharset: MailCharset?
        var pendingBytes: [UInt8] = []
        var previousWasWord = false
        var wordIndex = 0

        func flushWord() {
            if let cs = pendingCharset { out.append(contentsOf: cs.decode(pendingBytes)) }
            pendingCharset = nil
            pendingBytes = []
        }

        let bytes = Array(value)
        var i = 0
        var literalStart = 0
        func flushLiteral(upTo end: Int) {
            guard literalStart < end else { return }
            out.append(contentsOf: Self.decodeRaw(bytes[literalStart..<end]))
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "="), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "?"),
               let word = Self.scanWord(bytes, at: i) {
                wordIndex += 1
                // Whitespace between two encoded-words is not content.
                let gap = bytes[literalStart..<i]
                let gapIsBlank = gap.allSatisfy(ASCII.isWhitespace)
                if !(previousWasWord && gapIsBlank) {
                    flushWord()
                    flushLiteral(upTo: i)
                }
                guard let charset = MailCharset(label: word.charset) else {
                    throw MailError(.unsupported, "header \(header): encoded-word \(wordIndex) uses charset '\(word.charset)', which caviar does not know; refusing rather than guessing")
                }
                let decoded: [UInt8]
                switch word.encoding {
                case UInt8(ascii: "B"), UInt8(ascii: "b"):
                    do { decoded = try Base64.decode(word.text[...]) } catch {
                        throw MailError(.malformed, "header \(header): encoded-word \(wordIndex) has invalid base64")
                    }
                case UInt8(ascii: "Q"), UInt8(ascii: "q"):
                    decoded = Self.decodeQ(word.text)
                default:
                    throw MailError(.malformed, "header \(header): encoded-word \(wordIndex) has unknown encoding '\(String(decoding: [word.encoding], as: UTF8.self))' (only B and Q exist)")
                }
                if pendingCharset != charset { flushWord(); pendingCharset = charset }
                pendingBytes.append(contentsOf: decoded)
                previousWasWord = true
                i = word.end
                literalStart = i
                continue
            }
            if !ASCII.isWhitespace(bytes[i]) && previousWasWord {
                previousWasWord = false
                flushWord()
            }
            i += 1
        }
        flushWord()
        flushLiteral(upTo: bytes.count)
        return out
    }

    /// Raw header text: UTF-8 when valid, else windows-1252.
    static func decodeRaw(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        if bytes.allSatisfy({ $0 < 0x80 }) { return Array(bytes) }
        if String(validating: bytes, as: UTF8.self) != nil { return Array(bytes) }
        return MailCharset.windows1252.decode(Array(bytes))
    }

    struct Word { var charset: String; var encoding: UInt8; var text: [UInt8]; var end: Int }

    /// `=?charset?X?text?=` starting at `start`, or nil when the bytes do not have that shape.
    static func scanWord(_ b: [UInt8], at start: Int) -> Word? {
        var i = start + 2
        let csStart = i
        while i < b.count, b[i] != UInt8(ascii: "?"), !ASCII.isWhitespace(b[i]) { i += 1 }
        guard i < b.count, b[i] == UInt8(ascii: "?"), i > csStart, i + 2 < b.count else { return nil }
        let charset = String(decoding: b[csStart..<i], as: UTF8.self)
        let encoding = b[i + 1]
        guard b[i + 2] == UInt8(ascii: "?") else { return nil }
        i += 3
        let textStart = i
        while i + 1 < b.count {
            if b[i] == UInt8(ascii: "?") && b[i + 1] == UInt8(ascii: "=") {
                return Word(charset: charset, encoding: encoding, text: Array(b[textStart..<i]), end: i + 2)
            }
            if ASCII.isWhitespace(b[i]) { return nil }
            i += 1
        }
        return nil
    }

    static func decodeQ(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: "_") { out.append(ASCII.space); i += 1; continue }
            if c == UInt8(ascii: "="), i + 2 < text.count,
               let h = ASCII.hexValue(text[i + 1]), let l = ASCII.hexValue(text[i + 2]) {
                out.append(h << 4 | l)
                i += 3
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// A complete header field `Name: value` with `value` (UTF-8) written as plain ASCII words
    /// where possible and UTF-8 Q encoded-words (at most 75 bytes each) for runs of words that
    /// need them, folded with `eol` + space so lines stay under 78 columns where words allow.
    static func encodeField(name: String, value: [UInt8], eol: [UInt8]) -> [UInt8] {
        let words = value.split(separator: ASCII.space, omittingEmptySubsequences: false).map(Array.init)
        func needsEncoding(_ w: [UInt8]) -> Bool {
            w.contains { $0 >= 0x80 || $0 < 0x20 } || w.count > 70
                || (w.count >= 2 && w.firstRange(of: Array("=?".utf8)) != nil)
        }
        // Tokens are separated by one space on output; an encoded run carries its inner spaces.
        var tokens: [[UInt8]] = []
        var run: [[UInt8]] = []
        func flushRun() {
            guard !run.isEmpty else { return }
            let joined = Array(run.joined(separator: [ASCII.space]))
            tokens.append(contentsOf: encodeWords(joined))
            run = []
        }
        for w in words {
            if needsEncoding(w) || (!run.isEmpty && w.isEmpty) {
                run.append(w)
            } else {
                flushRun()
                tokens.append(w)
            }
        }
        flushRun()

        var out = Array("\(name):".utf8)
        var column = out.count
        for token in tokens {
            if column + 1 + token.count > 78 && column > name.utf8.count + 1 {
                out.append(contentsOf: eol)
                column = 0
            }
            out.append(ASCII.space)
            out.append(contentsOf: token)
            column += 1 + token.count
        }
        out.append(contentsOf: eol)
        return out
    }

    /// `text` as one or more `=?utf-8?q?…?=` words of at most 75 bytes; never splits a character.
    static func encodeWords(_ text: [UInt8]) -> [[UInt8]] {
        let prefix = Array("=?utf-8?q?".utf8), suffix = Array("?=".utf8)
        let budget = 75 - prefix.count - suffix.count
        var words: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < text.count {
            // One whole UTF-8 character.
            var len = 1
            let lead = text[i]
            if lead >= 0xF0 { len = 4 } else if lead >= 0xE0 { len = 3 } else if lead >= 0xC0 { len = 2 }
            len = min(len, text.count - i)
            var piece: [UInt8] = []
            for b in text[i..<(i + len)] {
                if b == ASCII.space {
                    piece.append(UInt8(ascii: "_"))
                } else if (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
                            || b == UInt8(ascii: "!") || b == UInt8(ascii: "*") || b == UInt8(ascii: "+")
                            || b == UInt8(ascii: "-") || b == UInt8(ascii: "/") {
                    piece.append(b)
                } else {
                    piece.append(contentsOf: [UInt8(ascii: "="), ASCII.hexDigits[Int(b >> 4)], ASCII.hexDigits[Int(b & 15)]])
                }
            }
            if current.count + piece.count > budget && !current.isEmpty {
                words.append(prefix + current + suffix)
                current = []
            }
            current.append(contentsOf: piece)
            i += len
        }
        if !current.isEmpty || words.isEmpty { words.append(prefix + current + suffix) }
        return words
    }
}
