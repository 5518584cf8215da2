import CaviarCore
import CaviarSpawn
import Foundation
import XCTest
@testable import CaviarSessions

/// Real concurrent processes and `kill -9`: the test binary re-runs itself with
/// `CAVIAR_SESSIONS_WORKER` set, and `testWorkerEntryPoint` then acts as a caviar process.
final class ProcessTests: XCTestCase {
    static let workerTest = "CaviarSessionsTests.ProcessTests/testWorkerEntryPoint"

    /// Does nothing in a normal run; in a child it allocates numbers as told by the environment.
    func testWorkerEntryPoint() throws {
        let env = ProcessInfo.processInfo.environment
        guard let role = env["CAVIAR_SESSIONS_WORKER"], let output = env["CAVIAR_SESSIONS_WORKER_OUT"] else { return }
        let configuration = SessionVault.Configuration(usesKeyring: false, environment: env)
        let session = try SessionVault(configuration: configuration).openSession(named: "shared")
        switch role {
        case "allocate":
            let values = (env["CAVIAR_SESSIONS_WORKER_VALUES"] ?? "").split(separator: ",").map(String.init)
            var lines = ""
            for value in values {
                let number = try session.number(for: bytes(value), entity: EntityType("PERSON"))
                lines += "\(value)\t\(number)\n"
            }
            try lines.write(toFile: output, atomically: false, encoding: .utf8)
        case "churn":
            // Runs until killed: one new value per save, each save a full atomic replace.
            var index = session.valueCount
            while true {
                _ = try session.number(for: bytes("churn-\(index)"), entity: EntityType("PERSON"))
                index += 1
            }
        default:
            XCTFail("unknown worker role \(role)")
        }
    }

    func workerEnvironment(_ fixture: VaultFixture, role: String, output: String, values: [String] = []) -> [String: String] {
        var env = fixture.environment
        env["CAVIAR_SESSIONS_WORKER"] = role
        env["CAVIAR_SESSIONS_WORKER_OUT"] = output
        env["CAVIAR_SESSIONS_WORKER_VALUES"] = values.joined(separator: ",")
        return env
    }

    var testBinary: String { CommandLine.arguments[0] }

    func testConcurrentProcessesNeverDuplicateOrLoseNumbers() throws {
        let fixture = try VaultFixture()
        _ = try fixture.vault()
        let values = (0..<30).map { "person-\($0)" }
        let workers = 5
        let results = ResultBox()
        let binary = testBinary
        let environments = (0..<workers).map { worker -> [String: String] in
            // Overlapping subsets in different orders.
            var mine = values.enumerated().filter { ($0.offset + worker) % 3 != 0 }.map(\.element)
            if worker % 2 == 1 { mine.reverse() }
            return workerEnvironment(fixture, role: "allocate", output: "\(fixture.root)/out-\(worker)", values: worker == 0 ? values : mine)
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                let result = try Spawn.run(binary, arguments: [Self.workerTest], environment: environments[worker], timeout: 300)
                if !result.isSuccess { results.fail("worker \(worker) exited \(result.status): \(text(result.stdout).suffix(2000))") }
            } catch {
                results.fail("worker \(worker): \(error)")
            }
        }
        XCTAssertEqual(results.failures, [])
        var observed: [[String: Int]] = []
        for worker in 0..<workers {
            let content = try String(contentsOfFile: "\(fixture.root)/out-\(worker)", encoding: .utf8)
            var map: [String: Int] = [:]
            for line in content.split(separator: "\n") {
                let parts = line.split(separator: "\t")
                map[String(parts[0])] = Int(parts[1])
            }
            XCTAssertFalse(map.isEmpty)
            observed.append(map)
        }
        try assertConsistent(try fixture.vault().existingSession(named: "shared").mappings, values: values, observed: observed)
    }

    func testKillDuringSaveLeavesAConsistentVault() throws {
        let fixture = try VaultFixture()
        _ = try fixture.vault()
        var generator = SystemRandomNumberGenerator()
        var lastCount = 0
        for round in 0..<6 {
            let env = workerEnvironment(fixture, role: "churn", output: "\(fixture.root)/unused")
            let timeout = Double.random(in: 0.5...2.0, using: &generator)
            XCTAssertThrowsError(try Spawn.run(testBinary, arguments: [Self.workerTest], environment: env, stdout: .null, stderr: .null, timeout: timeout)) { error in
                guard case SpawnError.timedOut = error else { return XCTFail("round \(round): \(error)") }
            }
            // Whatever moment the kill hit, the vault opens and holds churn-0..churn-(n-1) as 1...n.
            let vault = try fixture.vault()
            if try vault.list().isEmpty {
                XCTAssertEqual(lastCount, 0, "round \(round): the session file vanished")
                continue
            }
            let mappings = try vault.existingSession(named: "shared").mappings
            let count = mappings.mappings.count
            XCTAssertGreaterThanOrEqual(count, lastCount, "round \(round): a saved mapping was lost")
            for mapping in mappings.mappings {
                XCTAssertEqual(text(mapping.original), "churn-\(mapping.number - 1)")
            }
            XCTAssertEqual(Set(mappings.mappings.map(\.number)).count, count)
            lastCount = count
        }
        XCTAssertGreaterThan(lastCount, 0, "the workers never saved anything")
        // Leftover temporary files from killed saves are removed by purge.
        try fixture.vault().purge()
        XCTAssertEqual(try PrivateFile.names(in: fixture.stateDirectory).filter { $0.contains(".tmp-") }, [])
    }
}
