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
