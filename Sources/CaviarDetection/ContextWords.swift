import DictionaryAutomaton
import Foundation

/// Context words around a candidate, in any language, matched case-insensitively as whole words
/// within a window counted in characters (so it works the same for every script).
public struct ContextWords: Sendable {
    /// The words as written in the pack (any language; compared after folding).
    public let words: [String]
    public let before: Int
    public let after: Int
    /// Added to the detector's confidence when a word is found.
    public let boost: Double
    /// Candidates without a context word are dropped.
    public let isRequired: Bool
    /// Folded on first use: most detectors never see a candidate in a short input, and folding
    /// every word of every pack was a fifth of the start-up time.
    let table: FoldedWordTable

    public init(words: [String], before: Int = 60, after: Int = 30, boost: Double = 0.3, isRequired: Bool = false) {
        self.words = words.filter { !$0.isEmpty }
        self.before = before
        self.after = after
        self.boost = boost
        self.isRequired = isRequired
        self.table = FoldedWordTable(words: self.words)
    }

    /// The words folded by the one shared table (case, diacritics, punctuation as space).
    var foldedWords: [[UInt8]] { table.get().words }

    /// Whether a context word occurs within the window around `span` of `buf`.
    func isPresent(around span: Range<Int>, in buf: UnsafeBufferPointer<UInt8>, folder: TextFolder? = nil) -> Bool {
        let folded = table.get()
        if folded.words.isEmpty { return false }
        let lo = ContextWords.back(from: span.lowerBound, characters: before, in: buf)
        let hi = ContextWords.forward(from: span.upperBound, characters: after, in: buf)
        // Each side folded on its own, as `TextFolding.fold` of its bytes would be (a new folder
        // per side cost two allocations and a copy for every candidate with context words).
        let folder = folder ?? TextFolder(capacity: 2 * (hi - lo) + 16)
        func holdsWord(_ side: Range<Int>) -> Bool {
            folder.reset(base: side.lowerBound)
            var position = side.lowerBound
            while position < side.upperBound {
                position = folder.fold(buf, from: position, to: min(side.upperBound, position + 65_536), isFinal: true)
            }
            return ContextWords.containsAnyWord(folded, in: folder)
        }
        return holdsWord(lo..<span.lowerBound) || holdsWord(span.upperBound..<hi)
    }

    /// `containsAnyWord(_:in:)` over the text just folded by `folder`, visiting only the word
    /// starts the folder recorded rather than testing every byte for one (the byte walk was half
    /// of the search, which was a third of judging matches). The folder's word bytes are
    /// `isWordByte`'s less the upper-case letters folding removes, so its starts are exactly the
    /// positions the walk tries for a word that begins with a word byte; a list with a word that
    /// begins otherwise (an apostrophe) takes the walk.
    static func containsAnyWord(_ folded: FoldedWordTable.Built, in folder: TextFolder) -> Bool {
        let text = folder.bytes
        if folded.leadsWithNonWordByte { return containsAnyWord(folded, in: text) }
        return folded.bytes.withUnsafeBufferPointer { bytes in
        folded.ends.withUnsafeBufferPointer { ends in
        folded.firstWord.withUnsafeBufferPointer { firstWord in
            for s in 0..<folder.startCount {
                let i = folder.wordStart(s)
                if i > 0 && ContextWords.isWordByte(text[i - 1]) { continue }
                if wordEnds(at: i, in: text, bytes: bytes, ends: ends, firstWord: firstWord) { return true }
            }
            return false
        }
        }
        }
    }

    /// Whether one of the folded words (those that begin with the byte at `i`, compared from
    /// their second byte) occurs at `i` of `text` and ends there as a word.
    @inline(__always)
    static func wordEnds(at i: Int, in text: UnsafeBufferPointer<UInt8>, bytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int32>,
                         firstWord: UnsafeBufferPointer<Int32>) -> Bool {
        let m = text.count
        let lead = Int(text[i])
        var wi = Int(firstWord[lead])
        let wEnd = Int(firstWord[lead + 1])
        while wi < wEnd {
            let start = wi == 0 ? 0 : Int(ends[wi - 1])
            let n = Int(ends[wi]) - start
            wi += 1
            guard i + n <= m else { continue }
            var k = 1
            while k < n && text[i + k] == bytes[start + k] { k += 1 }
            if k == n && (i + n == m || !ContextWords.isWordByte(text[i + n])) { return true }
        }
        return false
    }

    /// Whether any folded word occurs as a whole word in `text`: one walk over its word starts,
    /// comparing against the words that begin with the byte there (one flat byte array, no
    /// per-word reference counting: this runs for every candidate of a detector with context).
    static func containsAnyWord(_ folded: FoldedWordTable.Built, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        folded.bytes.withUnsafeBufferPointer { bytes in
        folded.ends.withUnsafeBufferPointer { ends in
        folded.firstWord.withUnsafeBufferPointer { firstWord in
            for i in 0..<text.count where i == 0 || !ContextWords.isWordByte(text[i - 1]) {
                if wordEnds(at: i, in: text, bytes: bytes, ends: ends, firstWord: firstWord) { return true }
            }
            return false
        }
        }
        }
    }

    /// The offset of the `n`-th character start before `i` (0 when there are fewer). Eight
    /// bytes at a time while the count stays short of `n`: a byte-by-byte walk over the 60
    /// characters before every candidate with context words was most of what judging it cost
    /// besides folding and searching.
    static func back(from i: Int, characters n: Int, in buf: UnsafeBufferPointer<UInt8>) -> Int {
        if n <= 0 { return i }
        guard let base = buf.baseAddress else { return 0 }
        var j = i, count = 0
        while j >= 8 {
            let starts = characterStarts(UnsafeRawPointer(base + j - 8))
            if count + starts >= n { break }
            count += starts
            j -= 8
        }
        while j > 0 {
            j -= 1
            if buf[j] & 0xC0 != 0x80 {
                count += 1
                if count == n { return j }
            }
        }
        return 0
    }

    /// The offset just past `n` characters from `i` (the `n`-th character start after `i`, or
    /// the end of `buf`); the byte at `i` counts as a character's start. Eight bytes at a time
    /// as `back`.
    static func forward(from i: Int, characters n: Int, in buf: UnsafeBufferPointer<UInt8>) -> Int {
        if n <= 0 || i >= buf.count { return i }
        guard let base = buf.baseAddress else { return buf.count }
        var j = i + 1, count = 0
        while j + 8 <= buf.count {
            let starts = characterStarts(UnsafeRawPointer(base + j))
            if count + starts >= n { break }
            count += starts
            j += 8
        }
        while j < buf.count {
            if buf[j] & 0xC0 != 0x80 {
                count += 1
                if count == n { return j }
            }
            j += 1
        }
        return buf.count
    }

    /// How many of the eight bytes at `p` begin a character (are not UTF-8 continuation bytes).
    @inline(__always) static func characterStarts(_ p: UnsafeRawPointer) -> Int {
        let w = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
        // A continuation byte's top bits are 10: after the xor, its byte is zero, any other is not.
        let y = (w & 0xC0C0_C0C0_C0C0_C0C0) ^ 0x8080_8080_8080_8080
        return ((y | (y << 1)) & 0x8080_8080_8080_8080).nonzeroBitCount
    }

    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 0x80
    }
}

/// The folded form of a word list, built once on first use (thread-safe).
final class FoldedWordTable: @unchecked Sendable {
    /// A class: every candidate with context words reads it, and a struct of four arrays was
    /// retained and released four times each time.
    final class Built: Sendable {
        /// The distinct folded words, sorted by their first byte (stable).
        let words: [[UInt8]]
        /// The same words end to end, `ends[i]` the end of word `i` in `bytes`.
        let bytes: [UInt8]
        let ends: [Int32]
        /// Words beginning with byte `b` are `firstWord[b]..<firstWord[b + 1]`, so a window is
        /// walked once rather than once per word.
        let firstWord: [Int32]
        /// Some word begins with a byte that is not a word byte (it cannot use the folder's word starts).
        let leadsWithNonWordByte: Bool

        init(words: [[UInt8]], bytes: [UInt8], ends: [Int32], firstWord: [Int32], leadsWithNonWordByte: Bool) {
            self.words = words
            self.bytes = bytes
            self.ends = ends
            self.firstWord = firstWord
            self.leadsWithNonWordByte = leadsWithNonWordByte
        }
    }

    private let source: [String]
    private let lock = NSLock()
    private var built: Built?

    init(words: [String]) { source = words }

    func get() -> Built {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        // Folding turns punctuation into a space: "tlf." folds to "tlf ", which must still match
        // "tlf. 33", so spaces at the ends of a word are not part of it.
        var seen = Set<[UInt8]>()
        var words: [[UInt8]] = []
        for word in source {
            var f = TextFolding.fold(word)[...]
            while f.first == 32 { f = f.dropFirst() }
            while f.last == 32 { f = f.dropLast() }
            if !f.isEmpty && seen.insert(Array(f)).inserted { words.append(Array(f)) }
        }
        let sorted = words.enumerated().sorted { ($0.element[0], $0.offset) < ($1.element[0], $1.offset) }.map(\.element)
        var bytes: [UInt8] = [], ends: [Int32] = []
        var firstWord = [Int32](repeating: 0, count: 257)
        for w in sorted {
            bytes += w
            ends.append(Int32(bytes.count))
            firstWord[Int(w[0]) + 1] += 1
        }
        for b in 0..<256 { firstWord[b + 1] += firstWord[b] }
        let result = Built(words: sorted, bytes: bytes, ends: ends, firstWord: firstWord,
                           leadsWithNonWordByte: sorted.contains { !ContextWords.isWordByte($0[0]) })
        built = result
        return result
    }
}
