import CaviarCore
import CaviarPCRE
import CaviarValidators
import DictionaryAutomaton

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

/// What a detector needs only once one of its regexes matches (validators, allow-list, context,
/// confidence, operator) or when it must compile its patterns from source. Detectors read from
/// the pack cache decode it on first use: a short input wakes few detectors and matches fewer,
/// and decoding every detector's body was a third of a 1 KB run.
/// A class: every match reads it, and copying a struct of five references retained each.
public final class DetectorBody {
    /// The patterns' final PCRE2 source (fragments substituted).
    public let sources: [String]
    public let validators: [(name: String, validator: any CandidateValidator)]
    public let confidence: Double
    public let context: ContextWords?
    public let operatorName: String?
    public let allowList: AllowList?

    public init(sources: [String], validators: [(name: String, validator: any CandidateValidator)] = [], confidence: Double = Confidence.medium,
                context: ContextWords? = nil, operatorName: String? = nil, allowList: AllowList? = nil) {
        self.sources = sources
        self.validators = validators
        self.confidence = confidence
        self.context = context
        self.operatorName = operatorName
        self.allowList = allowList
    }
}

/// Where a detector read from the pack cache finds its body and its compiled bytecode.
public struct DetectorStorage {
    /// Decodes the body; throws a message when the stored bytes are damaged.
    public var body: () throws -> DetectorBody
    /// The patterns' bytecode (`CompiledPattern.serialize`), nil when there is none.
    public var bytecode: () -> ArraySlice<UInt8>?

    public init(body: @escaping () throws -> DetectorBody, bytecode: @escaping () -> ArraySlice<UInt8>?) {
        self.body = body
        self.bytecode = bytecode
    }
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
    /// When set (`lead_chars`), a match starts at most this many characters before its trigger
    /// hit; `lead` is then four bytes a character, the bound wherever characters are not counted.
    public var leadCharacters: Int?
    /// Per pattern, the trigger restricted to the digit stretches that pattern alone can match
    /// (a detector's `\d{13}` and its `\d{2,4}/\d{3,4}/\d{4,5}` wake on different runs); nil
    /// when no pattern's restriction differs from `trigger`'s. Single-line detectors only.
    public var patternTriggers: [Trigger]?
    public let priority: Int
    public var policy: DetectorPolicy
    /// For detectors whose matches may contain line breaks: the longest allowed match in bytes.
    /// Nil means single-line: a match containing `\n` is not a match.
    public let maxExtent: Int?
    /// Where it was defined, for messages (`patterns/core.yaml:12`).
    public let origin: String
    public let packID: String
    /// Total length of the pattern sources, a measure of what JIT-compiling them costs.
    private let sourceBytes: Int
    /// The body once known; `storage` decodes it on first use.
    private var loadedBody: DetectorBody?
    private let storage: DetectorStorage?
    /// Set when the stored bytecode failed to decode: compile the sources from then on.
    private var bytecodeRejected = false

    public var validators: [(name: String, validator: any CandidateValidator)] { (try? body())?.validators ?? [] }
    public var confidence: Double { (try? body())?.confidence ?? 0 }
    public var context: ContextWords? { (try? body())?.context }
    public var operatorName: String? { (try? body())?.operatorName }
    public var allowList: AllowList? { (try? body())?.allowList }
    /// The patterns' source text after fragment substitution (for reports and benchmarks).
    public var patternSources: [String] { (try? body())?.sources ?? [] }
    /// The patterns' bytecode from the pack cache (`CompiledPattern.serialize`), decoded on
    /// first use instead of compiling `patternSources`; nil when there is none or it proved unusable.
    public var serializedPatterns: ArraySlice<UInt8>? { bytecodeRejected ? nil : storage?.bytecode() }

    /// The body, decoding it from the pack cache on first use.
    public func body() throws -> DetectorBody {
        if let loadedBody { return loadedBody }
        guard let storage else { throw DetectorFailure(detectorID: id, origin: origin, offset: 0, message: "detector has no body") }
        do {
            let b = try storage.body()
            loadedBody = b
            return b
        } catch {
            throw DetectorFailure(detectorID: id, origin: origin, offset: 0, message: "its entry in the pack cache is damaged (\(error)); delete the pack cache and run again")
        }
    }

    public convenience init(id: String, entity: EntityType, patterns: [CompiledPattern], group: Int = 0, trigger: Trigger?,
                            lead: Int = 32, validators: [(name: String, validator: any CandidateValidator)] = [],
                            confidence: Double = Confidence.medium, context: ContextWords? = nil, priority: Int = 0,
                            policy: DetectorPolicy = .redact, operatorName: String? = nil, maxExtent: Int? = nil,
                            allowList: AllowList? = nil, origin: String = "", packID: String = "", sources: [String] = []) {
        let body = DetectorBody(sources: sources, validators: validators, confidence: confidence, context: context,
                                operatorName: operatorName, allowList: allowList)
        self.init(compiled: patterns, body: body, storage: nil, patternCount: patterns.count, caseless: false,
                  maxCaptureCount: patterns.map(\.captureCount).max() ?? 0, maxLookbehind: patterns.map(\.maxLookbehind).max() ?? 0,
                  id: id, entity: entity, group: group, trigger: trigger, lead: lead, priority: priority, policy: policy,
                  maxExtent: maxExtent, origin: origin, packID: packID)
    }

    /// A detector whose patterns are compiled on first use (their sources were validated when
    /// the pack cache was written). `sources` are final PCRE2 patterns (fragments substituted).
    public convenience init(lazySources sources: [String], caseless: Bool, maxCaptureCount: Int, maxLookbehind: Int, id: String,
                            entity: EntityType, group: Int, trigger: Trigger?, lead: Int,
                            validators: [(name: String, validator: any CandidateValidator)], confidence: Double,
                            context: ContextWords?, priority: Int, policy: DetectorPolicy, operatorName: String?,
                            maxExtent: Int?, allowList: AllowList?, origin: String, packID: String,
                            serializedPatterns: ArraySlice<UInt8>? = nil) {
        let body = DetectorBody(sources: sources, validators: validators, confidence: confidence, context: context,
                                operatorName: operatorName, allowList: allowList)
        let storage = serializedPatterns.map { bytes in DetectorStorage(body: { body }, bytecode: { bytes }) }
        self.init(compiled: nil, body: body, storage: storage, patternCount: sources.count, caseless: caseless,
                  maxCaptureCount: maxCaptureCount, maxLookbehind: maxLookbehind, id: id, entity: entity, group: group,
                  trigger: trigger, lead: lead, priority: priority, policy: policy, maxExtent: maxExtent, origin: origin, packID: packID)
    }

    /// A detector from the pack cache: what the engine needs to gate and run it is given now,
    /// its body and bytecode come from `storage` on first use.
    public convenience init(storage: DetectorStorage, patternCount: Int, sourceBytes: Int, maxCaptureCount: Int, maxLookbehind: Int,
                            id: String, entity: EntityType, group: Int, trigger: Trigger?, lead: Int, priority: Int,
                            policy: DetectorPolicy, maxExtent: Int?, origin: String, packID: String) {
        self.init(compiled: nil, body: nil, storage: storage, patternCount: patternCount, caseless: false, maxCaptureCount: maxCaptureCount,
                  maxLookbehind: maxLookbehind, id: id, entity: entity, group: group, trigger: trigger, lead: lead, priority: priority,
                  policy: policy, maxExtent: maxExtent, origin: origin, packID: packID, sourceBytes: sourceBytes)
    }

    /// The one place that sets every property; `compiled` nil means compile on first use.
    private init(compiled: [CompiledPattern]?, body: DetectorBody?, storage: DetectorStorage?, patternCount: Int, caseless: Bool,
                 maxCaptureCount: Int, maxLookbehind: Int, id: String, entity: EntityType, group: Int, trigger: Trigger?, lead: Int,
                 priority: Int, policy: DetectorPolicy, maxExtent: Int?, origin: String, packID: String, sourceBytes: Int? = nil) {
        self.id = id
        self.entity = entity
        self.compiled = compiled
        self.loadedBody = body
        self.storage = storage
        self.patternCount = patternCount
        self.sourceBytes = sourceBytes ?? body.map { $0.sources.reduce(0) { $0 + $1.utf8.count } } ?? 0
        self.maxCaptureCount = maxCaptureCount
        self.maxLookbehind = maxLookbehind
        self.isCaseless = caseless
        self.group = group
        self.trigger = trigger
        self.lead = lead
        self.priority = priority
        self.policy = policy
        self.maxExtent = maxExtent
        self.origin = origin
        self.packID = packID
    }

    /// Whether `compiled` is JIT-compiled (patterns given compiled count as such).
    private var isJIT = true
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
            if let decoded = CompiledPattern.deserialize(serializedPatterns, expectedCount: patternCount, jit: jit),
               decoded.count == patternCount {
                compiled = decoded
                isJIT = jit
                return decoded
            }
            // Damaged or foreign: compile from the sources from now on.
            bytecodeRejected = true
        }
        var out: [CompiledPattern] = []
        for source in try body().sources {
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
    func evaluate(span: Range<Int>, in buf: UnsafeBufferPointer<UInt8>, matcher: Matcher, globalAllow: AllowList?,
                  folder: TextFolder? = nil) throws -> Detection? {
        let body = try self.body()
        // The matched bytes are copied only for what reads them: most matches meet neither a
        // validator nor an allow-list, and the copy was an allocation per match.
        if !body.validators.isEmpty || body.allowList != nil || globalAllow != nil {
            let raw = Array(buf[span])
            if !body.validators.isEmpty {
                let candidate = Candidate(raw: raw)
                for v in body.validators where !v.validator.isValid(candidate) { return nil }
            }
            if let allowList = body.allowList, try allowList.allows(raw, matcher: matcher) { return nil }
            if let globalAllow, try globalAllow.allows(raw, matcher: matcher) { return nil }
        }
        var score = body.confidence
        if let context = body.context {
            if context.isPresent(around: span, in: buf, folder: folder) {
                score = min(1.0, score + context.boost)
            } else if context.isRequired {
                return nil
            }
        }
        return Detection(entity: entity, detectorID: id, span: span, confidence: score, priority: priority)
    }
}
