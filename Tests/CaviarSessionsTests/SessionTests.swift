import CaviarCore
import Foundation
import XCTest
@testable import CaviarSessions

final class SessionTests: XCTestCase {
    let person = EntityType("PERSON"), email = EntityType("EMAIL")

    func testSameValueSameNumberAcrossInvocations() throws {
        let fixture = try VaultFixture()
        let first = try fixture.vault().openSession(named: "work")
        XCTAssertEqual(try first.number(for: bytes("Jean Dupont"), entity: person), 1)
        XCTAssertEqual(try first.number(for: bytes("Anna Virtanen"), entity: person), 2)
        XCTAssertEqual(try first.number(for: bytes("jean@example.fr"), entity: email), 1)
        XCTAssertEqual(try first.number(for: bytes("Jean Dupont"), entity: person), 1)
        // A later invocation: a new vault object reading the file.
        let second = try fixture.vault().openSession(named: "work")
        XCTAssertEqual(try second.number(for: bytes("Anna Virtanen"), entity: person), 2)
        XCTAssertEqual(try second.number(for: bytes("Jean Dupont"), entity: person), 1)
        XCTAssertEqual(try second.number(for: bytes("Third Person"), entity: person), 3)
        // Another session numbers independently.
        let other = try fixture.vault().openSession(named: "other")
        XCTAssertEqual(try other.number(for: bytes("Third Person"), entity: person), 1)
    }

    func testNumbersAreNeverReusedEvenAfterLiteralReservations() throws {
        let fixture = try VaultFixture()
        let session = try fixture.vault().openSession(named: "s")
        XCTAssertEqual(try session.reserveLiteralPlaceholders(in: bytes("see [PERSON_2] and [TODO_1]")), 0)
        XCTAssertEqual(try session.number(for: bytes("A"), entity: person), 3)
        XCTAssertEqual(try session.number(for: bytes("B"), entity: person), 4)
        var seen = Set<Int>()
        for index in 0..<50 { XCTAssertTrue(seen.insert(try session.number(for: bytes("v\(index)"), entity: person)).inserted) }
        XCTAssertFalse(seen.contains(2))
    }

    func testIdentityIsWhatGetsNumberedAndFirstOriginalIsRestored() throws {
        let fixture = try VaultFixture()
        let session = try fixture.vault().openSession(named: "s")
        let identity = bytes("jean dupont")
        XCTAssertEqual(try session.number(for: identity, entity: person, original: bytes("Jean Dupont")), 1)
        XCTAssertEqual(try session.number(for: identity, entity: person, original: bytes("J. Dupont")), 1)
        XCTAssertEqual(session.mappings.mapping(entity: "PERSON", number: 1)?.original, bytes("Jean Dupont"))
        XCTAssertEqual(try session.placeholder(for: bytes("x"), entity: email, original: bytes("x")), bytes("[EMAIL_1]"))
    }

    func testTransactionSavesOnceAndRollsBackOnError() throws {
        let fixture = try VaultFixture()
        let session = try fixture.vault().openSession(named: "s")
        struct Boom: Error {}
        XCTAssertThrowsError(try session.transaction {
            _ = try session.number(for: bytes("lost"), entity: person)
            throw Boom()
        })
        XCTAssertEqual(session.valueCount, 0)
        XCTAssertNil(try fixture.vault().list().first)
        let numbers = try session.transaction {
            try (0..<10).map { try session.number(for: bytes("v\($0)"), entity: person) }
        }
        XCTAssertEqual(numbers, Array(1...10))
        XCTAssertEqual(try fixture.vault().existingSession(named: "s").valueCount, 10)
    }

    func testSessionSeesOtherProcessesAllocations() throws {
        let fixture = try VaultFixture()
        let a = try fixture.vault().openSession(named: "s")
        let b = try fixture.vault().openSession(named: "s")
        XCTAssertEqual(try a.number(for: bytes("x"), entity: person), 1)
        XCTAssertEqual(try b.number(for: bytes("y"), entity: person), 2)
        XCTAssertEqual(try a.number(for: bytes("y"), entity: person), 2)
        XCTAssertEqual(try a.number(for: bytes("z"), entity: person), 3)
        XCTAssertEqual(try b.number(for: bytes("z"), entity: person), 3)
    }

    func testConcurrentThreadsNeverDuplicateOrLoseNumbers() throws {
        let fixture = try VaultFixture()
        _ = try fixture.vault()
        let configuration = fixture.configuration()
        let values = (0..<40).map { "value-\($0)" }
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 6) { worker in
            do {
                // Each thread is its own "process": its own vault object, so its own lock descriptor.
                let session = try SessionVault(configuration: configuration).openSession(named: "shared")
                var mine: [String: Int] = [:]
                for value in (worker % 2 == 0 ? values : values.reversed()) {
                    mine[value] = try session.number(for: bytes(value), entity: EntityType("PERSON"))
                }
                results.add(mine)
            } catch {
                results.fail("\(error)")
            }
        }
        XCTAssertEqual(results.failures, [])
        let final = try fixture.vault().existingSession(named: "shared").mappings
        try assertConsistent(final, values: values, observed: results.maps)
    }
}

/// Every value has one number, numbers are 1...n without gaps or duplicates, and every number a
/// worker was handed is the one in the final vault.
func assertConsistent(_ mappings: SessionMappings, values: [String], observed: [[String: Int]], file: StaticString = #filePath, line: UInt = #line) throws {
    let numbers = mappings.mappings.filter { $0.entity.name == "PERSON" }.map(\.number)
    XCTAssertEqual(numbers.sorted(), Array(1...values.count), "numbers", file: file, line: line)
    var byValue: [String: Int] = [:]
    for mapping in mappings.mappings { byValue[text(mapping.original)] = mapping.number }
    XCTAssertEqual(Set(byValue.keys), Set(values), file: file, line: line)
    for map in observed {
        for (value, number) in map { XCTAssertEqual(byValue[value], number, value, file: file, line: line) }
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var maps: [[String: Int]] = []
    private(set) var failures: [String] = []
    func add(_ map: [String: Int]) { lock.lock(); maps.append(map); lock.unlock() }
    func fail(_ message: String) { lock.lock(); failures.append(message); lock.unlock() }
}
