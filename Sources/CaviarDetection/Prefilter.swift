/// The one pass over the bytes that finds every trigger: digit runs, upper-case alphanumeric
/// runs (64 bytes classified at a time), and literal/keyword occurrences (a shift-or filter over
/// a hashed alphabet, then the literals of a folded byte pair compared).
///
/// Measured design from ENGINE.md §7: one table lookup per byte, then each detector's regex runs
/// only near the hits of its trigger.
final class Prefilter {
    /// Distinct literal/keyword triggers, indexed.
    let literals: [Trigger]
    private let literalIndex: [Trigger: Int]
    /// Single-byte literals: folded byte -> literal indices.
    private let singleByte: [[Int]]
    let needsDigits: Bool
    /// The fewest digits any digit trigger asks for: shorter runs are not recorded (most runs of a
    /// text are one or two digits: days, hours, counts), unless they reach the end of the data.
    let minDigitCount: Int
    let needsUpper: Bool
    /// The fewest characters any upper-case trigger asks for: shorter runs (a capital letter
    /// beginning a word) are not recorded, unless they reach the end of the data.
    let minUpperCount: Int
    /// Every literal's bytes, one after the other (literal `li` at `literalOffset[li]`, of
    /// `literalLength[li]` bytes): the compare after the filter reads them without retaining an
    /// array per literal.
    private let literalFlat: [UInt8]
    private let literalOffset: [Int32]
    private let literalLength: [Int32]
    private let literalIsCaseless: [Bool]
    /// The hit counts only where the byte before it does not continue a word.
    private let literalAtWordStart: [Bool]
    /// Literals of two bytes or more grouped by their folded first two bytes and their length
    /// capped at `window` (the pair key, see `pairKey`): the group of the key of rank r among
    /// the keys present is
    /// `pairLiterals[pairGroupStart[r]..<pairGroupStart[r + 1]]`.
    private let pairLiterals: [UInt32]
    private let pairGroupStart: [UInt32]
    /// One bit per pair key that some literal has (64 KB, of which a text touches a few lines).
    private let pairBits: [UInt64]
    /// Per 64-bit word of `pairBits`: the number of keys present before it.
    private let pairRankBase: [UInt32]
    /// Parallel to `pairLiterals`: the literal's first four folded bytes (little-endian) and the
    /// mask of those it has. Common letter pairs begin dozens of keywords; one compare against
    /// the folded word at the position rejects nearly all of them without touching their bytes.
    private let pairPrefix: [UInt32]
    private let pairMask: [UInt32]

    /// The filter of the literal scan, a shift-or over a hashed alphabet (the idea of
    /// Hyperscan's FDR): the state holds `window` lanes of eight bucket bits; at each byte it
    /// moves up one lane and takes the table entry of the byte and the low five bits of the byte
    /// before it (which tell the letters apart, either case alike; 64 KB). Lane j of an entry has bucket b's bit clear when some literal of bucket b can
    /// have that byte (after that predecessor) as its byte j. A literal whose first
    /// min(length, window) bytes end at i has its bucket bit clear in lane min(length, window) − 1
    /// of the state at i; `shiftOrFinal` has those bits set. Only then is its pair group looked
    /// at, about once in twenty bytes of ordinary text instead of at every byte.
    private let shiftOr: [UInt64]
    private let shiftOrFinal: UInt64
    /// Lanes of the shift-or state: literals are filtered on their first eight bytes.
    static let window = 8

    /// The key of a literal's group: its first two folded bytes and its length capped at
    /// `window`, so that a candidate of one length meets only the literals of that length.
    @inline(__always) static func pairKey(_ f0: UInt8, _ f1: UInt8, length: Int) -> Int {
        (length - 1) << 16 | Int(f0) << 8 | Int(f1)
    }

    /// Keys: 8 lengths of 65 536 pairs.
    static let pairKeyCount = window << 16

    init(triggers: [Trigger]) {
        var lits: [Trigger] = []
        var index: [Trigger: Int] = [:]
        index.reserveCapacity(4 * triggers.count)
        var digits = false, upper = false
        var minDigits = Int.max, minUpper = Int.max
        func visit(_ t: Trigger) {
            switch t {
            case .literal, .keyword, .wordStart:
                if index[t] == nil { index[t] = lits.count; lits.append(t) }
            case .digits(let n), .contiguousDigits(let n):
                digits = true
                minDigits = min(minDigits, n)
            case .upper(let n):
                upper = true
                minUpper = min(minUpper, n)
            case .stretches(let t, _, _), .run(let t, _), .segments(let t, _): visit(t)
            case .all(let ts), .any(let ts): ts.forEach(visit)
            }
        }
        triggers.forEach(visit)
        literals = lits
        literalIndex = index
        needsDigits = digits
        minDigitCount = max(1, minDigits)
        needsUpper = upper
        minUpperCount = max(1, minUpper)
        var singleByte = [[Int]](repeating: [], count: 256)
        var literalBytes: [[UInt8]] = []
        var literalIsCaseless: [Bool] = [], literalAtWordStart: [Bool] = []
        var pairKeys: [(key: Int, literal: UInt32)] = []
        for (i, t) in lits.enumerated() {
            let bytes: [UInt8], caseless: Bool, wordStart: Bool
            switch t {
            case .literal(let b): bytes = b; caseless = false; wordStart = false
            case .keyword(let b): bytes = b; caseless = true; wordStart = false
            case .wordStart(.literal(let b)): bytes = b; caseless = false; wordStart = true
            case .wordStart(.keyword(let b)): bytes = b; caseless = true; wordStart = true
            default:
                // Not a leaf the parser produces; never matches.
                literalBytes.append([0xFF, 0xFF]); literalIsCaseless.append(false); literalAtWordStart.append(false)
                continue
            }
            let f0 = Prefilter.fold(bytes[0])
            literalBytes.append(bytes)
            literalIsCaseless.append(caseless)
            literalAtWordStart.append(wordStart)
            if bytes.count >= 2 {
                pairKeys.append((Prefilter.pairKey(f0, Prefilter.fold(bytes[1]), length: min(bytes.count, Prefilter.window)), UInt32(i)))
            }
            if bytes.count == 1 { singleByte[Int(f0)].append(i) }
        }
        // Literals grouped by pair key (literal order kept within a key). A key's group is found
        // by its rank among the keys present: the set bits of `pairBits` before it. A table of
        // all 65 536 keys cost more to build at every start-up than the rest of the prefilter.
        pairKeys.sort { $0.key != $1.key ? $0.key < $1.key : $0.literal < $1.literal }
        var pairBits = [UInt64](repeating: 0, count: Prefilter.pairKeyCount >> 6)
        for (key, _) in pairKeys { pairBits[key >> 6] |= 1 << UInt64(key & 63) }
        var rankBase = [UInt32](repeating: 0, count: Prefilter.pairKeyCount >> 6)
        var keysBefore: UInt32 = 0
        for w in 0..<(Prefilter.pairKeyCount >> 6) {
            rankBase[w] = keysBefore
            keysBefore += UInt32(pairBits[w].nonzeroBitCount)
        }
        var groupStart: [UInt32] = []
        groupStart.reserveCapacity(Int(keysBefore) + 1)
        var pairLiterals: [UInt32] = [], pairPrefix: [UInt32] = [], pairMask: [UInt32] = []
        pairLiterals.reserveCapacity(pairKeys.count)
        pairPrefix.reserveCapacity(pairKeys.count)
        pairMask.reserveCapacity(pairKeys.count)
        var previousKey = -1
        for (key, literal) in pairKeys {
            if key != previousKey { groupStart.append(UInt32(pairLiterals.count)); previousKey = key }
            pairLiterals.append(literal)
            let bytes = literalBytes[Int(literal)]
            var prefix: UInt32 = 0, mask: UInt32 = 0
            for k in 0..<min(4, bytes.count) {
                prefix |= UInt32(Prefilter.fold(bytes[k])) << UInt32(8 * k)
                mask |= 0xFF << UInt32(8 * k)
            }
            pairPrefix.append(prefix)
            pairMask.append(mask)
        }
        groupStart.append(UInt32(pairLiterals.count))
        (shiftOr, shiftOrFinal) = Prefilter.shiftOrFilter(literalBytes, caseless: literalIsCaseless)
        self.pairBits = pairBits
        self.pairRankBase = rankBase
        self.pairGroupStart = groupStart
        self.pairPrefix = pairPrefix
        self.pairMask = pairMask
        self.pairLiterals = pairLiterals
        self.singleByte = singleByte
        var flat: [UInt8] = [], offsets: [Int32] = [], lengths: [Int32] = []
        for bytes in literalBytes {
            offsets.append(Int32(flat.count))
            lengths.append(Int32(bytes.count))
            flat += bytes
        }
        self.literalFlat = flat
        self.literalOffset = offsets
        self.literalLength = lengths
        self.literalIsCaseless = literalIsCaseless
        self.literalAtWordStart = literalAtWordStart
    }

    /// The shift-or table and final mask (see `shiftOr`). A literal's bucket is its length
    /// capped at `window`, minus one: a bucket's lanes are the union of its literals' bytes, and
    /// a short literal in the bucket of long ones would loosen their first lanes (with buckets of
    /// neighbouring prefixes instead, four-byte literals let through one byte in seventeen).
    static func shiftOrFilter(_ literalBytes: [[UInt8]], caseless: [Bool]) -> ([UInt64], UInt64) {
        var table = [UInt64](repeating: ~0, count: 8192)
        var final: UInt64 = 0
        let bucket = literalBytes.map { max(0, min($0.count, window) - 1) }
        // Lane 0 takes any byte before: its bits are gathered per byte and spread over the 32
        // predecessors once (not once per literal: this runs at every start).
        var firstLane = [UInt64](repeating: 0, count: 256)
        for (li, bytes) in literalBytes.enumerated() where !bytes.isEmpty {
            let lanes = min(bytes.count, window)
            final |= 1 << UInt64(8 * (lanes - 1) + bucket[li])
            for j in 0..<lanes {
                let bit: UInt64 = 1 << UInt64(8 * j + bucket[li])
                let b = bytes[j]
                let isLetter = (b | 0x20) >= 97 && (b | 0x20) <= 122
                // Both cases of a caseless letter (no array per byte: this runs at every start).
                let cases = caseless[li] && isLetter ? 2 : 1
                for k in 0..<cases {
                    let c = k == 0 ? (cases == 2 ? b | 0x20 : b) : b & ~0x20
                    if j == 0 {
                        firstLane[Int(c)] |= bit
                    } else {
                        table[Int(c) << 5 | Int(bytes[j - 1] & 31)] &= ~bit
                    }
                }
            }
        }
        for c in 0..<256 where firstLane[c] != 0 {
            for low in 0..<32 { table[c << 5 | low] &= ~firstLane[c] }
        }
        return (table, final)
    }

    @inline(__always) static func fold(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }

    /// `fold` of each byte of four (little-endian), without a table: bit 7 of `low + 0x3F` is set
    /// where a 7-bit byte is at least `A`, of `low + 0x25` where it is above `Z` (no byte carries
    /// into the next), and bytes of 0x80 or more are left alone.
    @inline(__always) static func fold(word w: UInt32) -> UInt32 {
        let high: UInt32 = 0x8080_8080
        let low = w & 0x7F7F_7F7F
        let upper = (low &+ 0x3F3F_3F3F) & ~(low &+ 0x2525_2525) & ~w & high
        return w | upper >> 2
    }

    func index(of t: Trigger) -> Int? { literalIndex[t] }

    /// A trigger as a scan evaluates it: literal leaves replaced by their index, so that no scan
    /// hashes a trigger (that was a fortieth of redaction time).
    indirect enum Plan {
        case literal(Int)
        /// Runs with at least N digits and a maximal stretch (an initial one, if the flag is set)
        /// whose length is in the mask.
        /// With segments: runs that also hold one of them.
        case digits(Int, UInt64, initialOnly: Bool, segments: DigitSegments?)
        /// Runs with at least N digits in a row and a stretch as for `digits`.
        case contiguousDigits(Int, UInt64, initialOnly: Bool, segments: DigitSegments?)
        case upper(Int)
        /// Hits of the inner digit plan among the runs that meet the condition.
        /// Nested conditions are gathered into one list when the plan is made (the trigger pass
        /// made a new array per conditioned leaf at every scan).
        case run(Plan, [RunCondition])
        case all([Plan])
        case any([Plan])
        /// A leaf this prefilter was not built with: it never fires.
        case never
    }

    func plan(_ t: Trigger) -> Plan {
        switch t {
        case .literal, .keyword, .wordStart: return literalIndex[t].map(Plan.literal) ?? .never
        case .digits(let n): return .digits(n, ~0, initialOnly: false, segments: nil)
        case .contiguousDigits(let n): return .contiguousDigits(n, ~0, initialOnly: false, segments: nil)
        case .stretches(.digits(let n), let mask, let initial): return .digits(n, mask, initialOnly: initial, segments: nil)
        case .stretches(.contiguousDigits(let n), let mask, let initial): return .contiguousDigits(n, mask, initialOnly: initial, segments: nil)
        case .stretches(let t, _, _): return plan(t)
        case .segments(let t, let segments):
            switch plan(t) {
            case .digits(let n, let mask, let initial, _): return .digits(n, mask, initialOnly: initial, segments: segments)
            case .contiguousDigits(let n, let mask, let initial, _): return .contiguousDigits(n, mask, initialOnly: initial, segments: segments)
            case let other: return other
            }
        case .run(var t, let condition):
            var conditions = [condition]
            while case .run(let inner, let c) = t { conditions.insert(c, at: 0); t = inner }
            return .run(plan(t), conditions)
        case .upper(let n): return .upper(n)
        case .all(let ts): return .all(ts.map(plan))
        case .any(let ts): return .any(ts.map(plan))
        }
    }

    /// A digit run: range, digit count, the longest stretch of digits without a separator, the
    /// lengths of its maximal and initial stretches, and the kinds of separator it holds.
    typealias DigitRun = (range: Range<Int>, count: Int, contiguous: Int, stretches: UInt64, initial: UInt64, separators: UInt8,
                          lengths: Range<Int32>)

    /// Trigger hits in one region.
    struct Hits {
        /// Digit runs: range, digit count, the longest stretch of digits without a separator, the
        /// lengths of its maximal stretches (bit k: k digits, bit 63: 63 or more), and those of
        /// its initial stretches (not just after a digit and one tight separator: space, NBSP,
        /// narrow NBSP, thin space, `.`, `-`, `/`). Every bit, in both, for a run that the
        /// scanned bytes may have cut at either end.
        var digitRuns: [DigitRun] = []
        /// The lengths of each digit run's stretches, in order (capped at 63): `lengths` of a run.
        var stretchLengths: [UInt8] = []
        /// Upper-case alphanumeric runs (containing a letter).
        var upperRuns: [Range<Int>] = []
        /// Per literal index, occurrence ranges in increasing order.
        var literal: [[Range<Int>]]
    }

    /// Scans `buf[region]`. Runs and literals are reported when they start inside the region;
    /// they may extend up to `buf.count`.
    func scan(_ buf: UnsafeBufferPointer<UInt8>, region: Range<Int>) -> Hits {
        var hits = Hits(literal: [[Range<Int>]](repeating: [], count: literals.count))
        let end = buf.count
        if needsDigits { scanDigitRuns(buf, region: region, end: end, into: &hits) }
        if needsUpper { scanUpperRuns(buf, region: region, end: end, into: &hits) }
        if !literals.isEmpty { scanLiterals(buf, region: region, end: end, into: &hits) }
        return hits
    }

    /// Length of a digit-run separator at `i` (0 if none): space, NBSP, narrow NBSP, thin space,
    /// `.` `-` `/` `(` `)` `+`.
    @inline(__always) static func separatorLength(_ buf: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b = buf[i]
        switch b {
        case 32, 46, 45, 47, 40, 41, 43: return 1
        case 0xC2: return i + 1 < end && buf[i + 1] == 0xA0 ? 2 : 0
        case 0xE2:
            if i + 2 < end, buf[i + 1] == 0x80, buf[i + 2] == 0xAF || buf[i + 2] == 0x89 { return 3 }
            return 0
        default: return 0
        }
    }

    /// The `RunCondition.separatorBit(of:)` class of a separator's first byte (the multi-byte
    /// ones are all spaces).
    @inline(__always) static func separatorBit(_ b: UInt8) -> UInt8 {
        b == 32 || b >= 0x80 ? separatorSpaceBit : RunCondition.separatorBit(of: b) ?? separatorSpaceBit
    }

    static let separatorSpaceBit = RunCondition.separatorBit(of: 95) ?? 0

    /// A one-byte tight separator: space, `.`, `-`, `/`.
    @inline(__always) static func isTightSeparator(_ b: UInt8) -> Bool { b == 32 || b == 46 || b == 45 || b == 47 }

    private func scanDigitRuns(_ buf: UnsafeBufferPointer<UInt8>, region: Range<Int>, end: Int, into hits: inout Hits) {
        var i = region.lowerBound
        let stop = region.upperBound
        // The digits of the 64 bytes from `blockStart`, classified once per block.
        var blockStart = Int.min
        var digitBits: UInt64 = 0
        while i < stop {
            // To the next digit: 64 bytes a step where they can be read, else byte by byte.
            if let base = buf.baseAddress, i + ByteClassBlock.width <= end {
                if i >= blockStart + ByteClassBlock.width || i < blockStart {
                    digitBits = ByteClassBlock(base, at: i).digits
                    blockStart = i
                }
                let rest = digitBits >> UInt64(i - blockStart)
                if rest == 0 { i = blockStart + ByteClassBlock.width; continue }
                i += rest.trailingZeroBitCount
                if i >= stop { break }
            } else if buf[i] < 48 || buf[i] > 57 {
                i += 1
                continue
            }
            let start = i
            var count = 0, stretch = 0, contiguous = 0
            var stretches: UInt64 = 0, initial: UInt64 = 0
            let lengthsStart = hits.stretchLengths.count
            var isInitial = true
            var separators: UInt8 = 0
            var lastDigitEnd = i
            var j = i
            while j < end {
                let c = buf[j]
                if c >= 48 && c <= 57 {
                    count += 1
                    stretch += 1
                    if stretch > contiguous { contiguous = stretch }
                    j += 1
                    lastDigitEnd = j
                    continue
                }
                let bit: UInt64 = 1 << UInt64(min(stretch, 63))
                stretches |= bit
                if isInitial { initial |= bit }
                hits.stretchLengths.append(UInt8(min(stretch, 63)))
                stretch = 0
                // Up to two separators between digits.
                var k = j
                var seps = 0
                var kinds: UInt8 = 0
                while seps < 2, k < end {
                    let n = Prefilter.separatorLength(buf, k, end)
                    if n == 0 { break }
                    kinds |= Prefilter.separatorBit(buf[k])
                    k += n
                    seps += 1
                }
                if seps > 0, k < end, buf[k] >= 48, buf[k] <= 57 {
                    separators |= kinds
                    // One tight separator (the multi-byte ones are all spaces) keeps the next
                    // stretch from being initial; `(`, `)`, `+` or two separators do not.
                    isInitial = !(seps == 1 && (k - j > 1 || Prefilter.isTightSeparator(buf[j])))
                    j = k
                    continue
                }
                break
            }
            let bit: UInt64 = 1 << UInt64(min(stretch, 63))
            stretches |= bit
            if isInitial { initial |= bit }
            // The loop closed the last stretch already unless the data ended inside it.
            if stretch > 0 { hits.stretchLengths.append(UInt8(min(stretch, 63))) }
            // A digit or separator just before the region, or the end of the data right after the
            // run: the stretch at that edge may be longer, or not initial, beyond what is seen here.
            if (start == region.lowerBound && start > 0) || lastDigitEnd >= end {
                stretches = ~0
                initial = ~0
            }
            // A short run near the end of the data may still grow: the engine's hold-back looks
            // at the last run (`uncertainStart`), so it is kept.
            if count >= minDigitCount || lastDigitEnd >= end - 3 {
                // A run cut by the region, or that more data may continue, may hold separators
                // not seen here.
                if (start == region.lowerBound && start > 0) || lastDigitEnd >= end - 3 { separators = 0xFF }
                hits.digitRuns.append((start..<lastDigitEnd, count, contiguous, stretches & ~1, initial & ~1, separators,
                                       Int32(lengthsStart)..<Int32(hits.stretchLengths.count)))
            } else {
                hits.stretchLengths.removeLast(hits.stretchLengths.count - lengthsStart)
            }
            i = max(lastDigitEnd, i + 1)
        }
    }

    private func scanUpperRuns(_ buf: UnsafeBufferPointer<UInt8>, region: Range<Int>, end: Int, into hits: inout Hits) {
        guard let base = buf.baseAddress else { return }
        var i = region.lowerBound
        let stop = region.upperBound
        // The classified block: bits of `alnum` (digits and capitals) and `uppers` for the 64
        // bytes from `blockStart`. Runs are found and measured on the bits; bytes are read one
        // by one only in the last 63 bytes of the data.
        var blockStart = Int.min
        var alnum: UInt64 = 0, uppers: UInt64 = 0
        // Where a run of at least `minUpperCount` (at most 32) may start: bits p of `alnum` with
        // the next bits set too, those past the block counted as set. Most runs are a capital
        // beginning a word or a short number: the blocks and stretches without a long one are
        // stepped over instead of measured run by run.
        var longStarts: UInt64 = 0
        let span = min(minUpperCount, 32)
        @inline(__always) func classify(_ at: Int) {
            let block = ByteClassBlock(base, at: at)
            blockStart = at
            alnum = block.digits | block.uppers
            uppers = block.uppers
            var starts = alnum, shifted = alnum
            for _ in 1..<max(span, 1) {
                shifted = shifted >> 1 | 1 << 63
                starts &= shifted
            }
            longStarts = starts
        }
        @inline(__always) func isAlnum(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 48 && c <= 57) }
        while i < stop {
            if i + ByteClassBlock.width <= end {
                if i >= blockStart + ByteClassBlock.width || i < blockStart { classify(i) }
                let rest = longStarts >> UInt64(i - blockStart)
                if rest == 0 { i = blockStart + ByteClassBlock.width; continue }
                // The first possible start is where its run starts (or `i`, in a run cut by the
                // region): any earlier byte of that run would be a possible start too.
                i += rest.trailingZeroBitCount
                if i >= stop { break }
            } else if !isAlnum(base[i]) {
                i += 1
                continue
            }
            let start = i
            var hasLetter = false
            var j = i
            while j < end {
                if j + ByteClassBlock.width <= end {
                    if j >= blockStart + ByteClassBlock.width || j < blockStart { classify(j) }
                    let offset = UInt64(j - blockStart)
                    let length = (~(alnum >> offset)).trailingZeroBitCount
                    let within = length >= 64 ? ~UInt64(0) : (UInt64(1) << UInt64(length)) - 1
                    if (uppers >> offset) & within != 0 { hasLetter = true }
                    j += length
                    // The run ends inside the block, or goes on into the next one.
                    if j < blockStart + ByteClassBlock.width { break }
                } else {
                    let c = base[j]
                    guard isAlnum(c) else { break }
                    if c >= 65 { hasLetter = true }
                    j += 1
                }
            }
            if hasLetter && (j - start >= minUpperCount || j >= end) { hits.upperRuns.append(start..<j) }
            i = j
        }
    }

    /// The literal scan: one shift-or step per byte (see `shiftOr`); where a lane of the state
    /// says a literal of that length may end, the literals of the pair group at its start with
    /// that (capped) length are compared. A literal is compared at most once per start, so its
    /// hits come out in order.
    private func scanLiterals(_ buf: UnsafeBufferPointer<UInt8>, region: Range<Int>, end: Int, into hits: inout Hits) {
        guard let base = buf.baseAddress, !region.isEmpty else { return }
        let lo = region.lowerBound
        // A literal that starts in the region has its first `window` bytes end before this.
        let stop = min(end, region.upperBound + Prefilter.window - 1)
        let final = shiftOrFinal
        var state: UInt64 = ~0
        var previous = lo > 0 ? base[lo - 1] : 0
        var i = lo
        while i < stop {
            var candidates: UInt64 = 0
            shiftOr.withUnsafeBufferPointer { table in
                // The hot loop keeps its state in registers: it stops at the first candidate
                // and calls nothing (a call in the loop spilled the state to the stack, a store
                // and a load on the chain of every byte).
                var s = state, p = previous, k = i
                while k < stop {
                    let c = base[k]
                    s = s << 8 | table[Int(c) << 5 | Int(p & 31)]
                    p = c
                    k &+= 1
                    if ~s & final != 0 { break }
                }
                candidates = ~s & final
                state = s; previous = p; i = k
            }
            // `i` is one past the byte whose step found the candidates.
            while candidates != 0 {
                let lane = candidates.trailingZeroBitCount >> 3
                candidates &= ~(0xFF << UInt64(8 * lane))
                let start = i - 1 - lane
                if start >= region.upperBound { continue }
                compare(at: start, length: lane + 1, buf, end: end, into: &hits)
            }
        }
    }

    /// Compares the literals that start at `start` and whose length capped at `window` is
    /// `length` (the single-byte ones for 1, a pair group otherwise).
    private func compare(at start: Int, length: Int, _ buf: UnsafeBufferPointer<UInt8>, end: Int, into hits: inout Hits) {
        let f0 = Prefilter.fold(buf[start])
        if length == 1 {
            for li in singleByte[Int(f0)] where verify(li, buf, at: start, end: end) {
                hits.literal[li].append(start..<(start + 1))
            }
            return
        }
        let key = Prefilter.pairKey(f0, Prefilter.fold(buf[start + 1]), length: length)
        let word = pairBits[key >> 6], bit: UInt64 = 1 << UInt64(key & 63)
        guard word & bit != 0 else { return }
        // The folded first four bytes (those past the end count as 0: a literal that needs
        // them fails the compare, as it fails verify).
        var folded: UInt32
        if start + 4 <= end, let base = buf.baseAddress {
            folded = Prefilter.fold(word: UInt32(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt32.self)))
        } else {
            folded = 0
            for k in 0..<min(4, end - start) { folded |= UInt32(Prefilter.fold(buf[start + k])) << UInt32(8 * k) }
        }
        let rank = Int(pairRankBase[key >> 6]) + (word & (bit &- 1)).nonzeroBitCount
        for k in Int(pairGroupStart[rank])..<Int(pairGroupStart[rank + 1]) where folded & pairMask[k] == pairPrefix[k] {
            let li = Int(pairLiterals[k])
            if verify(li, buf, at: start, end: end) {
                hits.literal[li].append(start..<(start + Int(literalLength[li])))
            }
        }
    }

    /// Whether literal `li` occurs at `i` (keywords compared ASCII case-insensitively).
    @inline(__always) private func verify(_ li: Int, _ buf: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> Bool {
        if literalAtWordStart[li], i > 0, Trigger.isWordByte(buf[i - 1]) { return false }
        let n = Int(literalLength[li]), offset = Int(literalOffset[li])
        guard i + n <= end else { return false }
        return literalFlat.withUnsafeBufferPointer { b in
            if literalIsCaseless[li] {
                for k in 0..<n where Prefilter.fold(buf[i + k]) != b[offset + k] { return false }
            } else {
                for k in 0..<n where buf[i + k] != b[offset + k] { return false }
            }
            return true
        }
    }



}
