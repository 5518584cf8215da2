import CaviarPCRE

/// Values that must never be redacted: exact values and regexes that must match the whole
/// value. Global (config) or per detector (pack).
///
/// Like the detectors, an allow-list belongs to one engine and is used from one thread at a time.
public final class AllowList: @unchecked Sendable {
    let values: Set<[UInt8]>
    let sources: [String]
    /// The regexes, compiled on first use when the list was built with `deferCompile` (packs
    /// read from the cache, whose regexes compiled when the cache was written). Compiling them
    /// all at start-up was a fifth of a 1 KB run, for lists most runs never consult.
    private var compiled: [CompiledPattern]?
    /// Values checked against the regexes; after `jitAfterCalls` of them the regexes are
    /// compiled for the JIT (a long input consults a list thousands of times, and the
    /// interpreter was most of PCRE2's own time outside the JIT on the bench corpus).
    private var regexCalls = 0
    private var isJIT = false
    static let jitAfterCalls = 256

    /// - Parameter deferCompile: compile the regexes on first use instead of now; only for
    ///   regexes already known to compile.
    public init(values: [String] = [], regexes: [String] = [], deferCompile: Bool = false) throws {
        self.values = Set(values.map { Array($0.utf8) })
        self.sources = regexes
        if !deferCompile { compiled = try AllowList.compile(regexes) }
    }

    public var isEmpty: Bool { values.isEmpty && sources.isEmpty }

    /// Anchored, and in the interpreter: they run on one short value each, where compiling
    /// for the JIT costs more than it saves. Several regexes become one pattern, the anchored
    /// forms as top-level alternatives (`^(?:a)$|^(?:b)$`), which matches exactly when one of
    /// them would: a PCRE2 call costs its set-up whatever the pattern, and the fifteen of
    /// core.password_assignment's list were nine tenths of the time spent on allow-lists (one
    /// call instead: 21 → 8 million instructions over 8 MB of the bench corpus). Regexes whose
    /// meaning could change in the company of others (group numbers, recursion, options or
    /// groups that reach outside their own wrapping) stay separate, as does a list whose
    /// combined form fails to compile.
    static func compile(_ regexes: [String], jit: Bool = false) throws -> [CompiledPattern] {
        let anchored = regexes.map { "^(?:\($0))$" }
        if anchored.count > 1 && regexes.allSatisfy(isSelfContained),
           let combined = try? CompiledPattern(anchored.joined(separator: "|"), jit: jit) {
            return [combined]
        }
        return try anchored.map { try CompiledPattern($0, jit: jit) }
    }

    /// Whether `regex` means the same as one alternative among others: no back-reference or
    /// subroutine call by number or name, no conditional or branch-reset group, no backtracking
    /// verb, and every
    /// parenthesis it closes is one it opened (so that an option setting such as `(?i)` stays
    /// inside its wrapping group). Conservative: anything unclear is answered no.
    static func isSelfContained(_ regex: String) -> Bool {
        let b = Array(regex.utf8)
        var depth = 0
        var i = 0
        while i < b.count {
            switch b[i] {
            case 0x5C:  // backslash
                guard i + 1 < b.count else { return false }
                let next = b[i + 1]
                // \1-\9, \g, \k: back-references and subroutine calls; \Q: quoting to parse.
                if (next >= 0x31 && next <= 0x39) || next == 0x67 || next == 0x6B || next == 0x51 { return false }
                i += 2
                continue
            case 0x5B:  // a character class: skip to its closing bracket
                i += 1
                if i < b.count && b[i] == 0x5E { i += 1 }
                if i < b.count && b[i] == 0x5D { i += 1 }
                while i < b.count && b[i] != 0x5D {
                    if b[i] == 0x5C { i += 2; continue }
                    if b[i] == 0x5B && i + 1 < b.count && b[i + 1] == 0x3A {
                        // [:alpha:]
                        i += 2
                        while i + 1 < b.count && !(b[i] == 0x3A && b[i + 1] == 0x5D) { i += 1 }
                        i += 2
                        continue
                    }
                    i += 1
                }
                if i >= b.count { return false }
            case 0x28:  // (
                // (*COMMIT), (*PRUNE), (*SKIP), (*ACCEPT)…: a verb acts on the whole match, so
                // one in the first alternative could stop the others from being tried.
                if i + 1 < b.count && b[i + 1] == 0x2A { return false }
                if i + 2 < b.count && b[i + 1] == 0x3F {
                    let kind = b[i + 2]
                    // (?1) (?+1) (?-1) (?R) (?&name) (?P=name) (?P>name) (?(cond)...) (?|...)
                    if (kind >= 0x30 && kind <= 0x39) || kind == 0x2B || kind == 0x52 || kind == 0x26 || kind == 0x50
                        || kind == 0x28 || kind == 0x7C { return false }
                    if kind == 0x2D && i + 3 < b.count && b[i + 3] >= 0x30 && b[i + 3] <= 0x39 { return false }
                }
                depth += 1
            case 0x29:  // )
                depth -= 1
                if depth < 0 { return false }
            default:
                break
            }
            i += 1
        }
        return depth == 0
    }

    /// Whether `value` is allowed (kept).
    func allows(_ value: [UInt8], matcher: Matcher) throws -> Bool {
        if values.contains(value) { return true }
        if sources.isEmpty { return false }
        regexCalls += 1
        let patterns: [CompiledPattern]
        if let compiled, isJIT || regexCalls < AllowList.jitAfterCalls {
            patterns = compiled
        } else {
            let jit = regexCalls >= AllowList.jitAfterCalls
            patterns = try AllowList.compile(sources, jit: jit)
            compiled = patterns
            isJIT = jit
        }
        for p in patterns {
            let outcome = try value.withUnsafeBufferPointer { try matcher.match(p, in: $0, from: 0) }
            if case .match = outcome { return true }
        }
        return false
    }
}
