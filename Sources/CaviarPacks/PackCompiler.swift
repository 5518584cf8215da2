import CaviarCore
import CaviarDetection
import CaviarPCRE
import CaviarValidators
import Foundation

/// A pack after stage two: every detector compiled, JIT-ed and validated.
public struct CompiledPack {
    public let raw: RawPack
    public let detectors: [RegexDetector]
    public var id: String { raw.id }
}

/// What compiling a detector found that a later start-up can reuse from the pack cache: its
/// final pattern sources (fragments substituted), parsed trigger, and capture and lookbehind
/// maxima. With it, the regexes compile on first use instead of at load.
public struct PreparedDetector: Sendable {
    public let maxCaptureCount: Int
    public let maxLookbehind: Int
    public let sources: [String]
    public let trigger: Trigger?
    /// `RegexDetector.patternTriggers`.
    public let patternTriggers: [Trigger]?
    /// The patterns' bytecode (`CompiledPattern.serialize`), empty when not available.
    public let serialized: ArraySlice<UInt8>

    public init(maxCaptureCount: Int, maxLookbehind: Int, sources: [String], trigger: Trigger?, patternTriggers: [Trigger]? = nil,
                serialized: ArraySlice<UInt8> = []) {
        self.maxCaptureCount = maxCaptureCount
        self.maxLookbehind = maxLookbehind
        self.sources = sources
        self.trigger = trigger
        self.patternTriggers = patternTriggers
        self.serialized = serialized
    }

    /// From a freshly compiled detector (its patterns are compiled, so they can be serialized).
    init(_ d: RegexDetector) {
        self.init(maxCaptureCount: d.maxCaptureCount, maxLookbehind: d.maxLookbehind, sources: d.patternSources, trigger: d.trigger,
                  patternTriggers: d.patternTriggers, serialized: d.serializedCompiledPatterns().map { ArraySlice($0) } ?? [])
    }
}

/// Stage two of loading: fragments substituted, regexes compiled with PCRE2, triggers parsed,
/// validators built. Every error names file, line and detector.
public enum PackCompiler {
    /// - Parameter prepared: when given (from the pack cache), per detector what an earlier
    ///   compile found; regexes are then compiled on first use instead of now.
    public static func compile(_ raw: RawPack, prepared: [PreparedDetector]? = nil) throws -> CompiledPack {
        var detectors: [RegexDetector] = []
        var seen = Set<String>()
        for (i, d) in raw.detectors.enumerated() {
            guard seen.insert(d.id).inserted else {
                throw PackError(file: raw.file, line: d.line, detectorID: d.id, message: "duplicate detector id in this pack")
            }
            detectors.append(try compile(d, pack: raw, lazy: prepared.map { $0[i] }))
        }
        return CompiledPack(raw: raw, detectors: detectors)
    }

    /// Replaces `{NAME}` with the fragment NAME (fragments may use other fragments, up to 8 deep).
    static func substitute(_ pattern: String, fragments: [String: String], file: String, line: Int?, id: String) throws -> String {
        var text = pattern
        for _ in 0..<8 {
            let next = try substituteOnce(text, fragments: fragments, file: file, line: line, id: id)
            if next == text { return spellingOutNegatedTypes(text) }
            text = next
        }
        throw PackError(file: file, line: line, detectorID: id, message: "fragments nest more than 8 deep (a fragment refers to itself?)")
    }

    /// `\D`, `\W` and `\S` outside a character class, spelled as the classes they are without
    /// UCP. PCRE2 10.42's JIT, under `MATCH_INVALID_UTF`, steps back a single byte for these
    /// three in a lookbehind, so after a multi-byte character `(?<!x\S)` and `(?<=\S)` answered
    /// differently from the interpreter (a detector runs in both, and a positive lookbehind that
    /// fails wrongly loses a match). The classes behave the same in both, and mean the same:
    /// `\W` keeps its meaning under `(?i)` through `(?-i:…)`.
    static func spellingOutNegatedTypes(_ pattern: String) -> String {
        let text = Array(pattern.utf8)
        guard text.contains(0x5C) else { return pattern }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 16)
        var i = 0
        var inClass = false, classStart = 0, quoted = false
        while i < text.count {
            let b = text[i]
            if quoted {
                // \Q…\E: literal text up to \E.
                if b == 0x5C, i + 1 < text.count, text[i + 1] == 0x45 { quoted = false; out += [b, 0x45]; i += 2 } else { out.append(b); i += 1 }
                continue
            }
            if b == 0x5C, i + 1 < text.count {
                let e = text[i + 1]
                if e == 0x51 { quoted = true; out += [b, e]; i += 2; continue }
                if !inClass {
                    switch e {
                    case 0x44: out += Array("[^0-9]".utf8); i += 2; continue                          // \D
                    case 0x57: out += Array("(?-i:[^0-9A-Za-z_])".utf8); i += 2; continue             // \W
                    case 0x53: out += Array("[^\\t\\n\\x0B\\f\\r ]".utf8); i += 2; continue       // \S
                    default: break
                    }
                }
                out += [b, e]
                i += 2
                continue
            }
            if !inClass && b == 0x5B {
                inClass = true
                classStart = i
                // A `]` right after `[` or `[^` is a literal member.
                out.append(b); i += 1
                if i < text.count, text[i] == 0x5E { out.append(text[i]); i += 1 }
                if i < text.count, text[i] == 0x5D { out.append(text[i]); i += 1 }
                continue
            }
            if inClass {
                if b == 0x5B, i + 1 < text.count, text[i + 1] == 0x3A, let close = text[(i + 2)...].firstIndex(of: 0x5D), close > i + 2, text[close - 1] == 0x3A {
                    out += text[i...close]                                                      // [:alpha:]
                    i = close + 1
                    continue
                }
                if b == 0x5D && i > classStart { inClass = false }
            }
            out.append(b)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func substituteOnce(_ pattern: String, fragments: [String: String], file: String, line: Int?, id: String) throws -> String {
        // On bytes: this runs for every pattern at every start-up, and the address patterns
        // are tens of kilobytes of `\p{L}`.
        let text = Array(pattern.utf8)
        guard text.contains(0x7B) else { return pattern }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            let b = text[i]
            guard b == 0x7B else { out.append(b); i += 1; continue }
            // `\p{L}`, `\x{A0}`, `\g{1}` and friends are regex syntax, not fragments.
            let isEscapeArgument = out.count >= 2 && out[out.count - 2] == 0x5C && Array("pPxoNgk".utf8).contains(out[out.count - 1])
            if !isEscapeArgument, let close = text[(i + 1)...].firstIndex(of: 0x7D) {
                let name = text[(i + 1)..<close]
                let isUpper = { (c: UInt8) in c >= 65 && c <= 90 }
                if let first = name.first, isUpper(first), name.allSatisfy({ isUpper($0) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) {
                    let key = String(decoding: name, as: UTF8.self)
                    guard let value = fragments[key] else {
                        throw PackError(file: file, line: line, detectorID: id, message: "unknown fragment {\(key)}; define it under 'fragments:'")
                    }
                    out += Array("(?:".utf8) + Array(value.utf8) + [0x29]
                    i = close + 1
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func compile(_ d: RawDetector, pack: RawPack, lazy: PreparedDetector? = nil) throws -> RegexDetector {
        let file = pack.file
        func fail(_ message: String, line: Int? = d.line) -> PackError {
            PackError(file: file, line: line, detectorID: d.id, message: message)
        }
        let idBytes = Array(d.id.utf8)
        let isValidID = !idBytes.isEmpty && idBytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 46 || $0 == 45 }
            && idBytes[0] != 46 && idBytes[0] != 45 && idBytes[0] != 95
        guard isValidID else {
            throw fail("detector ids are lower-case letters, digits, '.', '_' and '-'")
        }
        guard EntityType.isValidName(d.entity) else { throw fail("entity '\(d.entity)' must look like EMAIL or NATIONAL_ID") }
        guard (0...1).contains(d.confidence) else { throw fail("confidence must be between 0 and 1") }
        var patterns: [CompiledPattern] = []
        var sources: [String] = []
        for p in d.patterns where lazy == nil {
            let text = try substitute(p.text, fragments: pack.fragments, file: file, line: p.line, id: d.id)
            sources.append(d.isCaseless ? "(?i)" + text : text)
            do {
                let compiled = try CompiledPattern(text, caseless: d.isCaseless)
                guard d.group <= compiled.captureCount else {
                    throw fail("group \(d.group) does not exist (the pattern has \(compiled.captureCount) groups)", line: p.line)
                }
                patterns.append(compiled)
            } catch let e as PatternCompileError {
                throw fail("invalid regex at offset \(e.offset): \(e.message)", line: p.line)
            }
        }
        var trigger = lazy?.trigger
        var patternTriggers = lazy?.patternTriggers
        if lazy == nil, let t = d.trigger {
            do { trigger = try Trigger.parse(t) } catch let e as TriggerError { throw fail("invalid trigger: \(e.message)") }
            // A digit run wakes a detector only if it has a stretch of digits of a length the
            // patterns can match, and an initial one if the patterns cannot begin after a digit
            // and a separator (the cache keeps the restricted trigger). Only digit triggers need
            // the analysis, which parses every pattern.
            if let t = trigger, t.hasDigitLeaf {
                // Each pattern analysed once; the detector's trigger takes their union (nil when
                // any pattern cannot be modelled), as `DigitStretches.mask(ofPatterns:)` would.
                let masks = sources.map(DigitStretches.mask(ofPattern:))
                let isolated = sources.map(DigitStretches.isLeftIsolated(pattern:))
                // The stretch sequences a match can hold in one run (see `DigitSegments`).
                let segments = sources.map(DigitSegments.of(pattern:))
                let union: UInt64? = masks.contains { $0 == nil } ? nil : masks.reduce(0) { $0 | ($1 ?? 0) }
                trigger = t.restrictingDigitStretches(to: union, initialOnly: !isolated.isEmpty && isolated.allSatisfy { $0 })
                    .restrictingDigitSegments(to: DigitSegments.union(segments))
                // And each pattern of a single-line detector on the runs it alone can match.
                if sources.count > 1 && d.maxExtent == nil {
                    let each = sources.indices.map {
                        t.restrictingDigitStretches(to: masks[$0], initialOnly: isolated[$0]).restrictingDigitSegments(to: segments[$0])
                    }
                    if each.contains(where: { $0 != trigger }) { patternTriggers = each }
                }
            }
        }
        var policy = DetectorPolicy.redact
        if let p = d.policy {
            guard let parsed = DetectorPolicy(rawValue: p) else {
                throw fail("policy '\(p)' is not one of \(DetectorPolicy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            policy = parsed
        }
        if let m = d.maxExtent, m <= 0 || m > 1 << 20 { throw fail("max_extent must be between 1 and 1048576 bytes") }
        if let l = d.lead, l < 0 || l > 4096 { throw fail("lead must be between 0 and 4096 bytes") }
        if let c = d.leadCharacters {
            guard d.lead == nil else { throw fail("give either lead (bytes) or lead_chars (characters), not both") }
            guard c >= 0 && c <= 1024 else { throw fail("lead_chars must be between 0 and 1024 characters") }
        }
        let lead = d.leadCharacters.map { 4 * $0 } ?? d.lead ?? 32
        let body = try makeBody(d, sources: lazy?.sources ?? sources, file: file, deferCompile: lazy != nil)
        let detector: RegexDetector
        if let lazy {
            detector = RegexDetector(
                lazySources: lazy.sources, caseless: false, maxCaptureCount: lazy.maxCaptureCount, maxLookbehind: lazy.maxLookbehind, id: d.id,
                entity: EntityType(d.entity), group: d.group, trigger: trigger, lead: lead, validators: body.validators,
                confidence: d.confidence, context: body.context, priority: d.priority, policy: policy, operatorName: d.operatorName,
                maxExtent: d.maxExtent, allowList: body.allowList, origin: "\(file):\(d.line ?? 0)", packID: pack.id,
                serializedPatterns: lazy.serialized.isEmpty ? nil : lazy.serialized)
        } else {
            detector = RegexDetector(
                id: d.id, entity: EntityType(d.entity), patterns: patterns, group: d.group, trigger: trigger, lead: lead,
                validators: body.validators, confidence: d.confidence, context: body.context, priority: d.priority, policy: policy,
                operatorName: d.operatorName, maxExtent: d.maxExtent, allowList: body.allowList,
                origin: "\(file):\(d.line ?? 0)", packID: pack.id, sources: sources)
        }
        detector.leadCharacters = d.leadCharacters
        detector.patternTriggers = patternTriggers
        return detector
    }

    /// What a detector needs once it matches: validators built, context words folded, the
    /// allow-list (regexes compiled on first use when `deferCompile`, for sources known to
    /// compile). Errors name file, line and detector.
    static func makeBody(_ d: RawDetector, sources: [String], file: String, deferCompile: Bool) throws -> DetectorBody {
        func fail(_ message: String, line: Int? = d.line) -> PackError {
            PackError(file: file, line: line, detectorID: d.id, message: message)
        }
        var validators: [(name: String, validator: any CandidateValidator)] = []
        for v in d.validators {
            var params: [String: ValidatorParameter] = [:]
            for (k, value) in v.parameters { params[k] = convert(value) }
            do {
                validators.append((v.name, try ValidatorRegistry.make(name: v.name, parameters: params)))
            } catch let e as ValidatorError {
                throw fail("validator: \(e.message)", line: v.line)
            }
        }
        var context: ContextWords?
        let allWords = d.contextWords.values.flatMap { $0 }
        if !allWords.isEmpty {
            context = ContextWords(words: allWords, before: d.contextBefore, after: d.contextAfter, boost: d.contextBoost, isRequired: d.contextRequired)
        } else if d.contextRequired {
            throw fail("context.required is true but there are no context words")
        }
        var allow: AllowList?
        if !d.allowValues.isEmpty || !d.allowRegexes.isEmpty {
            do { allow = try AllowList(values: d.allowValues, regexes: d.allowRegexes, deferCompile: deferCompile) } catch let e as PatternCompileError {
                throw fail("invalid allow regex: \(e.message)")
            }
        }
        return DetectorBody(sources: sources, validators: validators, confidence: d.confidence, context: context,
                            operatorName: d.operatorName, allowList: allow)
    }

    static func convert(_ v: ValidatorParameterValue) -> ValidatorParameter {
        switch v {
        case .scalar(let s):
            // Only canonical integers: "012" stays a string (letter maps, suffixes).
            if let i = Int(s), String(i) == s { return .int(i) }
            if let d = Double(s) { return .double(d) }
            if s == "true" || s == "false" { return .bool(s == "true") }
            return .string(s)
        case .list(let items):
            let ints = items.compactMap { item in Int(item).flatMap { String($0) == item ? $0 : nil } }
            return ints.count == items.count ? .ints(ints) : .strings(items)
        }
    }
}
