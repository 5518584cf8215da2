import CaviarCore
import CaviarRedaction
import XCTest

final class RedactorTests: XCTestCase {
    /// The in-memory book numbers by fingerprint: same value same number, any other value
    /// (also a prefix, or the same bytes under another entity) its own number.
    func testInMemoryBookNumbersDistinctValues() {
        let book = InMemoryPlaceholderBook()
        let email = EntityType("EMAIL"), phone = EntityType("PHONE")
        var seen: [Int: [UInt8]] = [:]
        for i in 0..<20_000 {
            let v = Array("user\(i)@example.eu".utf8)
            let n = book.number(for: v, entity: email)
            XCTAssertNil(seen[n], "two values share number \(n)")
            seen[n] = v
        }
        XCTAssertEqual(book.number(for: Array("user7@example.eu".utf8), entity: email), 8)
        XCTAssertEqual(book.number(for: Array("user7@example.e".utf8), entity: email), 20_001)
        XCTAssertEqual(book.number(for: Array("user7@example.eu".utf8), entity: phone), 1)
        XCTAssertEqual(book.number(for: [], entity: phone), 2)
        XCTAssertEqual(book.number(for: [], entity: phone), 2)
    }

    /// The bytes a redaction writes spell `[ENTITY_N]`, for numbers of any width.
    func testPlaceholderBytesSpellEntityAndNumber() {
        for entity in [EntityType("EMAIL"), EntityType("PHONE_EXTENSION"), EntityType("X")] {
            for n in [0, 1, 9, 10, 99, 100, 12_345, Int.max, -7] {
                XCTAssertEqual(String(decoding: Placeholder.bytes(entity: entity, number: n), as: UTF8.self), "[" + entity.name + "_" + String(n) + "]")
                XCTAssertEqual(Placeholder.text(entity: entity, number: n), "[" + entity.name + "_" + String(n) + "]")
            }
        }
    }

    let email = Detection(entity: EntityType("EMAIL"), detectorID: "core.email", span: 0..<5, confidence: 0.9)

    func testPlaceholdersAreStablePerValueAndNumberedPerType() throws {
        let r = Redactor()
        XCTAssertEqual(try r.replacement(for: email, value: Array("a@b.c".utf8)), Array("[EMAIL_1]".utf8))
        XCTAssertEqual(try r.replacement(for: email, value: Array("x@y.z".utf8)), Array("[EMAIL_2]".utf8))
        XCTAssertEqual(try r.replacement(for: email, value: Array("a@b.c".utf8)), Array("[EMAIL_1]".utf8))
        let iban = Detection(entity: EntityType("IBAN"), detectorID: "core.iban", span: 0..<5, confidence: 0.9)
        XCTAssertEqual(try r.replacement(for: iban, value: Array("BE71".utf8)), Array("[IBAN_1]".utf8))
    }

    func testIdentitySharesOneNumberAcrossSpellings() throws {
        let r = Redactor()
        var d = Detection(entity: EntityType("PERSON"), detectorID: "names", span: 0..<6, confidence: 0.9, identity: Array("jean dupont".utf8))
        XCTAssertEqual(try r.replacement(for: d, value: Array("Dupont".utf8)), Array("[PERSON_1]".utf8))
        d.identity = Array("jean dupont".utf8)
        XCTAssertEqual(try r.replacement(for: d, value: Array("J. Dupont".utf8)), Array("[PERSON_1]".utf8))
    }

    func testMaskKeepsLastCharacters() throws {
        let r = Redactor(defaultOperator: .mask(character: "*", keepLast: 4))
        XCTAssertEqual(String(decoding: try r.replacement(for: email, value: Array("4111 1111 1111 1234".utf8)), as: UTF8.self), "***************1234")
        XCTAssertEqual(String(decoding: try r.replacement(for: email, value: Array("é@ü".utf8)), as: UTF8.self), "é@ü")
    }

    func testHashIsKeyedAndNeedsAKey() throws {
        XCTAssertThrowsError(try RedactionOperator.named("hash"))
        let a = Redactor(defaultOperator: try .named("hash", hashKey: Array(repeating: 1, count: 32)))
        let b = Redactor(defaultOperator: try .named("hash", hashKey: Array(repeating: 2, count: 32)))
        let va = try a.replacement(for: email, value: Array("a@b.c".utf8))
        XCTAssertEqual(va, try a.replacement(for: email, value: Array("a@b.c".utf8)))
        XCTAssertNotEqual(va, try b.replacement(for: email, value: Array("a@b.c".utf8)), "a different key must give a different hash")
        XCTAssertTrue(String(decoding: va, as: UTF8.self).hasPrefix("[EMAIL:"))
    }

    func testRemoveAndSurrogateWithoutSession() throws {
        XCTAssertEqual(try Redactor(defaultOperator: .remove).replacement(for: email, value: Array("a@b.c".utf8)), [])
        XCTAssertThrowsError(try Redactor(defaultOperator: .surrogate).replacement(for: email, value: Array("a@b.c".utf8)))
    }
}
