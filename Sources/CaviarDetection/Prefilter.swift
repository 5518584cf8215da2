/// The one pass over the bytes that finds every trigger: digit runs, upper-case alphanumeric
/// runs (64 bytes classified at a time), and literal/keyword occurrences (a shift-or filter over
/// byte pairs, four bytes a step, then the literals of the same folded prefix compared).
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
    /// `literalLength[li]` bytes, then zeros to a multiple of eight): the compare after the
    /// filter reads them eight at a time without retaining an array per literal.
    private let literalFlat: [UInt8]
    private let literalOffset: [Int32]
    private let literalLength: [Int32]
    private let literalIsCaseless: [Bool]
    /// The hit counts only where the byte before it does not continue a word.
    private let literalAtWordStart: [Bool]
    /// Literals of two bytes or more grouped by their prefix key (see `prefixKey`: the first
    /// min(length, `window`) folded bytes and their count), in an open-addressing table of a
    /// power of two slots, at most half full: a key is in the first slot from its home slot
    /// (the top bits of `prefixProduct`) that holds it or is empty (0: no key is 0). The group of
    /// slot s is `prefixLiterals[prefixGroupStart[s]..<prefixGroupStart[s + 1]]`.
    private let prefixKeys: [UInt64]
    private let prefixGroupStart: [UInt32]
    private let prefixLiterals: [UInt32]
    private let prefixSlotShift: UInt64
    /// One bit per value of the top 16 bits of `prefixProduct` of the keys (8 KB): the scan
    /// skips most false candidates of the filter with one look here, not a compare.
    private let prefixBits: [UInt64]

    /// The filter of the literal scan, a shift-or over byte pairs (after Hyperscan's FDR): the
    /// state holds eight lanes of eight bucket bits; at each byte it moves up one lane and takes
    /// the table entry of the byte and the byte before it. Lane j of an entry has bucket b's bit
    /// clear when some literal of bucket b can have that byte, after that one, as its byte j
    /// (lane 0: after any byte). Each bucket filters its literals on their first `lanes` bytes,
    /// their length capped at `window`: buckets 0 to 3 hold the literals of one to four bytes,
    /// 4 to 7 the longer ones. A literal whose first `lanes` bytes end at i has its bucket bit
    /// clear in lane `lanes` − 1 of the state at i.
    ///
    /// Every entry has each bucket's bits above its last lane clear, so that such a zero is
    /// carried up the lanes as the state moves: it is still there 8 − `lanes` bytes later (at
    /// least four). The scan can then step four bytes at a time and look at the state only after
    /// each step (at the bits of `shiftOrReport`, which it sets after looking, so that each
    /// candidate is seen once).
    ///
    /// The table is indexed by the two bytes as a little-endian `UInt16`: one load per byte and
    /// no arithmetic. It is 512 KB, of which a text touches the lines of the pairs it has.
    private let shiftOr: [UInt64]
    private let shiftOrReport: UInt64
    /// Literals are filtered on their first five bytes: a bucket's zero must stay in the state
    /// for `stepBytes` bytes after its last lane.
    static let window = 5
    /// Bytes the scan takes in one step, between looks at the state.
    static let stepBytes = 4

    /// The key of the literals whose first `length` bytes (2 to `window`), folded, are the low
    /// bytes of `folded`: those bytes and the length above them.
    @inline(__always) static func prefixKey(_ folded: UInt64, length: Int) -> UInt64 {
        folded & ~(~UInt64(0) << UInt64(8 * length)) | UInt64(length) << 56
    }

    /// A multiplicative hash of a prefix key: its top bits index `prefixBits` and the slots.
    @inline(__always) static func prefixProduct(_ key: UInt64) -> UInt64 { key &* 0x9E37_79B9_7F4A_7C15 }

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
        var prefixKeyOf: [(key: UInt64, literal: UInt32)] = []
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
                let lanes = min(bytes.count, Prefilter.window)
                var folded: UInt64 = 0
                for k in 0..<lanes { folded |= UInt64(Prefilter.fold(bytes[k])) << UInt64(8 * k) }
                prefixKeyOf.append((Prefilter.prefixKey(folded, length: lanes), UInt32(i)))
            }
            if bytes.count == 1 { singleByte[Int(f0)].append(i) }
        }
        // Literals grouped by prefix key, in literal order within a key: each key is put in its
        // slot, the slots' literals counted, then placed (no sort: this runs at every start).
        var slotBits = 4
        while 1 << slotBits < 2 * prefixKeyOf.count { slotBits += 1 }
        let slotMask = (1 << slotBits) - 1
        var prefixKeys = [UInt64](repeating: 0, count: 1 << slotBits)
        var groupStart = [UInt32](repeating: 0, count: (1 << slotBits) + 1)
        var prefixBits = [UInt64](repeating: 0, count: 1 << 10)
        var slotOf: [Int] = []
        slotOf.reserveCapacity(prefixKeyOf.count)
        for (key, _) in prefixKeyOf {
            let product = Prefilter.prefixProduct(key)
            prefixBits[Int(product >> 54)] |= 1 << ((product >> 48) & 63)
            var slot = Int(product >> UInt64(64 - slotBits))
            while prefixKeys[slot] != 0 && prefixKeys[slot] != key { slot = (slot + 1) & slotMask }
            prefixKeys[slot] = key
            groupStart[slot + 1] += 1
            slotOf.append(slot)
        }
        for slot in 0..<(1 << slotBits) { groupStart[slot + 1] += groupStart[slot] }
        var placed = groupStart
        var prefixLiterals = [UInt32](repeating: 0, count: prefixKeyOf.count)
        for (k, (_, literal)) in prefixKeyOf.enumerated() {
            prefixLiterals[Int(placed[slotOf[k]])] = literal
            placed[slotOf[k]] += 1
        }
        (shiftOr, shiftOrReport) = Prefilter.shiftOrFilter(literalBytes, caseless: literalIsCaseless)
        self.prefixKeys = prefixKeys
        self.prefixGroupStart = groupStart
        self.prefixLiterals = prefixLiterals
        self.prefixSlotShift = UInt64(64 - slotBits)
        self.prefixBits = prefixBits
        self.singleByte = singleByte
        var flat: [UInt8] = [], offsets: [Int32] = [], lengths: [Int32] = []
        for bytes in literalBytes {
            offsets.append(Int32(flat.count))
            lengths.append(Int32(bytes.count))
            flat += bytes
            flat += repeatElement(0, count: (8 - bytes.count & 7) & 7)
        }
        self.literalFlat = flat
        self.literalOffset = offsets
        self.literalLength = lengths
        self.literalIsCaseless = literalIsCaseless
        self.literalAtWordStart = literalAtWordStart
    }

    /// The shift-or table and report mask (see `shiftOr`). A bucket's lanes are the union of its
    /// literals' bytes, so a short literal is never put with longer ones (it would loosen their
    /// first lanes). The longer literals are spread over buckets 4 to 7: each goes to the one
    /// where its bytes add the fewest new entries, so that literals sharing letters share a
    /// bucket (with one bucket for all of them, five times as many false candidates).
    static func shiftOrFilter(_ literalBytes: [[UInt8]], caseless: [Bool]) -> ([UInt64], UInt64) {
        let lanesOf: [Int] = [1, 2, 3, 4, window, window, window, window]
        // The bits of each bucket from its last lane up, and those above its last lane.
        var report: UInt64 = 0, above: UInt64 = 0
        for b in 0..<8 {
            report |= 1 << UInt64(8 * (lanesOf[b] - 1) + b)
            for lane in lanesOf[b]..<8 { above |= 1 << UInt64(8 * lane + b) }
        }
        report |= above
        var table = [UInt64](repeating: ~above, count: 1 << 16)
        // Lane 0 takes any byte before: its bits are gathered per byte and spread over the 256
        // predecessors once (not once per literal: this runs at every start).
        var firstLane = [UInt64](repeating: 0, count: 256)
        var bucketEntries = [Int](repeating: 0, count: 8)
        // The entries of the longer literals' buckets, by byte and predecessor's low five bits.
        var seen = [UInt64](repeating: 0, count: 8192)
        for (li, bytes) in literalBytes.enumerated() where !bytes.isEmpty {
            let lanes = min(bytes.count, window)
            // Byte j in either case if it is a caseless letter (no array per byte: this runs at
            // every start); the lower case first.
            @inline(__always) func cased(_ j: Int, _ k: Int) -> UInt8 {
                let b = bytes[j]
                guard caseless[li] && (b | 0x20) >= 97 && (b | 0x20) <= 122 else { return b }
                return k == 0 ? b | 0x20 : b & ~0x20
            }
            @inline(__always) func caseCount(_ j: Int) -> Int {
                let b = bytes[j]
                return caseless[li] && (b | 0x20) >= 97 && (b | 0x20) <= 122 ? 2 : 1
            }
            var bucket = lanes - 1
            if lanes == window {
                // The bucket where the literal's bytes add the fewest entries, the predecessors
                // taken by their low five bits (which measured better than whole bytes); ties go
                // to the bucket with fewer entries. The entries each of buckets 4 to 7 lacks are
                // counted in four 16-bit fields.
                var lacking: UInt64 = 0
                for j in 0..<lanes {
                    for k in 0..<caseCount(j) {
                        let c = Int(cased(j, k))
                        let taken = (j == 0 ? firstLane[c] : seen[c << 5 | Int(bytes[j - 1] & 31)] >> UInt64(8 * j)) >> 4
                        lacking &+= (~taken & 1) | (~taken & 2) << 15 | (~taken & 4) << 30 | (~taken & 8) << 45
                    }
                }
                var best = Int.max
                for b in 4..<8 {
                    let cost = Int(lacking >> UInt64(16 * (b - 4)) & 0xFFFF) << 32 | bucketEntries[b]
                    if cost < best { best = cost; bucket = b }
                }
                bucketEntries[bucket] += best >> 32
                for j in 1..<lanes {
                    for k in 0..<caseCount(j) { seen[Int(cased(j, k)) << 5 | Int(bytes[j - 1] & 31)] |= 1 << UInt64(8 * j + bucket) }
                }
            }
            for k in 0..<caseCount(0) { firstLane[Int(cased(0, k))] |= 1 << UInt64(bucket) }
            for j in 1..<lanes {
                let bit: UInt64 = 1 << UInt64(8 * j + bucket)
                for k in 0..<caseCount(j) {
                    for q in 0..<caseCount(j - 1) { table[Int(cased(j, k)) << 8 | Int(cased(j - 1, q))] &= ~bit }
                }
            }
        }
        for c in 0..<256 where firstLane[c] != 0 {
            for p in 0..<256 { table[c << 8 | p] &= ~firstLane[c] }
        }
        return (table, report)
    }

    @inline(__always) static func fold(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b | 0x20 : b }

    /// `fold` of each byte of eight (little-endian), without a table: bit 7 of `low + 0x3F` is
    /// set where a 7-bit byte is at least `A`, of `low + 0x25` where it is above `Z` (no byte
    /// carries into the next), and bytes of 0x80 or more are left alone.
    @inline(__always) static func fold(word w: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        let low = w & 0x7F7F_7F7F_7F7F_7F7F
        let upper = (low &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(low &+ 0x2525_2525_2525_2525) & ~w & high
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
                // One at a time: a short run has a stretch or two, and `removeLast(k)` went
                // through the generic `replaceSubrange` (a tenth of the digit scan).
                while hits.stretchLengths.count > lengthsStart { hits.stretchLengths.removeLast() }
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

    /// The literal scan: shift-or steps of four bytes (see `shiftOr`), one byte at a time only
    /// at the ends; where the state's report bits say literals filtered on n bytes may start at
    /// some byte, the prefix key of those n bytes is looked up (a bit of `prefixBits`, then its
    /// group) and the group's literals compared. Candidates are taken from the earliest start
    /// on and a literal is compared at most once per start, so its hits come out in order.
    private func scanLiterals(_ buf: UnsafeBufferPointer<UInt8>, region: Range<Int>, end: Int, into hits: inout Hits) {
        guard let base = buf.baseAddress, !region.isEmpty else { return }
        let lo = region.lowerBound
        // A literal that starts in the region has its first `window` bytes end before this.
        let stop = min(end, region.upperBound + Prefilter.window - 1)
        let report = shiftOrReport
        shiftOr.withUnsafeBufferPointer { tp in
            guard let table = tp.baseAddress else { return }
            var s: UInt64 = ~0, k = lo
            while k < stop {
                if k >= 1 && k + Prefilter.stepBytes <= stop {
                    (s, k) = Prefilter.shiftOrSteps(base, table, state: s, from: k, last: stop - Prefilter.stepBytes, report: report)
                } else {
                    // The first byte of the data, or the last few before `stop`.
                    let p = k > 0 ? base[k - 1] : 0
                    s = s << 8 | table[Int(base[k]) << 8 | Int(p)]
                    k += 1
                }
                var candidates = ~s & report
                s |= report
                // Lane j of the candidates: literals that start at k − 1 − j. The highest lane
                // first: the earliest start.
                while candidates != 0 {
                    let lane = (63 - candidates.leadingZeroBitCount) >> 3
                    let buckets = UInt8(truncatingIfNeeded: candidates >> UInt64(8 * lane))
                    candidates &= ~(0xFF << UInt64(8 * lane))
                    let start = k - 1 - lane
                    if start >= region.upperBound { break }
                    // Buckets 0 to 3: one to four bytes; 4 to 7: five lanes.
                    var lengths = buckets & 0x0F | (buckets > 0x0F ? 0x10 : 0)
                    if lengths & 1 != 0 {
                        compareSingle(at: start, buf, end: end, into: &hits)
                        lengths &= ~1
                        if lengths == 0 { continue }
                    }
                    // The folded bytes at the start (a candidate's bytes are all before `stop`).
                    let folded = start + 8 <= end
                        ? Prefilter.fold(word: UInt64(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)))
                        : Prefilter.foldedBytes(buf, from: start, end: end)
                    while lengths != 0 {
                        let key = Prefilter.prefixKey(folded, length: lengths.trailingZeroBitCount + 1)
                        lengths &= lengths &- 1
                        let product = Prefilter.prefixProduct(key)
                        if prefixBits[Int(product >> 54)] & 1 << ((product >> 48) & 63) == 0 { continue }
                        compare(at: start, key: key, product: product, buf, end: end, into: &hits)
                    }
                }
            }
        }
    }

    /// Shift-or steps of four bytes from `k` (at least 1: the byte before is read) while no
    /// report bit is clear and `k` is at most `last`; the state and `k` after them. Not inlined:
    /// the loop keeps its state in registers (with the compares in the same function, the state
    /// and the table went to the stack, a store and loads at every step).
    @inline(never)
    private static func shiftOrSteps(_ base: UnsafePointer<UInt8>, _ table: UnsafePointer<UInt64>, state: UInt64, from k: Int,
                                     last: Int, report: UInt64) -> (UInt64, Int) {
        var s = state, k = k
        repeat {
            let at = UnsafeRawPointer(base + (k &- 1))
            let e0 = table[Int(UInt16(littleEndian: at.loadUnaligned(as: UInt16.self)))]
            let e1 = table[Int(UInt16(littleEndian: at.loadUnaligned(fromByteOffset: 1, as: UInt16.self)))]
            let e2 = table[Int(UInt16(littleEndian: at.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))]
            let e3 = table[Int(UInt16(littleEndian: at.loadUnaligned(fromByteOffset: 3, as: UInt16.self)))]
            // The four steps at once: the chain from state to state is one shift and one or.
            s = s << 32 | ((e0 << 8 | e1) << 16 | (e2 << 8 | e3))
            k &+= 4
        } while ~s & report == 0 && k <= last
        return (s, k)
    }

    /// The bytes from `start` to at most `end`, folded, as a little-endian word.
    static func foldedBytes(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> UInt64 {
        var folded: UInt64 = 0
        for k in 0..<min(8, end - start) { folded |= UInt64(Prefilter.fold(buf[start + k])) << UInt64(8 * k) }
        return folded
    }

    /// Compares the single-byte literals at `start`.
    private func compareSingle(at start: Int, _ buf: UnsafeBufferPointer<UInt8>, end: Int, into hits: inout Hits) {
        for li in singleByte[Int(Prefilter.fold(buf[start]))] where verify(li, buf, at: start, end: end) {
            Prefilter.record(li, start..<(start + 1), into: &hits)
        }
    }

    /// Compares the literals of prefix key `key` (whose `prefixProduct` is `product`) at `start`.
    private func compare(at start: Int, key: UInt64, product: UInt64, _ buf: UnsafeBufferPointer<UInt8>, end: Int,
                         into hits: inout Hits) {
        let slotMask = prefixKeys.count - 1
        var slot = Int(product >> prefixSlotShift)
        while prefixKeys[slot] != key {
            if prefixKeys[slot] == 0 { return }
            slot = (slot + 1) & slotMask
        }
        for k in Int(prefixGroupStart[slot])..<Int(prefixGroupStart[slot + 1]) {
            let li = Int(prefixLiterals[k])
            if verify(li, buf, at: start, end: end) {
                Prefilter.record(li, start..<(start + Int(literalLength[li])), into: &hits)
            }
        }
    }

    /// Appends a hit of literal `li`. Not inlined: the scan then never mutates `hits` itself, so
    /// the compiler checks no uniqueness of its arrays at each candidate, only at each hit.
    @inline(never)
    private static func record(_ li: Int, _ range: Range<Int>, into hits: inout Hits) {
        hits.literal[li].append(range)
    }

    /// Whether literal `li` occurs at `i` (keywords compared ASCII case-insensitively).
    @inline(__always) private func verify(_ li: Int, _ buf: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> Bool {
        if literalAtWordStart[li], i > 0, Trigger.isWordByte(buf[i - 1]) { return false }
        let n = Int(literalLength[li]), offset = Int(literalOffset[li])
        guard i + n <= end else { return false }
        let caseless = literalIsCaseless[li]
        if let base = buf.baseAddress, i + (n + 7) & ~7 <= end {
            // Eight bytes at a time, the last ones masked.
            return literalFlat.withUnsafeBytes { b in
                var k = 0
                while k < n {
                    var t = UInt64(littleEndian: UnsafeRawPointer(base + (i + k)).loadUnaligned(as: UInt64.self))
                    if caseless { t = Prefilter.fold(word: t) }
                    let l = UInt64(littleEndian: b.loadUnaligned(fromByteOffset: offset + k, as: UInt64.self))
                    let mask: UInt64 = n - k >= 8 ? ~0 : ~(~0 << UInt64(8 * (n - k)))
                    if (t ^ l) & mask != 0 { return false }
                    k += 8
                }
                return true
            }
        }
        return literalFlat.withUnsafeBufferPointer { b in
            if caseless {
                for k in 0..<n where Prefilter.fold(buf[i + k]) != b[offset + k] { return false }
            } else {
                for k in 0..<n where buf[i + k] != b[offset + k] { return false }
            }
            return true
        }
    }



}
