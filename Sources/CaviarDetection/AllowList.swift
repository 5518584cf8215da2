import CaviarPCRE

/// Values that must never be redacted: exact values and regexes that must match the whole
/// value. Global (config) or per detector (pack).
public final class AllowList: @unchecked Sendable {
    let values: Set<[UInt8]>
    let patterns: [CompiledPattern]
    let sources: [String]

    public init(values: [String] = [], regexes: [String] = []) throws {
        self.values = Set(values.map { Array($0.utf8) })
        self.sources = regexes
        self.patterns = try regexes.map { try CompiledPattern("^(?:\($0))$") }
    }

    public var isEmpty: Bool { values.isEmpty && patterns.isEmpty }

    /// Whether `value` is allowed (kept).
    func allows(_ value: [UInt8], matcher: Matcher) throws -> Bool {
        if values.contains(value) { return true }
        for p in patterns {
            let outcome = try value.withUnsafeBufferPointer { try matcher.match(p, in: $0, from: 0) }
            if case .match = outcome { return true }
        }
        return false
    }
}
