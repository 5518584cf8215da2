import Foundation

/// Converts a gitleaks TOML config (`[[rules]]` with id, description, regex, secretGroup,
/// entropy, keywords, allowlist(s)) into a caviar pack.
///
/// Reads the subset of TOML gitleaks configs use: tables, arrays of tables, strings (basic,
/// literal, multi-line), numbers, booleans and arrays of strings.
public enum GitleaksImport {
    public struct TOMLError: Error, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    enum Value { case string(String), number(Double), bool(Bool), strings([String]) }

    /// Parses the TOML subset into a list of (table path, key, value, line).
    static func parse(_ text: String) throws -> [(table: String, isArrayElement: Int, key: String, value: Value, line: Int)] {
        var out: [(String, Int, String, Value, Int)] = []
        var table = ""
        var element = 0
        var counters: [String: Int] = [:]
        let chars = Array(text)
        var i = 0
        var line = 1
        func skipSpace() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }
        func skipToEOL() { while i < chars.count, chars[i] != "\n" { i += 1 } }
        func readString() throws -> String {
            if text.count - i >= 3, chars[i] == "'", i + 2 < chars.count, chars[i + 1] == "'", chars[i + 2] == "'" {
                i += 3
                if i < chars.count, chars[i] == "\n" { i += 1; line += 1 }
                var s = ""
                while i + 2 < chars.count, !(chars[i] == "'" && chars[i + 1] == "'" && chars[i + 2] == "'") {
                    if chars[i] == "\n" { line += 1 }
                    s.append(chars[i]); i += 1
                }
                i += 3
                return s
            }
            if chars[i] == "\"", i + 2 < chars.count, chars[i + 1] == "\"", chars[i + 2] == "\"" {
                i += 3
                if i < chars.count, chars[i] == "\n" { i += 1; line += 1 }
                var s = ""
                while i + 2 < chars.count, !(chars[i] == "\"" && chars[i + 1] == "\"" && chars[i + 2] == "\"") {
                    if chars[i] == "\\", i + 1 < chars.count { s.append(unescape(chars[i + 1])); i += 2; continue }
                    if chars[i] == "\n" { line += 1 }
                    s.append(chars[i]); i += 1
                }
                i += 3
                return s
            }
            let quote = chars[i]
            i += 1
            var s = ""
            while i < chars.count, chars[i] != quote {
                if chars[i] == "\n" { throw TOMLError(line: line, message: "unterminated string") }
                if quote == "\"", chars[i] == "\\", i + 1 < chars.count { s.append(unescape(chars[i + 1])); i += 2; continue }
                s.append(chars[i]); i += 1
            }
            i += 1
            return s
        }
        func unescape(_ c: Character) -> Character {
            switch c { case "n": return "\n"; case "t": return "\t"; default: return c }
        }
        while i < chars.count {
            skipSpace()
            guard i < chars.count else { break }
            let c = chars[i]
            if c == "\n" { line += 1; i += 1; continue }
            if c == "#" { skipToEOL(); continue }
            if c == "[" {
                let isArray = i + 1 < chars.count && chars[i + 1] == "["
                i += isArray ? 2 : 1
                var name = ""
                while i < chars.count, chars[i] != "]" { name.append(chars[i]); i += 1 }
                i += isArray ? 2 : 1
                table = name.trimmingCharacters(in: .whitespaces)
                if isArray { counters[table, default: 0] += 1 }
                element = counters[table.components(separatedBy: ".").first ?? table] ?? 0
                skipToEOL()
                continue
            }
            var key = ""
            while i < chars.count, chars[i] != "=", chars[i] != "\n" { key.append(chars[i]); i += 1 }
            guard i < chars.count, chars[i] == "=" else { throw TOMLError(line: line, message: "expected key = value") }
            i += 1
            skipSpace()
            key = key.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            guard i < chars.count else { break }
            let startLine = line
            let value: Value
            if chars[i] == "\"" || chars[i] == "'" {
                value = .string(try readString())
            } else if chars[i] == "[" {
                i += 1
                var items: [String] = []
                while i < chars.count {
                    while i < chars.count, " \t\n,".contains(chars[i]) { if chars[i] == "\n" { line += 1 }; i += 1 }
                    guard i < chars.count else { break }
                    if chars[i] == "]" { i += 1; break }
                    if chars[i] == "#" { skipToEOL(); continue }
                    if chars[i] == "\"" || chars[i] == "'" { items.append(try readString()); continue }
                    throw TOMLError(line: line, message: "only arrays of strings are supported")
                }
                value = .strings(items)
            } else {
                var raw = ""
                while i < chars.count, chars[i] != "\n", chars[i] != "#" { raw.append(chars[i]); i += 1 }
                raw = raw.trimmingCharacters(in: .whitespaces)
                if raw == "true" || raw == "false" { value = .bool(raw == "true") } else if let d = Double(raw) { value = .number(d) } else {
                    throw TOMLError(line: line, message: "unsupported value '\(raw)'")
                }
            }
            out.append((table, element, key, value, startLine))
        }
        return out
    }

    public static func convert(toml text: String, packID: String = "imported-gitleaks") throws -> ImportResult {
        let entries = try parse(text)
        struct Rule {
            var id = "", description: String?, regex: String?, group = 0, entropy: Double?, keywords: [String] = []
            var allowRegexes: [String] = [], stopwords: [String] = [], notes: [String] = []
        }
        var rules: [Int: Rule] = [:]
        var notes: [String] = []
        for e in entries {
            guard e.table.hasPrefix("rules") else {
                if !e.table.isEmpty || !["title", "description"].contains(e.key) { notes.append("line \(e.line): [\(e.table)] \(e.key) is not converted (global settings)") }
                continue
            }
            var r = rules[e.isArrayElement] ?? Rule()
            let inAllow = e.table.contains("allowlist")
            switch (inAllow, e.key, e.value) {
            case (false, "id", .string(let s)): r.id = s
            case (false, "description", .string(let s)): r.description = s
            case (false, "regex", .string(let s)): r.regex = s
            case (false, "secretGroup", .number(let n)): r.group = Int(n)
            case (false, "entropy", .number(let n)): r.entropy = n
            case (false, "keywords", .strings(let k)): r.keywords = k
            case (false, "tags", _): break
            case (true, "regexes", .strings(let rs)): r.allowRegexes += rs
            case (true, "stopwords", .strings(let ws)): r.stopwords += ws
            case (true, "description", _), (true, "condition", _), (true, "regexTarget", _): break
            default: r.notes.append("line \(e.line): \(e.table).\(e.key) is not converted")
            }
            rules[e.isArrayElement] = r
        }
        var w = PackWriter()
        w.header(pack: packID, description: "Converted from a gitleaks config by caviar patterns import; review before use.")
        var converted = 0
        for index in rules.keys.sorted() {
            guard let r = rules[index] else { continue }
            notes += r.notes.map { "rule \(r.id): \($0)" }
            guard let regex = r.regex else { notes.append("rule \(r.id): no regex (path-only rules are not converted)"); continue }
            var trigger = r.keywords.filter { $0.utf8.allSatisfy { $0 < 0x80 } && !$0.isEmpty }.map { "ilit:" + $0.lowercased() }
            if trigger.count != r.keywords.count { notes.append("rule \(r.id): non-ASCII keywords dropped from the trigger; the rule runs ungated") ; trigger = [] }
            if !trigger.isEmpty { notes.append("rule \(r.id): keywords became a trigger with lead 256; gitleaks only needs them somewhere in the file") }
            let allow = r.allowRegexes.map { "(?s:.*(?:\($0)).*)" } + r.stopwords.map { "(?i:.*\(NSRegularExpression.escapedPattern(for: $0)).*)" }
            w.detector(id: "\(packID).\(PackWriter.slug(r.id))", entity: "SECRET", description: r.description, patterns: [regex],
                       group: r.group, trigger: trigger, lead: trigger.isEmpty ? nil : 256,
                       validators: r.entropy.map { ["{name: shannon_entropy, min_bits: \($0), min_length: 8}"] } ?? [],
                       confidence: 0.85, contextWords: [], allowRegexes: allow, allowValues: [])
            converted += 1
        }
        notes.append("gitleaks rules carry no examples: add match/no_match examples before `caviar patterns test` passes")
        return ImportResult(packYAML: w.text, converted: converted, notes: notes)
    }
}
