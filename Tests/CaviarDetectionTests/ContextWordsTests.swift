@testable import CaviarDetection
import DictionaryAutomaton
import XCTest

/// The search over the folder's word starts finds what the walk over every byte finds.
final class ContextWordsTests: XCTestCase {
    static let words = ["tel", "tel.", "phone number", "téléphone", "telefon", "tlf.", "на номер", "τηλ.", "du når", "reach", "fon:", "mob",
                        "rufen sie", "nr tel.", "mobil"]
    static let pieces = ["Tel", "tel.", "TEL:", "phone", " number", "  ", ",", "-", "téléphone", "TÉLÉPHONE", "Telefon", "telefonnummer",
                         "tlf", ".", " ", "на", "номер", "ΤΗΛ.", "du", "NÅR", "reach", "reached", "fon", ":", "mob", "xmob", "9", "'",
                         "\u{00A0}", "rufen", "Sie", "nr", "é", "\u{0301}", "ß", "İ", "\n", "\u{FF}"]

    func testWordStartsFindWhatTheWalkFinds() {
        let table = FoldedWordTable(words: Self.words).get()
        XCTAssertFalse(table.leadsWithNonWordByte)
        let folder = TextFolder(capacity: 64)
        var rng = SystemRandomNumberGenerator()
        var found = 0
        for _ in 0..<20_000 {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0...8, using: &rng) { text += Array(Self.pieces.randomElement(using: &rng)!.utf8) }
            text.withUnsafeBufferPointer { buf in
                folder.reset(base: 0)
                folder.fold(buf, from: 0, to: buf.count, isFinal: true)
                let walk = ContextWords.containsAnyWord(table, in: folder.bytes)
                XCTAssertEqual(ContextWords.containsAnyWord(table, in: folder), walk, String(decoding: text, as: UTF8.self))
                if walk { found += 1 }
            }
        }
        XCTAssertGreaterThan(found, 1000, "the generator must produce texts that hold a word")
    }

    /// `back` and `forward` count characters eight bytes at a time: the same offsets as a walk
    /// byte by byte, on mixed scripts, cut sequences and at both ends of the buffer.
    func testCharacterCountsMatchAByteWalk() {
        func backByByte(_ i: Int, _ n: Int, _ buf: UnsafeBufferPointer<UInt8>) -> Int {
            var j = i, count = 0
            while j > 0 && count < n { j -= 1; if buf[j] & 0xC0 != 0x80 { count += 1 } }
            return j
        }
        func forwardByByte(_ i: Int, _ n: Int, _ buf: UnsafeBufferPointer<UInt8>) -> Int {
            var j = i, count = 0
            while j < buf.count && count < n {
                j += 1
                while j < buf.count && buf[j] & 0xC0 == 0x80 { j += 1 }
                count += 1
            }
            return j
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0...30, using: &rng) { text += Array(Self.pieces.randomElement(using: &rng)!.utf8) }
            if Bool.random(using: &rng) && !text.isEmpty { text.removeFirst() }  // may begin inside a sequence
            text.withUnsafeBufferPointer { buf in
                for _ in 0..<8 {
                    let i = Int.random(in: 0...buf.count, using: &rng)
                    let n = Int.random(in: 0...70, using: &rng)
                    XCTAssertEqual(ContextWords.back(from: i, characters: n, in: buf), backByByte(i, n, buf))
                    XCTAssertEqual(ContextWords.forward(from: i, characters: n, in: buf), forwardByByte(i, n, buf))
                }
            }
        }
    }

    func testAWordBeginningWithAnApostropheTakesTheWalk() {
        let table = FoldedWordTable(words: ["'s number"]).get()
        XCTAssertTrue(table.leadsWithNonWordByte)
        let folder = TextFolder(capacity: 64)
        Array("call John's number".utf8).withUnsafeBufferPointer { buf in
            folder.reset(base: 0)
            folder.fold(buf, from: 0, to: buf.count, isFinal: true)
            XCTAssertEqual(ContextWords.containsAnyWord(table, in: folder), ContextWords.containsAnyWord(table, in: folder.bytes))
        }
    }
}
