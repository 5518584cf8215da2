import Foundation

/// Context words around a candidate, in any language, matched case-insensitively as whole words
/// within a window counted in characters (so it works the same for every script).
public struct ContextWords: Sendable {
    /// Lower-cased words (NFC), any language.
    public let words: [String]
    public let before: Int
    public let after: Int
    /// Added to the detector's confidence when a word is found.
    public let boost: Double
    /// Candidates without a context word are dropped.
    public let isRequired: Bool

    public init(words: [String], before: Int = 60, after: Int = 30, boost: Double = 0.3, isRequired: Bool = false) {
        self.words = Array(Set(words.map { $0.lowercased() })).filter { !$0.isEmpty }.sorted()
        self.before = before
        self.after = after
        self.boost = boost
        self.isRequired = isRequired
        self.foldedWords = self.words.map { ContextWords.fold(Array($0.utf8)) }
    }

    /// `words` as folded UTF-8 bytes.
    let foldedWords: [[UInt8]]

    /// Whether a context word occurs within the window around `span` of `buf`.
    func isPresent(around span: Range<Int>, in buf: UnsafeBufferPointer<UInt8>) -> Bool {
        if foldedWords.isEmpty { return false }
        let lo = ContextWords.back(from: span.lowerBound, characters: before, in: buf)
        let hi = ContextWords.forward(from: span.upperBound, characters: after, in: buf)
        let left = ContextWords.fold(UnsafeBufferPointer(rebasing: buf[lo..<span.lowerBound]))
        let right = ContextWords.fold(UnsafeBufferPointer(rebasing: buf[span.upperBound..<hi]))
        for w in foldedWords where ContextWords.containsWord(w, in: left) || ContextWords.containsWord(w, in: right) {
            return true
        }
        return false
    }

    static func back(from i: Int, characters n: Int, in buf: UnsafeBufferPointer<UInt8>) -> Int {
        var j = i, count = 0
        while j > 0 && count < n {
            j -= 1
            if buf[j] & 0xC0 != 0x80 { count += 1 }
        }
        return j
    }

    static func forward(from i: Int, characters n: Int, in buf: UnsafeBufferPointer<UInt8>) -> Int {
        var j = i, count = 0
        while j < buf.count && count < n {
            j += 1
            while j < buf.count && buf[j] & 0xC0 == 0x80 { j += 1 }
            count += 1
        }
        return j
    }

    /// Lower-cases UTF-8 bytes without allocating Strings: ASCII, Latin-1, Latin Extended-A
    /// (even/odd pairs), basic Greek and Cyrillic capitals. Enough for context words, whose
    /// own bytes go through the same function.
    static func fold<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8, C.Index == Int {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            if b < 0x80 {
                out.append(b >= 65 && b <= 90 ? b | 0x20 : b)
                i += 1
                continue
            }
            if i + 1 < end {
                let c = bytes[i + 1]
                switch b {
                case 0xC3 where c >= 0x80 && c <= 0x9E && c != 0x97:
                    out.append(0xC3); out.append(c + 0x20); i += 2; continue
                case 0xC4, 0xC5:
                    // Latin Extended-A: capitals at even code points (U+0100...U+0177), with exceptions ignored.
                    let cp = (Int(b & 0x1F) << 6) | Int(c & 0x3F)
                    if cp >= 0x100 && cp <= 0x177 && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149 {
                        let oddStart = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)
                        let lower = (oddStart ? cp % 2 == 1 : cp % 2 == 0) ? cp + 1 : cp
                        out.append(UInt8(0xC0 | (lower >> 6))); out.append(UInt8(0x80 | (lower & 0x3F))); i += 2; continue
                    }
                case 0xCE where c >= 0x91 && c <= 0x9F:
                    out.append(0xCE); out.append(c + 0x20); i += 2; continue
                case 0xCE where c >= 0xA0 && c <= 0xA9:
                    out.append(0xCF); out.append(c - 0x20); i += 2; continue
                case 0xD0 where c >= 0x90 && c <= 0x9F:
                    out.append(0xD0); out.append(c + 0x20); i += 2; continue
                case 0xD0 where c >= 0xA0 && c <= 0xAF:
                    out.append(0xD1); out.append(c - 0x20); i += 2; continue
                default:
                    break
                }
            }
            out.append(b)
            i += 1
        }
        return out
    }

    /// Whole-word containment: the bytes around the occurrence are not ASCII letters/digits or
    /// parts of a non-ASCII character.
    static func containsWord(_ word: [UInt8], in text: [UInt8]) -> Bool {
        let n = word.count, m = text.count
        guard n > 0, n <= m, let first = word.first else { return false }
        var i = 0
        while i + n <= m {
            if text[i] == first {
                var k = 1
                while k < n && text[i + k] == word[k] { k += 1 }
                if k == n {
                    let beforeOK = i == 0 || !isWordByte(text[i - 1])
                    let afterOK = i + n == m || !isWordByte(text[i + n])
                    if beforeOK && afterOK { return true }
                }
            }
            i += 1
        }
        return false
    }

    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 0x80
    }
}
