import CaviarCore
import CaviarPCRE
import DictionaryAutomaton
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A detector hit its match limit or JIT stack limit: a hard error naming the detector, never
/// a silent skip.
public struct DetectorFailure: Error, Sendable, CustomStringConvertible {
    public let detectorID: String
    public let origin: String
    public let offset: Int
    public let message: String
    public var description: String {
        "detector \(detectorID) (\(origin)) failed at byte \(offset): \(message); the input was not redacted past this point"
    }
}

/// A candidate stayed open for longer than the engine may hold back.
public struct HoldLimitExceeded: Error, Sendable, CustomStringConvertible {
    public let detectorID: String
    public let offset: Int
    public init(detectorID: String, offset: Int) { self.detectorID = detectorID; self.offset = offset }
    public var description: String {
        "detector \(detectorID): a candidate starting at byte \(offset) is still open after the hold-back limit; refusing to pass it through unredacted"
    }
}

/// Runs every detector over a buffer: the prefilter finds trigger hits, each regex runs only
/// near its hits, text detectors run on the finished region, and the result is the set of raw
/// detections plus the hold point up to which they are final.
public final class DetectionEngine {
    public let detectors: [RegexDetector]
    public private(set) var textDetectors: [any TextDetector]
    /// Detections below this confidence are not redacted.
    public var minConfidence: Double
    public let globalAllow: AllowList?
    /// When false, every regex runs over the whole region (the reference the gated run is tested against).
    public var isGated = true

    let prefilter: Prefilter
    let matcher: Matcher
    let singleLine: [Int]
    let multiLine: [Int]
    /// Bytes of left context the driver must keep before the processing point.
    public let leftContext: Int
    let maxLiteralLength: Int
    let maxMultiLineLead: Int
    var wholeMatches: [Range<Int>] = []
    /// Scratch space for folding the context around candidates.
    let contextFolder = TextFolder(capacity: 1024)
    /// Each detector's trigger as an index into `distinctTriggers`: detectors that share a
    /// trigger (many share `digits:N`) share its sorted hit list within one scan.
    let triggerSlot: [Int?]
    /// Per single-line detector with `patternTriggers`: each pattern's slot in `distinctTriggers`.
    let patternSlots: [[Int]?]
    let distinctTriggers: [Trigger]
    /// `distinctTriggers` as the prefilter's plans.
    let triggerPlans: [Prefilter.Plan]
    var triggerHitCache: [[Range<Int>]?] = []
    /// Per scan, `runs(atLeast:contiguous:)` by count (0...64, then 65... for contiguous).
    var runIndexCache: [[Int32]?] = []
    /// The digit-segment sets of the plans that `admits` must walk (not single stretches), each
    /// with its row in `verdicts`.
    let segmentsSlot: [DigitSegments: Int]
    /// Per scan: each digit run's shape (its sequence of stretch lengths) as a number, -1 until
    /// asked; runs of one shape share every segment verdict (a chunk of text has thousands of
    /// runs, but dates, phone numbers and amounts come in few shapes).
    var runShape: [Int32] = []
    /// Per scan: the runs that first had each shape (whose lengths stand for the shape), and
    /// an open-addressing table from a shape's hash to its number.
    var shapeRuns: [Int32] = []
    var shapeTable: [Int32] = []
    /// Per scan, per segment set and shape: 0 not yet known, 1 admits, 2 does not.
    var verdicts: [UInt8] = []
    /// Slots of a run cache: counts 0...64 (64 standing for more), once plain, once contiguous.
    static let runCacheSlots = 2 * 65
    /// Per-detector PCRE2 time, when a benchmark asks for it (nil: not measured).
    public var profile: DetectorProfile? {
        didSet { detectorIndex = Dictionary(uniqueKeysWithValues: detectors.indices.map { (ObjectIdentifier(detectors[$0]), $0) }) }
    }
    private var detectorIndex: [ObjectIdentifier: Int] = [:]

    public init(detectors: [RegexDetector], textDetectors: [any TextDetector] = [], minConfidence: Double = Confidence.defaultThreshold,
                globalAllow: AllowList? = nil, matchLimit: UInt32 = 1_000_000) throws {
        self.detectors = detectors
        self.textDetectors = textDetectors
        self.minConfidence = minConfidence
        self.globalAllow = globalAllow
        prefilter = Prefilter(triggers: detectors.compactMap(\.trigger))
        let maxCaptures = detectors.map(\.maxCaptureCount).max() ?? 0
        matcher = try Matcher(maxCaptures: max(maxCaptures, 1), matchLimit: matchLimit)
        singleLine = detectors.indices.filter { !detectors[$0].spansLines }
        multiLine = detectors.indices.filter { detectors[$0].spansLines }
        let lookbehind = detectors.map(\.maxLookbehind).max() ?? 0
        let lead = detectors.map(\.lead).max() ?? 0
        // Characters can be 4 bytes; keep room for lookbehind, lead and context windows.
        leftContext = max(1024, 4 * lookbehind + lead + 16)
        maxLiteralLength = prefilter.literals.map { t -> Int in
            if case .literal(let b) = t { return b.count }
            if case .keyword(let b) = t { return b.count }
            if case .wordStart(.literal(let b)) = t { return b.count + 1 }
            if case .wordStart(.keyword(let b)) = t { return b.count + 1 }
            return 0
        }.max() ?? 0
        maxMultiLineLead = multiLine.map { detectors[$0].lead }.max() ?? 0
        var slots: [Trigger: Int] = [:], distinct: [Trigger] = []
        slots.reserveCapacity(detectors.count)
        func slot(_ t: Trigger) -> Int {
            if let i = slots[t] { return i }
            slots[t] = distinct.count
            distinct.append(t)
            return distinct.count - 1
        }
        triggerSlot = detectors.map { d in d.trigger.map(slot) }
        patternSlots = detectors.map { d in
            guard d.trigger != nil, !d.spansLines, let each = d.patternTriggers, each.count == d.patternCount else { return nil }
            return each.map(slot)
        }
        distinctTriggers = distinct
        triggerPlans = distinct.map(prefilter.plan)
        var walked: [DigitSegments: Int] = [:]
        func collect(_ p: Prefilter.Plan) {
            switch p {
            case .digits(_, _, _, let segments?), .contiguousDigits(_, _, _, let segments?):
                if segments.singleStretchLengths == nil && walked[segments] == nil { walked[segments] = walked.count }
            case .run(let inner, _): collect(inner)
            case .all(let ts), .any(let ts): ts.forEach(collect)
            default: break
            }
        }
        triggerPlans.forEach(collect)
        segmentsSlot = walked
    }

    public func addTextDetector(_ detector: any TextDetector) { textDetectors.append(detector) }

    /// The result of scanning a region.
    public struct Scan {
        /// Detections starting in `[from, hold)`, unresolved, above no threshold yet.
        public var detections: [Detection]
        /// Everything before this offset is final.
        public var hold: Int
    }

    /// Scans `buf` from `pos`.
    /// - Parameters:
    ///   - segmentEnd: end of the complete lines (just after the last `\n`), or `buf.count` at EOF.
    ///   - isFinal: no more data will follow `buf`.
    ///   - isLongLine: the unfinished line exceeded the line limit; finalise as much of it as is safe.
    public func scan(_ buf: UnsafeBufferPointer<UInt8>, from pos: Int, segmentEnd: Int, isFinal: Bool, isLongLine: Bool = false) throws -> Scan {
        let end = buf.count
        let partialTail = !isFinal && isLongLine
        let lineLimit = partialTail ? end : segmentEnd
        var hold = lineLimit
        var detections: [Detection] = []
        // Room for as many as the last scan of a region this long found (growing from empty
        // copied them a dozen times over in each chunk of a long input).
        detections.reserveCapacity(expectedDetections(for: end - pos))
        // Whole-match extents: the hold point may not split one, or a capture-group detector
        // whose context lies before the hold would lose its match in the next round.
        wholeMatches.removeAll(keepingCapacity: true)

        let scanStart = profile == nil ? 0 : DetectorProfile.now()
        defer { if let profile { profile.scanNanoseconds &+= DetectorProfile.now() &- scanStart } }
        let hits = prefilter.scan(buf, region: max(0, pos - 64)..<end)
        if let profile { profile.prefilterNanoseconds &+= DetectorProfile.now() &- scanStart }
        // Pattern source that may switch from the interpreter to the JIT (both modes) in this
        // scan: a small detector or two per line of a stream (about 0.3 ms; a 1 KB allowance
        // made the lines where many detectors cross `jitAfterCalls` take 1.1-1.5 ms, the p99 of
        // per-line latency), everything within the first few chunks of a file.
        var jitBudget = max(1 << 8, 2 * (end - pos))
        triggerHitCache = [[Range<Int>]?](repeating: nil, count: distinctTriggers.count)
        runIndexCache = [[Int32]?](repeating: nil, count: Self.runCacheSlots)
        runShape.removeAll(keepingCapacity: true)
        indexNewlines(buf, from: pos, to: end)

        // Single-line detectors.
        for di in singleLine {
            let d = detectors[di]
            // Windows for all patterns at once (`only` nil), or for each pattern on the hits of
            // its own trigger.
            let plan: [(only: Int?, windows: [Range<Int>])]
            if !isGated {
                plan = [(nil, [pos..<lineLimit])]
            } else if let slots = patternSlots[di] {
                plan = slots.enumerated().map { ($0.offset, self.windows(slot: $0.element, of: d, hits: hits, buf: buf, from: pos, until: lineLimit)) }
            } else {
                plan = [(nil, self.windows(for: di, hits: hits, buf: buf, from: pos, until: lineLimit))]
            }
            let planned = plan.reduce(0) { $0 + $1.windows.count }
            if planned == 0 { continue }
            let patterns = try d.patterns(plannedCalls: planned, jitBudget: &jitBudget)
            var resume = [Int](repeating: 0, count: patterns.count)
            for (only, windows) in plan {
                for w in windows {
                    try runSingleLine(d, patterns, only: only, buf, window: w, from: pos, limit: lineLimit, partialTail: partialTail,
                                      resume: &resume, hold: &hold, into: &detections)
                }
            }
        }
        // Multi-line detectors see the whole buffer, with partial matching until EOF.
        for di in multiLine {
            let d = detectors[di]
            let windows = isGated ? self.windows(for: di, hits: hits, buf: buf, from: pos, until: end) : [pos..<end]
            var resume = [Int](repeating: 0, count: d.patternCount)
            if !windows.isEmpty {
                let patterns = try d.patterns(plannedCalls: windows.count, jitBudget: &jitBudget)
                for w in windows {
                    try runMultiLine(d, patterns, buf, window: w, from: pos, isFinal: isFinal, resume: &resume, hold: &hold, into: &detections)
                }
            }
            if !isFinal {
                // A match whose trigger has not arrived yet (or is cut by the end of the data)
                // may start up to `lead` bytes before it. Rather than hold those bytes blindly
                // (which held every line of an interactive pipe), ask the regex: only a start
                // where a match is still in progress at the end of the data is held.
                let uncertain = uncertainStart(buf, hits: hits, lineStart: segmentEnd)
                let lo = max(pos, uncertain - d.lead)
                if lo < uncertain, let open = try openMatchStart(d, buf, from: lo, below: uncertain, jitBudget: &jitBudget) {
                    hold = min(hold, max(pos, open))
                }
            }
        }
        if partialTail {
            let uncertain = uncertainStart(buf, hits: hits, lineStart: pos)
            let maxLead = detectors.map(\.lead).max() ?? 0
            hold = min(hold, max(pos, uncertain - maxLead))
        }

        // Text detectors (dictionaries, names) over the region that is final so far.
        if !textDetectors.isEmpty && hold > pos {
            let textStart = profile == nil ? 0 : DetectorProfile.now()
            for t in textDetectors {
                t.detect(in: buf, range: pos..<hold, into: &detections)
            }
            if let profile { profile.textNanoseconds &+= DetectorProfile.now() &- textStart }
        }

        // Pull the hold point back before anything that crosses it, until stable.
        var changed = true
        while changed {
            changed = false
            for det in detections where det.span.lowerBound < hold && det.span.upperBound > hold {
                hold = det.span.lowerBound
                changed = true
            }
            for w in wholeMatches where w.lowerBound < hold && w.upperBound > hold {
                hold = w.lowerBound
                changed = true
            }
        }
        detections.removeAll { $0.span.lowerBound >= hold || $0.span.lowerBound < pos }
        if end - pos >= 4096 { detectionsPerKiB = Double(detections.count) * 1024 / Double(end - pos) }
        return Scan(detections: detections, hold: max(hold, pos))
    }

    /// Detections per KiB in the last scan of at least 4 KiB (0 before one).
    var detectionsPerKiB = 0.0

    func expectedDetections(for length: Int) -> Int {
        min(1 << 20, Int(detectionsPerKiB * Double(length) / 1024 * 1.25))
    }

    /// Where data near the end might still complete a trigger.
    func uncertainStart(_ buf: UnsafeBufferPointer<UInt8>, hits: Prefilter.Hits, lineStart: Int) -> Int {
        let end = buf.count
        if end == 0 || buf[end - 1] == 10 { return end }
        var u = max(lineStart, end - max(maxLiteralLength - 1, 0))
        if let last = hits.digitRuns.last, last.range.upperBound >= end - 3 { u = min(u, last.range.lowerBound) }
        if let last = hits.upperRuns.last, last.upperBound >= end { u = min(u, last.lowerBound) }
        return max(lineStart, u)
    }

    /// Where matches of `d` may start: `[hit − lead, hit end]` for each hit, merged, clipped to `[from, until)`.
    func windows(for di: Int, hits: Prefilter.Hits, buf: UnsafeBufferPointer<UInt8>, from: Int, until: Int) -> [Range<Int>] {
        guard let slot = triggerSlot[di] else { return from < until ? [from..<until] : [] }
        return windows(slot: slot, of: detectors[di], hits: hits, buf: buf, from: from, until: until)
    }

    /// The windows of detector `d` for the hits of trigger `slot` (its own, or one pattern's).
    func windows(slot: Int, of d: RegexDetector, hits: Prefilter.Hits, buf: UnsafeBufferPointer<UInt8>, from: Int, until: Int) -> [Range<Int>] {
        let raw: [Range<Int>]
        if let cached = triggerHitCache[slot] {
            raw = cached
        } else {
            var list = triggerHits(triggerPlans[slot], hits, buf, conditions: [], runCache: &runIndexCache)
            // A leaf's hits come in order; only alternatives need sorting.
            if !list.isEmpty, zip(list, list.dropFirst()).contains(where: { $0.lowerBound > $1.lowerBound }) {
                list.sort { $0.lowerBound < $1.lowerBound }
            }
            triggerHitCache[slot] = list
            raw = list
        }
        if raw.isEmpty { return [] }
        // A single-line match lies on the line of the hit it contains, so a window never needs to
        // reach back past that line's start (a long lead, for example the 260 bytes before an
        // `@`, would otherwise have PCRE2 try every position of the previous line's tail).
        let clipsToLine = !d.spansLines
        let leadCharacters = d.leadCharacters
        var out: [Range<Int>] = []
        for h in raw {
            var lo = max(from, h.lowerBound - d.lead)
            if clipsToLine && lo < h.lowerBound { lo = max(lo, lineStart(of: h.lowerBound)) }
            if let leadCharacters, lo < h.lowerBound { lo = max(lo, ContextWords.back(from: h.lowerBound, characters: leadCharacters, in: buf)) }
            let hi = min(until, h.upperBound + 1)
            if lo >= hi { continue }
            if let last = out.last, lo <= last.upperBound {
                out[out.count - 1] = last.lowerBound..<max(last.upperBound, hi)
            } else {
                out.append(lo..<hi)
            }
        }
        return out
    }

    /// The hits of a plan: ranges of literal hits, digit runs or upper-case runs. `conditions`
    /// are the run conditions of enclosing `.run` plans; a digit run must meet them all (they are
    /// tested after the run's count and stretches, which turn away most runs more cheaply).
    func triggerHits(_ t: Prefilter.Plan, _ hits: Prefilter.Hits, _ buf: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var cache = [[Int32]?](repeating: nil, count: Self.runCacheSlots)
        // These hits are not the scan's: the shapes and verdicts remembered for its runs do not apply.
        runShape.removeAll(keepingCapacity: true)
        defer { runShape.removeAll(keepingCapacity: true) }
        return triggerHits(t, hits, buf, conditions: [], runCache: &cache)
    }

    /// `runCache` holds `runs(atLeast:contiguous:)` for these hits (see `runIndexCache`).
    func triggerHits(_ t: Prefilter.Plan, _ hits: Prefilter.Hits, _ buf: UnsafeBufferPointer<UInt8>,
                     conditions: [RunCondition], runCache: inout [[Int32]?]) -> [Range<Int>] {
        switch t {
        case .literal(let i):
            if conditions.isEmpty { return hits.literal[i] }
            // Condition by condition over the hits, each condition taken out of its enum once:
            // per hit and condition, copying the condition (a pattern: retained, released) cost
            // more than testing it.
            var kept = hits.literal[i]
            for condition in conditions where !kept.isEmpty {
                switch condition {
                case .beginsLine(let within): kept.removeAll { !Self.beginsLine($0.lowerBound, within: within, in: buf) }
                case .next(let sequence): kept.removeAll { !sequence.matches(after: $0.upperBound, in: buf) }
                case .previous(let sequence): kept.removeAll { !sequence.matches(before: $0.lowerBound, in: buf) }
                case .holdsSeparator, .followedBy: break  // digit-run conditions (the parser keeps them off literals)
                }
            }
            return kept
        case .digits(let n, let mask, let initial, let segments), .contiguousDigits(let n, let mask, let initial, let segments):
            var out: [Range<Int>] = []
            let contiguous: Bool
            if case .contiguousDigits = t { contiguous = true } else { contiguous = false }
            var indices = runs(atLeast: n, contiguous: contiguous, hits, cache: &runCache)
            hits.stretchLengths.withUnsafeBufferPointer { lengths in
                hits.digitRuns.withUnsafeBufferPointer { all in
                    if !conditions.isEmpty {
                        // The stretches first, then condition by condition over the runs left
                        // (as for literals: each condition taken out of its enum once).
                        indices.removeAll { (initial ? all[Int($0)].initial : all[Int($0)].stretches) & mask == 0 }
                        for condition in conditions where !indices.isEmpty {
                            switch condition {
                            case .beginsLine(let within):
                                indices.removeAll {
                                    // A digit just before: a run that the scanned region cut, which may begin a line earlier.
                                    let start = all[Int($0)].range.lowerBound
                                    let isCut = start > 0 && buf[start - 1] >= 48 && buf[start - 1] <= 57
                                    return !isCut && !Self.beginsLine(start, within: within, in: buf)
                                }
                            case .holdsSeparator(let separators): indices.removeAll { all[Int($0)].separators & separators == 0 }
                            case .followedBy(let bytes): indices.removeAll { !Self.isFollowed(all[Int($0)].range.upperBound, by: bytes, in: buf) }
                            case .next, .previous: break  // literal conditions (the parser keeps them off runs)
                            }
                        }
                    }
                    let slot = segments.flatMap { segmentsSlot[$0] }
                    for i in indices {
                        let run = all[Int(i)]
                        guard (initial ? run.initial : run.stretches) & mask != 0 else { continue }
                        // A run the data may have cut (every stretch bit set) is not checked.
                        if let segments, run.stretches != Trigger.anyStretch {
                            let admitted: Bool
                            if let slot {
                                admitted = admits(segments, slot: slot, run: Int(i), all, lengths)
                            } else {
                                admitted = segments.admits(stretches: run.stretches, lengths: Self.stretchLengths(of: run, in: lengths))
                            }
                            if !admitted { continue }
                        }
                        out.append(run.range)
                    }
                }
            }
            return out
        case .upper(let n):
            return hits.upperRuns.filter { $0.count >= n }
        case .run(let inner, let own):
            return triggerHits(inner, hits, buf, conditions: conditions.isEmpty ? own : conditions + own, runCache: &runCache)
        case .all(let ts):
            guard let first = ts.first else { return [] }
            for other in ts.dropFirst() where triggerHits(other, hits, buf, conditions: conditions, runCache: &runCache).isEmpty { return [] }
            return triggerHits(first, hits, buf, conditions: conditions, runCache: &runCache)
        case .any(let ts):
            var out: [Range<Int>] = []
            for t in ts { out += triggerHits(t, hits, buf, conditions: conditions, runCache: &runCache) }
            return out
        case .never:
            return []
        }
    }

    /// The stretch lengths of `run`, in order.
    @inline(__always)
    static func stretchLengths(of run: Prefilter.DigitRun, in lengths: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: lengths[Int(run.lengths.lowerBound)..<Int(run.lengths.upperBound)])
    }

    /// `segments.admits` for run `r`, remembered per shape of run for this scan.
    func admits(_ segments: DigitSegments, slot: Int, run r: Int, _ all: UnsafeBufferPointer<Prefilter.DigitRun>,
                _ lengths: UnsafeBufferPointer<UInt8>) -> Bool {
        if runShape.isEmpty {
            runShape = [Int32](repeating: -1, count: all.count)
            shapeRuns.removeAll(keepingCapacity: true)
            shapeTable = [Int32](repeating: -1, count: max(64, 1 << (Int.bitWidth - (2 * all.count).leadingZeroBitCount)))
            verdicts.removeAll(keepingCapacity: true)
        }
        var shape = Int(runShape[r])
        if shape < 0 {
            shape = self.shape(of: r, all, lengths)
            runShape[r] = Int32(shape)
        }
        let cell = slot * all.count + shape
        if verdicts.isEmpty { verdicts = [UInt8](repeating: 0, count: segmentsSlot.count * all.count) }
        switch verdicts[cell] {
        case 1: return true
        case 2: return false
        default:
            let run = all[r]
            let yes = segments.admits(stretches: run.stretches, lengths: Self.stretchLengths(of: run, in: lengths))
            verdicts[cell] = yes ? 1 : 2
            return yes
        }
    }

    /// The number of run `r`'s shape (its stretch lengths in order), given out in order of
    /// first sight within the scan.
    func shape(of r: Int, _ all: UnsafeBufferPointer<Prefilter.DigitRun>, _ lengths: UnsafeBufferPointer<UInt8>) -> Int {
        let mine = Self.stretchLengths(of: all[r], in: lengths)
        let h = FNV1a.hash(UnsafeRawBufferPointer(mine))
        let mask = shapeTable.count - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let s = Int(shapeTable[i])
            if s < 0 {
                shapeTable[i] = Int32(shapeRuns.count)
                shapeRuns.append(Int32(r))
                return shapeRuns.count - 1
            }
            if Self.stretchLengths(of: all[Int(shapeRuns[s])], in: lengths).elementsEqual(mine) { return s }
            i = (i + 1) & mask
        }
    }

    /// The indices of the digit runs with at least `n` digits (in a row, if `contiguous`), in
    /// order: computed once per scan and count, shared by every trigger with that count (there
    /// are about a hundred digit triggers and a thousand runs in a chunk of ordinary text).
    /// Filtered from the closest list already made that holds them all (fewer digits, or the
    /// same count not in a row), rather than from every run: about fifteen counts are asked
    /// for, and most runs are short.
    func runs(atLeast n: Int, contiguous: Bool, _ hits: Prefilter.Hits, cache: inout [[Int32]?]) -> [Int32] {
        let capped = min(n, 64)
        let key = capped + (contiguous ? 65 : 0)
        if let cached = cache[key] { return cached }
        // A run with n digits in a row has n digits; one with n has n - 1.
        var parent: [Int32]?
        var k = capped
        while parent == nil && k >= 0 {
            if contiguous && k < capped { parent = cache[k + 65] }
            if parent == nil && (contiguous || k < capped) { parent = cache[k] }
            k -= 1
        }
        var out: [Int32] = []
        hits.digitRuns.withUnsafeBufferPointer { all in
            if let parent {
                for i in parent where (contiguous ? all[Int(i)].contiguous : all[Int(i)].count) >= n { out.append(i) }
            } else {
                for i in all.indices where (contiguous ? all[i].contiguous : all[i].count) >= n { out.append(Int32(i)) }
            }
        }
        cache[key] = out
        return out
    }


    /// Offsets of every `\n` in the region being scanned, so that finding a line's end is a
    /// binary search rather than a walk (a walk per window is quadratic on long lines).
    var newlines: [Int] = []
    /// Per 64-byte block from `newlineBase`: the index in `newlines` of the first newline at or
    /// after the block's start. Finding a line's end is then a look-up and a step or two; a
    /// binary search per window was a tenth of all redaction time (its branches mispredict).
    var newlineBlocks: [Int32] = []
    var newlineBase = 0

    func indexNewlines(_ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        newlines.removeAll(keepingCapacity: true)
        if let base = buf.baseAddress {
            // memchr: lines are tens to hundreds of bytes, a vectorised search each.
            var j = from
            while j < to, let found = memchr(base + j, 10, to - j) {
                let k = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                newlines.append(k)
                j = k + 1
            }
        }
        newlineBase = from
        let blocks = (max(to, buf.count) - from) >> 6 + 1
        newlineBlocks.removeAll(keepingCapacity: true)
        newlineBlocks.reserveCapacity(blocks)
        var k = 0
        for b in 0..<blocks {
            let blockStart = from + b << 6
            while k < newlines.count && newlines[k] < blockStart { k += 1 }
            newlineBlocks.append(Int32(k))
        }
    }

    /// Whether only spaces and tabs are more than `within` bytes before `start` on its line (see
    /// `RunCondition.beginsLine`). The start of the buffer counts as a line start: the driver's buffer
    /// may begin inside a line, and a trigger may only err on the side of waking.
    static func beginsLine(_ start: Int, within: Int, in buf: UnsafeBufferPointer<UInt8>) -> Bool {
        var j = start - 1
        while j >= 0 {
            let b = buf[j]
            if b == 10 { return true }
            if start - j > within && b != 32 && b != 9 { return false }
            j -= 1
        }
        return true
    }

    /// Whether the byte at `end`, or the one after a separator there, is one of `bytes` (see
    /// `RunCondition.followedBy`); true near the end of the buffer, which more data may continue.
    static func isFollowed(_ end: Int, by bytes: [UInt8], in buf: UnsafeBufferPointer<UInt8>) -> Bool {
        if end + 4 >= buf.count { return true }
        if bytes.contains(buf[end]) { return true }
        let n = Prefilter.separatorLength(buf, end, buf.count)
        return n > 0 && bytes.contains(buf[end + n])
    }

    /// Start of the line containing `i` (just after the last `\n` before `i`, or the start of the
    /// indexed region); `i` is at or after the start of the indexed region.
    @inline(__always) func lineStart(of i: Int) -> Int {
        let b = (i - newlineBase) >> 6
        var k = b >= 0 && b < newlineBlocks.count ? Int(newlineBlocks[b]) : newlines.count
        // `k` is the first newline at or after the block's start: step to the first one at or after `i`.
        while k < newlines.count && newlines[k] < i { k += 1 }
        return k > 0 ? newlines[k - 1] + 1 : newlineBase
    }

    /// End of the line containing `i` (the offset of its `\n`, or `limit`); `i` is at or after
    /// the start of the indexed region.
    @inline(__always) func lineEnd(_ buf: UnsafeBufferPointer<UInt8>, from i: Int, limit: Int) -> Int {
        let b = (i - newlineBase) >> 6
        var k = b >= 0 && b < newlineBlocks.count ? Int(newlineBlocks[b]) : 0
        while k < newlines.count && newlines[k] < i { k += 1 }
        if k < newlines.count { return min(newlines[k], limit) }
        return limit
    }

    private func runSingleLine(_ d: RegexDetector, _ patterns: [CompiledPattern], only: Int?, _ buf: UnsafeBufferPointer<UInt8>, window: Range<Int>,
                               from pos: Int, limit: Int, partialTail: Bool, resume: inout [Int], hold: inout Int,
                               into out: inout [Detection]) throws {
        var start = window.lowerBound
        while start < window.upperBound {
            // Each line is its own subject: a single-line match never sees past its line end.
            let lineStop = lineEnd(buf, from: start, limit: limit)
            let isTail = partialTail && lineStop == limit
            let subject = UnsafeBufferPointer(rebasing: buf[0..<lineStop])
            let windowEnd = min(window.upperBound, lineStop + 1)
            for pi in patterns.indices where only == nil || only == pi {
                let pattern = patterns[pi]
                // Like one pass over the text: never restart inside an earlier match.
                var s = max(start, resume[pi])
                defer { resume[pi] = max(resume[pi], s) }
                while s < windowEnd && s <= lineStop {
                    let outcome = try match(d, pattern, pi, in: subject, from: s, startLimit: windowEnd - 1, partial: isTail)
                    switch outcome {
                    case .noMatch:
                        s = windowEnd
                    case .partial(let ps):
                        hold = min(hold, max(pos, ps))
                        s = windowEnd
                    case .match(let whole, let group):
                        wholeMatches.append(whole)
                        if let span = group, !span.isEmpty, span.lowerBound >= pos,
                           let det = try evaluate(d, span: span, in: buf) {
                            out.append(det)
                        }
                        s = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
                    }
                }
            }
            start = lineStop + 1
        }
    }

    /// One PCRE2 call (`pattern` is the detector's pattern number `pi`); a match or JIT-stack
    /// limit becomes an error naming the detector. A failure in the interpreter is retried with
    /// the JIT first: their limits differ (heap frames against the JIT stack), and a detector
    /// must not fail on a short input where a long one, already JIT-compiled, would pass.
    @inline(__always)
    func match(_ d: RegexDetector, _ pattern: CompiledPattern, _ pi: Int, in subject: UnsafeBufferPointer<UInt8>, from s: Int,
               startLimit: Int, partial: Bool) throws -> SpanOutcome {
        if let profile, let di = detectorIndex[ObjectIdentifier(d)] {
            let start = DetectorProfile.now()
            let outcome = try matchOnce(d, pattern, pi, in: subject, from: s, startLimit: startLimit, partial: partial)
            if case .match = outcome { profile.record(di, since: start, matched: true) } else { profile.record(di, since: start, matched: false) }
            return outcome
        }
        return try matchOnce(d, pattern, pi, in: subject, from: s, startLimit: startLimit, partial: partial)
    }

    @inline(__always)
    private func matchOnce(_ d: RegexDetector, _ pattern: CompiledPattern, _ pi: Int, in subject: UnsafeBufferPointer<UInt8>, from s: Int,
                            startLimit: Int, partial: Bool) throws -> SpanOutcome {
        do {
            return try matcher.matchSpan(pattern, in: subject, from: s, group: d.group, startLimit: startLimit, partial: partial)
        } catch let f as MatchFailure {
            if !pattern.isJITCompiled, let jit = try d.jitPattern(pi) {
                do {
                    return try matcher.matchSpan(jit, in: subject, from: s, group: d.group, startLimit: startLimit, partial: partial)
                } catch let again as MatchFailure {
                    throw DetectorFailure(detectorID: d.id, origin: d.origin, offset: s, message: again.message)
                }
            }
            throw DetectorFailure(detectorID: d.id, origin: d.origin, offset: s, message: f.message)
        }
    }

    /// `d.evaluate` (validators, allow-lists, context), timed when profiling.
    @inline(__always)
    func evaluate(_ d: RegexDetector, span: Range<Int>, in buf: UnsafeBufferPointer<UInt8>) throws -> Detection? {
        guard let profile else { return try d.evaluate(span: span, in: buf, matcher: matcher, globalAllow: globalAllow, folder: contextFolder) }
        let start = DetectorProfile.now()
        defer { profile.evaluateNanoseconds &+= DetectorProfile.now() &- start }
        return try d.evaluate(span: span, in: buf, matcher: matcher, globalAllow: globalAllow, folder: contextFolder)
    }

    /// The earliest start in `[from, below)` from which a match of `d` could still be in
    /// progress at the end of `buf` (PCRE2 partial-hard, ungated), or nil if there is none.
    func openMatchStart(_ d: RegexDetector, _ buf: UnsafeBufferPointer<UInt8>, from: Int, below: Int, jitBudget: inout Int) throws -> Int? {
        var earliest: Int?
        for (pi, pattern) in try d.patterns(plannedCalls: 1, jitBudget: &jitBudget).enumerated() {
            var s = from
            while s < below {
                let outcome = try match(d, pattern, pi, in: buf, from: s, startLimit: below - 1, partial: true)
                switch outcome {
                case .noMatch:
                    s = below
                case .partial(let ps):
                    earliest = min(earliest ?? ps, ps)
                    s = below
                case .match(let whole, _):
                    // A complete match was seen by the gated pass; a partial one may still start after its start.
                    s = whole.lowerBound + 1
                }
            }
        }
        return earliest
    }

    private func runMultiLine(_ d: RegexDetector, _ patterns: [CompiledPattern], _ buf: UnsafeBufferPointer<UInt8>, window: Range<Int>,
                              from pos: Int, isFinal: Bool, resume: inout [Int], hold: inout Int, into out: inout [Detection]) throws {
        let extent = d.maxExtent ?? Int.max
        for (pi, pattern) in patterns.enumerated() {
            var s = max(window.lowerBound, resume[pi])
            defer { resume[pi] = max(resume[pi], s) }
            while s < window.upperBound {
                let outcome = try match(d, pattern, pi, in: buf, from: s, startLimit: window.upperBound - 1, partial: !isFinal)
                switch outcome {
                case .noMatch:
                    s = window.upperBound
                case .partial(let ps):
                    if buf.count - ps > extent {
                        s = ps + 1  // longer than the declared extent: cannot become a match
                    } else {
                        hold = min(hold, max(pos, ps))
                        s = window.upperBound
                    }
                case .match(let whole, let group):
                    if whole.count > extent { s = whole.lowerBound + 1; continue }
                    wholeMatches.append(whole)
                    if let span = group, !span.isEmpty, span.lowerBound >= pos,
                       let det = try evaluate(d, span: span, in: buf) {
                        out.append(det)
                    }
                    s = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
                }
            }
        }
    }
}
