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

    /// - Parameter deferCompile: compile the regexes on first use instead of now; only for
    ///   regexes already known to compile.
    public init(values: [String] = [], regexes: [String] = [], deferCompile: Bool = false) throws {
        self.values = Set(values.map { Array($0.utf8) })
        self.sources = regexes
        if !deferCompile { compiled = try AllowList.compile(regexes) }
    }

    public var isEmpty: Bool { values.isEmpty && sources.isEmpty }

    /// Anchored, and in the interpreter: they run on one short value each, where compiling
    /// for the JIT costs more than it saves.
    static func compile(_ regexes: [String]) throws -> [CompiledPattern] {
        try regexes.map { try CompiledPattern("^(?:\($0))$", jit: false) }
    }

    /// Whether `value` is allowed (kept).
    func allows(_ value: [UInt8], matcher: Matcher) throws -> Bool {
        if values.contains(value) { return true }
        if sources.isEmpty { return false }
        let patterns: [CompiledPattern]
        if let compiled { patterns = compiled } else {
            patterns = try AllowList.compile(sources)
            compiled = patterns
        }
        for p in patterns {
            let outcome = try value.withUnsafeBufferPointer { try matcher.match(p, in: $0, from: 0) }
            if case .match = outcome { return true }
        }
        return false
    }
}
