import Foundation
import Testing
@testable import DictionaryAutomaton

/// Builds an automaton from terms; the value of term `i` is "i".
func makeAutomaton(_ terms: [String], hashed: Bool = false) throws -> DictionaryAutomaton {
    var builder = DictionaryBuilder()
    for (index, term) in terms.enumerated() {
        for variant in TextFolding.termVariants(term) {
            try builder.add(folded: variant, value: Array(String(index).utf8))
        }
    }
    let key = SipHashKey(salt: Array("test salt, sixteen bytes or more".utf8))
    let bytes = try builder.build(mode: hashed ? .hashed(key: key, saltPath: "") : .plain, fingerprint: 42)
    return try DictionaryAutomaton(bytes: bytes, key: hashed ? key : nil)
}

/// (matched original text, term index) for every match.
func found(_ automaton: DictionaryAutomaton, in text: [UInt8]) -> [String] {
    automaton.matches(in: text).map { match in
        String(decoding: text[match.span], as: UTF8.self) + "=" + String(decoding: automaton.value(at: match.valueIndex), as: UTF8.self)
    }
}

struct MatchCase: CustomStringConvertible, Sendable {
    var name: String
    var terms: [String]
    var text: [UInt8]
    var expected: [String]
    var description: String { name }

    init(_ name: String, _ terms: [String], _ text: String, _ expected: [String]) {
        self.init(name, terms, Array(text.utf8), expected)
    }

    init(_ name: String, _ terms: [String], _ text: [UInt8], _ expected: [String]) {
        self.name = name
        self.terms = terms
        self.text = text
        self.expected = expected
    }
}

/// One table of cases run against the plain trie and the hashed table.
let matchCases: [MatchCase] = [
    MatchCase("clitics and possessives", ["Orion"], "Orion's plan, d'Orion, l’Orion, dell'Orion; Orions, Orion-X",
              ["Orion=0", "Orion=0", "Orion=0", "Orion=0", "Orion=0"]),
    MatchCase("never inside a longer word", ["ller", "Dupont"], "Müller ller Dupontel Dupont2 xDupont Dupont",
              ["ller=0", "Dupont=1"]),
    MatchCase("leftmost-longest", ["Jean", "Jean Dupont", "Dupont Consulting"], "Jean Dupont Consulting, Jean.",
              ["Jean Dupont=1", "Jean=0"]),
    MatchCase("overlapping terms", ["New York", "York University", "University"], "New York University",
              ["New York=0", "University=2"]),
    MatchCase("case and diacritics", ["Zoë Lefèvre"], "ZOE LEFEVRE, zoë  lefèvre; Zoe\nLefevre",
              ["ZOE LEFEVRE=0", "zoë  lefèvre=0", "Zoe\nLefevre=0"]),
    MatchCase("german spellings from ü", ["Müller"], "Mueller Muller MÜLLER Müller MUELLER",
              ["Mueller=0", "Muller=0", "MÜLLER=0", "Müller=0", "MUELLER=0"]),
    MatchCase("german spellings from ue", ["Mueller"], "Müller Muller", ["Müller=0", "Muller=0"]),
    MatchCase("sharp s", ["Straße"], "STRASSE Strasse straße", ["STRASSE=0", "Strasse=0", "straße=0"]),
    MatchCase("nordic and slavic letters", ["Søren Łukasz Đorđe"], "SOREN LUKASZ DJORDJE, Soren Lukasz Dorde",
              ["Soren Lukasz Dorde=0"]),
    MatchCase("greek and cyrillic", ["Σωκράτης", "Йошкар"], "ΣΩΚΡΑΤΗΣ ЙОШКАР Иошкар", ["ΣΩΚΡΑΤΗΣ=0", "ЙОШКАР=1"]),
    MatchCase("hyphens and punctuation are spaces", ["Jean-Pierre Dupont"], "Jean Pierre Dupont / jean–pierre, dupont",
              ["Jean Pierre Dupont=0", "jean–pierre, dupont=0"]),
    MatchCase("combining marks stay in the span", ["Lefevre"], "e\u{301} Lefe\u{301}vre\u{301} x",
              ["Lefe\u{301}vre\u{301}=0"]),
    MatchCase("digits are word characters", ["Project 42"], "project-42 project 421 PROJECT 42.", ["project-42=0", "PROJECT 42=0"]),
    MatchCase("a prefix of a word is no match", ["Jean Du"], "Jean Dupont", []),
    MatchCase("start and end of text", ["abc"], "abc", ["abc=0"]),
    MatchCase("apostrophe inside a term", ["O'Brien"], "O’Brien OBrien o'brien's", ["O’Brien=0", "o'brien=0"]),
    MatchCase("invalid UTF-8 glues words, elsewhere passes", ["Dupont"],
              [0xFF] + Array("Dupont".utf8) + [0x20, 0xC3, 0x20] + Array("Dupont".utf8) + [0x20, 0xE2, 0x82],
              ["Dupont=0"]),
    MatchCase("latin-1 letters are word bytes", ["ller"], [0x4D, 0xFC] + Array("ller".utf8), []),
    MatchCase("duplicate term: first value wins", ["Orion", "ORION"], "orion", ["orion=0"]),
]

@Suite struct DictionaryAutomatonTests {
    @Test(arguments: matchCases)
    func plainTrie(_ testCase: MatchCase) throws {
        let automaton = try makeAutomaton(testCase.terms)
        #expect(found(automaton, in: testCase.text) == testCase.expected)
    }

    @Test(arguments: matchCases)
    func hashedTableAgreesWithPlain(_ testCase: MatchCase) throws {
        let automaton = try makeAutomaton(testCase.terms, hashed: true)
        #expect(automaton.isHashed)
        #expect(found(automaton, in: testCase.text) == testCase.expected)
    }

    /// `warmValues` reads the offset and the first byte of each match's value, skips indices
    /// out of range, and changes nothing that `value(at:)` returns.
    @Test func warmValuesReadsEachValueAndSkipsBadIndices() throws {
        let automaton = try makeAutomaton(["Jean Dupont", "Zoë Lefèvre", "Projet Orion"])
        let matches = automaton.matches(in: Array("Jean Dupont et Zoe Lefevre, projet orion; jean dupont".utf8))
        #expect(matches.count == 4)
        let before = matches.map { automaton.value(at: $0.valueIndex) }
        var expected: UInt64 = 0
        for match in matches {
            let start = Int(automaton.valueOffsets[match.valueIndex])
            expected &+= UInt64(start) &+ UInt64(automaton.valueBytes[start])
        }
        let outOfRange = [DictionaryMatch(span: 0..<1, valueIndex: -1), DictionaryMatch(span: 0..<1, valueIndex: automaton.valueCount)]
        #expect(automaton.warmValues(of: matches + outOfRange) == expected)
        #expect(automaton.warmValues(of: []) == 0)
        #expect(matches.map { automaton.value(at: $0.valueIndex) } == before)
    }

    /// `valueBuffer` gives the bytes `value(at:)` copies (empty out of range); the two warming
    /// stages read both offsets, then the first and last byte, of each value, and skip indices
    /// out of range.
    @Test func valueBufferAndWarmingStagesReadEachValue() throws {
        let automaton = try makeAutomaton(["Jean Dupont", "Zoë Lefèvre", "Projet Orion"])
        let matches = automaton.matches(in: Array("Jean Dupont et Zoe Lefevre, projet orion; jean dupont".utf8))
        #expect(matches.count == 4)
        for match in matches {
            #expect(Array(automaton.valueBuffer(at: match.valueIndex)) == automaton.value(at: match.valueIndex))
            #expect(!automaton.value(at: match.valueIndex).isEmpty)
        }
        #expect(automaton.valueBuffer(at: -1).isEmpty)
        #expect(automaton.valueBuffer(at: automaton.valueCount).isEmpty)
        var offsets: UInt64 = 0
        var bytes: UInt64 = 0
        for match in matches {
            offsets &+= automaton.valueOffsets[match.valueIndex] &+ automaton.valueOffsets[match.valueIndex + 1]
            let value = automaton.value(at: match.valueIndex)
            bytes &+= UInt64(value[0]) &+ UInt64(value[value.count - 1])
        }
        let outOfRange = [DictionaryMatch(span: 0..<1, valueIndex: -1), DictionaryMatch(span: 0..<1, valueIndex: automaton.valueCount)]
        #expect(automaton.warmValueOffsets(of: (matches + outOfRange)[...]) == offsets)
        #expect(automaton.warmValueBytes(of: (matches + outOfRange)[...]) == bytes)
        #expect(automaton.warmValueOffsets(of: []) == 0 && automaton.warmValueBytes(of: []) == 0)
    }

    @Test func offsetsMapBackExactly() throws {
        let automaton = try makeAutomaton(["Lefevre"])
        let text = Array("Straße é Lefèvre!".utf8)
        let matches = automaton.matches(in: text)
        #expect(matches.map(\.span) == [11..<19])
    }

    /// A long text crosses many folding chunks; matches at every offset must be found exactly
    /// once, whatever the range split.
    @Test(arguments: [false, true])
    func longTextAcrossChunksAndRanges(hashed: Bool) throws {
        let automaton = try makeAutomaton(["Zoë Lefèvre", "Jean Dupont", "Dupont"], hashed: hashed)
        var text: [UInt8] = []
        var expected: [Range<Int>] = []
        var generator = SystemRandomNumberGenerator()
        var seed: UInt64 = 12345
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33)
        }
        _ = generator
        let fillers = ["lorem ", "ipsum, ", "çà ", "straße\n", "Dupontel ", "\u{301}", "  \t"]
        while text.count < 300_000 {
            for _ in 0..<(next() % 40) { text += Array(fillers[next() % fillers.count].utf8) }
            if let last = text.last, TextFolding.isWordByte(TextFolding.fold([last]).last ?? 0x20) { text.append(0x20) }
            let name = next() % 2 == 0 ? "ZOË LEFÈVRE" : "jean  dupont"
            expected.append(text.count..<(text.count + name.utf8.count))
            text += Array(name.utf8)
            text.append(0x2E)
        }
        let whole = automaton.matches(in: text).map(\.span)
        #expect(whole == expected)
        // Split into ranges at arbitrary points: each match is reported by the range it starts in.
        let folder = TextFolder(capacity: 256)
        var pieces: [Range<Int>] = []
        var cut = 0
        var splits: [Range<Int>] = []
        while cut < text.count {
            let end = min(text.count, cut + 1 + next() % 90_000)
            splits.append(cut..<end)
            cut = end
        }
        text.withUnsafeBufferPointer { buffer in
            for split in splits {
                automaton.matches(in: buffer, range: split, folder: folder) { pieces.append($0.span) }
            }
        }
        #expect(pieces == expected)
    }

    @Test func rangeStartInsideAWordIsNotAWordStart() throws {
        let automaton = try makeAutomaton(["pont"])
        let text = Array("Dupont pont".utf8)
        var spans: [Range<Int>] = []
        text.withUnsafeBufferPointer { buffer in
            automaton.matches(in: buffer, range: 2..<buffer.count, folder: TextFolder()) { spans.append($0.span) }
        }
        #expect(spans == [7..<11])
    }

    @Test func builderRefusesUnfoldedOrEmptyTerms() {
        var builder = DictionaryBuilder()
        #expect(throws: DictionaryError.self) { try builder.add(folded: [], value: []) }
        #expect(throws: DictionaryError.self) { try builder.add(folded: Array(" x".utf8), value: []) }
        #expect(throws: DictionaryError.self) { try builder.add(folded: [UInt8](repeating: 0x61, count: 2000), value: []) }
    }
}

@Suite struct DictionaryBuilderInputTests {
    @Test func builderRefusesBytesFoldingNeverProduces() {
        var builder = DictionaryBuilder()
        #expect(throws: DictionaryError.self) { try builder.add(folded: Array("Dupont".utf8), value: []) }
        #expect(throws: DictionaryError.self) { try builder.add(folded: Array("a-b".utf8), value: []) }
        #expect(throws: Never.self) { try builder.add(folded: Array("o'brien dupont".utf8), value: []) }
    }

    /// The radix sort (all byte counts taken in one read) is a stable sort on the key, with
    /// bytes that vary, bytes that never vary (skipped passes) and equal keys.
    @Test func radixSortIsAStableSortOnTheKey() {
        var generator = DictionaryScanEquivalenceTests.Generator(state: 0x5EED)
        func next() -> UInt64 { UInt64(generator.next(1 << 31)) << 32 | UInt64(generator.next(1 << 31)) << 1 }
        for shape in 0..<3 {
            let elements: [(key: UInt64, index: Int)] = (0..<5_000).map { index in
                let random = next()
                switch shape {
                case 0: return (random, index)
                case 1: return ((random >> 40) << 24 | 0x00AB_CDEF, index)   // low bytes the same
                default: return (random % 7, index)                          // many equal keys
                }
            }
            var sorted = elements
            DictionaryBuilder.radixSort(&sorted) { $0.key }
            let expected = elements.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element)
            #expect(sorted.map(\.key) == expected.map(\.key))
            #expect(sorted.map(\.index) == expected.map(\.index))
        }
    }
}

@Suite struct DictionaryBuilderUniqueTests {
    /// `duplicates()` names, for every term, the first earlier equal one (the one the build
    /// keeps); the sorted order it keeps for the build gives the same file, and a term added
    /// afterwards is not missed.
    @Test func duplicatesNameTheFirstEqualTerm() throws {
        var builder = DictionaryBuilder()
        var state: UInt64 = 0xD0B
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let syllables = ["ma", "ri", "el", "an", "to", "ni", "lu", "ca", "\u{E9}", "\u{F8}r", "marinela", "abcdefgh"]
        var expected: [Int32] = []
        var first: [[UInt8]: Int] = [:]
        for number in 0..<4000 {
            var text = ""
            for _ in 0..<(1 + next(4)) { text += syllables[next(syllables.count)] }
            if next(3) == 0 { text += " " + syllables[next(syllables.count)] }
            let term = TextFolding.foldTerm(Array(text.utf8))
            try builder.add(folded: term, valueIndex: builder.appendValue(Array("v\(number)".utf8)))
            expected.append(first[term].map { Int32($0) } ?? -1)
            if first[term] == nil { first[term] = number }
        }
        let plainBytes = try builder.build(fingerprint: 3)
        #expect(builder.duplicates() == expected)
        #expect(expected.filter { $0 >= 0 }.count > 500)
        #expect(try builder.build(fingerprint: 3) == plainBytes)
        try builder.add(folded: Array("zz late".utf8), valueIndex: 0)
        #expect(builder.duplicates().count == expected.count + 1)
        let automaton = try DictionaryAutomaton(bytes: builder.build(fingerprint: 3))
        #expect(automaton.matches(in: Array("zz late".utf8)).count == 1)
    }

    /// The build's order is the terms' bytes in order (a prefix first), equal terms by
    /// insertion: terms of 1 to 40 bytes, equal up to 8 or 16 bytes and beyond, the last ones
    /// ending at the end of the builder's bytes (their sort keys read byte by byte).
    @Test func sortedOrderIsByBytesThenInsertion() throws {
        var builder = DictionaryBuilder()
        var generator = DictionaryScanEquivalenceTests.Generator(state: 0x50A7)
        func next(_ bound: Int) -> Int { generator.next(bound) }
        let stems = ["a", "abcdefgh", "abcdefghijklmnop", "abcdefgh ijklmnop qrst", "b\u{E9}", "zz"].map { Array($0.utf8) }
        var terms: [[UInt8]] = []
        for number in 0..<3000 {
            var term = stems[next(stems.count)]
            for _ in 0..<next(4) { term += Array("abz'0 ".utf8)[next(6)...].prefix(1) }
            while term.last == 0x20 || term.last == 0x27 { term.removeLast() }
            if number >= 2990 { term = Array(stems[number % stems.count].prefix(1 + number % 3)) }
            terms.append(term)
            try builder.add(folded: term, valueIndex: builder.appendValue([UInt8(number & 0x7F) | 1]))
        }
        let expected = terms.indices.sorted { left, right in
            terms[left].lexicographicallyPrecedes(terms[right]) || (terms[left] == terms[right] && left < right)
        }
        #expect(builder.sortedOrder().map(Int.init) == expected)
    }

    /// `addUnique` finds exactly the earlier equal term (bytes compared), across table growth,
    /// stores a value only for a new term, and the compiled file matches each term to the value
    /// of its first addition.
    @Test func addUniqueKeepsTheFirstOfEqualTerms() throws {
        var builder = DictionaryBuilder()
        var state: UInt64 = 0xADD
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let syllables = ["ma", "ri", "el", "an", "to", "ni", "lu", "ca", "\u{E9}", "\u{F8}r"]
        var firstIndex: [[UInt8]: Int] = [:]
        var firstValue: [[UInt8]: Int] = [:]
        for number in 0..<5000 {
            var text = ""
            for _ in 0..<(1 + next(4)) { text += syllables[next(syllables.count)] }
            if next(3) == 0 { text += " " + syllables[next(syllables.count)] }
            let term = TextFolding.foldTerm(Array(text.utf8))
            var valueIndex: Int?
            let valuesBefore = builder.valueCount
            let earlier = try builder.addUnique(folded: term, valueIndex: &valueIndex, value: Array("v\(number)".utf8))
            if let known = firstIndex[term] {
                #expect(earlier == known)
                #expect(valueIndex == nil && builder.valueCount == valuesBefore)
            } else {
                #expect(earlier == nil)
                firstIndex[term] = builder.termCount - 1
                firstValue[term] = valueIndex
                #expect(valueIndex == valuesBefore && builder.valueCount == valuesBefore + 1)
            }
        }
        #expect(builder.termCount == firstIndex.count)
        #expect(firstIndex.count > 500 && firstIndex.count < 4000)
        // A given value index is used as is, with nothing stored.
        var shared: Int? = 0
        let count = builder.valueCount
        #expect(try builder.addUnique(folded: Array("zz new".utf8), valueIndex: &shared, value: []) == nil)
        #expect(builder.valueCount == count && shared == 0)
        let automaton = try DictionaryAutomaton(bytes: builder.build(fingerprint: 1))
        for (term, value) in firstValue.prefix(200) {
            #expect(automaton.matches(in: term).map(\.valueIndex) == [value])
        }
    }
}

/// Large builds make the trie and the word filters on two threads at once: the bytes must be
/// those of the same build made one stage after the other.
@Suite struct ConcurrentBuildTests {
    @Test func concurrentStagesGiveTheSameFile() throws {
        var builder = DictionaryBuilder()
        let syllables = ["ma", "ri", "el", "an", "to", "ni", "lu", "ca", "\u{E9}", "\u{F8}r", "ss"]
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for number in 0..<60_000 {
            var text = ""
            for _ in 0..<(2 + next(3)) { text += syllables[next(syllables.count)] }
            for _ in 0..<next(3) { text += " " + syllables[next(syllables.count)] + syllables[next(syllables.count)] }
            for variant in TextFolding.termVariants(text) {
                try builder.add(folded: variant, value: Array("v\(number)".utf8))
            }
        }
        #expect(builder.termCount > 50_000)
        builder.concurrentStagesFrom = .max
        let oneByOne = try builder.build(fingerprint: 3)
        builder.concurrentStagesFrom = 0
        let together = try builder.build(fingerprint: 3)
        #expect(oneByOne == together)
        // And the file reads back: a term added above is found.
        let automaton = try DictionaryAutomaton(bytes: together)
        #expect(automaton.nodeCount > 1000)
    }

    @Test func partsBuiltApartJoinToTheFileOfOneBuilder() throws {
        let terms = (0..<3000).map { "ter\($0 % 700) m\u{E9}\($0)" }
        var whole = DictionaryBuilder()
        var parts = [DictionaryBuilder(), DictionaryBuilder(), DictionaryBuilder()]
        for (index, term) in terms.enumerated() {
            let folded = TextFolding.foldTerm(Array(term.utf8))
            let value = whole.valueCount
            #expect(try whole.appendValue(Array("E\u{0}\(index % 7)".utf8)) == value)
            try whole.add(folded: folded, valueIndex: value)
            let part = index * 3 / terms.count
            let local = try parts[part].appendValue(Array("E\u{0}\(index % 7)".utf8))
            try parts[part].add(folded: folded, valueIndex: local)
        }
        var joined = DictionaryBuilder()
        for part in parts { try joined.append(contentsOf: part) }
        #expect(try joined.build(fingerprint: 9) == whole.build(fingerprint: 9))
        // A builder that removes duplicates keeps tables that joining would not carry over.
        var unique = DictionaryBuilder()
        var valueIndex: Int?
        _ = try unique.addUnique(folded: Array("orion".utf8), valueIndex: &valueIndex, value: Array("v".utf8))
        #expect(throws: DictionaryError.self) { try joined.append(contentsOf: unique) }
    }
}
