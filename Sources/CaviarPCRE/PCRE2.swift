import CaviarCore
import CPCRE2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The only file that calls `pcre2_*`. Everything above it sees `CompiledPattern`, `Matcher`
// and typed errors; no C pointer appears in a public signature.

/// A pattern could not be compiled.
public struct PatternCompileError: Error, Sendable, CustomStringConvertible {
    /// Byte offset into the pattern where PCRE2 stopped.
    public let offset: Int
    /// PCRE2's own message, for example `missing closing parenthesis`.
    public let message: String
    public var description: String { "\(message) at pattern offset \(offset)" }
}

/// A match attempt failed for a reason other than "no match" (match limit, JIT stack).
public struct MatchFailure: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public var isLimit: Bool { code == PCRE2_ERROR_MATCHLIMIT || code == PCRE2_ERROR_JIT_STACKLIMIT }
    public var description: String { message }
}

/// `PCRE2_UNSET` (`~(PCRE2_SIZE)0`), which Swift does not import; `PCRE2_SIZE` is `Int` here.
let pcre2Unset = Int(bitPattern: UInt.max)

func pcre2Message(_ code: Int32) -> String {
    var buffer = [UInt8](repeating: 0, count: 256)
    let n = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, $0.count) }
    return n > 0 ? String(decoding: buffer[0..<Int(n)], as: UTF8.self) : "pcre2 error \(code)"
}

/// A compiled, JIT-compiled pattern. Immutable and shareable across threads.
///
/// Compiled with `PCRE2_UTF | PCRE2_MATCH_INVALID_UTF` (invalid UTF-8 never errors and is never
/// repaired), without `PCRE2_UCP` (ASCII `\b`, `\d`, `\w`; use `\p{L}` where letters matter),
/// with `PCRE2_USE_OFFSET_LIMIT` so that gated searches can bound where a match may start, and
/// with LF as the newline whatever PCRE2's build default (what `^` and `$` mean under `(?m)`
/// and what `.` does not match).
public final class CompiledPattern: @unchecked Sendable {
    let code: OpaquePointer
    /// Number of capture groups.
    public let captureCount: Int
    /// Longest lookbehind in characters (`\b` counts as 1).
    public let maxLookbehind: Int
    /// Whether the JIT compiled the pattern for complete matching (it runs in the interpreter
    /// otherwise). Code for partial-hard matching is added by the first partial call
    /// (`partialJIT()`): most patterns never match partially (only multi-line detectors and
    /// lines past the line limit do), and compiling both modes doubled the JIT's time; partial
    /// matching in the interpreter was 60 times slower, so it is not left there.
    public let isJITCompiled: Bool
    /// 0: partial-hard JIT code not asked for yet; 1: compiled; 2: the JIT refused it.
    private var partialState = 0
    private let partialLock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()

    /// Whether partial-hard JIT code exists, compiling it on first use (thread-safe: a pattern
    /// may be shared).
    func partialJIT() -> Bool {
        guard isJITCompiled else { return false }
        pthread_mutex_lock(partialLock)
        defer { pthread_mutex_unlock(partialLock) }
        if partialState == 0 {
            // A second call adds the mode; the complete-match code stays as it is.
            partialState = pcre2_jit_compile_8(code, UInt32(PCRE2_JIT_PARTIAL_HARD)) == 0 ? 1 : 2
        }
        return partialState == 1
    }

    /// Compiles `pattern`; `caseless` adds `PCRE2_CASELESS`; `jit: false` leaves it to the
    /// interpreter (cheaper for a pattern that will run a few times only).
    public convenience init(_ pattern: String, caseless: Bool = false, jit: Bool = true) throws {
        var errorCode: Int32 = 0
        var errorOffset = 0
        var options = UInt32(PCRE2_UTF) | UInt32(PCRE2_MATCH_INVALID_UTF) | UInt32(PCRE2_USE_OFFSET_LIMIT)
        if caseless { options |= UInt32(PCRE2_CASELESS) }
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { p in
            pcre2_compile_8(p.baseAddress, p.count, options, &errorCode, &errorOffset, CompiledPattern.compileContext)
        }
        guard let compiled else {
            throw PatternCompileError(offset: errorOffset, message: pcre2Message(errorCode))
        }
        self.init(code: compiled, jit: jit)
    }

    /// The compile context every pattern shares (read-only once made): newline LF.
    nonisolated(unsafe) private static let compileContext: OpaquePointer? = {
        let context = pcre2_compile_context_create_8(nil)
        if let context { pcre2_set_newline_8(context, UInt32(PCRE2_NEWLINE_LF)) }
        return context
    }()

    /// Takes ownership of `compiled`.
    private init(code compiled: OpaquePointer, jit: Bool) {
        code = compiled
        var captures: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)
        captureCount = Int(captures)
        var lookbehind: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_MAXLOOKBEHIND), &lookbehind)
        maxLookbehind = Int(lookbehind)
        isJITCompiled = jit && pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
    }

    deinit {
        pcre2_code_free_8(code)
        pthread_mutex_destroy(partialLock)
        partialLock.deallocate()
    }

    /// The compiled bytecode of `patterns` in PCRE2's serialized form, behind a length and a
    /// 64-bit FNV-1a checksum of everything after them; nil if PCRE2 cannot encode them.
    /// Decoding is far cheaper than compiling: the pack cache keeps each detector's patterns
    /// this way, and a short input no longer pays for compiling the ~100 detectors it wakes.
    public static func serialize(_ patterns: [CompiledPattern]) -> [UInt8]? {
        guard !patterns.isEmpty, patterns.count < Int(Int32.max) else { return nil }
        var codes: [OpaquePointer?] = patterns.map(\.code)
        var bytes: UnsafeMutablePointer<UInt8>?
        var size = 0
        let count = codes.withUnsafeMutableBufferPointer { buffer in
            pcre2_serialize_encode_8(buffer.baseAddress, Int32(buffer.count), &bytes, &size, nil)
        }
        guard count == Int32(patterns.count), let bytes, size > 0 else {
            if let bytes { pcre2_serialize_free_8(bytes) }
            return nil
        }
        defer { pcre2_serialize_free_8(bytes) }
        let payload = UnsafeBufferPointer(start: bytes, count: size)
        var out: [UInt8] = []
        out.reserveCapacity(size + 16)
        for v in [UInt64(size), FNV1a.hash(UnsafeRawBufferPointer(payload))] {
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
        }
        out.append(contentsOf: payload)
        return out
    }

    /// Patterns back from `serialize`, JIT-compiled when `jit`; nil unless the length and the
    /// checksum match and PCRE2 accepts the bytes (same library build, same code-unit width).
    /// PCRE2 trusts serialized bytecode: the checksum is what keeps a damaged cache from being
    /// decoded.
    public static func deserialize(_ blob: ArraySlice<UInt8>, expectedCount: Int, jit: Bool) -> [CompiledPattern]? {
        guard blob.count > 16, expectedCount > 0 else { return nil }
        return blob.withUnsafeBufferPointer { whole -> [CompiledPattern]? in
            guard let base = whole.baseAddress else { return nil }
            var header: [UInt64] = [0, 0]
            for k in 0..<2 {
                for i in 0..<8 { header[k] |= UInt64(base[8 * k + i]) << (8 * UInt64(i)) }
            }
            let payload = UnsafeBufferPointer(start: base + 16, count: whole.count - 16)
            guard header[0] == UInt64(payload.count), header[1] == FNV1a.hash(UnsafeRawBufferPointer(payload)),
                  pcre2_serialize_get_number_of_codes_8(payload.baseAddress) == Int32(expectedCount) else { return nil }
            var codes = [OpaquePointer?](repeating: nil, count: expectedCount)
            let decoded = codes.withUnsafeMutableBufferPointer { buffer in
                pcre2_serialize_decode_8(buffer.baseAddress, Int32(expectedCount), payload.baseAddress, nil)
            }
            guard decoded == Int32(expectedCount) else {
                for code in codes { if let code { pcre2_code_free_8(code) } }
                return nil
            }
            return codes.compactMap { $0.map { CompiledPattern(code: $0, jit: jit) } }
        }
    }
}

/// The outcome of one match attempt.
public enum MatchOutcome: Equatable, Sendable {
    case noMatch
    /// A complete match; `groups[0]` is the whole match, unset groups are nil.
    case match([Range<Int>?])
    /// The subject ended while a match was still possible, starting at this offset.
    case partial(start: Int)
}

/// The outcome of one match attempt, as the engine reads it: the whole match and one group,
/// with no array of every group (one allocation a match).
public enum SpanOutcome: Equatable, Sendable {
    case noMatch
    /// A complete match, and the span of the group asked for (nil when it is unset or the
    /// pattern has fewer groups).
    case match(whole: Range<Int>, group: Range<Int>?)
    /// The subject ended while a match was still possible, starting at this offset.
    case partial(start: Int)
}

/// Per-thread matching state: match data, match context with a match limit, and a JIT stack.
/// Not thread-safe; create one per thread.
public final class Matcher {
    let context: OpaquePointer
    let jitStack: OpaquePointer?
    let matchData: OpaquePointer
    let ovectorPairs: Int

    /// - Parameters:
    ///   - maxCaptures: the largest capture count of any pattern this matcher will run.
    ///   - matchLimit: PCRE2 match limit per call; hitting it is an error, never a silent skip.
    public init(maxCaptures: Int = 16, matchLimit: UInt32 = 1_000_000) throws {
        guard let context = pcre2_match_context_create_8(nil) else {
            throw MatchFailure(code: PCRE2_ERROR_NOMEMORY, message: "cannot allocate a PCRE2 match context")
        }
        self.context = context
        pcre2_set_match_limit_8(context, matchLimit)
        // Address space is reserved up to the maximum but only touched as deep repeats need it.
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 64 * 1024 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
        ovectorPairs = maxCaptures + 1
        guard let md = pcre2_match_data_create_8(UInt32(ovectorPairs), nil) else {
            pcre2_match_context_free_8(context)
            if let jitStack { pcre2_jit_stack_free_8(jitStack) }
            throw MatchFailure(code: PCRE2_ERROR_NOMEMORY, message: "cannot allocate PCRE2 match data")
        }
        matchData = md
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// Runs `pattern` on `subject` from `start`.
    /// - Parameters:
    ///   - startLimit: when set, a match must start at or before this offset (`offset_limit`).
    ///   - partial: request `PCRE2_PARTIAL_HARD` (the subject is not finished).
    ///   - notEmpty: reject an empty match at `start` (to step past an empty match).
    public func match(_ pattern: CompiledPattern, in subject: UnsafeBufferPointer<UInt8>, from start: Int,
                      startLimit: Int? = nil, partial: Bool = false, notEmptyAtStart: Bool = false) throws -> MatchOutcome {
        var options: UInt32 = 0
        if partial { options |= UInt32(PCRE2_PARTIAL_HARD) }
        if notEmptyAtStart { options |= UInt32(PCRE2_NOTEMPTY_ATSTART) }
        switch try run(pattern, subject, from: start, startLimit: startLimit, options: options) {
        case .noMatch: return .noMatch
        case .partial(let at): return .partial(start: at)
        case .match(let ovector, let pairs): return .match((0..<pairs).map { Self.span(ovector, $0, pairs: pairs) })
        }
    }

    /// `match` reporting the whole match and group `group` only (see `SpanOutcome`).
    public func matchSpan(_ pattern: CompiledPattern, in subject: UnsafeBufferPointer<UInt8>, from start: Int, group: Int,
                          startLimit: Int? = nil, partial: Bool = false) throws -> SpanOutcome {
        switch try run(pattern, subject, from: start, startLimit: startLimit, options: partial ? UInt32(PCRE2_PARTIAL_HARD) : 0) {
        case .noMatch: return .noMatch
        case .partial(let at): return .partial(start: at)
        case .match(let ovector, let pairs):
            guard let whole = Self.span(ovector, 0, pairs: pairs) else { return .noMatch }
            return .match(whole: whole, group: Self.span(ovector, group, pairs: pairs))
        }
    }

    /// What one PCRE2 call found: for a match, the ovector and its pairs that are set.
    private enum Found {
        case noMatch
        case partial(Int)
        case match(UnsafeMutablePointer<Int>, pairs: Int)
    }

    /// One PCRE2 call; an error (match limit, JIT stack) is thrown.
    @inline(__always)
    private func run(_ pattern: CompiledPattern, _ subject: UnsafeBufferPointer<UInt8>, from start: Int, startLimit: Int?, options: UInt32) throws -> Found {
        pcre2_set_offset_limit_8(context, startLimit ?? pcre2Unset)
        // A non-nil base pointer even for an empty subject.
        let base = subject.baseAddress ?? UnsafePointer(bitPattern: 1)
        // The JIT fast path skips pcre2_match's option and UTF checks (patterns are compiled with
        // MATCH_INVALID_UTF; a partial call first makes sure of the partial-hard code, and runs in
        // the interpreter only if the JIT refused that mode).
        let useJIT = pattern.isJITCompiled && (options & UInt32(PCRE2_PARTIAL_HARD) == 0 || pattern.partialJIT())
        let rc = useJIT
            ? pcre2_jit_match_8(pattern.code, base, subject.count, start, options, matchData, context)
            : pcre2_match_8(pattern.code, base, subject.count, start, options, matchData, context)
        if rc == PCRE2_ERROR_NOMATCH { return .noMatch }
        guard let ov = pcre2_get_ovector_pointer_8(matchData) else { return .noMatch }
        if rc == PCRE2_ERROR_PARTIAL { return .partial(ov[0]) }
        if rc < 0 { throw MatchFailure(code: rc, message: pcre2Message(rc)) }
        return .match(ov, pairs: min(Int(rc == 0 ? Int32(ovectorPairs) : rc), ovectorPairs))
    }

    /// Group `index` of an ovector with `pairs` pairs set: nil when unset or past them.
    @inline(__always)
    private static func span(_ ov: UnsafeMutablePointer<Int>, _ index: Int, pairs: Int) -> Range<Int>? {
        guard index >= 0, index < pairs else { return nil }
        let s = ov[2 * index], e = ov[2 * index + 1]
        return s == pcre2Unset || e < s ? nil : s..<e
    }
}

/// Facts about the linked PCRE2 library.
public enum PCRE2Library {
    /// Whether PCRE2 was built with JIT support.
    public static var hasJIT: Bool {
        var v: UInt32 = 0
        pcre2_config_8(UInt32(PCRE2_CONFIG_JIT), &v)
        return v == 1
    }
    /// The library version, for example `10.42 2022-12-11`.
    public static var version: String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), $0.baseAddress) }
        return n > 1 ? String(decoding: buffer[0..<Int(n - 1)], as: UTF8.self) : "unknown"
    }
}
