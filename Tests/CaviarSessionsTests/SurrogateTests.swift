import CaviarCore
import Foundation
import XCTest
@testable import CaviarSessions

final class SurrogateTests: XCTestCase {
    let factory = SurrogateFactory(seed: Array(repeating: 7, count: 32))

    func ibanIsValid(_ value: [UInt8]) -> Bool {
        let alnum = value.filter { $0 != 0x20 && $0 != 0x2D }
        return SurrogateFactory.mod97(Array(alnum[4...]) + Array(alnum[0..<4])) == 1
    }

    func testIBANKeepsCountryLengthGroupingAndHasValidChecksum() {
        for original in ["FR7630006000011234567890189", "DE89 3704 0044 0532 0130 00", "GB29NWBK60161331926819", "BE68539007547034", "fi2112345600000785"] {
            XCTAssertTrue(ibanIsValid(bytes(original.uppercased())), "fixture \(original)")
            for attempt in 0..<20 {
                guard let fake = factory.surrogate(for: bytes(original), entity: EntityType("IBAN"), attempt: attempt) else { return XCTFail(original) }
                XCTAssertEqual(fake.count, original.utf8.count)
                XCTAssertEqual(Array(fake.prefix(2)), Array(original.utf8.prefix(2)))
                XCTAssertNotEqual(fake, bytes(original))
                XCTAssertTrue(ibanIsValid(fake.map(PlaceholderScanner.upper)), text(fake))
                for (a, b) in zip(fake, bytes(original)) {
                    XCTAssertEqual(PlaceholderScanner.isDigit(a), PlaceholderScanner.isDigit(b))
                    XCTAssertEqual(a == 0x20, b == 0x20)
                }
            }
        }
    }

    func testPhoneKeepsCountryAndShape() {
        let cases = [("+33 6 12 34 56 78", "+33 6"), ("0049 30 1234567", "0049 3"), ("+1 (415) 555-2671", "+1 (4"), ("040 123 4567", "04"), ("+358 40 1234567", "+358 4")]
        for (original, prefix) in cases {
            guard let fake = factory.surrogate(for: bytes(original), entity: EntityType("PHONE"), attempt: 0) else { return XCTFail(original) }
            XCTAssertTrue(text(fake).hasPrefix(prefix), "\(original) -> \(text(fake))")
            XCTAssertEqual(fake.count, original.utf8.count)
            XCTAssertEqual(fake.map { PlaceholderScanner.isDigit($0) }, bytes(original).map { PlaceholderScanner.isDigit($0) })
        }
    }

    func testEmailUsesReservedDomain() {
        for original in ["jean.dupont@corp.fr", "jdupont42@mail.example.com", "J_DUPONT@CORP.FR", "x@y"] {
            guard let fake = factory.surrogate(for: bytes(original), entity: EntityType("EMAIL"), attempt: 1) else { return XCTFail(original) }
            let domain = text(fake).split(separator: "@").last.map { $0.lowercased() } ?? ""
            XCTAssertTrue(SurrogateFactory.reservedDomains.contains(domain), text(fake))
        }
        XCTAssertTrue(text(factory.surrogate(for: bytes("jean.dupont@corp.fr"), entity: EntityType("EMAIL"), attempt: 0) ?? []).contains("."))
    }

    func testPersonKeepsShapeAndLocale() {
        func fake(_ original: String) -> String { text(factory.surrogate(for: bytes(original), entity: EntityType("PERSON"), attempt: 0) ?? []) }
        XCTAssertEqual(fake("Jean Dupont").split(separator: " ").count, 2)
        XCTAssertEqual(fake("Dupont").split(separator: " ").count, 1)
        let initial = fake("J. Dupont").split(separator: " ")
        XCTAssertEqual(initial.count, 2)
        XCTAssertTrue(initial[0].hasSuffix(".") && initial[0].count == 2)
        XCTAssertEqual(fake("DUPONT"), fake("DUPONT").uppercased())
        XCTAssertEqual(fake("Ludwig van Beethoven").split(separator: " ")[1], "van")
        let finnish = fake("Matti Hämäläinen").split(separator: " ")
        XCTAssertTrue(SurrogateFactory.firstNames[.fi]?.contains(String(finnish[0])) ?? false, "\(finnish)")
        XCTAssertTrue(SurrogateFactory.lastNames[.fi]?.contains(String(finnish[1])) ?? false, "\(finnish)")
        XCTAssertEqual(SurrogateFactory.guessLocale("Łukasz Wiśniewski"), .pl)
        XCTAssertEqual(SurrogateFactory.guessLocale("Zoë Lefèvre"), .fr)
    }

    func testGenericShapeAndDeterminism() {
        let value = bytes("AB-123456-c")
        let a = factory.surrogate(for: value, entity: EntityType("PASSPORT"), attempt: 0)
        XCTAssertEqual(a, factory.surrogate(for: value, entity: EntityType("PASSPORT"), attempt: 0))
        XCTAssertNotEqual(a, factory.surrogate(for: value, entity: EntityType("PASSPORT"), attempt: 1))
        XCTAssertNotEqual(a, SurrogateFactory(seed: Array(repeating: 8, count: 32)).surrogate(for: value, entity: EntityType("PASSPORT"), attempt: 0))
        XCTAssertEqual(a?.count, value.count)
        XCTAssertEqual(a?[2], UInt8(ascii: "-"))
        XCTAssertNil(factory.surrogate(for: bytes("---"), entity: EntityType("SECRET"), attempt: 0))
    }

    func testSessionSurrogatesAreStableRecordedAndNeverCollide() throws {
        let fixture = try VaultFixture()
        let session = try fixture.vault().openSession(named: "s")
        let person = EntityType("PERSON")
        let first = try session.surrogate(for: bytes("Jean Dupont"), entity: person, original: bytes("Jean Dupont"))
        XCTAssertEqual(try session.surrogate(for: bytes("Jean Dupont"), entity: person, original: bytes("Jean Dupont")), first)
        let later = try fixture.vault().openSession(named: "s")
        XCTAssertEqual(try later.surrogate(for: bytes("Jean Dupont"), entity: person, original: bytes("Jean Dupont")), first)
        XCTAssertEqual(later.mappings.mapping(entity: "PERSON", number: 1)?.surrogate, first)
        // Many values: all surrogates distinct from each other and from every original; a
        // surrogate never occurs in the text it is made for.
        var surrogates = Set<[UInt8]>()
        var originals = Set<[UInt8]>()
        for index in 0..<60 {
            let name = bytes("Person Number\(index)")
            originals.insert(name)
            let context = bytes("text mentioning ") + Array(first) + bytes(" and Alice Carter and Thomas Bennett")
            let fake = try later.surrogate(for: name, entity: person, original: name, avoiding: context)
            XCTAssertFalse(ByteSearch.containsIgnoringASCIICase(context, fake), text(fake))
            XCTAssertTrue(surrogates.insert(fake).inserted, text(fake))
        }
        XCTAssertTrue(surrogates.isDisjoint(with: originals))
        // A value with nothing to vary falls back to its placeholder.
        XCTAssertEqual(try later.surrogate(for: bytes("***"), entity: EntityType("SECRET"), original: bytes("***")), bytes("[SECRET_1]"))
    }
}
