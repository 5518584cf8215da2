/// The one pass over the bytes that finds every trigger: digit runs, upper-case alphanumeric
/// runs, and literal/keyword occurrences (through a folded byte-pair table, then verified).
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
    /// Per folded byte: 1 = a single-byte literal starts with it, 2 = a longer literal does.
    private let firstByteFlags: [UInt8]
    private let literalBytes: [[UInt8]]
    private let literalIsCaseless: [Bool]
    /// The hit counts only where the byte before it does not continue a word.
    private let literalAtWordStart: [Bool]
    /// Literals of two bytes or more grouped by their folded first two bytes (the pair key):
    /// the group of the key of rank r among the keys present is
    /// `pairLiterals[pairGroupStart[r]..<pairGroupStart[r + 1]]`.
    private let pairLiterals: [UInt32]
    private let pairGroupStart: [UInt32]
    /// One bit per pair key that begins some literal: 8 KB that stay in the L1 cache.
    private let pairBits: [UInt64]
    /// Per 64-bit word of `pairBits`: the number of keys present before it.
    private let pairRankBase: [UInt32]
    /// Parallel to `pairLiterals`: the literal's first four folded bytes (little-endian) and the
    /// mask of those it has. Common letter pairs begin dozens of keywords; one compare against
    /// the folded word at the position rejects nearly all of them without touching their bytes.
    private let pairPrefix: [UInt32]
    private let pairMask: [UInt32]
    /// Per pair-key slot (`thirdSlot`, 4 words each): the folded third bytes that literals of
    /// the keys in that slot continue with (all 256 for a key that has a two-byte literal).
    /// Common pairs such as `re` begin dozens of keywords; the third byte turns away ~70 % of
    /// the positions where a pair key is present, before the key's rank is counted (a software
    /// popcount in a portable x86-64 build) or any of its literals is looked at. Keys that share
    /// a slot share a mask, which can only let more positions through.
    private let pairThird: [UInt64]
    /// The filter of the main loop, one test of four bits per position instead of a chain of
    /// branches: literals of two bytes by their exact pair (`exactPairs`, case-sensitive ones) or
    /// folded pair (`foldedPairs`), of three bytes by a hash of their folded bytes (`triples`),
    /// of four or more by a hash of their first four folded bytes (`quads`). Most literals are
    /// keywords of five bytes or more, so a position passes about as often as a keyword's first
    /// four bytes occur, instead of as often as a common letter pair (`en`, `in`, `de`: a third
    /// of all positions) with a plausible third byte (a tenth).
    private let exactPairs: [UInt64]
    private let foldedPairs: [UInt64]
    private let triples: [UInt64]
    private let quads: [UInt64]
    static let tripleBits = 12
    static let quadBits = 16

    init(triggers: [Trigger]) {
        var lits: [Trigger] = []
        var index: [Trigger: Int] = [:]
        index.reserveCapacity(4 * triggers.count)
        var digits = false, upper = false
        var minDigits = Int.max
        func visit(_ t: Trigger) {
            switch t {
            case .literal, .keyword, .wordStart:
                if index[t] == nil { index[t] = lits.count; lits.append(t) }
            case .digits(let n), .contiguousDigits(let n):
                digits = true
                minDigits = min(minDigits, n)
            case .upper: upper = true
            case .stretches(let t, _, _), .run(let t, _): visit(t)
            case .all(let ts), .any(let ts): ts.forEach(visit)
            }
        }
        triggers.forEach(visit)
        literals = lits
        literalIndex = index
        needsDigits = digits
        minDigitCount = max(1, minDigits)
        needsUpper = upper
        var singleByte = [[Int]](repeating: [], count: 256)
        var firstByteFlags = [UInt8](repeating: 0, count: 256)
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
            if bytes.count >= 2 { pairKeys.append((Int(f0) << 8 | Int(Prefilter.fold(bytes[1])), UInt32(i))) }
            if bytes.count == 1 {
                singleByte[Int(f0)].append(i)
                firstByteFlags[Int(f0)] |= 1
            } else {
                firstByteFlags[Int(f0)] |= 2
            }
        }
        // Literals grouped by pair key (literal order kept within a key). A key's group is found
        // by its rank among the keys present: the set bits of `pairBits` before it. A table of
        // all 65 536 keys cost more to build at every start-up than the rest of the prefilter.
        pairKeys.sort { $0.key != $1.key ? $0.key < $1.key : $0.literal < $1.literal }
        var pairBits = [UInt64](repeating: 0, count: 1024)
        for (key, _) in pairKeys { pairBits[key >> 6] |= 1 << UInt64(key & 63) }
        var rankBase = [UInt32](repeating: 0, count: 1024)
        var keysBefore: UInt32 = 0
        for w in 0..<1024 {
            rankBase[w] = keysBefore
            keysBefore += UInt32(pairBits[w].nonzeroBitCount)
        }
        var groupStart: [UInt32] = []
        groupStart.reserveCapacity(Int(keysBefore) + 1)
        var pairLiterals: [UInt32] = [], pairPrefix: [UInt32] = [], pairMask: [UInt32] = []
        pairLiterals.reserveCapacity(pairKeys.count)
        pairPrefix.reserveCapacity(pairKeys.count)
        pairMask.reserveCapacity(pairKeys.count)
        var pairThird = [UInt64](repeating: 0, count: 4 * 1024)
        var previousKey = -1
        for (key, literal) in pairKeys {
            if key != previousKey { groupStart.append(UInt32(pairLiterals.count)); previousKey = key }
            pairLiterals.append(literal)
            let bytes = literalBytes[Int(literal)]
            let slot = 4 * Prefilter.thirdSlot(key)
            if bytes.count == 2 {
                for w in 0..<4 { pairThird[slot + w] = ~0 }
            } else {
                let third = Int(Prefilter.fold(bytes[2]))
                pairThird[slot + third >> 6] |= 1 << UInt64(third & 63)
            }
            var prefix: UInt32 = 0, mask: UInt32 = 0
            for k in 0..<min(4, bytes.count) {
                prefix |= UInt32(Prefilter.fold(bytes[k])) << UInt32(8 * k)
                mask |= 0xFF << UInt32(8 * k)
            }
            pairPrefix.append(prefix)
            pairMask.append(mask)
        }
        groupStart.append(UInt32(pairLiterals.count))
        var exactPairs = [UInt64](repeating: 0, count: 1024), foldedPairs = [UInt64](repeating: 0, count: 1024)
        var triples = [UInt64](repeating: 0, count: 1 << (Prefilter.tripleBits - 6))
        var quads = [UInt64](repeating: 0, count: 1 << (Prefilter.quadBits - 6))
        for (i, bytes) in literalBytes.enumerated() where bytes.count >= 2 {
            var folded: UInt32 = 0
            for k in 0..<min(4, bytes.count) { folded |= UInt32(Prefilter.fold(bytes[k])) << UInt32(8 * k) }
            switch bytes.count {
            case 2:
                let key = literalIsCaseless[i] ? Int(folded) : Int(bytes[0]) | Int(bytes[1]) << 8
                if literalIsCaseless[i] { foldedPairs[key >> 6] |= 1 << UInt64(key & 63) } else { exactPairs[key >> 6] |= 1 << UInt64(key & 63) }
            case 3:
                let h = Prefilter.hash(folded, bits: Prefilter.tripleBits)
                triples[h >> 6] |= 1 << UInt64(h & 63)
            default:
                let h = Prefilter.hash(folded, bits: Prefilter.quadBits)
                quads[h >> 6] |= 1 << UInt64(h & 63)
            }
        }
        self.exactPairs = exactPairs
        self.foldedPairs = foldedPairs
        self.triples = triples
        self.quads = quads
        self.pairBits = pairBits
        self.pairRankBase = rankBase
        self.pairGroupStart = groupStart
        self.pairPrefix = pairPrefix
        self.pairMask = pairMask
        self.pairThird = pairThird
        self.pairLiterals = pairLiterals
        self.singleByte = singleByte
        self.firstByteFlags = firstByteFlags
        self.literalBytes = literalBytes
        self.literalIsCaseless = literalIsCaseless
        self.literalAtWordStart = literalAtWordStart
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

    /// A bit index of `bits` bits for folded bytes (multiplicative hashing, the high bits).
    @inline(__always) static func hash(_ folded: UInt32, bits: Int) -> Int {
        Int(truncatingIfNeeded: (folded &* 0x9E37_79B1) >> UInt32(32 - bits))
    }

    /// The `pairThird` slot of a pair key: the low five bits of both bytes, which keeps every
    /// pair of ASCII letters apart.
    @inline(__always) static func thirdSlot(_ key: Int) -> Int { (key >> 3) & 0x3E0 | key & 0x1F }

    func index(of t: Trigger) -> Int? { literalIndex[t] }

    /// A trigger as a scan evaluates it: literal leaves replaced by their index, so that no scan
    /// hashes a trigger (that was a fortieth of redaction time).
    indirect enum Plan {
        case literal(Int)
        /// Runs with at least N digits and a maximal stretch (an initial one, if the flag is set)
        /// whose length is in the mask.
        case digits(Int, UInt64, initialOnly: Bool)
        /// Runs with at least N digits in a row and a stretch as for `digits`.
        case contiguousDigits(Int, UInt64, initialOnly: Bool)
        case upper(Int)
        /// Hits of the inner digit plan among the runs that meet the condition.
        case run(Plan, RunCondition)
        case all([Plan])
        case any([Plan])
        /// A leaf this prefilter was not built with: it never fires.
        case never
    }

    func plan(_ t: Trigger) -> Plan {
        switch t {
        case .literal, .keyword, .wordStart: return literalIndex[t].map(Plan.literal) ?? .never
        case .digits(let n): return .digits(n, ~0, initialOnly: false)
        case .contiguousDigits(let n): return .contiguousDigits(n, ~0, initialOnly: false)
        case .stretches(.digits(let n), let mask, let initial): return .digits(n, mask, initialOnly: initial)
        case .stretches(.contiguousDigits(let n), let mask, let initial): return .contiguousDigits(n, mask, initialOnly: initial)
        case .stretches(let t, _, _): return plan(t)
        case .run(let t, let condition): return .run(plan(t), condition)
        case .upper(let n): return .upper(n)
        case .all(let ts): return .all(ts.map(plan))
        case .any(let ts): return .any(ts.map(plan))
        }
    }

    /// Trigger hits in one region.
    struct Hits {
        /// Digit runs: range, digit count, the longest stretch of digits without a separator, the
        /// lengths of its maximal stretches (bit k: k digits, bit 63: 63 or more), and those of
        /// its initial stretches (not just after a digit and one tight separator: space, NBSP,
        /// narrow NBSP, thin space, `.`, `-`, `/`). Every bit, in both, for a run that the
        /// scanned bytes may have cut at either end.
        var digitRuns: [(range: Range<Int>, count: Int, contiguous: Int, stretches: UInt64, initial: UInt64, separators: UInt8)] = []
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
        while i < stop {
            let b = buf[i]
            if b < 48 || b > 57 { i += 1; continue }
            let start = i
            var count = 0, stretch = 0, contiguous = 0
            var stretches: UInt64 = 0, initial: UInt64 = 0
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
                hits.digitRuns.append((start..<lastDigitEnd, count, contiguous, stretches & ~1, initial & ~1, separators))
            }
            i = max(lastDigitEnd, i + 1)
        }
    }

    private func scanUpperRuns(_ buf: UnsafeBufferPointer<UInt8>, region: Range<Int>, end: Int, into hits: inout Hits) {
        var i = region.lowerBound
        let stop = region.upperBound
        while i < stop {
            let b = buf[i]
            let isUpper = b >= 65 && b <= 90
            if !isUpper && !(b >= 48 && b <= 57) { i += 1; continue }
            let start = i
            var hasLetter = false
            var j = i
            while j < end {
                let c = buf[j]
                if c >= 65 && c <= 90 { hasLetter = true; j += 1 } else if c >= 48 && c <= 57 { j += 1 } else { break }
            }
            if hasLetter { hits.upperRuns.append(start..<j) }
            i = j
        }
    }

    private func scanLiterals(_ buf: UnsafeBufferPointer<UInt8>, region: Range<Int>, end: Int, into hits: inout Hits) {
        // Positions with four bytes to load take the main loop; the last three of the data the
        // byte-wise one.
        let fastStop = min(region.upperBound, end - 3)
        var i = region.lowerBound
        if i < fastStop {
            scanLiteralsFast(buf, from: i, to: fastStop, end: end, into: &hits)
            i = fastStop
        }
        if i < region.upperBound { scanLiteralsByByte(buf, region: i..<region.upperBound, end: end, into: &hits) }
    }

    /// The main loop: one four-byte load per position, folded in a register; the four filter bits
    /// (see `quads`) decide whether the position's pair group is looked at.
    private func scanLiteralsFast(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, to stop: Int, end: Int, into hits: inout Hits) {
        guard let base = buf.baseAddress else { return }
        exactPairs.withUnsafeBufferPointer { exact in
        foldedPairs.withUnsafeBufferPointer { foldedPairs in
        triples.withUnsafeBufferPointer { triples in
        quads.withUnsafeBufferPointer { quads in
        pairBits.withUnsafeBufferPointer { bits in
        pairPrefix.withUnsafeBufferPointer { prefixes in
        pairMask.withUnsafeBufferPointer { masks in
          pairGroupStart.withUnsafeBufferPointer { starts in
          pairRankBase.withUnsafeBufferPointer { rankBase in
            pairLiterals.withUnsafeBufferPointer { pairLits in
              firstByteFlags.withUnsafeBufferPointer { flags in
                Prefilter.foldTable.withUnsafeBufferPointer { fold in
                  // Local to the innermost closure: a position captured from outside lived in
                  // memory, a store and a load on every turn of the loop.
                  var i = start
                  while i < stop {
                      let raw = UInt32(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self))
                      let folded = Prefilter.fold(word: raw)
                      let f0 = Int(folded & 0xFF)
                      if flags[f0] & 1 != 0 {
                          for li in singleByte[f0] where verify(li, buf, at: i, end: end, fold: fold) {
                              hits.literal[li].append(i..<(i + 1))
                          }
                      }
                      let exactKey = Int(raw & 0xFFFF), foldedKey = Int(folded & 0xFFFF)
                      let triple = Prefilter.hash(folded & 0xFF_FFFF, bits: Prefilter.tripleBits)
                      let quad = Prefilter.hash(folded, bits: Prefilter.quadBits)
                      let passes = exact[exactKey >> 6] >> UInt64(exactKey & 63) | foldedPairs[foldedKey >> 6] >> UInt64(foldedKey & 63)
                          | triples[triple >> 6] >> UInt64(triple & 63) | quads[quad >> 6] >> UInt64(quad & 63)
                      if passes & 1 != 0 {
                          let key = f0 << 8 | Int((folded >> 8) & 0xFF)
                          let word = bits[key >> 6], bit: UInt64 = 1 << UInt64(key & 63)
                          if word & bit != 0 {
                              let rank = Int(rankBase[key >> 6]) + (word & (bit &- 1)).nonzeroBitCount
                              var k = Int(starts[rank])
                              let kEnd = Int(starts[rank + 1])
                              while k < kEnd {
                                  if folded & masks[k] == prefixes[k] {
                                      let li = Int(pairLits[k])
                                      if verify(li, buf, at: i, end: end, fold: fold) {
                                          hits.literal[li].append(i..<(i + literalBytes[li].count))
                                      }
                                  }
                                  k += 1
                              }
                          }
                      }
                      i += 1
                  }
                }
              }
            }
          }
          }
        }
        }
        }
        }
        }
        }
        }
    }

    /// The byte-wise loop, for the last bytes of the data (a folded byte past the end counts as 0).
    private func scanLiteralsByByte(_ buf: UnsafeBufferPointer<UInt8>, region: Range<Int>, end: Int, into hits: inout Hits) {
        let stop = region.upperBound
        var i = region.lowerBound
        pairBits.withUnsafeBufferPointer { bits in
        pairPrefix.withUnsafeBufferPointer { prefixes in
        pairMask.withUnsafeBufferPointer { masks in
        pairThird.withUnsafeBufferPointer { thirds in
          pairGroupStart.withUnsafeBufferPointer { starts in
          pairRankBase.withUnsafeBufferPointer { rankBase in
            pairLiterals.withUnsafeBufferPointer { pairLits in
              firstByteFlags.withUnsafeBufferPointer { flags in
                Prefilter.foldTable.withUnsafeBufferPointer { fold in
                  while i < stop {
                      let f0 = fold[Int(buf[i])]
                      let flag = flags[Int(f0)]
                      if flag != 0 {
                          if flag & 1 != 0 {
                              for li in singleByte[Int(f0)] where verify(li, buf, at: i, end: end, fold: fold) {
                                  hits.literal[li].append(i..<(i + 1))
                              }
                          }
                          if flag & 2 != 0, i + 1 < end {
                              let key = Int(f0) << 8 | Int(fold[Int(buf[i + 1])])
                              let word = bits[key >> 6], bit: UInt64 = 1 << UInt64(key & 63)
                              guard word & bit != 0 else { i += 1; continue }
                              // The folded word at i (bytes past the end count as 0: a literal
                              // that needs them fails the compare, as it fails verify).
                              var folded = UInt32(f0) | UInt32(fold[Int(buf[i + 1])]) << 8
                              if i + 2 < end {
                                  let f2 = Int(fold[Int(buf[i + 2])])
                                  let slot = 4 * Prefilter.thirdSlot(key)
                                  guard thirds[slot + f2 >> 6] & (1 << UInt64(f2 & 63)) != 0 else { i += 1; continue }
                                  folded |= UInt32(f2) << 16
                              }
                              let rank = Int(rankBase[key >> 6]) + (word & (bit &- 1)).nonzeroBitCount
                              var k = Int(starts[rank])
                              let kEnd = Int(starts[rank + 1])
                              if i + 3 < end { folded |= UInt32(fold[Int(buf[i + 3])]) << 24 }
                              while k < kEnd {
                                  if folded & masks[k] != prefixes[k] { k += 1; continue }
                                  let li = Int(pairLits[k])
                                  if verify(li, buf, at: i, end: end, fold: fold) {
                                      hits.literal[li].append(i..<(i + literalBytes[li].count))
                                  }
                                  k += 1
                              }
                          }
                      }
                      i += 1
                  }
                }
              }
            }
          }
          }
        }
        }
        }
        }
    }

    /// Whether literal `li` occurs at `i` (keywords compared ASCII case-insensitively).
    @inline(__always) private func verify(_ li: Int, _ buf: UnsafeBufferPointer<UInt8>, at i: Int, end: Int,
                                          fold: UnsafeBufferPointer<UInt8>) -> Bool {
        if literalAtWordStart[li], i > 0, Trigger.isWordByte(buf[i - 1]) { return false }
        return literalBytes[li].withUnsafeBufferPointer { b in
            let n = b.count
            guard i + n <= end else { return false }
            if literalIsCaseless[li] {
                for k in 0..<n where fold[Int(buf[i + k])] != b[k] { return false }
            } else {
                for k in 0..<n where buf[i + k] != b[k] { return false }
            }
            return true
        }
    }

    /// ASCII lower-casing table.
    static let foldTable: [UInt8] = (0...255).map { UInt8($0) >= 65 && UInt8($0) <= 90 ? UInt8($0) | 0x20 : UInt8($0) }


}
