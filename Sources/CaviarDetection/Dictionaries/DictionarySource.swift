import CaviarCore
import DictionaryAutomaton

/// A problem in a dictionary source that does not stop the build (the line is skipped or kept
/// as explained). `description` names the file and line, never the term.
public struct DictionaryWarning: CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { "\(file):\(line): \(message)" }
}

/// One term read from a source list, before folding.
public struct DictionarySourceTerm: Sendable {
    public var entity: EntityType
    /// The term as written (valid UTF-8, trimmed).
    public var term: [UInt8]
    /// 1-based line number.
    public var line: Int
}

/// Reads dictionary source lists: UTF-8 text, one term per line, `#` comments, optional
/// `ENTITY<TAB>term` lines (otherwise the file's default entity).
///
/// Refused with an error naming file and line: invalid UTF-8, an invalid entity name before a
/// tab, a tab with no term, a line longer than `maxLineBytes`. Skipped silently: empty and
/// comment lines, a UTF-8 byte-order mark. Terms that fold to nothing are skipped with a
/// warning; duplicates are reported by the compiler.
public enum DictionarySource {
    /// Longest accepted line, bytes (a longer line is almost always a wrong file, such as a CSV
    /// export or a binary).
    public static let maxLineBytes = 1024

    /// Parses `bytes` (the content of `file`). `file` is used in messages only.
    public static func parse(_ bytes: [UInt8], file: String, defaultEntity: EntityType, warnings: inout [DictionaryWarning]) throws -> [DictionarySourceTerm] {
        var terms: [DictionarySourceTerm] = []
        try forEachTerm(bytes, file: file, defaultEntity: defaultEntity, warnings: &warnings) { entity, term, line in
            terms.append(DictionarySourceTerm(entity: entity, term: Array(term), line: line))
        }
        return terms
    }

    /// `parse` without collecting: calls `body` with each term's entity, bytes (valid during the
    /// call only) and line, in order. Throws the same errors at the same lines.
    ///
    /// `lines` reads only part of `bytes`: the lines that start in it (it starts at a line
    /// start), the first of them numbered `firstLine`, so that parts of one file read apart
    /// give the terms and errors of the whole file read at once.
    public static func forEachTerm(_ bytes: [UInt8], lines: Range<Int>? = nil, firstLine: Int = 1, file: String, defaultEntity: EntityType,
                                   warnings: inout [DictionaryWarning], _ body: (EntityType, UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var previousEntity: (bytes: [UInt8], entity: EntityType)?
        var lineNumber = firstLine - 1
        var start = lines?.lowerBound ?? 0
        let stop = lines?.upperBound ?? bytes.count
        if start == 0 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < stop {
            lineNumber += 1
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            let next = end + 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            defer { start = next }
            let line = bytes[start..<lineEnd]
            guard line.count <= maxLineBytes else {
                throw DictionaryError(.invalidInput, "\(file):\(lineNumber): line of \(line.count) bytes is longer than \(maxLineBytes): is this a dictionary list (one term per line)? for a CSV export use --csv")
            }
            if let bad = firstInvalidUTF8(line) {
                throw DictionaryError(.invalidInput, "\(file):\(lineNumber): invalid UTF-8 (byte 0x\(String(bytes[bad], radix: 16, uppercase: true)) at column \(bad - start + 1)): save the list as UTF-8")
            }
            var content = trimmed(line)
            if content.isEmpty || content.first == 0x23 { continue }
            var entity = defaultEntity
            if let tab = line.firstIndex(of: 0x09), !trimmed(line[line.startIndex..<tab]).isEmpty {
                content = line
                let nameBytes = trimmed(content[content.startIndex..<tab])
                if let previous = previousEntity, previous.bytes.elementsEqual(nameBytes) {
                    // Most lines repeat the entity of the line before: no String, no validation.
                    entity = previous.entity
                } else {
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    guard EntityType.isValidName(name) else {
                        throw DictionaryError(.invalidInput, "\(file):\(lineNumber): '\(name.prefix(40))' before the tab is not an entity name: write ENTITY<TAB>term with an upper-case entity such as PERSON or ORGANISATION_TERM")
                    }
                    entity = EntityType(name)
                    previousEntity = (Array(nameBytes), entity)
                }
                content = trimmed(content[(tab + 1)...])
                guard !content.isEmpty else {
                    throw DictionaryError(.invalidInput, "\(file):\(lineNumber): no term after the tab: write ENTITY<TAB>term")
                }
            }
            try content.withUnsafeBufferPointer { try body(entity, $0, lineNumber) }
        }
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lower = bytes.startIndex
        var upper = bytes.endIndex
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        return bytes[lower..<upper]
    }

    /// Index of the first byte that is not part of valid UTF-8, or nil. ASCII is skipped eight
    /// bytes at a time wherever it starts (most lines are all ASCII or nearly).
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            let end = buffer.count
            var index = 0
            while index < end {
                if index + 8 <= end && UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                    continue
                }
                let lead = base[index]
                if lead < 0x80 { index += 1; continue }
                let length: Int
                var minimumSecond: UInt8 = 0x80
                var maximumSecond: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; minimumSecond = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; maximumSecond = 0x9F
                case 0xF0: length = 4; minimumSecond = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; maximumSecond = 0x8F
                default: return bytes.startIndex + index
                }
                guard index + length <= end else { return bytes.startIndex + index }
                let second = base[index + 1]
                guard second >= minimumSecond && second <= maximumSecond else { return bytes.startIndex + index }
                for offset in 2..<length where base[index + offset] & 0xC0 != 0x80 { return bytes.startIndex + index }
                index += length
            }
            return nil
        }
    }
}
