/// Writes caviar pack YAML from converted rules; strings are single-quoted so regexes need no
/// escaping beyond doubling quotes.
struct PackWriter {
    var lines: [String] = []

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\n", with: " ") + "'" }

    mutating func header(pack: String, description: String) {
        lines.append("pack: \(pack)")
        lines.append("description: \(PackWriter.quote(description))")
        lines.append("detectors:")
    }

    mutating func detector(id: String, entity: String, description: String?, patterns: [String], group: Int?, trigger: [String],
                           lead: Int?, validators: [String], confidence: Double, contextWords: [String], allowRegexes: [String],
                           allowValues: [String]) {
        lines.append("  - id: \(id)")
        lines.append("    entity: \(entity)")
        if let description { lines.append("    description: \(PackWriter.quote(description))") }
        lines.append("    patterns:")
        for p in patterns { lines.append("      - \(PackWriter.quote(p))") }
        if let group, group > 0 { lines.append("    group: \(group)") }
        if trigger.count == 1 { lines.append("    trigger: \(PackWriter.quote(trigger[0]))") }
        if trigger.count > 1 { lines.append("    trigger: {any: [" + trigger.map(PackWriter.quote).joined(separator: ", ") + "]}") }
        if let lead { lines.append("    lead: \(lead)") }
        if !validators.isEmpty {
            lines.append("    validators:")
            for v in validators { lines.append("      - \(v)") }
        }
        lines.append("    confidence: \(confidence)")
        if !contextWords.isEmpty {
            lines.append("    context:")
            lines.append("      words:")
            lines.append("        any: [" + contextWords.map(PackWriter.quote).joined(separator: ", ") + "]")
        }
        if !allowRegexes.isEmpty || !allowValues.isEmpty {
            lines.append("    allow:")
            if !allowRegexes.isEmpty { lines.append("      regexes: [" + allowRegexes.map(PackWriter.quote).joined(separator: ", ") + "]") }
            if !allowValues.isEmpty { lines.append("      values: [" + allowValues.map(PackWriter.quote).joined(separator: ", ") + "]") }
        }
    }

    var text: String { lines.joined(separator: "\n") + "\n" }

    /// A detector id from a foreign rule name.
    static func slug(_ s: String) -> String {
        var out = ""
        for c in s.lowercased() {
            if c.isASCII && (c.isLetter || c.isNumber) { out.append(c) } else if !out.hasSuffix("_") { out.append("_") }
        }
        return out.trimmingCharacters(in: CharacterSet(charactersIn: "_")).isEmpty ? "rule" : out.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    }
}

/// The outcome of an import: the pack text and what could not be converted.
public struct ImportResult: Sendable {
    public var packYAML: String
    public var converted: Int
    public var notes: [String]
}

import Foundation
