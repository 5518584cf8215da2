import CaviarCore
import Yams

/// Stage one of loading: the pack as written, every key checked, nothing compiled yet.
public struct RawPack: Sendable {
    public var file: String
    public var id: String
    public var description: String
    public var isEnabledByDefault: Bool
    public var fragments: [String: String]
    public var detectors: [RawDetector]
}

public struct RawValidator: Sendable {
    public var name: String
    public var parameters: [String: ValidatorParameterValue]
    public var line: Int?
}

/// A validator parameter as written (kept independent of CaviarValidators' enum until compile).
public enum ValidatorParameterValue: Sendable {
    case scalar(String)
    case list([String])
}

public struct RawExample: Sendable {
    public var text: String
    public var line: Int?
}

public struct RawDetector: Sendable {
    public var id: String
    public var line: Int?
    public var entity: String
    public var description: String?
    public var patterns: [(text: String, line: Int?)]
    public var isCaseless: Bool
    public var group: Int
    public var trigger: String?
    public var lead: Int?
    /// `lead_chars`: the lead counted in characters (code points) instead of bytes.
    public var leadCharacters: Int? = nil
    public var validators: [RawValidator]
    public var confidence: Double
    public var contextWords: [String: [String]]
    public var contextBefore: Int
    public var contextAfter: Int
    public var contextBoost: Double
    public var contextRequired: Bool
    public var priority: Int
    public var policy: String?
    public var operatorName: String?
    public var maxExtent: Int?
    public var allowValues: [String]
    public var allowRegexes: [String]
    public var matchExamples: [RawExample]
    public var noMatchExamples: [RawExample]
}

extension RawPack {
    static let packKeys: Set<String> = ["pack", "description", "enabled", "fragments", "detectors"]
    static let detectorKeys: Set<String> = [
        "id", "entity", "description", "patterns", "pattern", "caseless", "group", "trigger", "lead", "lead_chars", "validators",
        "confidence", "context", "priority", "policy", "operator", "max_extent", "allow", "examples",
    ]

    /// Decodes a pack file's text. Throws `PackError` naming file and line.
    public static func decode(yaml text: String, file: String) throws -> RawPack {
        let r = YAMLReader(file: file)
        let root = try composeYAML(text, file: file)
        let top = try r.mapping(root, allowed: packKeys, what: "pack")
        guard let idNode = top["pack"] else { throw r.fail(root, "missing 'pack:' (the pack id)") }
        let id = try r.string(idNode, "pack")
        var fragments: [String: String] = [:]
        if let f = top["fragments"] {
            guard let m = f.mapping else { throw r.fail(f, "fragments must be a mapping of NAME: regex") }
            for (k, v) in m {
                guard let name = k.string, EntityType.isValidName(name) else {
                    throw r.fail(k, "fragment names must be upper-case like SEP")
                }
                fragments[name] = try r.string(v, "fragment \(name)")
            }
        }
        var detectors: [RawDetector] = []
        if let d = top["detectors"] {
            for node in try r.list(d, "detectors") {
                detectors.append(try decodeDetector(node, r))
            }
        }
        return RawPack(file: file, id: id, description: try top["description"].map { try r.string($0, "description") } ?? "",
                       isEnabledByDefault: try top["enabled"].map { try r.bool($0, "enabled") } ?? true,
                       fragments: fragments, detectors: detectors)
    }

    static func decodeDetector(_ node: Node, _ r: YAMLReader) throws -> RawDetector {
        let idGuess = node.mapping?["id"]?.string
        let m = try r.mapping(node, allowed: detectorKeys, what: "detector", detector: idGuess)
        guard let idNode = m["id"] else { throw r.fail(node, "detector without 'id'") }
        let id = try r.string(idNode, "id")
        guard let entityNode = m["entity"] else { throw r.fail(node, "missing 'entity'", detector: id) }
        var patterns: [(String, Int?)] = []
        if let p = m["patterns"] {
            for n in try r.list(p, "patterns", detector: id) { patterns.append((try r.string(n, "pattern", detector: id), r.line(n))) }
        }
        if let p = m["pattern"] { patterns.append((try r.string(p, "pattern", detector: id), r.line(p))) }
        if patterns.isEmpty { throw r.fail(node, "no 'patterns'", detector: id) }

        var validators: [RawValidator] = []
        if let vs = m["validators"] {
            for v in try r.list(vs, "validators", detector: id) {
                if case .scalar(let s) = v {
                    validators.append(RawValidator(name: s.string, parameters: [:], line: r.line(v)))
                } else if let vm = v.mapping {
                    var name: String?
                    var params: [String: ValidatorParameterValue] = [:]
                    for (k, val) in vm {
                        guard let key = k.string else { throw r.fail(k, "validator keys must be strings", detector: id) }
                        if key == "name" { name = try r.string(val, "validator name", detector: id); continue }
                        if let seq = val.sequence {
                            params[key] = .list(try seq.map { try r.string($0, "validator parameter \(key)", detector: id) })
                        } else {
                            params[key] = .scalar(try r.string(val, "validator parameter \(key)", detector: id))
                        }
                    }
                    guard let name else { throw r.fail(v, "validator entry without 'name'", detector: id) }
                    validators.append(RawValidator(name: name, parameters: params, line: r.line(v)))
                } else {
                    throw r.fail(v, "a validator is a name or a mapping with 'name'", detector: id)
                }
            }
        }

        var words: [String: [String]] = [:]
        var before = 60, after = 30, boost = 0.3, required = false
        if let c = m["context"] {
            let cm = try r.mapping(c, allowed: ["before", "after", "boost", "required", "words", "window"], what: "context", detector: id)
            if let b = cm["before"] { before = try r.int(b, "context.before", detector: id) }
            if let a = cm["after"] { after = try r.int(a, "context.after", detector: id) }
            if let w = cm["window"] { before = try r.int(w, "context.window", detector: id); after = before }
            if let b = cm["boost"] { boost = try r.double(b, "context.boost", detector: id) }
            if let q = cm["required"] { required = try r.bool(q, "context.required", detector: id) }
            if let w = cm["words"] {
                guard let wm = w.mapping else { throw r.fail(w, "context.words must map a language to a list of words", detector: id) }
                for (k, v) in wm {
                    guard let lang = k.string else { throw r.fail(k, "language keys must be strings", detector: id) }
                    words[lang] = try r.strings(v, "context.words.\(lang)", detector: id)
                }
            }
        }

        var allowValues: [String] = [], allowRegexes: [String] = []
        if let a = m["allow"] {
            let am = try r.mapping(a, allowed: ["values", "regexes"], what: "allow", detector: id)
            if let v = am["values"] { allowValues = try r.strings(v, "allow.values", detector: id) }
            if let v = am["regexes"] { allowRegexes = try r.strings(v, "allow.regexes", detector: id) }
        }

        var matches: [RawExample] = [], noMatches: [RawExample] = []
        if let e = m["examples"] {
            let em = try r.mapping(e, allowed: ["match", "no_match"], what: "examples", detector: id)
            if let v = em["match"] {
                matches = try r.list(v, "examples.match", detector: id).map { RawExample(text: try r.string($0, "example", detector: id), line: r.line($0)) }
            }
            if let v = em["no_match"] {
                noMatches = try r.list(v, "examples.no_match", detector: id).map { RawExample(text: try r.string($0, "example", detector: id), line: r.line($0)) }
            }
        }

        return RawDetector(
            id: id, line: r.line(node), entity: try r.string(entityNode, "entity", detector: id),
            description: try m["description"].map { try r.string($0, "description", detector: id) },
            patterns: patterns,
            isCaseless: try m["caseless"].map { try r.bool($0, "caseless", detector: id) } ?? false,
            group: try m["group"].map { try r.int($0, "group", detector: id) } ?? 0,
            trigger: try m["trigger"].map { node -> String in
                if let tm = node.mapping {
                    guard tm.count == 1, let anyNode = tm["any"] else { throw r.fail(node, "a trigger mapping must be {any: [...]}", detector: id) }
                    return try r.strings(anyNode, "trigger.any", detector: id).joined(separator: " | ")
                }
                return try r.string(node, "trigger", detector: id)
            },
            lead: try m["lead"].map { try r.int($0, "lead", detector: id) },
            leadCharacters: try m["lead_chars"].map { try r.int($0, "lead_chars", detector: id) },
            validators: validators,
            confidence: try m["confidence"].map { try r.double($0, "confidence", detector: id) } ?? 0.6,
            contextWords: words, contextBefore: before, contextAfter: after, contextBoost: boost, contextRequired: required,
            priority: try m["priority"].map { try r.int($0, "priority", detector: id) } ?? 0,
            policy: try m["policy"].map { try r.string($0, "policy", detector: id) },
            operatorName: try m["operator"].map { try r.string($0, "operator", detector: id) },
            maxExtent: try m["max_extent"].map { try r.int($0, "max_extent", detector: id) },
            allowValues: allowValues, allowRegexes: allowRegexes,
            matchExamples: matches, noMatchExamples: noMatches)
    }
}

import Foundation
