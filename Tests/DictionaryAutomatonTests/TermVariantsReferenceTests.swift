import Testing
@testable import DictionaryAutomaton

/// `termVariants` against the earlier implementation (pieces of alternatives combined with
/// `flatMap`), kept here as the reference, on terms built from the awkward pieces.
@Suite struct TermVariantsReferenceTests {
    /// Splits a term into pieces: one spelling, or alternatives at an umlaut or digraph. A term
    /// without such places gives one piece with one spelling.
    static func referencePieces(_ term: [UInt8]) -> [[[UInt8]]] {
        var pieces: [[[UInt8]]] = []
        var plain: [UInt8] = []
        var index = 0
        let count = term.count
        func flush() {
            if !plain.isEmpty { pieces.append([plain]); plain = [] }
        }
        while index < count {
            let byte = term[index]
            if byte == 0xC3, index + 1 < count, let vowel = umlautBase(term[index + 1]) {
                flush()
                let base: [UInt8] = [vowel]
                pieces.append([base, term[index + 1] == 0xA5 || term[index + 1] == 0x85 ? [0x61, 0x61] : [vowel, 0x65]])
                index += 2
                continue
            }
            let lower = byte | 0x20
            if (lower == 0x61 || lower == 0x6F || lower == 0x75) && byte < 0x80, index + 2 < count,
               term[index + 1] == 0xCC, term[index + 2] == 0x88 || (term[index + 2] == 0x8A && lower == 0x61) {
                flush()
                pieces.append([[lower], term[index + 2] == 0x88 ? [lower, 0x65] : [0x61, 0x61]])
                index += 3
                continue
            }
            if (lower == 0x61 || lower == 0x6F || lower == 0x75) && byte < 0x80, index + 1 < count,
               term[index + 1] | 0x20 == 0x65, canContract(after: index > 0 ? term[index - 1] : nil) {
                flush()
                pieces.append([[byte, term[index + 1]], [byte]])
                index += 2
                continue
            }
            plain.append(byte)
            index += 1
        }
        flush()
        return pieces
    }


    static func referenceVariants(_ term: [UInt8]) -> [[UInt8]] {
        let plain = TextFolding.foldTerm(term)
        let pieces = referencePieces(term)
        guard pieces.count > 1 || pieces.first?.count ?? 1 > 1 else {
            return plain.isEmpty ? [] : [plain]
        }
        let sites = pieces.reduce(0) { $0 + ($1.count > 1 ? 1 : 0) }
        var spellings: [[UInt8]] = []
        if sites <= 4 {
            var partial: [[UInt8]] = [[]]
            for piece in pieces {
                partial = partial.flatMap { prefix in piece.map { prefix + $0 } }
            }
            spellings = partial
        } else {
            spellings.append(pieces.flatMap { $0[0] })
            spellings.append(pieces.flatMap { $0[$0.count - 1] })
        }
        var result: [[UInt8]] = plain.isEmpty ? [] : [plain]
        for spelling in spellings {
            let folded = TextFolding.foldTerm(spelling)
            if !folded.isEmpty && !result.contains(folded) { result.append(folded) }
        }
        return result
    }

    static func umlautBase(_ second: UInt8) -> UInt8? { TextFolding.umlautBase(second) }
    static func canContract(after previous: UInt8?) -> Bool { TextFolding.canContract(after: previous) }

    @Test func agreesWithTheReference() {
        let pieces = ["Mü", "ller", "MUE", "ue", "Ue", "ae", "Oe", "oe", "ä", "Ö", "ø", "Ø", "å", "Å", "a\u{308}", "o\u{308}", "a\u{30A}",
                      "u\u{308}", "q", "g", "b", "au", "e", " ", "-", "'", "1", "é", "ß", "x", "Bauer", "Enrique", "Miguel", "Joel"]
        var state: UInt64 = 0x7E57
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var varied = 0
        let folder = TextFolder(capacity: 16)
        for _ in 0..<5000 {
            var term = ""
            for _ in 0..<(1 + next(9)) { term += pieces[next(pieces.count)] }
            let bytes = Array(term.utf8)
            let expected = Self.referenceVariants(bytes)
            #expect(TextFolding.termVariants(bytes) == expected, "\(term)")
            // The compiler's path (no arrays, scratch reused across calls) gives the same list.
            var streamed: [[UInt8]] = []
            var numbers: [Int] = []
            bytes.withUnsafeBufferPointer { buffer in
                TextFolding.forEachTermVariant(buffer, folder: folder) { number, spelling in
                    numbers.append(number)
                    streamed.append(Array(spelling))
                }
            }
            #expect(streamed == expected, "\(term)")
            #expect(numbers == Array(0..<expected.count))
            if expected.count > 2 { varied += 1 }
        }
        #expect(varied > 500)
    }
}
