import DictionaryAutomaton
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
        // Folding turns punctuation into a space: "tlf." folds to "tlf ", which must still match
        // "tlf. 33", so spaces at the ends of a word are not part of it.
        self.foldedWords = self.words.map { word in
            var f = TextFolding.fold(word)[...]
            while f.first == 32 { f = f.dropFirst() }
            while f.last == 32 { f = f.dropLast() }
            return Array(f)
        }.filter { !$0.isEmpty }
    }

    /// `words` folded by the one shared table (case, diacritics, punctuation as space).
    let foldedWords: [[UInt8]]

    /// Whether a context word occurs within the window around `span` of `buf`.
    func isPresent(around span: Range<Int>, in buf: UnsafeBufferPointer<UInt8>) -> Bool {
        if foldedWords.isEmpty { return false }
        let lo = ContextWords.back(from: span.lowerBound, characters: before, in: buf)
        let hi = ContextWords.forward(from: span.upperBound, characters: after, in: buf)
        let left = TextFolding.fold(Array(buf[lo..<span.lowerBound]))
        let right = TextFolding.fold(Array(buf[span.upperBound..<hi]))
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
