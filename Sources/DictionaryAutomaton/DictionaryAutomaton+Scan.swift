#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif

extension DictionaryAutomaton {
    /// Original bytes folded per chunk (the folder's memory stays about 5× this).
    static let chunkSize = 1 << 16

    /// Reports every match that starts in `range`, in order, non-overlapping.
    ///
    /// Semantics: the input is folded with `TextFolding`; a match starts at a word start (a word
    /// byte after a non-word byte or at the start of `text`) and ends at a word end (before a
    /// non-word byte or at the end of `text`); at each word start the longest term wins, and the
    /// scan continues after it (leftmost-longest). Bytes of `text` before `range` are read only
    /// to decide whether `range.lowerBound` is inside a word; a match may extend past
    /// `range.upperBound`. Spans are original byte offsets.
    ///
    /// `folder` is scratch space (reuse one per thread). Never fails on any input.
    public func matches(in text: UnsafeBufferPointer<UInt8>, range: Range<Int>, folder: TextFolder, _ report: (DictionaryMatch) -> Void) {
        if isHashed {
            matchesFolded(in: text, range: range, folder: folder, report)
        } else {
            matchesInPlace(in: text, range: range, folder: folder, report)
        }
    }

    /// The plain trie's scan: folds on the fly, never copies the text. A word start is found
    /// with one table look-up per original byte; each word is hashed while it is stepped over
    /// (eight ASCII bytes at a time) and the trie is walked only where the filters of
    /// `FirstWordFilter` admit it; when the words are short, the walk starts after them, at
    /// the node the key table (`KeyTable`) gives. Same results as `matchesFolded` (the tests
    /// compare them on random text).
    func matchesInPlace(in text: UnsafeBufferPointer<UInt8>, range: Range<Int>, folder: TextFolder, _ report: (DictionaryMatch) -> Void) {
        let range = range.clamped(to: 0..<text.count)
        guard !range.isEmpty, let base = text.baseAddress else { return }
        let word = wordTable
        let kind = kindTable
        let firstWords = firstWordFilter
        let firstWordCount = self.firstWordCount
        let usesBlocks = usesWordBlocks
        var block = WordBlock()
        let wordHashes = folder.wordHashes
        var prepared = ScannedWord()   // a word the block hashed and stopped at (`folded` 0: none)
        let count = text.count
        let upper = range.upperBound
        var position = range.lowerBound
        var skip = 0             // folded bytes of the code point at `position` already consumed
        var inWord = word[Int(foldedByteBefore(position, in: text, folder: folder))] != 0
        while position < upper {
            let leadKind = kind[Int(base[position])]
            if leadKind == 0 {
                // ASCII that folds to a space or an apostrophe.
                inWord = false
                position &+= 1
                continue
            }
            if leadKind == 1 {
                // ASCII letter or digit.
                if inWord {
                    position &+= 1
                    continue
                }
                if usesBlocks && position &+ WordBlock.reach <= count {
                    // Step over the ASCII words of the next bytes that the filters reject, all
                    // at once (their look-ups overlap); stop at the first word that needs more
                    // (see `skipRejectedWords`).
                    let (resume, isAtWord, word) = skipRejectedWords(base, count: count, from: position, block: &block, cache: wordHashes)
                    position = resume
                    if !isAtWord || position >= upper { continue }
                    prepared = word
                }
                inWord = true
                // Hash the word while stepping over it (unless the block did); most words cannot
                // start a term.
                var scanned: (hash: UInt64, end: Int, isSimple: Bool, folded: Int)
                var endsAtASCII = false   // the byte at `scanned.end` is ASCII, not a word byte
                let (lowered, length) = prepared.folded > 0 ? (0, 0) : position &+ 8 <= count
                    ? Self.asciiWordPrefixMixed(UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)))
                    : (0, 8)
                if prepared.folded > 0 {
                    scanned = (prepared.hash, prepared.end, true, prepared.folded)
                    endsAtASCII = prepared.endsAtASCII
                    prepared.folded = 0
                } else if length < 8 && base[position &+ length] < 0x80 {
                    // Most words: ASCII, shorter than 8 bytes and followed by ASCII. `scanWord`'s
                    // first step, without the call.
                    scanned = (lowered.byteSwapped >> (64 - UInt64(8 * length)), position &+ length, true, length)
                    endsAtASCII = true
                } else if length < 8 || position &+ 8 <= count {
                    // A non-ASCII byte, or 8 word bytes: go on from the end of the ASCII prefix
                    // (the hash of 1 to 8 folded bytes from the seed is those bytes, packed).
                    scanned = scanWord(base, count: count, from: position &+ length, hash: lowered.byteSwapped >> (64 - UInt64(8 * length)))
                    scanned.folded &+= length
                } else {
                    scanned = scanWord(base, count: count, from: position, hash: FirstWordFilter.seed)
                }
                if scanned.isSimple {
                    let verdict = FirstWordFilter.lookUp(FirstWordFilter.finish(scanned.hash), words: firstWords, count: firstWordCount)
                    var isRejected = !verdict.isFirstWord
                    if !isRejected && !verdict.isWholeTerm {
                        let decided = keyStage(base, count: count, firstWord: scanned.hash, firstLength: scanned.folded, end: scanned.end, point: position)
                        if decided.value >= 0 {
                            report(DictionaryMatch(span: position..<decided.spanEnd, valueIndex: decided.value))
                            position = decided.resume
                            skip = decided.resumeSkip
                            continue
                        }
                        isRejected = decided.value == KeyStage.rejected
                    }
                    if !isRejected && keySlotCount > 0 && scanned.folded <= KeyTable.maxWordLength {
                        // The walk starts after the first word, found exactly in the key table.
                        let found = walkFromFirstWord(base, count: count, first: scanned.hash, end: scanned.end)
                        if found.value >= 0 {
                            report(DictionaryMatch(span: position..<found.spanEnd, valueIndex: found.value))
                            position = found.resume
                            skip = found.resumeSkip
                            continue
                        }
                        isRejected = true
                    }
                    if isRejected {
                        if endsAtASCII {
                            // Step over the separator byte too (what the next turn would do).
                            position = scanned.end &+ 1
                            inWord = false
                        } else {
                            position = scanned.end
                        }
                        continue
                    }
                } else if !mayStartTerm(base, count: count, point: position, skip: 0) {
                    position &+= 1
                    continue
                }
                let found = walkInPlace(base, count: count, point: position, skip: 0)
                if found.value >= 0 {
                    report(DictionaryMatch(span: position..<found.spanEnd, valueIndex: found.value))
                    position = found.resume
                    skip = found.resumeSkip
                } else {
                    position &+= 1
                }
                continue
            }
            // Anything else: fold the code point and look at each of its folded bytes.
            let (consumed, entry) = TextFolding.foldCodePoint(text, at: position, end: count, isFinal: true)
            var (pending, pendingCount) = Self.output(base, point: position, consumed: consumed, entry: entry)
            var index = 0
            var matched = false
            while index < pendingCount {
                let byte = UInt8(truncatingIfNeeded: pending)
                pending >>= 8
                let isWordByte = word[Int(byte)] != 0
                if index >= skip && isWordByte && !inWord {
                    inWord = true
                    let found = index == 0 ? matchAt(base, count: count, point: position)
                        : mayStartTerm(base, count: count, point: position, skip: index) ? walkInPlace(base, count: count, point: position, skip: index)
                        : InPlaceMatch(value: KeyStage.rejected, spanEnd: 0, resume: 0, resumeSkip: 0)
                    if found.value >= 0 {
                        report(DictionaryMatch(span: position..<found.spanEnd, valueIndex: found.value))
                        position = found.resume
                        skip = found.resumeSkip
                        matched = true
                        break
                    }
                } else if index >= skip {
                    inWord = isWordByte
                }
                index += 1
            }
            if !matched {
                position &+= consumed
                skip = 0
            }
        }
    }

    /// A word hashed as `scanWord` hashes it from the seed: unfinished hash, end, folded bytes
    /// (0: no word), and whether the byte at `end` is an ASCII non-word byte.
    struct ScannedWord {
        var hash: UInt64 = 0
        var end = 0
        var folded = 0
        var endsAtASCII = false
    }

    /// The classified bytes of 64 bytes of text, for `skipRejectedWords`: bit `i` of `words`
    /// is set when byte `base + i` is an ASCII letter or digit, of `highs` when it is ≥ 0x80.
    /// Kept by the scan, so that after a word the loop handled itself the next call reuses it.
    struct WordBlock {
        /// Bytes of text a block needs from its first byte on (64 classified, 8-byte loads at
        /// words starting up to byte 63 and at the word after them).
        static let reach = 80
        var base = Int.min
        var words: UInt64 = 0
        var highs: UInt64 = 0

        /// No block yet (the first call classifies one).
        init() {}

        /// Classifies the 64 bytes at `start` (`start + reach` within the text): with SSE2 on
        /// x86-64 (sixteen bytes a step, about a fifth of the instructions), else `portable`.
        @inline(__always)
        init(_ text: UnsafePointer<UInt8>, at start: Int) {
            #if arch(x86_64) && canImport(_Builtin_intrinsics)
            base = start
            // A byte x is a letter when (x | 0x20) − 'a' ≤ 25 and a digit when x − '0' ≤ 9,
            // unsigned (min then equal: SSE2 has no unsigned compare); bytes ≥ 0x80 are neither
            // ((x | 0x20) − 'a' ≥ 0x3F, x − '0' ≥ 0x50). Their top bits are `highs`.
            let letterBase = _mm_set1_epi8(0x61)
            let caseBit = _mm_set1_epi8(0x20)
            let digitBase = _mm_set1_epi8(0x30)
            let lastLetter = _mm_set1_epi8(25)
            let lastDigit = _mm_set1_epi8(9)
            let bytes = UnsafeRawPointer(text + start)
            for lane in 0..<4 {
                let chunk = _mm_loadu_si128(bytes.advanced(by: 16 &* lane).assumingMemoryBound(to: __m128i.self))
                let letter = _mm_sub_epi8(_mm_or_si128(chunk, caseBit), letterBase)
                let letters = _mm_cmpeq_epi8(_mm_min_epu8(letter, lastLetter), letter)
                let digit = _mm_sub_epi8(chunk, digitBase)
                let digits = _mm_cmpeq_epi8(_mm_min_epu8(digit, lastDigit), digit)
                let shift = UInt64(16 &* lane)
                words |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(_mm_or_si128(letters, digits)))) &<< shift
                highs |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(chunk))) &<< shift
            }
            #else
            self = Self.portable(text, at: start)
            #endif
        }

        /// The same classification eight bytes at a time in 64-bit words (any architecture; the
        /// tests compare both).
        @inline(__always)
        static func portable(_ text: UnsafePointer<UInt8>, at start: Int) -> WordBlock {
            var block = WordBlock()
            block.base = start
            let high: UInt64 = 0x8080_8080_8080_8080
            let ones: UInt64 = 0x0101_0101_0101_0101
            for lane in 0..<8 {
                let chunk = UInt64(littleEndian: UnsafeRawPointer(text + (start &+ 8 &* lane)).loadUnaligned(as: UInt64.self))
                let highLanes = chunk & high
                // Seven bits a byte, so that no addition below carries into the next byte; bit 7
                // of (x + 0x80 − bound) is then set exactly when x >= bound. A high byte may look
                // like a letter here: `highLanes` takes it out.
                let low = chunk & ~high
                let lower = low | 0x2020_2020_2020_2020
                let letters = (lower &+ (0x80 - 0x61) &* ones) & ~(lower &+ (0x80 - 0x7B) &* ones)
                let digits = (low &+ (0x80 - 0x30) &* ones) & ~(low &+ (0x80 - 0x3A) &* ones)
                block.words |= Self.gather((letters | digits) & ~highLanes & high) &<< UInt64(8 &* lane)
                block.highs |= Self.gather(highLanes) &<< UInt64(8 &* lane)
            }
            return block
        }

        /// Bit 7 of each byte of `lanes` (the others clear) to bit `byte index` of the result:
        /// the multiplication adds each lane's bit at a distinct position of the top byte, and
        /// its other partial products stay below it without carrying into it.
        @inline(__always)
        static func gather(_ lanes: UInt64) -> UInt64 {
            ((lanes >> 7) &* 0x0102_0408_1020_4080) >> 56
        }
    }

    /// Steps over the words from `start` (an ASCII word byte at a word start) that the word loop
    /// would reject on the first-word filter (and, for the first word of longer terms only, on
    /// the second-word filter: `keyStage`'s first test): the loop's work for them, without its
    /// per-word branches, from the bitmaps of `block` (reused while `start` is in its first 48
    /// bytes, else classified anew at `start`; and classified anew at a word that goes past its
    /// end). The words are taken as *runs*: bytes that are ASCII letters or digits or ≥ 0x80,
    /// between ASCII non-word bytes. A run of 1 to 15 ASCII letters or digits is hashed from one
    /// or two 8-byte loads; a run of up to 16 bytes with bytes ≥ 0x80 takes its hash from
    /// `cache` (`WordHashCache`) when `scanWord` hashed it before; any other word (longer, not
    /// seen yet, or not a simple word) is hashed with `scanWord`, as the loop does, and
    /// remembered in `cache` when it may be. The look-ups of successive words do not wait for
    /// each other.
    ///
    /// Returns where the loop goes on: `isAtWord` true means a word starts at `resume` (after
    /// an ASCII non-word byte, or `resume == start`) that the loop must handle itself (`word`,
    /// unless its `folded` is 0, is that word as the loop's own hashing would give it);
    /// false means that every word before `resume` was rejected, and that the loop goes on at
    /// `resume` not in a word: after ASCII non-word bytes, or at a code point whose first folded
    /// byte is not a word byte, or at a code point ≥ 0x80 after non-word bytes that the loop must
    /// fold itself, or at a word start near the end of the text. Needs
    /// `start + WordBlock.reach <= count`.
    @inline(__always)
    func skipRejectedWords(_ base: UnsafePointer<UInt8>, count: Int, from start: Int, block: inout WordBlock,
                           cache: UnsafeMutablePointer<UInt64>) -> (resume: Int, isAtWord: Bool, word: ScannedWord) {
        let words = firstWordFilter
        let wordCount = firstWordCount
        let seconds = secondWordFilter
        let secondCount = secondWordCount
        var start = start
        var offset = start &- block.base
        if UInt(bitPattern: offset) > 48 {
            block = WordBlock(base, at: start)
            offset = 0
        }
        blocks: while true {
            let wordBits = block.words &>> UInt64(offset)
            let highBits = block.highs &>> UInt64(offset)
            let runBits = wordBits | highBits
            let span = 64 &- offset
            // Run starts (each after an ASCII non-word byte, or at `start`).
            let starts = runBits & ~(runBits &<< 1)
            let runs = BlockRuns(start: start, span: span, runs: runBits, highs: highBits)
            var cursor = 0   // bytes before it are done; the byte before it is no word byte
            while true {
                // The runs from `cursor` on, in a tight loop.
                var pending = starts & (~0 &<< UInt64(cursor))
                var point = 0   // a run that needs `scanWord`, when `pending` is not 0
                while pending != 0 {
                    let first = pending.trailingZeroBitCount
                    // Bits past the block read as run bytes: a length reaching `span` is unknown.
                    let length = (~runBits &>> UInt64(first)).trailingZeroBitCount
                    let wordStart = start &+ first
                    if first &+ length >= span {
                        // The run may go on past the block: go on with the block it starts
                        // (the loop does it near the end of the text).
                        guard first != 0 else { point = wordStart; break }
                        guard wordStart &+ WordBlock.reach <= count else { return (wordStart, false, ScannedWord()) }
                        block = WordBlock(base, at: wordStart)
                        start = wordStart
                        offset = 0
                        continue blocks
                    }
                    let highs = (highBits &>> UInt64(first)) & ((1 &<< UInt64(length)) &- 1)
                    var hash: UInt64
                    var folded = length
                    if highs == 0 {
                        if length > 15 {
                            point = wordStart
                            break
                        }
                        hash = Self.asciiWordHash(base, at: wordStart, length: length)
                    } else {
                        guard length <= WordHashCache.maxLength,
                              let known = WordHashCache.lookUp(base, at: wordStart, length: length, in: cache) else {
                            point = wordStart
                            break
                        }
                        (hash, folded) = known
                    }
                    if !isRejected(hash, end: wordStart &+ length, count: count, base, words, wordCount, seconds, secondCount, block: runs, cache: cache) {
                        if highs == 0 {
                            return (wordStart, true, ScannedWord(hash: hash, end: wordStart &+ length, folded: length, endsAtASCII: true))
                        }
                        // As `scanWord` would have returned it below.
                        if base[wordStart] < 0x80 {
                            return (wordStart, true, ScannedWord(hash: hash, end: wordStart &+ length, folded: folded, endsAtASCII: false))
                        }
                        return (wordStart, false, ScannedWord())
                    }
                    pending &= pending &- 1
                }
                if pending == 0 { return (start &+ span, false, ScannedWord()) }
                // A run with a letter ≥ 0x80 not seen yet, a longer one, one at the start of the
                // block that may go on past it, or a code point ≥ 0x80 after non-word bytes:
                // hashed as the loop does.
                // (A code point ≥ 0x80 is never at the caller's `start`: the loop folds it.)
                let isASCII = base[point] < 0x80
                let scanned = scanWord(base, count: count, from: point, hash: FirstWordFilter.seed)
                guard scanned.isSimple && scanned.folded > 0 else { return (point, isASCII, ScannedWord()) }
                let at = point &- start
                let runLength = (~runBits &>> UInt64(at)).trailingZeroBitCount
                if scanned.end == point &+ runLength && at &+ runLength < span && runLength <= WordHashCache.maxLength
                    && (highBits &>> UInt64(at)) & ((1 &<< UInt64(runLength)) &- 1) != 0 {
                    WordHashCache.insert(base, at: point, length: runLength, hash: scanned.hash, folded: scanned.folded, in: cache)
                }
                if !isRejected(scanned.hash, end: scanned.end, count: count, base, words, wordCount, seconds, secondCount, block: runs, cache: cache) {
                    let word = isASCII ? ScannedWord(hash: scanned.hash, end: scanned.end, folded: scanned.folded, endsAtASCII: false) : ScannedWord()
                    return (point, isASCII, word)
                }
                cursor = scanned.end &- start
                // Past the block, or inside a run (at a code point ≥ 0x80 whose first folded
                // byte is not a word byte: the loop folds it).
                if cursor >= span || (runBits &>> UInt64(cursor)) & 1 != 0 { return (scanned.end, false, ScannedWord()) }
            }
        }
    }

    /// The part of a classified block that `skipRejectedWords` is working on: the text offset
    /// of its bit 0, how many bits are classified, and the bitmaps of run bytes (ASCII letters,
    /// digits, bytes ≥ 0x80) and of bytes ≥ 0x80 from there.
    struct BlockRuns {
        var start: Int
        var span: Int
        var runs: UInt64
        var highs: UInt64
    }

    /// For `skipRejectedWords`: whether the loop rejects the word of unfinished hash `hash`
    /// ending at `end`, on the first-word filter, or (a first word of longer terms only) on the
    /// second-word or the key filter, as `keyStage` and `keyMayMatch` would: one to three ASCII
    /// non-word bytes (one space, `, `, `'`), then a word that `scanWord` hashes whole and that is
    /// no second word of a term, or that makes no key of one with the first word and them. The second word is a short ASCII word followed by ASCII
    /// (read from 8 bytes), or the run that `block` shows whole after the space: 8 to 15 ASCII
    /// letters or digits, or up to 16 bytes with bytes ≥ 0x80 whose hash `cache` holds
    /// (`WordHashCache`: what `scanWord` gives for it), or else the word `scanWord` hashes (one
    /// past the block, longer, or not cached: handing it to the loop as a candidate cost more).
    /// The key filter's cache misses are taken here, where the loop goes on without waiting
    /// for them.
    @inline(__always)
    func isRejected(_ hash: UInt64, end: Int, count: Int, _ base: UnsafePointer<UInt8>, _ words: UnsafePointer<UInt64>, _ wordCount: UInt64,
                    _ seconds: UnsafePointer<UInt64>, _ secondCount: UInt64, block: BlockRuns, cache: UnsafeMutablePointer<UInt64>) -> Bool {
        let verdict = FirstWordFilter.lookUp(FirstWordFilter.finish(hash), words: words, count: wordCount)
        guard verdict.isFirstWord else { return true }
        guard !verdict.isWholeTerm else { return false }
        // The separator: one to three ASCII non-word bytes (`, `, `.\n`, `'`), hashed onto the
        // first word as `keyMayMatch` hashes them (folded, a run of spaces as one).
        let ascii = asciiTable
        let wordBytes = wordTable
        var separated = hash
        var last: UInt8 = 0x61   // the first word ended with a word byte
        var after = end
        while after < count && after &- end < 3 && base[after] < 0x80 {
            let byte = ascii[Int(base[after])]
            if wordBytes[Int(byte)] != 0 { break }
            if byte != 0x20 || last != 0x20 { separated = FirstWordFilter.step(separated, byte) }
            last = byte
            after &+= 1
        }
        guard after > end && after &+ 8 <= count else { return false }
        let (lowered, next) = Self.asciiWordPrefixMixed(UInt64(littleEndian: UnsafeRawPointer(base + after).loadUnaligned(as: UInt64.self)))
        var second: UInt64 = 0
        var secondLength = 0   // folded bytes (0: not hashed yet)
        if next > 0 && next < 8 && base[after &+ next] < 0x80 {
            second = lowered.byteSwapped &>> UInt64(64 &- 8 &* next)
            secondLength = next
        } else {
            let at = after &- block.start
            if at < block.span {
                let length = (~block.runs &>> UInt64(at)).trailingZeroBitCount
                if length > 0 && at &+ length < block.span {
                    if (block.highs &>> UInt64(at)) & ((1 &<< UInt64(length)) &- 1) == 0 {
                        if length <= 15 {
                            second = Self.asciiWordHash(base, at: after, length: length)
                            secondLength = length
                        }
                    } else if length <= WordHashCache.maxLength, let known = WordHashCache.lookUp(base, at: after, length: length, in: cache) {
                        second = known.hash
                        secondLength = known.folded
                    }
                }
            }
            if secondLength == 0 {
                // Past the block, longer, or not in the cache: hashed here as `keyMayMatch`
                // hashes it (handing the word to the loop costs several times more).
                let scanned = scanWord(base, count: count, from: after, hash: FirstWordFilter.seed)
                guard scanned.isSimple && scanned.folded > 0 else { return false }
                second = scanned.hash
                secondLength = scanned.folded
            }
        }
        guard FirstWordFilter.contains(FirstWordFilter.finish(second), words: seconds, count: secondCount) else { return true }
        // The key (both words and the separator, hashed as one: the step hash of `secondLength`
        // more bytes rotates by 8 bits a byte and adds the word's own), as `keyStage` and
        // `keyMayMatch` test it (a key that the key table holds is in the key filter too).
        let bits = UInt64(8 &* (secondLength & 7))
        let key = ((separated &<< bits) | (separated &>> ((64 &- bits) & 63))) ^ second
        return !FirstWordFilter.contains(FirstWordFilter.finish(key), words: keyFilter, count: keyCount)
    }

    /// The hash of the folded word bytes from `start` on, added to `hash`, for words made of
    /// ASCII and two-byte code points. Stops at the end of the text or at a code point whose
    /// first folded byte is not a word byte (`end`, `isSimple` true); `isSimple` is false when
    /// it meets anything else (a longer or invalid sequence, a fold that mixes word and non-word
    /// bytes): the caller then asks `mayStartTerm`. `folded` counts the folded bytes hashed.
    @inline(__always)
    func scanWord(_ base: UnsafePointer<UInt8>, count: Int, from start: Int, hash: UInt64) -> (hash: UInt64, end: Int, isSimple: Bool, folded: Int) {
        let wordFold = wordFoldTable
        let word = wordTable
        var hash = hash
        var position = start
        var folded = 0   // folded bytes hashed
        // Eight bytes at a time: hash the ASCII word bytes up to the first non-word or non-ASCII
        // byte in one step; a two-byte code point there is folded and the chunks go on after it
        // (words like "Müller" or "Straße" need no byte loop).
        while position &+ 8 <= count {
            let chunk = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            let (lowered, length) = Self.asciiWordPrefixMixed(chunk)
            if length > 0 {
                let bits = UInt64(8 * length)
                hash = ((hash << bits) | (hash >> (64 - bits))) ^ (lowered.byteSwapped >> (64 - bits))
                position &+= length
                folded &+= length
            }
            if length == 8 { continue }
            if base[position] < 0x80 { return (hash, position, true, folded) }
            if let end = hashTwoByteLetter(base, count: count, at: position, word: word, hash: &hash, folded: &folded) {
                return (hash, position, end, folded)
            }
            position &+= 2
        }
        while position < count {
            let byte = wordFold[Int(base[position])]
            if byte == 0 { return (hash, position, true, folded) }
            if byte != 0xFF {
                hash = FirstWordFilter.step(hash, byte)
                position &+= 1
                folded &+= 1
                continue
            }
            if let end = hashTwoByteLetter(base, count: count, at: position, word: word, hash: &hash, folded: &folded) {
                return (hash, position, end, folded)
            }
            position &+= 2
        }
        return (hash, position, true, folded)
    }

    /// The unfinished hash `scanWord` gives a word of 1 to 15 ASCII letters and digits at `start`
    /// (16 bytes from `start` must be readable): the folded bytes packed, and for 9 to 15 bytes the
    /// first eight rotated by the rest, which is added.
    @inline(__always)
    static func asciiWordHash(_ base: UnsafePointer<UInt8>, at start: Int, length: Int) -> UInt64 {
        let lowerCase: UInt64 = 0x2020_2020_2020_2020
        let head = (UInt64(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)) | lowerCase).byteSwapped
        if length <= 8 { return head &>> UInt64(64 &- 8 &* length) }
        let tail = (UInt64(littleEndian: UnsafeRawPointer(base + (start &+ 8)).loadUnaligned(as: UInt64.self)) | lowerCase).byteSwapped
        let bits = UInt64(8 &* (length &- 8))
        return ((head &<< bits) | (head &>> (64 &- bits))) ^ (tail &>> (64 &- bits))
    }

    /// For eight ASCII bytes (little-endian in `chunk`): the bytes folded as `TextFolding`
    /// folds ASCII letters and digits (lower case), and how many leading bytes are word bytes
    /// (`[A-Za-z0-9]`); nil when a byte is not ASCII. Same result as the byte loop, whose hash
    /// step over `length` bytes is a rotation by `8 × length` and an exclusive or of the bytes
    /// read big-endian.
    @inline(__always)
    static func asciiWordPrefix(_ chunk: UInt64) -> (folded: UInt64, length: Int)? {
        let high: UInt64 = 0x8080_8080_8080_8080
        guard chunk & high == 0 else { return nil }
        // For bytes below 0x80, (x + 0x80 - bound) has its top bit set exactly when x >= bound.
        @inline(__always) func atLeast(_ value: UInt64, _ bound: UInt64) -> UInt64 {
            (value &+ (0x80 - bound) &* 0x0101_0101_0101_0101) & high
        }
        let lower = chunk | 0x2020_2020_2020_2020
        let letters = atLeast(lower, 0x61) & ~atLeast(lower, 0x7B)
        let digits = atLeast(chunk, 0x30) & ~atLeast(chunk, 0x3A)
        let nonWord = ~(letters | digits) & high
        let length = nonWord == 0 ? 8 : nonWord.trailingZeroBitCount >> 3
        return (chunk | (letters >> 2), length)
    }

    /// `asciiWordPrefix` for eight bytes that may hold non-ASCII ones: how many leading bytes
    /// are ASCII word bytes (up to the first non-word or non-ASCII byte), and those bytes folded
    /// (the bytes after them are garbage). A byte of 0x80 or more only disturbs its own lane and
    /// the ones above it (additions carry upwards; ASCII lanes never carry), so the lanes below
    /// the first one are classified exactly.
    @inline(__always)
    static func asciiWordPrefixMixed(_ chunk: UInt64) -> (folded: UInt64, length: Int) {
        let high: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func atLeast(_ value: UInt64, _ bound: UInt64) -> UInt64 {
            (value &+ (0x80 - bound) &* 0x0101_0101_0101_0101) & high
        }
        let lower = chunk | 0x2020_2020_2020_2020
        let letters = atLeast(lower, 0x61) & ~atLeast(lower, 0x7B)
        let digits = atLeast(chunk, 0x30) & ~atLeast(chunk, 0x3A)
        let stop = (~(letters | digits) | chunk) & high
        let length = stop == 0 ? 8 : stop.trailingZeroBitCount >> 3
        return (chunk | (letters >> 2), length)
    }

    /// For `scanWord`: adds the folded bytes of the two-byte code point at `position` to `hash`
    /// and `folded`, and returns nil to go on after it; or returns where the word stops: true
    /// (its first folded byte is not a word byte: the word ends here), false (not a two-byte
    /// code point, or a fold mixing word and non-word bytes: the caller asks `mayStartTerm`).
    @inline(__always)
    func hashTwoByteLetter(_ base: UnsafePointer<UInt8>, count: Int, at position: Int, word: UnsafePointer<UInt8>,
                           hash: inout UInt64, folded: inout Int) -> Bool? {
        guard let (packed, length) = twoByteFold(base, count: count, at: position) else { return false }
        if length > 0 && word[Int(packed & 0xFF)] == 0 { return true }
        var rest = packed
        for _ in 0..<length {
            let byte = UInt8(truncatingIfNeeded: rest)
            if word[Int(byte)] == 0 { return false }
            hash = FirstWordFilter.step(hash, byte)
            rest >>= 8
        }
        folded &+= length
        return nil
    }

    /// The folded bytes (packed, low byte first) and their number for a valid two-byte code
    /// point at `position`; nil for anything else.
    @inline(__always)
    func twoByteFold(_ base: UnsafePointer<UInt8>, count: Int, at position: Int) -> (UInt32, Int)? {
        let lead = base[position]
        guard lead >= 0xC2, lead <= 0xDF, position + 1 < count else { return nil }
        let second = base[position + 1]
        guard second & 0xC0 == 0x80 else { return nil }
        let entry = latinTable[(Int(lead & 0x1F) << 6 | Int(second & 0x3F)) - 0x80]
        let length = Int(entry >> 24)
        if length == 4 { return (UInt32(lead) | UInt32(second) << 8, 2) }
        return (entry & 0xFF_FFFF, length)
    }

    /// The match at a word that starts with the first folded byte of the code point at `point`
    /// (not ASCII), through the same stages as an ASCII word: the filters, the key table when
    /// the words are short, else the trie walk. Value `KeyStage.rejected` when there is none.
    func matchAt(_ base: UnsafePointer<UInt8>, count: Int, point: Int) -> InPlaceMatch {
        let rejected = InPlaceMatch(value: KeyStage.rejected, spanEnd: 0, resume: 0, resumeSkip: 0)
        let scanned = scanWord(base, count: count, from: point, hash: FirstWordFilter.seed)
        guard scanned.isSimple else {
            return mayStartTerm(base, count: count, point: point, skip: 0) ? walkInPlace(base, count: count, point: point, skip: 0) : rejected
        }
        let verdict = FirstWordFilter.lookUp(FirstWordFilter.finish(scanned.hash), words: firstWordFilter, count: firstWordCount)
        guard verdict.isFirstWord else { return rejected }
        if !verdict.isWholeTerm {
            let decided = keyStage(base, count: count, firstWord: scanned.hash, firstLength: scanned.folded, end: scanned.end, point: point)
            if decided.value != KeyStage.walk { return decided }
        }
        if keySlotCount > 0 && scanned.folded <= KeyTable.maxWordLength {
            return walkFromFirstWord(base, count: count, first: scanned.hash, end: scanned.end)
        }
        return walkInPlace(base, count: count, point: point, skip: 0)
    }

    /// What `keyStage` decided, in `InPlaceMatch.value` when it found no match.
    enum KeyStage {
        /// No term starts here.
        static let rejected = -1
        /// The filters admit the word: walk the trie from its start.
        static let walk = -2
    }

    /// For a word whose first word (unfinished hash `firstWord`, `firstLength` folded bytes,
    /// ending at `end`) is a first word of longer terms only: the match that starts at `point`,
    /// or `KeyStage.rejected`, or `KeyStage.walk`. When both words are short and one space
    /// apart, the key table (`KeyTable`) gives the node after them exactly and the walk goes on
    /// from there; otherwise the second-word and key filters decide whether to walk.
    @inline(__always)
    func keyStage(_ base: UnsafePointer<UInt8>, count: Int, firstWord: UInt64, firstLength: Int, end: Int, point: Int) -> InPlaceMatch {
        var result = InPlaceMatch(value: KeyStage.rejected, spanEnd: 0, resume: 0, resumeSkip: 0)
        let usesTable = keySlotCount > 0 && firstLength <= KeyTable.maxWordLength
        if end &+ 9 <= count && base[end] == 0x20,
           case let (lowered, length) = Self.asciiWordPrefixMixed(UInt64(littleEndian: UnsafeRawPointer(base + end + 1).loadUnaligned(as: UInt64.self))),
           length > 0 && length < 8 && base[end &+ 1 &+ length] < 0x80 {
            // Most often: one space, then a short ASCII word followed by ASCII.
            let alone = lowered.byteSwapped >> (64 - UInt64(8 * length))
            guard FirstWordFilter.contains(FirstWordFilter.finish(alone), words: secondWordFilter, count: secondWordCount) else { return result }
            let separated = FirstWordFilter.step(firstWord, 0x20)
            let bits = UInt64(8 * length)
            let key = ((separated << bits) | (separated >> (64 - bits))) ^ alone
            // The key filter first even with the table: it is much smaller, so a pair of words
            // that starts no term costs a cache hit rather than a miss in the table.
            guard FirstWordFilter.contains(FirstWordFilter.finish(key), words: keyFilter, count: keyCount) else { return result }
            if usesTable {
                return walkFromKey(base, count: count, first: firstWord, second: alone, after: end &+ 1 &+ length)
            }
            result.value = KeyStage.walk
            return result
        }
        if usesTable && end &+ 1 < count && base[end] == 0x20 && kindTable[Int(base[end &+ 1])] != 0 {
            // One space, then a word that starts with a word byte or a code point to fold.
            let alone = scanWord(base, count: count, from: end &+ 1, hash: FirstWordFilter.seed)
            if alone.isSimple && alone.folded >= 1 && alone.folded <= KeyTable.maxWordLength {
                guard FirstWordFilter.contains(FirstWordFilter.finish(alone.hash), words: secondWordFilter, count: secondWordCount) else { return result }
                return walkFromKey(base, count: count, first: firstWord, second: alone.hash, after: alone.end)
            }
        }
        if keyMayMatch(base, count: count, firstWord: firstWord, end: end, point: point) { result.value = KeyStage.walk }
        return result
    }

    /// The longest match at a first word of at most 8 bytes (packed `first`, ending at `end`)
    /// that may be a whole term, or `KeyStage.rejected`. When one space and a short second word
    /// follow, the key table answers for both words at once (the first word alone is the
    /// fallback) instead of a walk over the separator and the second word.
    @inline(__always)
    func walkFromFirstWord(_ base: UnsafePointer<UInt8>, count: Int, first: UInt64, end: Int) -> InPlaceMatch {
        let rejected = InPlaceMatch(value: KeyStage.rejected, spanEnd: 0, resume: 0, resumeSkip: 0)
        guard let record = KeyTable.record(first, 0, slots: keySlots, count: keySlotCount) else { return rejected }
        if (record >> 32) & 0xFF != 0 && end &+ 9 <= count && base[end] == 0x20,
           case let (lowered, length) = Self.asciiWordPrefixMixed(UInt64(littleEndian: UnsafeRawPointer(base + end + 1).loadUnaligned(as: UInt64.self))),
           length > 0 && length < 8 && base[end &+ 1 &+ length] < 0x80 {
            // What the walk would find after the first word: the word alone, if a term.
            let value = Int(truncatingIfNeeded: record >> 40)
            let alone = value != 0 && value <= valueCount ? InPlaceMatch(value: value - 1, spanEnd: end, resume: end, resumeSkip: 0) : rejected
            let second = lowered.byteSwapped >> (64 - UInt64(8 * length))
            // Any longer match has the key (first, second): the text's separator is one space.
            let separated = FirstWordFilter.step(first, 0x20)
            let bits = UInt64(8 * length)
            let key = ((separated << bits) | (separated >> (64 - bits))) ^ second
            guard FirstWordFilter.contains(FirstWordFilter.finish(second), words: secondWordFilter, count: secondWordCount),
                  FirstWordFilter.contains(FirstWordFilter.finish(key), words: keyFilter, count: keyCount),
                  let keyRecord = KeyTable.record(first, second, slots: keySlots, count: keySlotCount) else { return alone }
            var cursor = FoldingCursor(base: base, count: count, after: end &+ 1 &+ length, ascii: asciiTable)
            return walkOn(record: keyRecord, cursor: &cursor, first: 0, depth: 3, best: alone)
        }
        var cursor = FoldingCursor(base: base, count: count, after: end, ascii: asciiTable)
        return walkOn(record: record, cursor: &cursor, first: 0, depth: 3, best: rejected)
    }

    /// The longest match whose key is `first` and `second` (packed words; `second` 0 for the
    /// first word alone) and whose last word ends at `after`, or `KeyStage.rejected`. With a
    /// second word, the caller knows that the first word alone is no term.
    @inline(__always)
    func walkFromKey(_ base: UnsafePointer<UInt8>, count: Int, first: UInt64, second: UInt64, after: Int) -> InPlaceMatch {
        guard let record = KeyTable.record(first, second, slots: keySlots, count: keySlotCount) else {
            return InPlaceMatch(value: KeyStage.rejected, spanEnd: 0, resume: 0, resumeSkip: 0)
        }
        var cursor = FoldingCursor(base: base, count: count, after: after, ascii: asciiTable)
        return walkOn(record: record, cursor: &cursor, first: 0, depth: 3,
                      best: InPlaceMatch(value: KeyStage.rejected, spanEnd: 0, resume: 0, resumeSkip: 0))
    }

    /// Whether the key filter admits the word that starts at `point`, given the unfinished hash
    /// of its first word (which ends at `end`, from `scanWord`): its separator and second word.
    @inline(__always)
    func keyMayMatch(_ base: UnsafePointer<UInt8>, count: Int, firstWord: UInt64, end: Int, point: Int) -> Bool {
        if end &+ 9 <= count && base[end] == 0x20,
           case let (lowered, length) = Self.asciiWordPrefixMixed(UInt64(littleEndian: UnsafeRawPointer(base + end + 1).loadUnaligned(as: UInt64.self))),
           length > 0 && length < 8 && base[end &+ 1 &+ length] < 0x80 {
            // Most often: one space, then a short ASCII word followed by ASCII (as in the loop
            // below, without the calls).
            let alone = lowered.byteSwapped >> (64 - UInt64(8 * length))
            guard FirstWordFilter.contains(FirstWordFilter.finish(alone), words: secondWordFilter, count: secondWordCount) else { return false }
            let separated = FirstWordFilter.step(firstWord, 0x20)
            let bits = UInt64(8 * length)
            let key = ((separated << bits) | (separated >> (64 - bits))) ^ alone
            return FirstWordFilter.contains(FirstWordFilter.finish(key), words: keyFilter, count: keyCount)
        }
        let ascii = asciiTable
        let word = wordTable
        var hash = firstWord
        var position = end
        var last: UInt8 = 0x61   // the first word ended with a word byte
        while position < count {
            let lead = base[position]
            if lead < 0x80 {
                let byte = ascii[Int(lead)]
                if word[Int(byte)] != 0 { break }
                if byte != 0x20 || last != 0x20 { hash = FirstWordFilter.step(hash, byte) }
                last = byte
                position &+= 1
                continue
            }
            guard let (packed, length) = twoByteFold(base, count: count, at: position) else {
                return mayStartTerm(base, count: count, point: point, skip: 0)
            }
            if length > 0 && word[Int(packed & 0xFF)] != 0 { break }
            var rest = packed
            for _ in 0..<length {
                let byte = UInt8(truncatingIfNeeded: rest)
                if word[Int(byte)] != 0 { return mayStartTerm(base, count: count, point: point, skip: 0) }
                if byte != 0x20 || last != 0x20 { hash = FirstWordFilter.step(hash, byte) }
                last = byte
                rest >>= 8
            }
            position &+= 2
        }
        guard position < count else { return false }
        // The second word alone first: its filter is small enough to stay in cache, the key
        // filter is not (and most words after a first name are ordinary words).
        let alone = scanWord(base, count: count, from: position, hash: FirstWordFilter.seed)
        guard alone.isSimple else { return mayStartTerm(base, count: count, point: point, skip: 0) }
        guard FirstWordFilter.contains(FirstWordFilter.finish(alone.hash), words: secondWordFilter, count: secondWordCount) else { return false }
        // The key's hash from both: the step hash is linear, so hashing `alone.folded` more
        // bytes after `hash` rotates it by 8 bits a byte and adds (exclusive or) the word's own.
        let bits = UInt64(8 * (alone.folded & 7))
        let key = ((hash << bits) | (hash >> ((64 - bits) & 63))) ^ alone.hash
        return FirstWordFilter.contains(FirstWordFilter.finish(key), words: keyFilter, count: keyCount)
    }

    /// Whether the filters admit the word that starts at folded byte `skip` of the code point at
    /// `point`: its first word, then its key (see `FirstWordFilter`). False means no term can
    /// match there.
    func mayStartTerm(_ base: UnsafePointer<UInt8>, count: Int, point: Int, skip: Int) -> Bool {
        var cursor = FoldingCursor(base: base, count: count, point: point, skip: skip, ascii: asciiTable)
        let word = wordTable
        var hash = FirstWordFilter.step(FirstWordFilter.seed, UInt8(truncatingIfNeeded: cursor.first))
        var byte = cursor.next()
        while byte >= 0 && word[byte] != 0 {
            hash = FirstWordFilter.step(hash, UInt8(truncatingIfNeeded: byte))
            byte = cursor.next()
        }
        let verdict = FirstWordFilter.lookUp(FirstWordFilter.finish(hash), words: firstWordFilter, count: firstWordCount)
        guard verdict.isFirstWord else { return false }
        if verdict.isWholeTerm { return true }
        // The separator and the second word.
        while byte >= 0 && word[byte] == 0 {
            hash = FirstWordFilter.step(hash, UInt8(truncatingIfNeeded: byte))
            byte = cursor.next()
        }
        guard byte >= 0 else { return false }
        while byte >= 0 && word[byte] != 0 {
            hash = FirstWordFilter.step(hash, UInt8(truncatingIfNeeded: byte))
            byte = cursor.next()
        }
        return FirstWordFilter.contains(FirstWordFilter.finish(hash), words: keyFilter, count: keyCount)
    }

    /// The folded bytes of the code point at `point` (`TextFolding.foldCodePoint`'s result),
    /// packed low byte first, and their number (0 to 4).
    @inline(__always)
    static func output(_ base: UnsafePointer<UInt8>, point: Int, consumed: Int, entry: UInt32) -> (UInt32, Int) {
        let length = Int(entry >> 24)
        guard length == 4 else { return (entry & 0xFF_FFFF, length) }
        var packed: UInt32 = 0
        for offset in 0..<consumed { packed |= UInt32(base[point + offset]) << (8 * UInt32(offset)) }
        return (packed, consumed)
    }

    /// The result of a walk: `value` −1 when no term ends at a word end. Otherwise `spanEnd` is
    /// the original end of the span, and the scan resumes at folded byte `resumeSkip` of the
    /// code point at `resume` (the first folded byte after the match).
    struct InPlaceMatch {
        var value: Int
        var spanEnd: Int
        var resume: Int
        var resumeSkip: Int
    }

    /// Walks the trie from the word start at folded byte `skip` of the code point at `point`,
    /// folding the text on the fly. Longest term ending at a word end wins.
    @inline(__always)
    func walkInPlace(_ base: UnsafePointer<UInt8>, count: Int, point start: Int, skip: Int) -> InPlaceMatch {
        var cursor = FoldingCursor(base: base, count: count, point: start, skip: skip, ascii: asciiTable)
        let best = InPlaceMatch(value: -1, spanEnd: 0, resume: 0, resumeSkip: 0)
        let first = cursor.first
        let node = Int(root[first])
        guard node != 0, node < nodeCount else { return best }
        return walkOn(record: nodes[node], cursor: &cursor, first: first, depth: 1, best: best)
    }

    /// Goes on walking from a node (its `record`, at `depth` folded bytes from the word start,
    /// whose first byte is `first`), reading the text's next folded bytes from `cursor`.
    @inline(__always)
    func walkOn(record start: UInt64, cursor: inout FoldingCursor, first: Int, depth startDepth: Int, best: InPlaceMatch) -> InPlaceMatch {
        var best = best
        var record = start
        var depth = startDepth
        let nodeCount = self.nodeCount
        let word = wordTable
        let count = cursor.count
        while true {
            let value = Int(truncatingIfNeeded: record >> 40)
            let childCount = Int(truncatingIfNeeded: (record >> 32) & 0xFF)
            if value == 0 && childCount == 0 { break }
            let byte = cursor.next()
            if value != 0 && (byte < 0 || word[byte] == 0) && value <= valueCount {
                best = InPlaceMatch(value: value - 1, spanEnd: byte < 0 ? count : cursor.point, resume: byte < 0 ? count : cursor.point, resumeSkip: byte < 0 ? 0 : cursor.emitted)
            }
            if byte < 0 || childCount == 0 { break }
            let node: Int
            if depth == 1 {
                // Dense table for the second byte.
                node = Int(pairs[first << 8 | byte])
                guard node != 0, node < nodeCount else { break }
            } else {
                let block = Int(truncatingIfNeeded: record & 0xFFFF_FFFF)
                let labelWords = (childCount + 7) >> 3
                guard block + labelWords + childCount <= nodeCount else { break }
                let labels = UnsafeRawPointer(nodes + block).assumingMemoryBound(to: UInt8.self)
                guard let child = DictionaryAutomaton.child(labeled: UInt8(truncatingIfNeeded: byte), in: labels, count: childCount) else { break }
                node = block + labelWords + child
            }
            record = nodes[node]
            depth += 1
        }
        return best
    }

    /// The scan over a folded copy of the text, chunk by chunk: the hashed table's scan (it
    /// hashes whole folded words) and the reference the plain scan is tested against.
    func matchesFolded(in text: UnsafeBufferPointer<UInt8>, range: Range<Int>, folder: TextFolder, _ report: (DictionaryMatch) -> Void) {
        let range = range.clamped(to: 0..<text.count)
        guard !range.isEmpty else { return }
        var position = range.lowerBound
        var previous = foldedByteBefore(position, in: text, folder: folder)
        let reach = maxDepth + 1
        let word = UnsafeBufferPointer(start: TextFolding.wordPointer, count: 256)
        while position < range.upperBound {
            folder.reset(base: position, previous: previous)
            let window = min(Self.chunkSize, range.upperBound - position + 4 * reach + 64)
            var end = min(text.count, position + window)
            var stop = folder.fold(text, from: position, to: end, isFinal: end == text.count)
            while stop < text.count && folder.count < reach + 8 {
                end = min(text.count, end + Self.chunkSize)
                stop = folder.fold(text, from: stop, to: end, isFinal: end == text.count)
            }
            let isLast = stop == text.count
            let count = folder.count
            let limit = isLast ? count : count - reach
            let folded = folder.folded
            let starts = folder.starts
            let startCount = folder.startCount
            var index = 0          // folded index scanned up to (end of the last match)
            var next = 0           // next word start to try
            var finished = false
            do {
                while next < startCount {
                    let start = Int(starts[next])
                    if start < index {
                        next += 1
                        continue
                    }
                    index = start
                    if start >= limit { break }
                    if folder.origin(start) >= range.upperBound {
                        finished = true
                        break
                    }
                    let found = isHashed
                        ? (hashedMayStart(folded, from: start, count: count, isLast: isLast, word: word)
                            ? walkHashed(folded, from: start, count: count, isLast: isLast, word: word) : (end: 0, value: 0))
                        : walkTrie(folded, from: start, count: count, isLast: isLast, word: word)
                    if found.end > 0 {
                        let spanEnd = found.end < count ? folder.origin(found.end) : stop
                        report(DictionaryMatch(span: folder.origin(start)..<spanEnd, valueIndex: found.value))
                        index = found.end
                    }
                    next += 1
                }
                if next >= startCount { index = count }
            }
            if finished || isLast { return }
            if index >= count {
                position = stop
                previous = folder.previous
            } else {
                // Resume at the first folded byte of the code point that produced `index`.
                var resume = index
                while resume > 0 && folder.origin(resume - 1) == folder.origin(index) { resume -= 1 }
                position = folder.origin(resume)
                previous = resume > 0 ? folded[resume - 1] : previous
            }
        }
    }

    /// Convenience: all matches in a byte array.
    public func matches(in text: [UInt8]) -> [DictionaryMatch] {
        var result: [DictionaryMatch] = []
        let folder = TextFolder(capacity: 1 << 12)
        text.withUnsafeBufferPointer { buffer in
            matches(in: buffer, range: 0..<buffer.count, folder: folder) { result.append($0) }
        }
        return result
    }

    /// The folded byte just before `position` (a space at the start of the text).
    func foldedByteBefore(_ position: Int, in text: UnsafeBufferPointer<UInt8>, folder: TextFolder) -> UInt8 {
        guard position > 0 else { return 0x20 }
        var start = max(0, position - 16)
        while start < position && text[start] & 0xC0 == 0x80 && start > 0 && position - start < 16 { start += 1 }
        folder.reset(base: start)
        folder.fold(text, from: start, to: position, isFinal: true)
        return folder.previous
    }

    /// The longest term starting at `start` and ending at a word end: (end, value), end 0 if none.
    @inline(__always)
    func walkTrie(_ folded: UnsafeMutablePointer<UInt8>, from start: Int, count: Int, isLast: Bool, word: UnsafeBufferPointer<UInt8>) -> (end: Int, value: Int) {
        let first = Int(folded[start])
        var node = Int(root[first])
        guard node != 0, node < nodeCount else { return (0, 0) }
        var index = start + 1
        var best = (end: 0, value: 0)
        let nodeCount = self.nodeCount
        while true {
            let record = nodes[node]
            let value = Int(truncatingIfNeeded: record >> 40)
            if value != 0 {
                let isWordEnd = index < count ? word[Int(folded[index])] == 0 : isLast
                if isWordEnd && value <= valueCount { best = (index, value - 1) }
            }
            guard index < count else { break }
            let childCount = Int(truncatingIfNeeded: (record >> 32) & 0xFF)
            guard childCount != 0 else { break }
            let byte = folded[index]
            if index == start + 1 {
                // Dense table for the second byte.
                let next = Int(pairs[first << 8 | Int(byte)])
                guard next != 0, next < nodeCount else { break }
                node = next
                index += 1
                continue
            }
            let block = Int(truncatingIfNeeded: record & 0xFFFF_FFFF)
            let labelWords = (childCount + 7) >> 3
            guard block + labelWords + childCount <= nodeCount else { break }
            let labels = UnsafeRawPointer(nodes + block).assumingMemoryBound(to: UInt8.self)
            guard let child = DictionaryAutomaton.child(labeled: byte, in: labels, count: childCount) else { break }
            node = block + labelWords + child
            index += 1
        }
        return best
    }

    /// Hashed mode: whether the salted word filters admit the folded word at `start` (its first
    /// word, then its key: see `FirstWordFilter`). True when the folded bytes end before the
    /// answer is known (the walk then decides).
    @inline(__always)
    func hashedMayStart(_ folded: UnsafeMutablePointer<UInt8>, from start: Int, count: Int, isLast: Bool, word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let salt = filterSalt else { return true }
        var hash = FirstWordFilter.seed
        var index = start
        while index < count && word[Int(folded[index])] != 0 {
            hash = FirstWordFilter.step(hash, folded[index])
            index += 1
        }
        if index == count && !isLast { return true }
        let verdict = FirstWordFilter.lookUp(FirstWordFilter.finish(hash, salt: salt), words: firstWordFilter, count: firstWordCount)
        guard verdict.isFirstWord else { return false }
        if verdict.isWholeTerm { return true }
        while index < count && word[Int(folded[index])] == 0 {
            hash = FirstWordFilter.step(hash, folded[index])
            index += 1
        }
        if index == count { return !isLast }
        var second = FirstWordFilter.seed
        while index < count && word[Int(folded[index])] != 0 {
            hash = FirstWordFilter.step(hash, folded[index])
            second = FirstWordFilter.step(second, folded[index])
            index += 1
        }
        if index == count && !isLast { return true }
        guard FirstWordFilter.contains(FirstWordFilter.finish(second, salt: salt), words: secondWordFilter, count: secondWordCount) else { return false }
        return FirstWordFilter.contains(FirstWordFilter.finish(hash, salt: salt), words: keyFilter, count: keyCount)
    }

    /// Hashed mode: hash the word n-grams starting at `start`, longest known one wins.
    @inline(__always)
    func walkHashed(_ folded: UnsafeMutablePointer<UInt8>, from start: Int, count: Int, isLast: Bool, word: UnsafeBufferPointer<UInt8>) -> (end: Int, value: Int) {
        guard let key else { return (0, 0) }
        let mask = nodeCount - 1
        var best = (end: 0, value: 0)
        var end = start
        while true {
            while end < count && word[Int(folded[end])] != 0 { end += 1 }
            if end - start > maxDepth || (end == count && !isLast) { break }
            let hash = DictionaryBuilder.hash(UnsafeBufferPointer(start: folded + start, count: end - start), key: key)
            var slot = Int(truncatingIfNeeded: hash) & mask
            var probes = 0
            while slotHashes[slot] != hash && slotHashes[slot] != 0 && probes <= mask {
                slot = (slot + 1) & mask
                probes += 1
            }
            guard slotHashes[slot] == hash else { break }
            let value = Int(slotValues[slot])
            if value != 0 && value <= valueCount { best = (end, value - 1) }
            while end < count && word[Int(folded[end])] == 0 { end += 1 }
            if end >= count { break }
        }
        return best
    }
}

/// Reads the folded bytes of a text from a given point on, folding code points as it goes
/// (runs of spaces collapsed, code points that fold to nothing skipped), and remembers which
/// code point produced the last byte it returned.
struct FoldingCursor {
    let base: UnsafePointer<UInt8>
    let count: Int
    let ascii: UnsafePointer<UInt8>
    /// Offset of the code point that produced the last byte returned.
    var point: Int
    /// Index of that byte among the code point's folded bytes.
    var emitted: Int
    /// Offset after that code point.
    var following: Int
    /// Folded bytes of that code point not returned yet, low byte first.
    var pending: UInt32 = 0
    var pendingCount = 0
    var last: UInt8
    /// The first byte (folded byte `skip` of the code point at `point`).
    let first: Int

    @inline(__always)
    init(base: UnsafePointer<UInt8>, count: Int, point: Int, skip: Int, ascii: UnsafePointer<UInt8>) {
        self.base = base
        self.count = count
        self.ascii = ascii
        self.point = point
        let lead = base[point]
        if lead < 0x80 {
            following = point + 1
            emitted = 0
            last = ascii[Int(lead)]
        } else {
            let text = UnsafeBufferPointer(start: base, count: count)
            let (consumed, entry) = TextFolding.foldCodePoint(text, at: point, end: count, isFinal: true)
            following = point + consumed
            let (packed, length) = DictionaryAutomaton.output(base, point: point, consumed: consumed, entry: entry)
            emitted = skip
            last = UInt8(truncatingIfNeeded: packed >> (8 * UInt32(skip)))
            pendingCount = length - skip - 1
            pending = pendingCount > 0 ? packed >> (8 * UInt32(skip + 1)) : 0
        }
        first = Int(last)
    }

    /// A cursor whose next byte is the first folded byte of the code point at `after`, just after
    /// a word (so a space there is not collapsed).
    @inline(__always)
    init(base: UnsafePointer<UInt8>, count: Int, after: Int, ascii: UnsafePointer<UInt8>) {
        self.base = base
        self.count = count
        self.ascii = ascii
        point = after
        following = after
        emitted = 0
        last = 0x61
        first = 0x61
    }

    /// The next folded byte, or −1 at the end of the text.
    @inline(__always)
    mutating func next() -> Int {
        while true {
            if pendingCount > 0 {
                let byte = UInt8(truncatingIfNeeded: pending)
                pending >>= 8
                pendingCount -= 1
                emitted += 1
                if byte == 0x20 && last == 0x20 { continue }
                last = byte
                return Int(byte)
            }
            point = following
            guard point < count else { return -1 }
            let lead = base[point]
            if lead < 0x80 {
                following = point + 1
                emitted = 0
                let byte = ascii[Int(lead)]
                if byte == 0x20 && last == 0x20 { continue }
                last = byte
                return Int(byte)
            }
            let text = UnsafeBufferPointer(start: base, count: count)
            let (consumed, entry) = TextFolding.foldCodePoint(text, at: point, end: count, isFinal: true)
            following = point + consumed
            (pending, pendingCount) = DictionaryAutomaton.output(base, point: point, consumed: consumed, entry: entry)
            emitted = -1
        }
    }
}

extension DictionaryAutomaton {
    /// The position of the child labelled `label` among a node's `count` sorted child labels:
    /// a linear scan up to eight children, a branch-free count beyond. Both trie walks use it.
    @inline(__always) static func child(labeled label: UInt8, in labels: UnsafePointer<UInt8>, count: Int) -> Int? {
        var child = 0
        if count <= 8 {
            // Mostly one child (a term's tail): a predictable compare, no longer dependency chain.
            while child < count && labels[child] < label { child += 1 }
            return child < count && labels[child] == label ? child : nil
        }
        // More: the child's position is the number of labels below `label`, counted eight at a
        // time without a branch per label (a binary search mispredicts about every other step;
        // the labels are stored in whole 64-bit words, 8-byte aligned).
        let words = UnsafeRawPointer(labels).assumingMemoryBound(to: UInt64.self)
        let wordCount = (count + 7) >> 3
        for index in 0..<wordCount {
            var below = bytesBelow(label, in: UInt64(littleEndian: words[index]))
            if index == wordCount - 1 && count & 7 != 0 {
                below &= (1 << (8 * UInt64(count & 7))) - 1   // the unused slots of the last word
            }
            child += below.nonzeroBitCount
        }
        return child < count && labels[child] == label ? child : nil
    }

    /// Bit 7 of each byte of the result is set when that byte of `word` is below `label`
    /// (unsigned), the other bits clear.
    @inline(__always) static func bytesBelow(_ label: UInt8, in word: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        let labelLow = UInt64(label & 0x7F) &* ones
        let labelHigh = UInt64(label & 0x80) &* ones
        // Low seven bits: (x | 0x80) − l never borrows from the next byte; bit 7 clear means x < l.
        let lowBelow = ~((word | high) &- labelLow) & high
        let wordHigh = word & high
        return ((~wordHigh & labelHigh) | (~(wordHigh ^ labelHigh) & high & lowBelow)) & high
    }
}
