import CaviarCore

/// Puts the original values back into a chatbot's answer: placeholders, however the model
/// rewrote them within the rule below, and surrogates recorded in the session.
///
/// Everything that is not a restored placeholder or surrogate is copied byte for byte, so markdown
/// around a placeholder (`**[PERSON_1]**`, `` `[EMAIL_2]` ``) and glued endings
/// (`[PERSON_1]'s`, `[PERSON_1]:lle`, `[PERSON_1]-nak`) stay as the model wrote them.
public struct Restorer: Sendable {
    /// The rule that decides what counts as a placeholder (shown by `caviar restore --help`).
    public static let rule = """
        A placeholder is restored only when its name is an entity caviar knows (the built-in \
        vocabulary or an entity recorded in the session) followed by `_` and a number that exists \
        in the session. Brackets may be [], (), <>, {} or \\[ \\], or lost on one or both sides; \
        letter case is free inside brackets. Without any bracket, only PERSON_1 or Person_1 is \
        restored (lower-case person_1 looks like a variable and is only reported), and not when \
        glued to a preceding letter, digit, underscore or closing bracket. A line break inside a \
        placeholder is tolerated. [NOTE], [TODO_1] and other unknown names are never touched; \
        placeholder-shaped text that was already in the redacted input keeps its number reserved \
        and is left as it is. Surrogates are restored when they stand as whole words (any letter \
        case, any whitespace between their words).
        """

    /// Whether the session was found.
    public enum Availability: Sendable, Equatable {
        case available
        case missing
        case expired
    }

    /// Restore settings.
    public struct Options: Sendable, Equatable {
        /// Also restore recorded surrogates (default true).
        public var restoresSurrogates: Bool

        public init(restoresSurrogates: Bool = true) {
            self.restoresSurrogates = restoresSurrogates
        }
    }

    /// A placeholder that was not restored, or looks mutated. Never contains a value.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// The session has no such number.
            case unknownNumber
            /// The session does not exist.
            case sessionMissing
            /// The session has expired.
            case sessionExpired
            /// Not in this session, but these other sessions have that number.
            case wrongSession([String])
            /// Looks like a placeholder the model altered (reason given); not restored.
            case mutated(String)
        }

        public var kind: Kind
        /// The token as written (line breaks shown as spaces), for example `[PERSON_9]`.
        public var token: String
        /// 1-based line and column (bytes) of the token in the answer.
        public var line: Int
        public var column: Int
        /// The session asked for.
        public var session: String

        public var description: String {
            let place = "line \(line), column \(column): \(token)"
            switch kind {
            case .unknownNumber:
                return "\(place) not restored: session '\(session)' has no such placeholder"
            case .sessionMissing:
                return "\(place) not restored: no session named '\(session)'"
            case .sessionExpired:
                return "\(place) not restored: session '\(session)' has expired"
            case .wrongSession(let others):
                return "\(place) not restored: not in session '\(session)', but in \(others.map { "'\($0)'" }.joined(separator: ", ")) (wrong session?)"
            case .mutated(let reason):
                return "\(place) looks like an altered placeholder (\(reason)); left as is"
            }
        }
    }

    /// The restored text and what could not be restored.
    public struct Result: Sendable {
        public var output: [UInt8]
        /// How many placeholders and surrogates were replaced.
        public var restoredCount: Int
        public var issues: [Issue]
        /// True when nothing was unresolved or suspicious (what `--strict` requires).
        public var isClean: Bool { issues.isEmpty }
    }

    public let mappings: SessionMappings
    public let availability: Availability
    public let otherSessions: [SessionMappings]
    public let options: Options

    public init(mappings: SessionMappings, availability: Availability = .available, otherSessions: [SessionMappings] = [], options: Options = Options()) {
        self.mappings = mappings
        self.availability = availability
        self.otherSessions = otherSessions
        self.options = options
    }

    /// Restores `text`. Never fails: what cannot be restored is left as is and reported.
    public func restore(_ text: [UInt8]) -> Result {
        let scanner = PlaceholderScanner(knownEntities: PlaceholderScanner.vocabulary.union(mappings.entityNames))
        var replacements: [(range: Range<Int>, bytes: [UInt8])] = []
        var issues: [Issue] = []
        let lines = LineIndex(text)

        func issue(_ kind: Issue.Kind, _ range: Range<Int>) {
            let (line, column) = lines.position(of: range.lowerBound)
            let shown = text[range].map { $0 == 0x0A || $0 == 0x0D || $0 == 0x09 ? UInt8(ascii: " ") : $0 }
            issues.append(Issue(kind: kind, token: String(decoding: shown.prefix(60), as: UTF8.self), line: line, column: column, session: mappings.sessionName))
        }

        for token in scanner.tokens(in: text) {
            let mapping = mappings.mapping(entity: token.entity, number: token.number)
            if let mutation = token.mutation {
                // A lower-case bare word is only worth a warning when it would have meant something.
                if token.isBracketed || (mapping != nil && mapping?.isLiteral == false) {
                    issue(.mutated(mutation), token.range)
                }
                continue
            }
            if let mapping {
                if !mapping.isLiteral { replacements.append((token.range, mapping.original)) }
                continue
            }
            switch availability {
            case .missing: issue(.sessionMissing, token.range)
            case .expired: issue(.sessionExpired, token.range)
            case .available:
                let holders = otherSessions.filter { $0.mapping(entity: token.entity, number: token.number).map { !$0.isLiteral } ?? false }
                issue(holders.isEmpty ? .unknownNumber : .wrongSession(holders.map(\.sessionName)), token.range)
            }
        }
        if options.restoresSurrogates {
            replacements += surrogateMatches(in: text)
        }

        // Earliest first; on a tie the longer; overlapping later ones are dropped.
        replacements.sort { $0.range.lowerBound != $1.range.lowerBound ? $0.range.lowerBound < $1.range.lowerBound : $0.range.count > $1.range.count }
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var copied = 0
        var count = 0
        for replacement in replacements where replacement.range.lowerBound >= copied {
            output.append(contentsOf: text[copied..<replacement.range.lowerBound])
            output.append(contentsOf: replacement.bytes)
            copied = replacement.range.upperBound
            count += 1
        }
        output.append(contentsOf: text[copied...])
        issues.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        return Result(output: output, restoredCount: count, issues: issues)
    }

    /// Whole-word occurrences of recorded surrogates: ASCII case ignored, any run of whitespace
    /// where the surrogate has a space.
    func surrogateMatches(in text: [UInt8]) -> [(range: Range<Int>, bytes: [UInt8])] {
        let pairs = mappings.mappings.compactMap { mapping -> ([UInt8], [UInt8])? in
            guard let surrogate = mapping.surrogate, !surrogate.isEmpty else { return nil }
            return (surrogate.map(ByteSearch.lower), mapping.original)
        }.sorted { $0.0.count > $1.0.count }
        if pairs.isEmpty { return [] }
        var result: [(range: Range<Int>, bytes: [UInt8])] = []
        func isBoundary(_ b: UInt8) -> Bool { !(PlaceholderScanner.isLetter(b) || PlaceholderScanner.isDigit(b) || b >= 0x80) }
        for start in text.indices where start == 0 || isBoundary(text[start - 1]) {
            let first = ByteSearch.lower(text[start])
            for (surrogate, original) in pairs where surrogate[0] == first {
                if let end = matchEnd(of: surrogate, in: text, from: start), end == text.count || isBoundary(text[end]) {
                    result.append((start..<end, original))
                    break
                }
            }
        }
        return result
    }

    private func matchEnd(of pattern: [UInt8], in text: [UInt8], from start: Int) -> Int? {
        var cursor = start
        for byte in pattern {
            if byte == UInt8(ascii: " ") {
                let runStart = cursor
                while cursor < text.count, text[cursor] == 0x20 || text[cursor] == 0x0A || text[cursor] == 0x0D || text[cursor] == 0x09 { cursor += 1 }
                if cursor == runStart { return nil }
            } else {
                guard cursor < text.count, ByteSearch.lower(text[cursor]) == byte else { return nil }
                cursor += 1
            }
        }
        return cursor
    }
}

/// Line starts of a text, for 1-based line and column numbers in reports.
struct LineIndex {
    private var starts: [Int] = [0]

    init(_ text: [UInt8]) {
        for (index, byte) in text.enumerated() where byte == 0x0A { starts.append(index + 1) }
    }

    func position(of offset: Int) -> (line: Int, column: Int) {
        var low = 0, high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return (low + 1, offset - starts[low] + 1)
    }
}
