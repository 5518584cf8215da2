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
    /// First names (bundled list, `first-names.txt`; loaded from `first-names.hashes` when that
    /// file matches the list).
    public var firstNames = SortedHashes()
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
    /// Family names written before the given name (Hungarian order, `surnames-first.txt`).
    public var surnamesFirst: Set<UInt64> = []

    /// The files read from a names directory, by field.
    static var files: [(String, WritableKeyPath<NameLexicon, Set<UInt64>>)] { [
        ("ambiguous.txt", \.ambiguous), ("titles.txt", \.titles),
        ("postnominal-titles.txt", \.postnominalTitles), ("greetings.txt", \.greetings),
        ("signoffs.txt", \.signoffs), ("field-labels.txt", \.fieldLabels),
        ("particles.txt", \.particles), ("stop-words.txt", \.stopWords),
        ("surnames-first.txt", \.surnamesFirst),
    ] }

    /// Whether the first names came from the compiled `first-names.hashes` (false: folded at load).
    public private(set) var usesCompiledFirstNames = false

    /// Name of the compiled first-name table next to `first-names.txt`.
    public static let compiledName = "first-names.hashes"

    public init() {}

    /// Writes `first-names.hashes` for the `first-names.txt` of `directory` (development time:
    /// run after changing the list; `NamesTests` fails while it is stale).
    public static func compileFirstNames(directory: String) throws {
        let listPath = directory + "/first-names.txt"
        guard let list = readWholeFile(listPath) else { throw NameDetectorError("names: cannot read \(listPath)") }
        let table = SortedHashes(Array(hashLines(list, folder: TextFolder(capacity: 256))))
        let bytes = table.compiled(source: list)
        let path = directory + "/" + compiledName
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw NameDetectorError("names: cannot write \(path)") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw NameDetectorError("names: short write to \(path)") }
    }

    /// Loads every list from `directory` (normally `<patterns>/names`).
    public init(directory: String) throws {
        let folder = TextFolder(capacity: 256)
        let listPath = directory + "/first-names.txt"
        guard let list = readWholeFile(listPath) else {
            throw NameDetectorError("names: cannot read \(listPath); reinstall the patterns directory or point --patterns at it")
        }
        if let compiled = readWholeFile(directory + "/" + Self.compiledName), let table = SortedHashes(compiled: compiled, source: list) {
            firstNames = table
            usesCompiledFirstNames = true
        } else {
            firstNames = SortedHashes(Array(Self.hashLines(list, folder: folder)))
        }
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

/// A sorted table of 64-bit term hashes: loads without hashing or rehashing, looks up by binary search.
public struct SortedHashes: Sendable {
    var values: [UInt64] = []

    public init() {}

    init(_ hashes: [UInt64]) { values = hashes.sorted() }

    /// Format: "CVNAMES1", UInt64 FNV-1a of the source list, UInt64 count, sorted UInt64s (little-endian).
    static let magic: [UInt8] = Array("CVNAMES1".utf8)

    /// Reads a compiled table; nil when it is foreign, truncated or made from another source list.
    init?(compiled bytes: [UInt8], source: [UInt8]) {
        guard bytes.count >= 24, Array(bytes[0..<8]) == Self.magic else { return nil }
        func word(_ offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * index) }
            return value
        }
        guard word(8) == NameLexicon.hash(ofFolded: source) else { return nil }
        let count = Int(truncatingIfNeeded: word(16))
        guard count >= 0, bytes.count == 24 + 8 * count else { return nil }
        var values = [UInt64](repeating: 0, count: count)
        values.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[24...]))
            }
        }
        #if _endian(big)
        values = values.map { UInt64(littleEndian: $0) }
        #endif
        // Refuse an unsorted table rather than mis-read it.
        for index in values.indices.dropFirst() where values[index - 1] > values[index] { return nil }
        self.values = values
    }

    func compiled(source: [UInt8]) -> [UInt8] {
        var bytes = Self.magic
        func append(_ value: UInt64) { for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) } }
        append(NameLexicon.hash(ofFolded: source))
        append(UInt64(values.count))
        for value in values { append(value) }
        return bytes
    }

    /// Number of names.
    public var count: Int { values.count }

    @inline(__always)
    public func contains(_ hash: UInt64) -> Bool {
        var lower = 0
        var upper = values.count
        while lower < upper {
            let middle = (lower + upper) >> 1
            let value = values[middle]
            if value == hash { return true }
            if value < hash { lower = middle + 1 } else { upper = middle }
        }
        return false
    }
}

/// Latin transliteration of folded (lower-case, unaccented) Greek and Cyrillic words, so that a
/// name written "Γεώργιος" or "Тодор" meets the Latin spelling of the bundled first-name list.
/// Greek follows ELOT 743 (η, ι, υ -> i/y; ου -> ou; αυ/ευ -> av/ev; μπ, ντ at the start -> b, d;
/// γγ -> ng); Cyrillic the Bulgarian streamlined system (ж -> zh, ц -> ts, щ -> sht, ъ -> a).
enum Transliteration {
    static let greek: [UInt32: String] = [
        0x3B1: "a", 0x3B2: "v", 0x3B3: "g", 0x3B4: "d", 0x3B5: "e", 0x3B6: "z", 0x3B7: "i", 0x3B8: "th",
        0x3B9: "i", 0x3BA: "k", 0x3BB: "l", 0x3BC: "m", 0x3BD: "n", 0x3BE: "x", 0x3BF: "o", 0x3C0: "p",
        0x3C1: "r", 0x3C2: "s", 0x3C3: "s", 0x3C4: "t", 0x3C5: "y", 0x3C6: "f", 0x3C7: "ch", 0x3C8: "ps",
        0x3C9: "o", 0x3CA: "i", 0x3CB: "y",
    ]
    static let cyrillic: [UInt32: String] = [
        0x430: "a", 0x431: "b", 0x432: "v", 0x433: "g", 0x434: "d", 0x435: "e", 0x436: "zh", 0x437: "z",
        0x438: "i", 0x439: "y", 0x43A: "k", 0x43B: "l", 0x43C: "m", 0x43D: "n", 0x43E: "o", 0x43F: "p",
        0x440: "r", 0x441: "s", 0x442: "t", 0x443: "u", 0x444: "f", 0x445: "h", 0x446: "ts", 0x447: "ch",
        0x448: "sh", 0x449: "sht", 0x44A: "a", 0x44C: "y", 0x44E: "yu", 0x44F: "ya", 0x451: "e",
        0x454: "ye", 0x456: "i", 0x457: "yi",
    ]

    /// ASCII transliteration of `folded`; empty when a character has no mapping.
    static func latin(_ folded: [UInt8]) -> [UInt8] {
        let scalars = Array(String(decoding: folded, as: UTF8.self).unicodeScalars.map(\.value))
        var result: [UInt8] = []
        var index = 0
        while index < scalars.count {
            let value = scalars[index]
            let next = index + 1 < scalars.count ? scalars[index + 1] : 0
            if value < 0x80 { result.append(UInt8(value)); index += 1; continue }
            // Greek digraphs.
            switch (value, next) {
            case (0x3BF, 0x3C5): result += Array("ou".utf8); index += 2; continue
            case (0x3B1, 0x3C5): result += Array("av".utf8); index += 2; continue
            case (0x3B5, 0x3C5): result += Array("ev".utf8); index += 2; continue
            case (0x3B3, 0x3B3): result += Array("ng".utf8); index += 2; continue
            case (0x3BC, 0x3C0) where index == 0: result.append(0x62); index += 2; continue
            case (0x3BD, 0x3C4) where index == 0: result.append(0x64); index += 2; continue
            case (0x3B3, 0x3BA) where index == 0: result.append(0x67); index += 2; continue
            default: break
            }
            guard let latin = greek[value] ?? cyrillic[value] else { return [] }
            result += Array(latin.utf8)
            index += 1
        }
        return result
    }
}
