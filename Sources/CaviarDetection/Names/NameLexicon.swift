#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaviarCore
import DictionaryAutomaton

/// The word lists of the person-name detector, loaded from `patterns/names/` and stored as
/// 64-bit hashes of folded terms (see `TextFolding`), so that loading is one pass over small
/// text files and a lookup is a hash of the folded token.
public struct NameLexicon: Sendable {
    /// First names (bundled list, `first-names.txt`).
    public var firstNames: Set<UInt64> = []
    /// First names that are also ordinary words, places or months: need a cue.
    public var ambiguous: Set<UInt64> = []
    /// Titles written before a name (`titles.txt`).
    public var titles: Set<UInt64> = []
    /// Titles written after a name (`postnominal-titles.txt`).
    public var postnominalTitles: Set<UInt64> = []
    /// Greeting phrases (`greetings.txt`).
    public var greetings: Set<UInt64> = []
    /// Sign-off phrases (`signoffs.txt`).
    public var signoffs: Set<UInt64> = []
    /// Labels of fields holding person names (`field-labels.txt`).
    public var fieldLabels: Set<UInt64> = []
    /// Lower-case surname particles (`particles.txt`).
    public var particles: Set<UInt64> = []
    /// Capitalised words that do not continue a name (`stop-words.txt`).
    public var stopWords: Set<UInt64> = []

    /// The files read from a names directory, by field.
    static var files: [(String, WritableKeyPath<NameLexicon, Set<UInt64>>)] { [
        ("first-names.txt", \.firstNames), ("ambiguous.txt", \.ambiguous), ("titles.txt", \.titles),
        ("postnominal-titles.txt", \.postnominalTitles), ("greetings.txt", \.greetings),
        ("signoffs.txt", \.signoffs), ("field-labels.txt", \.fieldLabels),
        ("particles.txt", \.particles), ("stop-words.txt", \.stopWords),
    ] }

    public init() {}

    /// Loads every list from `directory` (normally `<patterns>/names`).
    public init(directory: String) throws {
        let folder = TextFolder(capacity: 256)
        for (file, key) in Self.files {
            let path = directory + "/" + file
            guard let bytes = readWholeFile(path) else {
                throw NameDetectorError("names: cannot read \(path); reinstall the patterns directory or point --patterns at it")
            }
            self[keyPath: key] = Self.hashLines(bytes, folder: folder)
        }
    }

    /// Hashes of the folded non-comment lines of a list.
    static func hashLines(_ bytes: [UInt8], folder: TextFolder) -> Set<UInt64> {
        var result = Set<UInt64>(minimumCapacity: bytes.count / 7)
        bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            let count = buffer.count
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count, buffer[lineEnd] != 0x0A { lineEnd += 1 }
                if lineEnd > lineStart, buffer[lineStart] != 0x23 {
                    let hash = foldedHash(buffer, lineStart, lineEnd, folder: folder)
                    if hash != emptyHash { result.insert(hash) }
                }
                lineStart = lineEnd + 1
            }
        }
        return result
    }

    /// FNV-1a hash of nothing: what a term that folds to nothing hashes to.
    static let emptyHash: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a over the folded bytes of `text[start..<end]`, leading and trailing spaces and
    /// apostrophes dropped (as `TextFolding.foldTerm`).
    @inline(__always)
    static func foldedHash(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, folder: TextFolder) -> UInt64 {
        folder.reset(base: start)
        folder.fold(text, from: start, to: end, isFinal: true)
        let folded = folder.bytes
        var lower = 0
        var upper = folded.count
        while lower < upper, folded[lower] == 0x20 || folded[lower] == 0x27 { lower += 1 }
        while upper > lower, folded[upper - 1] == 0x20 || folded[upper - 1] == 0x27 { upper -= 1 }
        var hash = emptyHash
        for index in lower..<upper {
            hash = (hash ^ UInt64(folded[index])) &* 0x100_0000_01b3
        }
        return hash
    }

    /// Folded bytes of `text[start..<end]` (trimmed as in `foldedHash`).
    static func folded(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, folder: TextFolder) -> [UInt8] {
        folder.reset(base: start)
        folder.fold(text, from: start, to: end, isFinal: true)
        var bytes = Array(folder.bytes)
        while let last = bytes.last, last == 0x20 || last == 0x27 { bytes.removeLast() }
        while let first = bytes.first, first == 0x20 || first == 0x27 { bytes.removeFirst() }
        return bytes
    }

    /// FNV-1a of already folded bytes.
    static func hash(ofFolded bytes: [UInt8]) -> UInt64 {
        var hash = emptyHash
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}

/// Reads a whole file with POSIX calls (no Foundation at start-up); nil when it cannot be read.
func readWholeFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if got < 0 { return nil }
        if got == 0 { break }
        result.append(contentsOf: chunk[0..<got])
    }
    return result
}

/// A load or configuration error of the person-name detector (message names the file and the fix).
public struct NameDetectorError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
