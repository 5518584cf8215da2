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

/// `appendReplacement` writes what `replacement` returns, for every operator and book.
final class AppendReplacementTests: XCTestCase {
    final class ListBook: PlaceholderBook {
        var seen: [[UInt8]] = []
        func number(for value: [UInt8], entity: EntityType) throws -> Int {
            if let i = seen.firstIndex(of: value) { return i + 1 }
            seen.append(value)
            return seen.count
        }
    }

    func testAppendedBytesEqualTheReplacement() throws {
        let values = ["jan@example.eu", "DE89 3704 0044 0532 0130 00", "jan@example.eu", "", "né", "+33 6 12 34 56 78", "jan@example.eu"]
        let operators: [RedactionOperator] = [.placeholder, .mask(character: "*", keepLast: 2), .remove, .hash(key: Array(repeating: 7, count: 16))]
        for op in operators {
            for makeBook in [{ InMemoryPlaceholderBook() as any PlaceholderBook }, { ListBook() as any PlaceholderBook }] {
                // Two redactors with books in the same state: one appends, one returns arrays.
                let appending = Redactor(book: makeBook(), defaultOperator: op)
                let returning = Redactor(book: makeBook(), defaultOperator: op)
                var out: [UInt8] = Array("prefix ".utf8)
                var expected = out
                for (k, v) in values.enumerated() {
                    var d = Detection(entity: EntityType(k % 2 == 0 ? "EMAIL" : "IBAN"), detectorID: "t.x", span: 0..<v.utf8.count, confidence: 0.9)
                    if k == 5 { d.identity = Array("same person".utf8) }
                    let bytes = Array(v.utf8)
                    try bytes.withUnsafeBufferPointer { try appending.appendReplacement(for: d, value: $0, to: &out) }
                    expected += try returning.replacement(for: d, value: bytes)
                }
                XCTAssertEqual(String(decoding: out, as: UTF8.self), String(decoding: expected, as: UTF8.self), "\(op)")
            }
        }
        // A per-entity operator is honoured.
        let r = Redactor(entityOperators: [EntityType("IBAN"): .remove])
        var out: [UInt8] = []
        let d = Detection(entity: EntityType("IBAN"), detectorID: "t.x", span: 0..<2, confidence: 0.9)
        try Array("DE".utf8).withUnsafeBufferPointer { try r.appendReplacement(for: d, value: $0, to: &out) }
        XCTAssertEqual(out, [])
    }
}
