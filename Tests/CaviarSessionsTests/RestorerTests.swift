import CaviarCore
import Foundation
import XCTest
@testable import CaviarSessions

final class RestorerTests: XCTestCase {
    static let mappings = SessionMappings(sessionName: "s", mappings: [
        .init(entity: EntityType("PERSON"), number: 1, original: bytes("Jean Dupont")),
        .init(entity: EntityType("EMAIL"), number: 2, original: bytes("jean@corp.fr")),
        .init(entity: EntityType("DATE_OF_BIRTH"), number: 1, original: bytes("1970-01-02")),
        .init(entity: EntityType("PERSON"), number: 2, original: bytes("Anna Virtanen"), surrogate: bytes("Helmi Koskinen")),
        .init(entity: EntityType("PERSON"), number: 5, original: bytes("[PERSON_5]"), isLiteral: true),
        .init(entity: EntityType("TICKET"), number: 3, original: bytes("INC-0042")),
    ])

    func restore(_ input: String, _ mappings: SessionMappings = RestorerTests.mappings) -> Restorer.Result {
        Restorer(mappings: mappings).restore(bytes(input))
    }

    /// What chatbots do to placeholders, and what restore must make of it.
    func testToleranceTable() {
        let table: [(String, String)] = [
            ("[PERSON_1]", "Jean Dupont"),
            ("[person_1]", "Jean Dupont"),
            ("[Person_1]", "Jean Dupont"),
            ("(PERSON_1)", "Jean Dupont"),
            ("<PERSON_1>", "Jean Dupont"),
            ("{PERSON_1}", "Jean Dupont"),
            ("[PERSON_1)", "Jean Dupont"),
            ("[PERSON_1 wrote", "Jean Dupont wrote"),
            ("PERSON_1] wrote", "Jean Dupont wrote"),
            ("PERSON_1 wrote", "Jean Dupont wrote"),
            ("Person_1 wrote", "Jean Dupont wrote"),
            ("[ PERSON_1 ]", "Jean Dupont"),
            ("\\[PERSON\\_1\\]", "Jean Dupont"),
            ("PERSON\\_1", "Jean Dupont"),
            ("**[PERSON_1]**", "**Jean Dupont**"),
            ("__[PERSON_1]__", "__Jean Dupont__"),
            ("*PERSON_1*", "*Jean Dupont*"),
            ("`[EMAIL_2]`", "`jean@corp.fr`"),
            ("mail `EMAIL_2`.", "mail `jean@corp.fr`."),
            ("[PERSON_1]'s", "Jean Dupont's"),
            ("PERSON_1's", "Jean Dupont's"),
            ("[PERSON_1]:lle", "Jean Dupont:lle"),
            ("PERSON_1:lle", "Jean Dupont:lle"),
            ("[PERSON_1]-nak", "Jean Dupont-nak"),
            ("[PERSON_1]nak", "Jean Dupontnak"),
            ("Dear [PERSON_1],", "Dear Jean Dupont,"),
            ("([PERSON_1])", "(Jean Dupont)"),
            ("[[PERSON_1]]", "[Jean Dupont]"),
            ("[PERSON_\n1]", "Jean Dupont"),
            ("[PERSON_\r\n1]", "Jean Dupont"),
            ("[PER-\nSON_1]", "Jean Dupont"),
            ("[PERSON\n_1]", "Jean Dupont"),
            ("> write to [EMAIL_\n> 2] today", "> write to jean@corp.fr today"),
            ("PERSON_\n   1 wrote", "Jean Dupont wrote"),
            ("[DATE_OF_BIRTH_1]", "1970-01-02"),
            ("[date_of_birth_1]", "1970-01-02"),
            ("[PERSON_1][EMAIL_2]", "Jean Dupontjean@corp.fr"),
            ("[TICKET_3]", "INC-0042"),
            ("Helmi Koskinen's", "Anna Virtanen's"),
            ("HELMI KOSKINEN", "Anna Virtanen"),
            ("Helmi\nKoskinen", "Anna Virtanen"),
        ]
        for (input, expected) in table {
            let result = restore(input)
            XCTAssertEqual(text(result.output), expected, input.debugDescription)
            XCTAssertEqual(result.issues, [], input.debugDescription)
        }
    }

    /// Things that only look like placeholders: untouched and not reported.
    func testLookAlikesAreUntouched() {
        for input in [
            "[NOTE]", "[TODO_1]", "TODO_1", "[NOTE_1]", "MY_PERSON_1", "PERSON_1x", "PERSON_1_2", "PERSONAL_1",
            "PERSON", "[PERSON]", "PERSON_", "the person_7 variable", "x9PERSON_1", "Joanna Koskinen", "Helmi Koskinenx",
            "[PERSON_5]", "(person_5)", "PERSON_1[", "]PERSON_1", "\\PERSON_1",
        ] {
            let result = restore(input)
            XCTAssertEqual(text(result.output), input, input)
            XCTAssertEqual(result.issues, [], input)
        }
    }

    func testMutatedPlaceholdersAreReportedNotRestored() {
        for input in ["[PERSON-1]", "[PERSON 1]", "[PERSON1]", "[PERSN_1]", "[PERSON_01]", "person_1", "[PERSON_0]"] {
            let result = restore("x " + input)
            XCTAssertEqual(text(result.output), "x " + input, input)
            XCTAssertEqual(result.issues.count, 1, input)
            guard case .mutated = result.issues.first?.kind else { return XCTFail(input) }
            XCTAssertEqual(result.issues.first?.column, 3, input)
        }
    }

    func testUnresolvedPlaceholdersAreReportedWithTheReason() {
        let result = restore("a\nb [PERSON_9] and EMAIL_4 and [EMAIL_2]")
        XCTAssertEqual(text(result.output), "a\nb [PERSON_9] and EMAIL_4 and jean@corp.fr")
        XCTAssertEqual(result.issues.map(\.kind), [.unknownNumber, .unknownNumber])
        XCTAssertEqual(result.issues.map(\.line), [2, 2])
        XCTAssertEqual(result.issues.map(\.column), [3, 18])
        XCTAssertEqual(result.issues[0].description, "line 2, column 3: [PERSON_9] not restored: session 's' has no such placeholder")
        XCTAssertFalse(result.isClean)
        XCTAssertEqual(result.restoredCount, 1)

        let other = SessionMappings(sessionName: "yesterday", mappings: [.init(entity: EntityType("PERSON"), number: 9, original: bytes("X"))])
        let wrong = Restorer(mappings: Self.mappings, otherSessions: [other]).restore(bytes("[PERSON_9]"))
        XCTAssertEqual(wrong.issues.map(\.kind), [.wrongSession(["yesterday"])])

        let empty = SessionMappings(sessionName: "gone", mappings: [])
        XCTAssertEqual(Restorer(mappings: empty, availability: .missing).restore(bytes("[PERSON_1] [NOTE]")).issues.map(\.kind), [.sessionMissing])
        XCTAssertEqual(Restorer(mappings: empty, availability: .expired).restore(bytes("[EMAIL_1]")).issues.map(\.kind), [.sessionExpired])
    }

    func testReportsNeverContainValues() {
        let result = restore("[PERSON_9] [PERSN_1] person_1 [PERSON_1]")
        for issue in result.issues {
            XCTAssertFalse(issue.description.contains("Jean"), issue.description)
        }
    }

    func testSurrogatesCanBeSwitchedOff() {
        let result = Restorer(mappings: Self.mappings, options: .init(restoresSurrogates: false)).restore(bytes("Helmi Koskinen"))
        XCTAssertEqual(text(result.output), "Helmi Koskinen")
    }
}
