import Foundation
import Yams

/// Converts Presidio ad-hoc recognizer YAML (`recognizers:` with patterns, context,
/// supported_entity, deny_list) into a caviar pack.
public enum PresidioImport {
    public static func convert(yaml text: String, file: String, packID: String = "imported-presidio") throws -> ImportResult {
        let root = try composeYAML(text, file: file)
        guard let list = root.mapping?["recognizers"]?.sequence ?? root.sequence else {
            throw PackError(file: file, line: nil, message: "expected a 'recognizers:' list")
        }
        var w = PackWriter()
        w.header(pack: packID, description: "Converted from Presidio recognizers by caviar patterns import; review before use.")
        var notes: [String] = []
        var converted = 0
        for node in list {
            guard let m = node.mapping else { continue }
            let name = m["name"]?.string ?? "recognizer\(converted + 1)"
            let entity = (m["supported_entity"]?.string ?? m["supported_entities"]?.sequence?.first?.string ?? "CUSTOM").uppercased()
                .replacingOccurrences(of: " ", with: "_")
            let context = m["context"]?.sequence?.compactMap(\.string) ?? []
            var patterns: [String] = []
            var score = 0.6
            for p in m["patterns"]?.sequence ?? [] {
                if let r = p.mapping?["regex"]?.string { patterns.append(r) }
                if let s = p.mapping?["score"]?.float { score = max(score == 0.6 ? 0 : score, s) }
            }
            let deny = m["deny_list"]?.sequence?.compactMap(\.string) ?? []
            if !deny.isEmpty {
                patterns.append("(?<![\\p{L}\\p{N}])(?:" + deny.map { NSRegularExpression.escapedPattern(for: $0) }.joined(separator: "|") + ")(?![\\p{L}\\p{N}])")
                notes.append("\(name): deny_list became a word-bounded alternation; for large lists use a caviar dictionary instead")
            }
            if patterns.isEmpty { notes.append("\(name): no patterns or deny_list; skipped"); continue }
            for key in m.keys.compactMap(\.string) where !["name", "supported_entity", "supported_entities", "context", "patterns", "deny_list", "supported_language"].contains(key) {
                notes.append("\(name): '\(key)' is not converted")
            }
            notes.append("\(name): no trigger could be derived; the detector runs ungated (add one for speed)")
            w.detector(id: "\(packID).\(PackWriter.slug(name))", entity: EntityTypeName.sanitize(entity), description: "Presidio recognizer \(name)",
                       patterns: patterns, group: nil, trigger: [], lead: nil, validators: [], confidence: min(max(score, 0), 1),
                       contextWords: context, allowRegexes: [], allowValues: [])
            converted += 1
        }
        notes.append("Presidio recognizers carry no examples: add match/no_match examples before `caviar patterns test` passes")
        return ImportResult(packYAML: w.text, converted: converted, notes: notes)
    }
}

enum EntityTypeName {
    static func sanitize(_ s: String) -> String {
        var out = ""
        for c in s.uppercased() where (c.isASCII && (c.isLetter || c.isNumber)) || c == "_" { out.append(c) }
        if out.isEmpty || !(out.first?.isLetter ?? false) { out = "CUSTOM" + out }
        return String(out.prefix(40))
    }
}
