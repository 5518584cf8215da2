import CaviarCore
import CaviarPCRE
import CaviarValidators

/// What happens when a detector fires.
public enum DetectorPolicy: String, Sendable, CaseIterable {
    /// Replace the value (the default).
    case redact
    /// Keep the value, report it on stderr.
    case warn
    /// Refuse the whole input (nothing on stdout, exit 3).
    case block
    /// Keep the value silently (public references); `scan` still lists it.
    case keep
}

/// A compiled regex detector: patterns, trigger, validators, context and policy.
public final class RegexDetector: @unchecked Sendable {
    public let id: String
    public let entity: EntityType
    /// Compiled patterns; nil until first use for detectors loaded lazily from the pack cache.
    private var compiled: [CompiledPattern]?
    /// Number of patterns, capture counts and lookbehinds, known without compiling.
    public let patternCount: Int
    public let maxCaptureCount: Int
    public let maxLookbehind: Int
    /// Whether patterns are compiled with PCRE2_CASELESS (lazy detectors compile from `patternSources`).
    let isCaseless: Bool
    /// Capture group that is the sensitive part (0 = whole match).
    public let group: Int
    /// Nil when the detector has no trigger and runs ungated.
    public let trigger: Trigger?
    /// Maximum bytes a match may start before its trigger hit.
    public let lead: Int
    public let validators: [(name: String, validator: any CandidateValidator)]
    public let confidence: Double
    public let context: ContextWords?
    public let priority: Int
    public var policy: DetectorPolicy
    public let operatorName: String?
    /// For detectors whose matches may contain line breaks: the longest allowed match in bytes.
    /// Nil means single-line: a match containing `\n` is not a match.
    public let maxExtent: Int?
    public let allowList: AllowList?
    /// Where it was defined, for messages (`patterns/core.yaml:12`).
    public let origin: String
    public let packID: String
    /// The patterns' source text after fragment substitution (for reports and benchmarks).
    public var patternSources: [String] = []
    /// The patterns' bytecode from the pack cache (`CompiledPattern.serialize`), decoded on
    /// first use instead of compiling `patternSources`; nil or unusable means compile.
    public var serializedPatterns: ArraySlice<UInt8>?

    public convenience init(id: String, entity: EntityType, patterns: [CompiledPattern], group: Int = 0, trigger: Trigger?,
                            lead: Int = 32, validators: [(name: String, validator: any CandidateValidator)] = [],
                            confidence: Double = Confidence.medium, context: ContextWords? = nil, priority: Int = 0,
                            policy: DetectorPolicy = .redact, operatorName: String? = nil, maxExtent: Int? = nil,
                            allowList: AllowList? = nil, origin: String = "", packID: String = "") {
        self.init(compiled: patterns, sources: [], caseless: false, maxCaptureCount: patterns.map(\.captureCount).max() ?? 0,
                  maxLookbehind: patterns.map(\.maxLookbehind).max() ?? 0, id: id, entity: entity, group: group, trigger: trigger,
                  lead: lead, validators: validators, confidence: confidence, context: context, priority: priority, policy: policy,
                  operatorName: operatorName, maxExtent: maxExtent, allowList: allowList, origin: origin, packID: packID)
    }

    /// A detector whose patterns are compiled on first use (their sources were validated when
    /// the pack cache was written). `sources` are final PCRE2 patterns (fragments substituted).
    public convenience init(lazySources sources: [String], caseless: Bool, maxCaptureCount: Int, maxLookbehind: Int, id: String,
                            entity: EntityType, group: Int, trigger: Trigger?, lead: Int,
                            validators: [(name: String, validator: any CandidateValidator)], confidence: Double,
                            context: ContextWords?, priority: Int, policy: DetectorPolicy, operatorName: String?,
                            maxExtent: Int?, allowList: AllowList?, origin: String, packID: String) {
        self.init(compiled: nil, sources: sources, caseless: caseless, maxCaptureCount: maxCaptureCount, maxLookbehind: maxLookbehind,
                  id: id, entity: entity, group: group, trigger: trigger, lead: lead, validators: validators, confidence: confidence,
                  context: context, priority: priority, policy: policy, operatorName: operatorName, maxExtent: maxExtent,
                  allowList: allowList, origin: origin, packID: packID)
    }

    /// The one place that sets every property; `compiled` nil means compile `sources` on first use.
    private init(compiled: [CompiledPattern]?, sources: [String], caseless: Bool, maxCaptureCount: Int, maxLookbehind: Int,
                 id: String, entity: EntityType, group: Int, trigger: Trigger?, lead: Int,
                 validators: [(name: String, validator: any CandidateValidator)], confidence: Double, context: ContextWords?,
                 priority: Int, policy: DetectorPolicy, operatorName: String?, maxExtent: Int?, allowList: AllowList?,
                 origin: String, packID: String) {
        self.id = id
        self.entity = entity
        self.compiled = compiled
        self.patternSources = sources
        self.patternCount = compiled?.count ?? sources.count
        self.maxCaptureCount = maxCaptureCount
        self.maxLookbehind = maxLookbehind
        self.isCaseless = caseless
        self.group = group
        self.trigger = trigger
        self.lead = lead
        self.validators = validators
        self.confidence = confidence
        self.context = context
        self.priority = priority
        self.policy = policy
        self.operatorName = operatorName
        self.maxExtent = maxExtent
        self.allowList = allowList
        self.origin = origin
        self.packID = packID
    }

    /// Whether `compiled` is JIT-compiled (patterns given compiled count as such).
    private var isJIT = true
    /// Total length of the pattern sources, a measure of what JIT-compiling them costs.
    private lazy var sourceBytes = patternSources.reduce(0) { $0 + $1.utf8.count }
    /// Match calls the engine has announced so far (saturating).
    private var plannedCalls = 0
    /// JIT compiling costs about as much as a few dozen interpreted calls on a short window, so
    /// a pattern runs in the interpreter until this many calls have been announced. A short
    /// input (the clipboard, a mail) then pays no JIT compile for the many detectors whose
    /// trigger fires once or twice; a long one switches to the JIT after its first windows.
    public static let jitAfterCalls = 32

    /// The compiled patterns, compiling them on first use: in the interpreter while fewer than
    /// `jitAfterCalls` match calls have been announced, JIT-compiled from then on.
    /// - Parameters:
    ///   - plannedCalls: roughly how many match calls the caller is about to make.
    ///   - jitBudget: how many more bytes of pattern source may be JIT-compiled now (JIT time
    ///     grows with the pattern); this detector's are taken from it when it is compiled. Many
    ///     detectors cross the threshold on the same line of a stream, and the address patterns
    ///     alone take tens of milliseconds to JIT: a line must not wait for all of that.
    public func patterns(plannedCalls calls: Int = Int.max, jitBudget: inout Int) throws -> [CompiledPattern] {
        plannedCalls = calls > Int.max - plannedCalls ? Int.max : plannedCalls + calls
        let wantsJIT = plannedCalls >= RegexDetector.jitAfterCalls && sourceBytes <= jitBudget
        if let compiled, isJIT || !wantsJIT { return compiled }
        if wantsJIT { jitBudget -= sourceBytes }
        return try compileAll(jit: wantsJIT)
    }

    /// The compiled patterns in serialized form, for the pack cache; nil when they have not
    /// been compiled (or PCRE2 cannot encode them).
    public func serializedCompiledPatterns() -> [UInt8]? {
        compiled.flatMap(CompiledPattern.serialize)
    }

    /// Pattern number `index` JIT-compiled (all patterns are, from now on), or nil when the JIT
    /// cannot compile it. For retrying a call that failed in the interpreter.
    func jitPattern(_ index: Int) throws -> CompiledPattern? {
        let patterns = try isJIT ? (compiled ?? compileAll(jit: true)) : compileAll(jit: true)
        guard index < patterns.count, patterns[index].isJITCompiled else { return nil }
        return patterns[index]
    }

    /// Compiles every pattern source, with or without the JIT, and keeps the result.
    private func compileAll(jit: Bool) throws -> [CompiledPattern] {
        if let serializedPatterns {
            if let decoded = CompiledPattern.deserialize(serializedPatterns, expectedCount: patternSources.count, jit: jit),
               decoded.count == patternSources.count {
                compiled = decoded
                isJIT = jit
                return decoded
            }
            // Damaged or foreign: compile from the sources from now on.
            self.serializedPatterns = nil
        }
        var out: [CompiledPattern] = []
        for source in patternSources {
            do {
                out.append(try CompiledPattern(source, caseless: isCaseless, jit: jit))
            } catch let e as PatternCompileError {
                throw DetectorFailure(detectorID: id, origin: origin, offset: 0, message: "pattern no longer compiles (\(e)); delete the pack cache")
            }
        }
        compiled = out
        isJIT = jit
        return out
    }

    /// The compiled patterns, JIT-compiled unless few calls are announced (see above).
    public func patterns(plannedCalls calls: Int = Int.max) throws -> [CompiledPattern] {
        var unlimited = Int.max
        return try patterns(plannedCalls: calls, jitBudget: &unlimited)
    }

    public var spansLines: Bool { maxExtent != nil }

    /// Scores a raw match: validators, allow-list, context. Returns nil when it is not a detection.
    func evaluate(span: Range<Int>, in buf: UnsafeBufferPointer<UInt8>, matcher: Matcher, globalAllow: AllowList?) throws -> Detection? {
        let raw = Array(buf[span])
        if !validators.isEmpty {
            let candidate = Candidate(raw: raw)
            for v in validators where !v.validator.isValid(candidate) { return nil }
        }
        if let allowList, try allowList.allows(raw, matcher: matcher) { return nil }
        if let globalAllow, try globalAllow.allows(raw, matcher: matcher) { return nil }
        var score = confidence
        if let context {
            if context.isPresent(around: span, in: buf) {
                score = min(1.0, score + context.boost)
            } else if context.isRequired {
                return nil
            }
        }
        return Detection(entity: entity, detectorID: id, span: span, confidence: score, priority: priority)
    }
}
