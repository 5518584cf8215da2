import Yams

/// A thin reader over Yams nodes that keeps line numbers and rejects unknown keys, so every
/// error can say where it is.
struct YAMLReader {
    let file: String

    func line(_ node: Node) -> Int? { node.mark.map { $0.line } }

    func fail(_ node: Node?, _ message: String, detector: String? = nil) -> PackError {
        PackError(file: file, line: node.flatMap(line), detectorID: detector, message: message)
    }

    /// The mapping's entries; unknown keys are errors.
    func mapping(_ node: Node, allowed: Set<String>, what: String, detector: String? = nil) throws -> [String: Node] {
        guard let m = node.mapping else { throw fail(node, "\(what) must be a mapping", detector: detector) }
        var out: [String: Node] = [:]
        for (k, v) in m {
            guard let key = k.string else { throw fail(k, "\(what): keys must be strings", detector: detector) }
            guard allowed.contains(key) else {
                throw fail(k, "unknown key '\(key)' in \(what); allowed: \(allowed.sorted().joined(separator: ", "))", detector: detector)
            }
            guard out[key] == nil else { throw fail(k, "duplicate key '\(key)' in \(what)", detector: detector) }
            out[key] = v
        }
        return out
    }

    func string(_ node: Node, _ what: String, detector: String? = nil) throws -> String {
        guard case .scalar(let s) = node else { throw fail(node, "\(what) must be a string", detector: detector) }
        return s.string
    }

    func int(_ node: Node, _ what: String, detector: String? = nil) throws -> Int {
        guard case .scalar(let s) = node, let v = Int(s.string) else { throw fail(node, "\(what) must be an integer", detector: detector) }
        return v
    }

    func double(_ node: Node, _ what: String, detector: String? = nil) throws -> Double {
        guard case .scalar(let s) = node, let v = Double(s.string) else { throw fail(node, "\(what) must be a number", detector: detector) }
        return v
    }

    func bool(_ node: Node, _ what: String, detector: String? = nil) throws -> Bool {
        guard case .scalar(let s) = node else { throw fail(node, "\(what) must be true or false", detector: detector) }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, "\(what) must be true or false", detector: detector)
        }
    }

    func strings(_ node: Node, _ what: String, detector: String? = nil) throws -> [String] {
        if case .scalar(let s) = node { return [s.string] }
        guard let seq = node.sequence else { throw fail(node, "\(what) must be a list of strings", detector: detector) }
        return try seq.map { try string($0, what, detector: detector) }
    }

    func list(_ node: Node, _ what: String, detector: String? = nil) throws -> [Node] {
        guard let seq = node.sequence else { throw fail(node, "\(what) must be a list", detector: detector) }
        return Array(seq)
    }
}

/// Parses YAML text into a node, turning Yams errors into `PackError`s with a line.
func composeYAML(_ text: String, file: String) throws -> Node {
    do {
        // The basic resolver keeps every scalar a string (the readers convert), which skips
        // Yams' regex-based tag resolution: a third of the start-up time with all packs.
        guard let node = try Yams.compose(yaml: text, .basic) else {
            throw PackError(file: file, line: nil, message: "the file is empty")
        }
        return node
    } catch let e as PackError {
        throw e
    } catch let e as YamlError {
        var line: Int?
        if case .scanner(_, _, let mark, _) = e { line = mark.line }
        if case .parser(_, _, let mark, _) = e { line = mark.line }
        throw PackError(file: file, line: line, message: "invalid YAML: \(e)")
    } catch {
        throw PackError(file: file, line: nil, message: "invalid YAML: \(error)")
    }
}
