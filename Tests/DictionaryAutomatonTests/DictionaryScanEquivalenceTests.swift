import Testing
@testable import DictionaryAutomaton

/// The plain trie's in-place scan (folding on the fly, first-word filter) must report exactly
/// what the scan over a folded copy of the text reports, on text full of the awkward cases:
/// code points that fold to several bytes or to nothing, mixed word and non-word output
/// (`¼` → `1 4`, `ŉ` → `'n`), invalid and truncated UTF-8, runs of spaces, apostrophes.
@Suite struct DictionaryScanEquivalenceTests {
    static let pieces = [
        "jean", "Jean", "JEAN", "dupont", "Dupont", "du", "pont", "zoë", "Zoe", "lefèvre", "LEFEVRE", "müller", "Mueller",
        "o'brien", "O’Brien", "1", "4", "¼", "½", "ŉ", "n", "straße", "STRASSE", "ß", "ǆ", "dž", "e\u{301}", "\u{301}", "\u{200B}",
        "东京", "😀", "rock", "roll", "Rock ’n’ Roll", " 'n ", "\u{A0}", "«", "»", "ʼ", "Lefèvre", "zoë\u{A0}", "ǅ", "Ⅻ", "ﬁ", "ﬁnn", "Ａｂｃ", "abc", "’", "'", "-", "–", " ", "  ", "\n", ",", ".", "x", "é", "ø", "Ø", "σ", "Σ",
    ]
    static let invalid: [[UInt8]] = [[0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F], [0x80], [0xED, 0xA0, 0x80], [0xC3, 0x20]]
    static let terms = [
        "Jean", "Jean Dupont", "Dupont", "du pont", "Zoë Lefèvre", "Müller", "O'Brien", "1 4", "4", "1", "n", "'n", "Straße",
        "ß", "dž", "东京", "finn", "abc", "x é", "Σ", "jean jean", "pont 1", "e", "ø ø", "rock 'n roll", "rock 'n' roll", "roll rock", "Jean Lefèvre", "zoë ß", "σ σ", "dž jean",
    ]

    /// A deterministic linear congruential generator.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func randomText(_ generator: inout Generator, pieces count: Int) -> [UInt8] {
        var text: [UInt8] = []
        for _ in 0..<count {
            if generator.next(12) == 0 {
                text += invalid[generator.next(invalid.count)]
            } else {
                text += Array(pieces[generator.next(pieces.count)].utf8)
            }
        }
        return text
    }

    func compare(_ automaton: DictionaryAutomaton, _ text: [UInt8], range: Range<Int>) {
        let folder = TextFolder(capacity: 64)
        var inPlace: [DictionaryMatch] = []
        var reference: [DictionaryMatch] = []
        text.withUnsafeBufferPointer { buffer in
            automaton.matchesInPlace(in: buffer, range: range, folder: folder) { inPlace.append($0) }
            automaton.matchesFolded(in: buffer, range: range, folder: folder) { reference.append($0) }
        }
        guard inPlace != reference else { return }
        let first = (0..<min(inPlace.count, reference.count)).first { inPlace[$0] != reference[$0] } ?? min(inPlace.count, reference.count)
        let shown = text[max(0, (first < reference.count ? reference[first].span.lowerBound : text.count) - 20)...].prefix(60)
        Issue.record("in-place scan differs at match \(first) (\(inPlace.count) vs \(reference.count) matches): in place \(inPlace.dropFirst(first).prefix(2)), folded \(reference.dropFirst(first).prefix(2)), around \(Array(shown)), range \(range)")
    }

    @Test func inPlaceScanAgreesWithFoldedScanOnRandomText() throws {
        let automaton = try makeAutomaton(Self.terms)
        #expect(!automaton.isHashed)
        var generator = Generator(state: 0x5CA1)
        for _ in 0..<3000 {
            let text = Self.randomText(&generator, pieces: 1 + generator.next(30))
            compare(automaton, text, range: 0..<text.count)
            let lower = generator.next(text.count + 1)
            let upper = lower + generator.next(text.count - lower + 1)
            compare(automaton, text, range: lower..<upper)
        }
        // Sanity: the generator does produce matches.
        var matches = 0
        for _ in 0..<200 { matches += automaton.matches(in: Self.randomText(&generator, pieces: 20)).count }
        #expect(matches > 100)
    }

    /// The hashed table's scan (salted word filters, then hashed n-grams) reports what the plain
    /// trie reports, on the same awkward random text; a filter built with another salt would
    /// reject the terms (the filters do depend on the salt).
    @Test func hashedScanWithSaltedFiltersAgreesWithPlainOnRandomText() throws {
        let plain = try makeAutomaton(Self.terms)
        let hashed = try makeAutomaton(Self.terms, hashed: true)
        #expect(hashed.isHashed && hashed.filterSalt != nil)
        var generator = Generator(state: 0x4A54)
        var matches = 0
        for _ in 0..<3000 {
            let text = Self.randomText(&generator, pieces: 1 + generator.next(30))
            let lower = generator.next(text.count + 1)
            let upper = lower + generator.next(text.count - lower + 1)
            for range in [0..<text.count, lower..<upper] {
                var expected: [DictionaryMatch] = []
                var found: [DictionaryMatch] = []
                text.withUnsafeBufferPointer { buffer in
                    plain.matches(in: buffer, range: range, folder: TextFolder(capacity: 64)) { expected.append($0) }
                    hashed.matches(in: buffer, range: range, folder: TextFolder(capacity: 64)) { found.append($0) }
                }
                #expect(found.map(\.span) == expected.map(\.span), "\(Array(text)) \(range)")
                matches += found.count
            }
        }
        #expect(matches > 1000)
        // Salted: the first words are admitted under this salt, mostly not under another one.
        let other = FirstWordFilter.Salt(key: SipHashKey(k0: 1, k1: 2))
        let salt = try #require(hashed.filterSalt)
        var admittedElsewhere = 0
        var firstWords = 0
        for term in Self.terms {
            let folded = TextFolding.foldTerm(Array(term.utf8))
            let first = folded.prefix { TextFolding.isWordByte($0) }
            let hash = first.reduce(FirstWordFilter.seed, FirstWordFilter.step)
            firstWords += 1
            #expect(FirstWordFilter.contains(FirstWordFilter.finish(hash, salt: salt), words: hashed.firstWordFilter, count: hashed.firstWordCount))
            if FirstWordFilter.contains(FirstWordFilter.finish(hash, salt: other), words: hashed.firstWordFilter, count: hashed.firstWordCount) { admittedElsewhere += 1 }
        }
        #expect(admittedElsewhere * 4 < firstWords, "\(admittedElsewhere) of \(firstWords) first words admitted under another salt")
    }

    /// Terms around the key table's limits (`KeyTable`): words of 8 and 9 folded bytes, words
    /// that grow when folded (ß, æ), diacritics, a first word that is also a whole term, keys
    /// shared by longer terms, apostrophes and a hyphen after the key.
    static let keyTerms = [
        "Jean Dupont", "Jean Dupont Martin", "Jean", "Abcdefgh Ijklmnop", "Abcdefghi Jklm", "Abcd Efghijklm", "Strauß Weiß",
        "Zoë Lefèvre", "Æsir Ødegaard", "O'Brien Kelly", "Marie Curie-Skłodowska", "du pont", "du pont neuf", "Ministry of Magic",
        "Łukasz Nowak", "Jean Dupont's", "a b", "a b c d",
    ]
    static let keyPieces = [
        "Jean", "jean", "JEAN", "Dupont", "DUPONT", "Martin", "Abcdefgh", "Ijklmnop", "Ijklmnopq", "Abcdefghi", "Jklm", "Abcd",
        "Efghijklm", "Strauß", "Strauss", "Weiß", "WEISS", "Zoë", "Zoe", "Lefèvre", "Lefevre", "Æsir", "Aesir", "Ødegaard",
        "O'Brien", "O’Brien", "Kelly", "Marie", "Curie", "Skłodowska", "du", "pont", "neuf", "Ministry", "of", "Magic",
        "Łukasz", "Nowak", "a", "b", "c", "d", "'s", "’s", "the", "e\u{301}", "\u{200B}",
    ]
    static let keySeparators = [" ", " ", " ", " ", "  ", ", ", "-", "'", "\n", "\u{A0}", ". "]

    /// The key table holds every key and every first word of at most 8 bytes of every indexed
    /// spelling, each leading to a node; a pair of words that starts no term is not found.
    @Test func keyTableHoldsEveryKeyAndFirstWord() throws {
        let automaton = try makeAutomaton(Self.keyTerms)
        #expect(automaton.keySlotCount > 0)
        var keys = 0
        var firstWords = 0
        for term in Self.keyTerms {
            for variant in TextFolding.termVariants(term) {
                try variant.withUnsafeBufferPointer { buffer in
                    let base = try #require(buffer.baseAddress)
                    for length in [KeyTable.keyLength(base, count: buffer.count), KeyTable.firstWordLength(base, count: buffer.count)] where length > 0 {
                        let words = KeyTable.words(base, length: length)
                        let record = KeyTable.record(words.first, words.second, slots: automaton.keySlots, count: automaton.keySlotCount)
                        #expect(record != nil, "\(term): \(Array(variant[..<length]))")
                        if words.second == 0 { firstWords += 1 } else { keys += 1 }
                    }
                }
            }
        }
        #expect(keys >= 12 && firstWords >= 15)
        let jean = Array("jean".utf8).reduce(FirstWordFilter.seed, FirstWordFilter.step)
        let martin = Array("martin".utf8).reduce(FirstWordFilter.seed, FirstWordFilter.step)
        #expect(KeyTable.record(jean, martin, slots: automaton.keySlots, count: automaton.keySlotCount) == nil)
        // Words over 8 bytes are never keys: they are walked through the trie.
        #expect(Array("abcdefghi jklm".utf8).withUnsafeBufferPointer { KeyTable.keyLength($0.baseAddress!, count: $0.count) } == 0)
        #expect(Array("abcd efghijklm".utf8).withUnsafeBufferPointer { KeyTable.keyLength($0.baseAddress!, count: $0.count) } == 0)
        #expect(Array("abcdefgh ijklmnop".utf8).withUnsafeBufferPointer { KeyTable.keyLength($0.baseAddress!, count: $0.count) } == 17)
    }

    /// On text made of those words and ordinary separators, the in-place scan (which takes the
    /// key table where it can) reports what the folded scan (a plain trie walk) reports.
    @Test func keyTablePathAgreesWithTheTrieWalk() throws {
        let automaton = try makeAutomaton(Self.keyTerms)
        var generator = Generator(state: 0x1CE7)
        var matches = 0
        for _ in 0..<3000 {
            var text: [UInt8] = []
            for _ in 0..<(1 + generator.next(12)) {
                text += Array(Self.keyPieces[generator.next(Self.keyPieces.count)].utf8)
                text += Array(Self.keySeparators[generator.next(Self.keySeparators.count)].utf8)
            }
            if generator.next(2) == 0 { text.removeLast() }
            compare(automaton, text, range: 0..<text.count)
            let lower = generator.next(text.count + 1)
            compare(automaton, text, range: lower..<text.count)
            matches += automaton.matches(in: text).count
        }
        #expect(matches > 1000)
        // Leftmost-longest through the table: the three-word term wins over its key, the key
        // over the first word, and a possessive still ends the key.
        #expect(found(automaton, in: Array("Jean Dupont Martin, Jean Dupont's car; Jean Durand".utf8)) == ["Jean Dupont Martin=1", "Jean Dupont's=15", "Jean=2"])
    }

    @Test func inPlaceScanAgreesOnALongText() throws {
        let automaton = try makeAutomaton(Self.terms)
        var generator = Generator(state: 0xB16)
        let text = Self.randomText(&generator, pieces: 60_000)
        compare(automaton, text, range: 0..<text.count)
    }

    /// The eight-byte classification agrees with the byte tables on every ASCII byte in every
    /// position.
    @Test func asciiWordPrefixAgreesWithTheTables() {
        var generator = Generator(state: 0xA5C11)
        let ascii = TextFolding.asciiTable
        for round in 0..<20_000 {
            var bytes = (0..<8).map { _ in UInt8(generator.next(128)) }
            if round < 128 { bytes[round % 8] = UInt8(round) }
            let chunk = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            guard let (folded, length) = DictionaryAutomaton.asciiWordPrefix(chunk) else {
                Issue.record("ASCII chunk \(bytes) refused")
                continue
            }
            let expected = bytes.prefix { TextFolding.isWordByte(ascii[Int($0)]) }.count
            #expect(length == expected, "\(bytes)")
            for index in 0..<length {
                #expect(UInt8(truncatingIfNeeded: folded >> (8 * UInt64(index))) == ascii[Int(bytes[index])], "\(bytes)")
            }
        }
        #expect(DictionaryAutomaton.asciiWordPrefix(0x0000_0000_0000_C3A9) == nil)
    }

    /// The eight-byte classification of chunks that may hold non-ASCII bytes stops at the first
    /// non-word or non-ASCII byte and folds the bytes before it as the tables do, whatever
    /// follows (high bytes anywhere, in runs, at either end).
    @Test func asciiWordPrefixMixedAgreesWithTheTables() {
        var generator = Generator(state: 0x3A1ED)
        let ascii = TextFolding.asciiTable
        for round in 0..<40_000 {
            var bytes = (0..<8).map { _ in UInt8(generator.next(128)) }
            // Word bytes mostly, so that long prefixes occur; then 0 to 3 high bytes anywhere.
            for index in 0..<8 where generator.next(3) > 0 {
                let words = Array("azAZ09mQ".utf8)
                bytes[index] = words[generator.next(words.count)]
            }
            for _ in 0..<generator.next(4) { bytes[generator.next(8)] = UInt8(0x80 + generator.next(128)) }
            if round < 256 { bytes[round % 8] = UInt8(round) }
            let chunk = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let (folded, length) = DictionaryAutomaton.asciiWordPrefixMixed(chunk)
            let expected = bytes.prefix { $0 < 0x80 && TextFolding.isWordByte(ascii[Int($0)]) }.count
            #expect(length == expected, "\(bytes)")
            for index in 0..<min(length, 8) {
                #expect(UInt8(truncatingIfNeeded: folded >> (8 * UInt64(index))) == ascii[Int(bytes[index])], "\(bytes)")
            }
            if let (asciiFolded, asciiLength) = DictionaryAutomaton.asciiWordPrefix(chunk) {
                #expect(asciiLength == length && asciiFolded == folded, "\(bytes)")
            }
        }
    }

    /// The branch-free child look-up (labels counted eight at a time) agrees with a plain search
    /// on random sorted label sets of every size, labels below and above 0x80 included.
    @Test func childLookUpMatchesLinearSearch() {
        var generator = Generator(state: 0xC41D)
        for _ in 0..<3000 {
            let count = 1 + generator.next(166)
            var labels = Set<UInt8>()
            while labels.count < count { labels.insert(UInt8(generator.next(256))) }
            let sorted = labels.sorted()
            var words = [UInt64](repeating: 0, count: (count + 7) / 8 + 1)
            for (index, label) in sorted.enumerated() { words[index / 8] |= UInt64(label) << (8 * UInt64(index % 8)) }
            // Garbage after the last label must not count.
            if count % 8 != 0 { words[count / 8] |= UInt64.max << (8 * UInt64(count % 8)) }
            words.withUnsafeBufferPointer { buffer in
                let pointer = UnsafeRawPointer(buffer.baseAddress.unsafelyUnwrapped).assumingMemoryBound(to: UInt8.self)
                for probe in [0, 255, 127, 128, sorted[0], sorted[count - 1], UInt8(generator.next(256)), sorted[generator.next(count)]] {
                    let expected = sorted.firstIndex(of: probe)
                    #expect(DictionaryAutomaton.child(labeled: probe, in: pointer, count: count) == expected, "\(sorted) \(probe)")
                }
            }
        }
    }

    /// Every term's first word and key are admitted by the filters (no false negatives), and
    /// most other words are not.
    @Test func firstWordFilterAdmitsEveryFirstWord() throws {
        var terms: [String] = []
        var generator = Generator(state: 0xF11)
        let letters = Array("abcdefghijklmnopqrstuvwxyzéøß".utf8)
        for _ in 0..<5000 {
            var term = ""
            for _ in 0..<(1 + generator.next(3)) {
                if !term.isEmpty { term += generator.next(5) == 0 ? "'" : " " }
                term += String(decoding: (0..<(2 + generator.next(6))).map { _ in letters[generator.next(26)] }, as: UTF8.self)
            }
            terms.append(term)
        }
        let automaton = try makeAutomaton(terms)
        var firstWords = Set<[UInt8]>()
        var secondWords = Set<[UInt8]>()
        for term in terms {
            for variant in TextFolding.termVariants(term) {
                let first = Array(variant.prefix { TextFolding.isWordByte($0) })
                firstWords.insert(first)
                #expect(FirstWordFilter.contains(FirstWordFilter.hash(first), words: automaton.firstWordFilter, count: automaton.firstWordCount))
                if first.count == variant.count {
                    #expect(FirstWordFilter.lookUp(FirstWordFilter.hash(first), words: automaton.firstWordFilter, count: automaton.firstWordCount).isWholeTerm)
                } else {
                    let rest = variant.dropFirst(first.count)
                    let separator = rest.prefix { !TextFolding.isWordByte($0) }
                    let key = first + separator + rest.dropFirst(separator.count).prefix { TextFolding.isWordByte($0) }
                    #expect(FirstWordFilter.contains(FirstWordFilter.hash(key), words: automaton.keyFilter, count: automaton.keyCount))
                    let second = key.dropFirst(first.count + separator.count)
                    secondWords.insert(Array(second))
                    #expect(FirstWordFilter.contains(FirstWordFilter.hash(second), words: automaton.secondWordFilter, count: automaton.secondWordCount))
                }
            }
        }
        /// 20 000 random words not in `known`: how many there were, and how many `words` admits.
        func admittedOthers(_ known: Set<[UInt8]>, words: UnsafePointer<UInt64>, count: UInt64) -> (admitted: Int, others: Int) {
            var admitted = 0
            var others = 0
            for _ in 0..<20_000 {
                let word = (0..<(2 + generator.next(8))).map { _ in letters[generator.next(26)] }
                if known.contains(word) { continue }
                others += 1
                if FirstWordFilter.contains(FirstWordFilter.hash(word), words: words, count: count) { admitted += 1 }
            }
            return (admitted, others)
        }
        let (admitted, others) = admittedOthers(firstWords, words: automaton.firstWordFilter, count: automaton.firstWordCount)
        #expect(admitted * 10 < others, "\(admitted) of \(others) other words admitted")
        let (admittedSeconds, otherSeconds) = admittedOthers(secondWords, words: automaton.secondWordFilter, count: automaton.secondWordCount)
        #expect(!secondWords.isEmpty && admittedSeconds * 10 < otherSeconds, "\(admittedSeconds) of \(otherSeconds) other second words admitted")
    }

    // MARK: Word blocks (`skipRejectedWords`)

    /// Words for the block tests: prose words (ASCII, capitalised, long, with digits), words with
    /// letters ≥ 0x80 in or at the start, the terms' own words, and code points that fold to
    /// non-word bytes, to nothing or to a mix.
    static let blockWords = [
        "the", "of", "and", "to", "a", "meeting", "budget", "Monday", "review", "invoice", "2024", "17", "x1", "B2B",
        "abcdefgh", "abcdefghi", "Besprechung", "internationalisation", "Antidisestablishmentarianism", "MINISTRY",
        "déjà", "été", "très", "réunion", "Müller", "Mueller", "Straße", "STRASSE", "Øst", "Łukasz", "ça", "über", "Zoë",
        "Lefèvre", "Dupont", "Jean", "JEAN", "du", "pont", "Marie", "Curie", "Magic", "Ministry", "rock", "roll", "n",
        "e\u{301}", "\u{301}", "\u{200B}", "¼", "ŉ", "ǅ", "ﬁnn", "東京", "😀", "σ", "Σ",
    ]
    static let blockSeparators = [
        " ", " ", " ", " ", " ", " ", "  ", ", ", ".\n", "'s ", "’s ", "'", "-", "–", "\t", "\u{A0}", ": ", "@", "[", "`", "{", "_",
        "\u{10}", "\u{19}", "\u{7F}", "(", ") ", " « ", " » ",
    ]
    static let blockTerms = [
        "Jean Dupont", "Jean Dupont Martin", "Jean", "Marie Curie", "Zoë Lefèvre", "Müller", "Straße", "du pont", "Ministry of Magic",
        "Łukasz Nowak", "rock 'n roll", "the meeting", "Besprechung Müller", "abcdefghi", "Abcdefgh Review", "17 review", "x1 b2b",
        "déjà", "ça", "Monday budget", "review", "2024",
    ]

    /// Random text of about `length` bytes from `blockWords` and `blockSeparators`, with some
    /// invalid UTF-8.
    static func blockText(_ generator: inout Generator, length: Int) -> [UInt8] {
        var text: [UInt8] = []
        while text.count < length {
            if generator.next(40) == 0 {
                text += invalid[generator.next(invalid.count)]
            } else {
                text += Array(blockWords[generator.next(blockWords.count)].utf8)
            }
            text += Array(blockSeparators[generator.next(blockSeparators.count)].utf8)
        }
        return text
    }

    /// The in-place scan with word blocks, the same scan without them, and the scan over a folded
    /// copy report the same matches, on long random text with the awkward cases near the blocks'
    /// edges, and on random sub-ranges.
    @Test func wordBlocksAgreeWithTheWordLoopAndTheFoldedScan() throws {
        let automaton = try makeAutomaton(Self.blockTerms)
        var generator = Generator(state: 0xB10C)
        var matches = 0
        for round in 0..<400 {
            let text = Self.blockText(&generator, length: 64 + generator.next(round < 300 ? 400 : 6000))
            let lower = generator.next(text.count + 1)
            let upper = lower + generator.next(text.count - lower + 1)
            for range in [0..<text.count, lower..<upper] {
                var withBlocks: [DictionaryMatch] = []
                var withoutBlocks: [DictionaryMatch] = []
                text.withUnsafeBufferPointer { buffer in
                    automaton.usesWordBlocks = true
                    automaton.matchesInPlace(in: buffer, range: range, folder: TextFolder(capacity: 64)) { withBlocks.append($0) }
                    automaton.usesWordBlocks = false
                    automaton.matchesInPlace(in: buffer, range: range, folder: TextFolder(capacity: 64)) { withoutBlocks.append($0) }
                    automaton.usesWordBlocks = true
                }
                #expect(withBlocks == withoutBlocks, "blocks \(withBlocks.prefix(3)) vs loop \(withoutBlocks.prefix(3)) in \(Array(text)) \(range)")
                compare(automaton, text, range: range)
                matches += withBlocks.count
            }
        }
        #expect(matches > 2000)
    }

    /// The blocks do step over ordinary prose (the fast path is taken, not only tested), and stop
    /// at a word the filters admit: `skipRejectedWords` on prose returns past every rejected
    /// word, and exactly at the first word of a term.
    @Test func wordBlocksStepOverRejectedWordsAndStopAtATerm() throws {
        let automaton = try makeAutomaton(["Jean Dupont", "Straße"])
        let prose = Array("the meeting of the budget review, on monday: très bien déjà vu. Jean Dupont was there and the rest of the text goes on".utf8)
        var block = DictionaryAutomaton.WordBlock()
        let folder = TextFolder(capacity: 64)
        let stop = try #require(prose.firstIndex(of: UInt8(ascii: "J")))
        prose.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var position = 0
            var steps = 0
            while position < stop && steps < 10 {
                let (resume, isAtWord, word) = automaton.skipRejectedWords(base, count: buffer.count, from: position, block: &block, cache: folder.wordHashes)
                #expect(resume > position || isAtWord)
                if isAtWord && resume == stop {
                    // The word it stopped at, hashed as the loop would hash it.
                    let scanned = automaton.scanWord(base, count: buffer.count, from: stop, hash: FirstWordFilter.seed)
                    #expect(word.folded == 4 && word.hash == scanned.hash && word.end == scanned.end && word.endsAtASCII)
                }
                if isAtWord && resume == position { break }
                position = resume
                while position < stop && !(prose[position] >= 0x61 && prose[position] <= 0x7A || prose[position] >= 0x41 && prose[position] <= 0x5A) { position += 1 }
                steps += 1
            }
            #expect(position == stop, "stopped at \(position), the term starts at \(stop)")
            #expect(steps <= 3, "\(steps) blocks for \(stop) bytes of prose")
        }
        #expect(found(automaton, in: prose) == ["Jean Dupont=0"])
    }

    /// The 64-byte classification agrees with the byte tables on random bytes, high bytes and
    /// control characters included (no carry from one byte into the next).
    @Test func wordBlockClassificationAgreesWithTheTables() {
        var generator = Generator(state: 0xC1A55)
        let ascii = TextFolding.asciiTable
        let common = Array("azAZ09 ,.'\n:@[`{".utf8)
        for round in 0..<5000 {
            let text: [UInt8] = (0..<DictionaryAutomaton.WordBlock.reach).map { index in
                switch generator.next(round % 4 == 0 ? 2 : 6) {
                case 0: return UInt8(generator.next(256))
                case 1: return UInt8(0x80 + generator.next(128))
                default: return common[generator.next(common.count)]
                }
            }
            text.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                // The vector classification (x86-64) and the portable one, from any offset.
                let at = round % 3 == 0 ? 0 : generator.next(DictionaryAutomaton.WordBlock.reach - 64)
                let blocks = [DictionaryAutomaton.WordBlock(base, at: 0), DictionaryAutomaton.WordBlock.portable(base, at: 0),
                              DictionaryAutomaton.WordBlock(base + at, at: 0), DictionaryAutomaton.WordBlock.portable(base, at: at)]
                for (number, block) in blocks.enumerated() {
                    let origin = number < 2 ? 0 : at
                    #expect(block.base == (number == 3 ? at : 0))
                    for index in 0..<64 {
                        let byte = text[origin + index]
                        let isWord = byte < 0x80 && TextFolding.isWordByte(ascii[Int(byte)])
                        #expect((block.words >> UInt64(index)) & 1 == (isWord ? 1 : 0), "block \(number): byte \(byte) at \(index) of \(text)")
                        #expect((block.highs >> UInt64(index)) & 1 == (byte >= 0x80 ? 1 : 0), "block \(number): byte \(byte) at \(index)")
                    }
                }
            }
        }
    }

    // MARK: Cached hashes of words with bytes ≥ 0x80 (`WordHashCache`)

    /// Words with letters ≥ 0x80 of every length around the cache's limit (16 bytes), in upper
    /// and lower case, next to code points ≥ 0x80 that are no letters (inside a run or before
    /// it) and to terms made of them.
    static let cacheWords = [
        "réunion", "RÉUNION", "Réunion", "déjà", "été", "être", "très", "ça", "où", "für", "über", "Müller", "MÜLLER", "Straße",
        "STRASSE", "Łukasz", "Ødegaard", "Zoë", "Lefèvre", "Ministère", "Strömsonllerlle", "Strömsonllerller", "Strömsonllerllerx",
        "ééééééé", "éééééééé", "ééééééééé", "aéaéaéaéaéa", "Æsir", "æ", "ß", "l’été", "«été»", "été\u{A0}déjà", "n°", "€",
        "e\u{301}té", "\u{301}", "ǅemal", "ﬁné", "Σίσυφος", "東京", "x\u{200B}é", "the", "meeting", "budget", "Jean", "Dupont",
        "Besprechung", "Abcdefghijklmno", "Abcdefghijklmnop", "Abcdefgh", "Zoe",
    ]
    static let cacheTerms = [
        "Zoë Lefèvre", "Müller", "Straße", "Łukasz Nowak", "été déjà", "Réunion Budget", "Ministère de", "Ødegaard",
        "Strömsonllerller", "Strömsonllerllerx", "ééééééééé", "Jean Dupont", "déjà vu", "über alles", "Σίσυφος",
        // Second words that the word blocks hash themselves (8 to 15 ASCII bytes, or cached).
        "Jean Besprechung", "Jean Abcdefghijklmno", "Zoe Abcdefgh", "Jean Ministère", "Zoë Strömsonllerlle", "Müller Réunion",
        "the Abcdefghijklmnop", "budget été",
    ]

    /// The scan with word blocks (which takes hashes from the cache, and fills it) reports what
    /// the word loop and the folded scan report, with a cold cache, a cache warmed by the same
    /// text (every run with a letter ≥ 0x80 seen before), and a cache warmed by another
    /// dictionary's scan (hashes do not depend on the dictionary).
    @Test func cachedWordHashesAgreeWithTheWordLoopAndTheFoldedScan() throws {
        let automaton = try makeAutomaton(Self.cacheTerms)
        let other = try makeAutomaton(Self.blockTerms)
        var generator = Generator(state: 0xCAC4E)
        let shared = TextFolder(capacity: 64)
        var matches = 0
        for round in 0..<300 {
            var text: [UInt8] = []
            while text.count < 64 + generator.next(round < 200 ? 300 : 3000) {
                text += Array(Self.cacheWords[generator.next(Self.cacheWords.count)].utf8)
                text += Array(Self.blockSeparators[generator.next(Self.blockSeparators.count)].utf8)
            }
            let lower = generator.next(text.count + 1)
            for range in [0..<text.count, lower..<text.count] {
                var expected: [DictionaryMatch] = []
                text.withUnsafeBufferPointer { buffer in
                    automaton.usesWordBlocks = false
                    automaton.matchesInPlace(in: buffer, range: range, folder: TextFolder(capacity: 64)) { expected.append($0) }
                    automaton.usesWordBlocks = true
                    for pass in 0..<3 {
                        var found: [DictionaryMatch] = []
                        if pass == 2 { other.matchesInPlace(in: buffer, range: range, folder: shared) { _ in } }
                        automaton.matchesInPlace(in: buffer, range: range, folder: pass == 0 ? TextFolder(capacity: 64) : shared) { found.append($0) }
                        #expect(found == expected, "pass \(pass): \(found.prefix(3)) vs \(expected.prefix(3)) in \(Array(text)) \(range)")
                    }
                }
                compare(automaton, text, range: range)
                matches += expected.count
            }
        }
        #expect(matches > 1000)
    }

    /// A first word followed by a second word that the block does not hash (past the block's
    /// end, 16 bytes or more, or with letters ≥ 0x80 not in the cache) is decided inside the
    /// block loop with the second word hashed by `scanWord`: near misses are stepped over, and
    /// the matches stay those of the word loop and of the folded scan at every offset from the
    /// block's end.
    /// The in-place scan's matches with the word blocks and with the word loop alone.
    func blocksAndWordLoop(_ automaton: DictionaryAutomaton, _ text: [UInt8]) -> (blocks: [DictionaryMatch], loop: [DictionaryMatch]) {
        var withBlocks: [DictionaryMatch] = []
        var withoutBlocks: [DictionaryMatch] = []
        text.withUnsafeBufferPointer { buffer in
            automaton.usesWordBlocks = true
            automaton.matchesInPlace(in: buffer, range: 0..<buffer.count, folder: TextFolder(capacity: 64)) { withBlocks.append($0) }
            automaton.usesWordBlocks = false
            automaton.matchesInPlace(in: buffer, range: 0..<buffer.count, folder: TextFolder(capacity: 64)) { withoutBlocks.append($0) }
            automaton.usesWordBlocks = true
        }
        return (withBlocks, withoutBlocks)
    }

    @Test func secondWordsTheBlockDoesNotHashAreDecidedInTheBlockLoop() throws {
        let automaton = try makeAutomaton(["Jean Dupont", "Jean Internationalisation", "Jean Antidisestablishmentarianism", "Jean Łukaszewiczówna", "Marie Curie"])
        let seconds = ["Internationalisation", "Internationalisations", "Antidisestablishmentarianism", "Antidisestablishmentarianist",
                       "Łukaszewiczówna", "Łukaszewiczówny", "Besprechungsraum", "Żółtkiewiczówna", "Dupont", "Dupontel"]
        let terms: Set = ["Internationalisation", "Antidisestablishmentarianism", "Łukaszewiczówna", "Dupont"]
        var matches = 0
        for padding in 0..<80 {
            for second in seconds {
                let text = Array((String(repeating: "x", count: padding) + " the Jean " + second + " and then more prose after it, long enough for a whole block").utf8)
                let (withBlocks, withoutBlocks) = blocksAndWordLoop(automaton, text)
                #expect(withBlocks == withoutBlocks, "blocks \(withBlocks) vs loop \(withoutBlocks) for \(second) after \(padding) bytes")
                compare(automaton, text, range: 0..<text.count)
                #expect(withBlocks.count == (terms.contains(second) ? 1 : 0), "\(second) after \(padding) bytes: \(withBlocks)")
                matches += withBlocks.count
            }
        }
        #expect(matches == 80 * terms.count)
        // Other separators: the same matches with and without blocks and in the folded scan.
        for separator in ["'s ", "' ", ", ", ".\n", "'", " '", ",,,", "''", "' '"] {
            for padding in 0..<70 {
                let text = Array((String(repeating: "x", count: padding) + " the Jean" + separator + "Dupont and Jean" + separator + "Internationalisation, then more prose after it").utf8)
                let (withBlocks, withoutBlocks) = blocksAndWordLoop(automaton, text)
                #expect(withBlocks == withoutBlocks, "blocks \(withBlocks) vs loop \(withoutBlocks) for \(Array(separator.utf8)) after \(padding) bytes")
                compare(automaton, text, range: 0..<text.count)
            }
        }
        // The near misses do not stop the block loop at `Jean`, wherever the block ends (nor
        // other separators than one space: `'s` is a separator and a word).
        for second in [" Besprechungsraum", " Żółtkiewiczówna", " Antidisestablishmentarianist", "'s budget", ", budget", "'Dupont"] {
            for padding in 0..<64 {
                let text = Array((String(repeating: "x", count: padding) + " the Jean" + second + " and then more prose after it, long enough for a whole block and more").utf8)
                let jean = padding + 5
                text.withUnsafeBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    var block = DictionaryAutomaton.WordBlock()
                    let (resume, isAtWord, _) = automaton.skipRejectedWords(base, count: buffer.count, from: padding + 1, block: &block, cache: TextFolder(capacity: 64).wordHashes)
                    #expect(!(isAtWord && resume == jean), "stopped at Jean before \(second) after \(padding) bytes")
                }
            }
        }
    }

    /// After a scan, the cache holds the runs with letters ≥ 0x80 that `scanWord` hashed whole,
    /// with exactly `scanWord`'s hash and folded length, and no run that it did not hash whole.
    @Test func wordHashCacheHoldsWhatScanWordGives() throws {
        let automaton = try makeAutomaton(["Jean Dupont"])
        let folder = TextFolder(capacity: 64)
        // 16 bytes (the longest run held), 17 and 18.
        #expect(Array("Strömsonllerlle".utf8).count == 16 && Array("Strömsonllerller".utf8).count == 17 && Array("ééééééééé".utf8).count == 18)
        let prose = Array((0..<8).map { _ in "the réunion of Müller, STRASSE and Straße; ééééééé Strömsonllerlle ééééééééé l’été «déjà» Strömsonllerller over " }.joined().utf8)
        prose.withUnsafeBufferPointer { buffer in
            automaton.matchesInPlace(in: buffer, range: 0..<buffer.count, folder: folder) { _ in }
            guard let base = buffer.baseAddress else { return }
            func cached(_ word: String) -> (hash: UInt64, folded: Int)? {
                let bytes = Array(word.utf8)
                guard let start = (0...(buffer.count - bytes.count)).first(where: { Array(buffer[$0..<($0 + bytes.count)]) == bytes }) else { return nil }
                return WordHashCache.lookUp(base, at: start, length: bytes.count, in: folder.wordHashes)
            }
            for word in ["réunion", "Müller", "Straße", "ééééééé", "Strömsonllerlle"] {
                let bytes = Array(word.utf8)
                let start = (0...(buffer.count - bytes.count)).first { Array(buffer[$0..<($0 + bytes.count)]) == bytes } ?? 0
                let scanned = automaton.scanWord(base, count: buffer.count, from: start, hash: FirstWordFilter.seed)
                let entry = cached(word)
                #expect(entry != nil, "\(word) not cached")
                #expect(entry?.hash == scanned.hash && entry?.folded == scanned.folded, "\(word)")
            }
            // Plain ASCII, a run with a non-letter ≥ 0x80 inside or before it, runs longer than 16 bytes.
            for word in ["STRASSE", "l’été", "«déjà»", "Strömsonllerller", "ééééééééé"] { #expect(cached(word) == nil, "\(word) cached") }
        }
    }
}
