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
    }

    /// Whether a context word occurs within the window around `span` of `buf`.
    func isPresent(around span: Range<Int>, in buf: UnsafeBufferPointer<UInt8>) -> Bool {
        if words.isEmpty { return false }
        let lo = ContextWords.back(from: span.lowerBound, characters: before, in: buf)
        let hi = ContextWords.forward(from: span.upperBound, characters: after, in: buf)
        let left = String(decoding: UnsafeBufferPointer(rebasing: buf[lo..<span.lowerBound]), as: UTF8.self).lowercased()
        let right = String(decoding: UnsafeBufferPointer(rebasing: buf[span.upperBound..<hi]), as: UTF8.self).lowercased()
        for w in words where ContextWords.containsWord(w, in: left) || ContextWords.containsWord(w, in: right) {
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

    /// Whole-word containment: the characters around the occurrence are not letters or digits.
    static func containsWord(_ word: String, in text: String) -> Bool {
        var searchRange = text.startIndex..<text.endIndex
        while let r = text.range(of: word, range: searchRange) {
            let beforeOK = r.lowerBound == text.startIndex || !isWordCharacter(text[text.index(before: r.lowerBound)])
            let afterOK = r.upperBound == text.endIndex || !isWordCharacter(text[r.upperBound])
            if beforeOK && afterOK { return true }
            searchRange = text.index(after: r.lowerBound)..<text.endIndex
        }
        return false
    }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
}
