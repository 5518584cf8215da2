import CaviarCore
import Foundation
import Yams

/// The user's configuration (`$XDG_CONFIG_HOME/caviar/config.yaml` or `--config FILE`).
/// Unknown keys are errors naming the file and line.
public struct CaviarConfig: Sendable {
    public var file: String?
    public var enablePacks: Set<String> = []
    public var disablePacks: Set<String> = []
    public var packDirectories: [String] = []
    public var allowValues: [String] = []
    public var allowRegexes: [String] = []
    /// Operator per entity name (or `default`), with mask options.
    public var operators: [String: OperatorSetting] = [:]
    public var hashKeyFile: String?
    public var minConfidence: Double?
    /// Policy per detector id or entity name.
    public var policies: [String: String] = [:]
    public var dictionaries: [String] = []
    /// Free-form settings of front ends, by section (`session`, `clipboard`, `mail`, `names`).
    public var sections: [String: [String: String]] = [:]

    public struct OperatorSetting: Sendable {
        public var name: String
        public var maskCharacter: Character = "*"
        public var keepLast: Int = 0
    }

    public init() {}

    /// Keys each front-end section accepts.
    public static let sectionKeys: [String: Set<String>] = [
        "session": ["default", "ttl_hours", "keep", "directory"],
        "clipboard": ["backend", "read_command", "write_command", "notify", "clear_after", "primary"],
        "mail": ["mode", "mta", "allow_unredactable", "redact_attachments", "notify"],
        "names": ["enabled", "allow", "deny", "learn"],
        "stream": ["hold_for_markings"],
    ]

    /// The default config path: `$XDG_CONFIG_HOME/caviar/config.yaml` (else `~/.config/...`).
    public static var defaultPath: String {
        if let x = Environment.value("XDG_CONFIG_HOME"), !x.isEmpty { return x + "/caviar/config.yaml" }
        return (Environment.value("HOME") ?? "") + "/.config/caviar/config.yaml"
    }

    public static func load(file: String) throws -> CaviarConfig {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PackError(file: file, line: nil, message: "cannot read the config file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PackError(file: file, line: nil, message: "the config file is not valid UTF-8")
        }
        return try parse(yaml: text, file: file)
    }

    public static func parse(yaml text: String, file: String) throws -> CaviarConfig {
        var c = CaviarConfig()
        c.file = file
        let r = YAMLReader(file: file)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return c }
        let root = try composeYAML(text, file: file)
        let allowed = Set(["packs", "pack_dirs", "allow", "operators", "hash_key_file", "min_confidence", "policies", "dictionaries"])
            .union(sectionKeys.keys)
        let top = try r.mapping(root, allowed: allowed, what: "config")
        if let p = top["packs"] {
            let m = try r.mapping(p, allowed: ["enable", "disable"], what: "packs")
            if let e = m["enable"] { c.enablePacks = Set(try r.strings(e, "packs.enable")) }
            if let d = m["disable"] { c.disablePacks = Set(try r.strings(d, "packs.disable")) }
        }
        if let d = top["pack_dirs"] { c.packDirectories = try r.strings(d, "pack_dirs").map(expandTilde) }
        if let a = top["allow"] {
            let m = try r.mapping(a, allowed: ["values", "regexes"], what: "allow")
            if let v = m["values"] { c.allowValues = try r.strings(v, "allow.values") }
            if let v = m["regexes"] { c.allowRegexes = try r.strings(v, "allow.regexes") }
        }
        if let o = top["operators"] {
            guard let m = o.mapping else { throw r.fail(o, "operators must map an entity (or 'default') to an operator") }
            for (k, v) in m {
                guard let key = k.string else { throw r.fail(k, "operator keys must be strings") }
                if case .scalar(let s) = v {
                    c.operators[key] = OperatorSetting(name: s.string)
                } else {
                    let om = try r.mapping(v, allowed: ["kind", "char", "keep_last"], what: "operators.\(key)")
                    guard let kind = om["kind"] else { throw r.fail(v, "operators.\(key) needs 'kind'") }
                    var s = OperatorSetting(name: try r.string(kind, "kind"))
                    if let ch = om["char"] {
                        let str = try r.string(ch, "char")
                        guard str.count == 1, let first = str.first else { throw r.fail(ch, "char must be one character") }
                        s.maskCharacter = first
                    }
                    if let k = om["keep_last"] { s.keepLast = try r.int(k, "keep_last") }
                    c.operators[key] = s
                }
            }
        }
        if let h = top["hash_key_file"] { c.hashKeyFile = expandTilde(try r.string(h, "hash_key_file")) }
        if let m = top["min_confidence"] { c.minConfidence = try r.double(m, "min_confidence") }
        if let p = top["policies"] {
            guard let m = p.mapping else { throw r.fail(p, "policies must map a detector id or entity to redact|warn|block|keep") }
            for (k, v) in m {
                guard let key = k.string else { throw r.fail(k, "policy keys must be strings") }
                let value = try r.string(v, "policy")
                guard ["redact", "warn", "block", "keep"].contains(value) else {
                    throw r.fail(v, "policy '\(value)' is not one of redact, warn, block, keep")
                }
                c.policies[key] = value
            }
        }
        if let d = top["dictionaries"] { c.dictionaries = try r.strings(d, "dictionaries").map(expandTilde) }
        for (name, keys) in sectionKeys {
            guard let node = top[name] else { continue }
            let m = try r.mapping(node, allowed: keys, what: name)
            var values: [String: String] = [:]
            for (k, v) in m {
                if let seq = v.sequence {
                    values[k] = try seq.map { try r.string($0, "\(name).\(k)") }.joined(separator: "\n")
                } else {
                    values[k] = try r.string(v, "\(name).\(k)")
                }
            }
            c.sections[name] = values
        }
        return c
    }

    static func expandTilde(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        return (Environment.value("HOME") ?? "") + String(path.dropFirst(1))
    }
}
