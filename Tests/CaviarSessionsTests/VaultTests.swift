import CaviarCore
import CaviarSpawn
import Foundation
import XCTest
@testable import CaviarSessions

#if canImport(Glibc)
import Glibc
#endif

final class VaultTests: XCTestCase {
    func testFilesAndDirectoryArePrivate() throws {
        let fixture = try VaultFixture(key: nil)
        let vault = try fixture.vault()
        XCTAssertEqual(vault.location.directory, fixture.stateDirectory)
        XCTAssertEqual(fixture.mode(of: fixture.stateDirectory), 0o700)
        let session = try vault.openSession(named: "s1")
        _ = try session.number(for: bytes("jean@example.fr"), entity: EntityType("EMAIL"))
        XCTAssertEqual(fixture.mode(of: fixture.stateDirectory + "/s1.session"), 0o600)
        XCTAssertEqual(fixture.mode(of: fixture.stateDirectory + "/.lock"), 0o600)
        XCTAssertEqual(fixture.mode(of: fixture.stateDirectory + "/vault.key"), 0o600)
        XCTAssertEqual(try vault.keySource(), .keyFile(fixture.stateDirectory + "/vault.key"))
        // Encrypted at rest: the value is not in the file.
        let file = fixture.bytes(of: fixture.stateDirectory + "/s1.session")
        XCTAssertFalse(ByteSearch.containsIgnoringASCIICase(file, bytes("jean@example.fr")))
        XCTAssertEqual(Array(file.prefix(8)), bytes("CAVIARVT"))
        // No temporary files left.
        XCTAssertEqual(try PrivateFile.names(in: fixture.stateDirectory).filter { $0.contains("tmp") }, [])
    }

    func testCreatedPrivateEvenUnderPermissiveUmask() throws {
        let fixture = try VaultFixture()
        let old = umask(0)
        defer { umask(old) }
        let vault = try fixture.vault()
        _ = try vault.openSession(named: "s").number(for: bytes("x@y.z"), entity: EntityType("EMAIL"))
        XCTAssertEqual(fixture.mode(of: fixture.stateDirectory), 0o700)
        XCTAssertEqual(fixture.mode(of: fixture.stateDirectory + "/s.session"), 0o600)
    }

    func testGroupReadableDirectoryIsRefusedWithFix() throws {
        let fixture = try VaultFixture()
        try FileManager.default.createDirectory(atPath: fixture.stateDirectory, withIntermediateDirectories: true)
        chmod(fixture.stateDirectory, 0o755)
        XCTAssertThrowsError(try fixture.vault()) { error in
            guard case VaultError.unsafeFile(let path, _, let fix) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, fixture.stateDirectory)
            XCTAssertEqual(fix, "chmod 700 '\(fixture.stateDirectory)'")
            XCTAssertTrue("\(error)".contains("chmod 700"))
        }
    }

    func testWorldReadableSessionFileIsRefused() throws {
        let fixture = try VaultFixture()
        _ = try fixture.vault().openSession(named: "s").number(for: bytes("a"), entity: EntityType("PERSON"))
        chmod(fixture.stateDirectory + "/s.session", 0o644)
        XCTAssertThrowsError(try fixture.vault().openSession(named: "s")) { error in
            XCTAssertTrue("\(error)".contains("chmod 600 '\(fixture.stateDirectory)/s.session'"), "\(error)")
        }
    }

    func testForeignOwnerIsRefused() throws {
        let fixture = try VaultFixture()
        _ = try fixture.vault()
        XCTAssertEqual(chown(fixture.stateDirectory, 4242, 4242), 0)
        XCTAssertThrowsError(try fixture.vault()) { error in
            XCTAssertTrue("\(error)".contains("owned by uid 4242"), "\(error)")
            XCTAssertTrue("\(error)".contains("chown \(geteuid())"), "\(error)")
        }
    }

    func testSymlinkedSessionFileIsRefused() throws {
        let fixture = try VaultFixture()
        let vault = try fixture.vault()
        symlink("/etc/hostname", fixture.stateDirectory + "/s.session")
        XCTAssertThrowsError(try vault.openSession(named: "s"))
    }

    func testWrongKeyIsClearAndLeavesFileUntouched() throws {
        let fixture = try VaultFixture()
        _ = try fixture.vault().openSession(named: "s").number(for: bytes("Jean Dupont"), entity: EntityType("PERSON"))
        let before = fixture.bytes(of: fixture.stateDirectory + "/s.session")
        fixture.environment["CAVIAR_VAULT_KEY"] = VaultFixture.randomKey()
        XCTAssertThrowsError(try fixture.vault().openSession(named: "s")) { error in
            XCTAssertEqual(error as? VaultError, .wrongKey(path: fixture.stateDirectory + "/s.session"))
        }
        XCTAssertEqual(fixture.bytes(of: fixture.stateDirectory + "/s.session"), before)
    }

    func testMalformedKeyVariable() throws {
        let fixture = try VaultFixture(key: "c2hvcnQ=")
        XCTAssertThrowsError(try fixture.vault().keySource()) { error in
            XCTAssertTrue("\(error)".contains("32 bytes in base64"), "\(error)")
        }
    }

    func testTruncatedCorruptedForeignFilesAreReportedAndNeverOverwritten() throws {
        let fixture = try VaultFixture()
        let path = fixture.stateDirectory + "/s.session"
        let session = try fixture.vault().openSession(named: "s")
        for index in 0..<5 { _ = try session.number(for: bytes("v\(index)"), entity: EntityType("PERSON")) }
        let good = fixture.bytes(of: path)
        let cases: [(String, [UInt8], (VaultError) -> Bool)] = [
            ("truncated body", Array(good.prefix(good.count - 7)), { if case .corrupted = $0 { return true }; return false }),
            ("truncated header", Array(good.prefix(20)), { $0 == .truncated(path: path) }),
            ("truncated magic", Array(good.prefix(4)), { $0 == .truncated(path: path) }),
            ("empty", [], { $0 == .truncated(path: path) }),
            ("bit flip", good.enumerated().map { $0.offset == good.count / 2 ? $0.element ^ 1 : $0.element }, { if case .corrupted = $0 { return true }; return false }),
            ("foreign", bytes("{\"sessions\": []}"), { $0 == .foreignFile(path: path) }),
            ("newer version", Array(good.prefix(8)) + [2] + Array(good.dropFirst(9)), { $0 == .unsupportedVersion(path: path, version: 2) }),
        ]
        for (label, content, isExpected) in cases {
            try PrivateFile.replaceAtomically(path, with: content)
            let vault = try fixture.vault()
            XCTAssertThrowsError(try vault.openSession(named: "s"), label) { error in
                XCTAssertTrue((error as? VaultError).map(isExpected) ?? false, "\(label): \(error)")
            }
            // A session object opened earlier must not overwrite the damaged file either.
            XCTAssertThrowsError(try session.number(for: bytes("new \(label)"), entity: EntityType("PERSON")), label)
            XCTAssertEqual(fixture.bytes(of: path), content, label)
            XCTAssertThrowsError(try vault.restorer(forSession: "s"), label)
        }
    }

    func testFileRenamedToAnotherSessionFailsAuthentication() throws {
        let fixture = try VaultFixture()
        _ = try fixture.vault().openSession(named: "a").number(for: bytes("x"), entity: EntityType("PERSON"))
        XCTAssertEqual(rename(fixture.stateDirectory + "/a.session", fixture.stateDirectory + "/b.session"), 0)
        XCTAssertThrowsError(try fixture.vault().existingSession(named: "b")) { error in
            guard case VaultError.corrupted = error else { return XCTFail("\(error)") }
        }
    }

    func testDiskFullFailsClosedAndKeepsPreviousVault() throws {
        let fixture = try VaultFixture()
        let directory = fixture.root + "/small"
        mkdir(directory, 0o700)
        let mounted = try Spawn.run("mount", arguments: ["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", directory], timeout: 10)
        try XCTSkipUnless(mounted.isSuccess, "cannot mount a small tmpfs here: \(mounted.stderrText)")
        defer { _ = try? Spawn.run("umount", arguments: [directory], timeout: 10) }
        fixture.environment["CAVIAR_VAULT_DIR"] = directory
        let vault = try fixture.vault()
        let session = try vault.openSession(named: "s")
        XCTAssertEqual(try session.number(for: bytes("first"), entity: EntityType("PERSON")), 1)
        let before = fixture.bytes(of: directory + "/s.session")
        // Fill the file system, then try to add a big value.
        let filler = try PrivateFile.createExclusive(directory + "/filler")
        let chunk = [UInt8](repeating: 7, count: 4096)
        while (chunk.withUnsafeBytes { write(filler, $0.baseAddress, $0.count) }) > 0 {}
        close(filler)
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 8192)
        XCTAssertThrowsError(try session.number(for: big, entity: EntityType("PERSON"))) { error in
            XCTAssertEqual(error as? VaultError, .diskFull(path: directory + "/s.session"))
            XCTAssertTrue("\(error)".contains("previous vault is intact"))
        }
        XCTAssertEqual(fixture.bytes(of: directory + "/s.session"), before)
        XCTAssertEqual(try PrivateFile.names(in: directory).sorted(), [".lock", "filler", "s.session"])
        // The failed allocation was rolled back: after freeing space the number is 2, not 3.
        unlink(directory + "/filler")
        XCTAssertEqual(try session.number(for: big, entity: EntityType("PERSON")), 2)
        XCTAssertEqual(try fixture.vault().existingSession(named: "s").valueCount, 2)
    }

    func testTimeToLiveExpiresSessions() throws {
        let fixture = try VaultFixture()
        let vault = try fixture.vault(ttl: 3600)
        let session = try vault.openSession(named: "s")
        _ = try session.number(for: bytes("Jean"), entity: EntityType("PERSON"))
        fixture.clock.now += 3599
        XCTAssertEqual(try vault.existingSession(named: "s").valueCount, 1)
        XCTAssertFalse(try vault.list()[0].isExpired)
        fixture.clock.now += 2
        XCTAssertTrue(try vault.list()[0].isExpired)
        XCTAssertThrowsError(try vault.existingSession(named: "s")) { XCTAssertEqual($0 as? VaultError, .expired("s")) }
        XCTAssertEqual(try vault.list(), [])
        // Reopened for redaction after expiry: a new, empty session.
        let again = try vault.openSession(named: "s")
        XCTAssertEqual(again.valueCount, 0)
        XCTAssertEqual(try again.number(for: bytes("Other"), entity: EntityType("PERSON")), 1)
    }

    func testChangesExtendTheTimeToLive() throws {
        let fixture = try VaultFixture()
        let vault = try fixture.vault(ttl: 100)
        let session = try vault.openSession(named: "s")
        _ = try session.number(for: bytes("a"), entity: EntityType("PERSON"))
        fixture.clock.now += 90
        _ = try session.number(for: bytes("b"), entity: EntityType("PERSON"))
        fixture.clock.now += 90
        XCTAssertEqual(try vault.existingSession(named: "s").valueCount, 2)
    }

    func testListForgetPurge() throws {
        let fixture = try VaultFixture()
        let vault = try fixture.vault(ttl: 1000)
        for name in ["b", "a", "c"] {
            let session = try vault.openSession(named: name)
            _ = try session.number(for: bytes("x@y.z"), entity: EntityType("EMAIL"))
            _ = try session.number(for: bytes("Jean"), entity: EntityType("PERSON"))
            fixture.clock.now += 400
        }
        let listed = try vault.list()
        XCTAssertEqual(listed.map(\.name), ["a", "b", "c"])
        XCTAssertEqual(listed[0].counts, ["EMAIL": 1, "PERSON": 1])
        XCTAssertEqual(listed.map(\.isExpired), [false, true, false])
        XCTAssertEqual(try vault.purge(onlyExpired: true), 1)
        XCTAssertEqual(try vault.list().map(\.name), ["a", "c"])
        XCTAssertTrue(try vault.forget(named: "a"))
        XCTAssertFalse(try vault.forget(named: "a"))
        XCTAssertEqual(try vault.list().map(\.name), ["c"])
        XCTAssertEqual(try vault.purge(), 1)
        XCTAssertEqual(try vault.list(), [])
        XCTAssertThrowsError(try vault.forget(named: "../etc")) { XCTAssertEqual($0 as? VaultError, .invalidSessionName("../etc")) }
    }

    func testListShowsUnreadableSessionsInsteadOfFailing() throws {
        let fixture = try VaultFixture()
        let vault = try fixture.vault()
        _ = try vault.openSession(named: "good").number(for: bytes("x"), entity: EntityType("PERSON"))
        try PrivateFile.replaceAtomically(fixture.stateDirectory + "/bad.session", with: bytes("garbage"))
        let listed = try vault.list()
        XCTAssertEqual(listed.map(\.name), ["bad", "good"])
        XCTAssertNotNil(listed[0].problem)
        XCTAssertNil(listed[1].problem)
    }

    func testLocationFollowsXDG() throws {
        let runtime = try VaultFixture()
        mkdir(runtime.root + "/run", 0o700)
        var env = ["HOME": "/home/u", "XDG_RUNTIME_DIR": runtime.root + "/run"]
        XCTAssertEqual(try VaultLocation.resolve(environment: env).directory, runtime.root + "/run/caviar")
        XCTAssertEqual(try VaultLocation.resolve(environment: env).stateDirectory, "/home/u/.local/state/caviar")
        XCTAssertEqual(try VaultLocation.resolve(environment: env, keepsSessions: true).directory, "/home/u/.local/state/caviar")
        env["XDG_STATE_HOME"] = "relative/state"
        env["XDG_RUNTIME_DIR"] = "relative/run"
        XCTAssertEqual(try VaultLocation.resolve(environment: env).directory, "/home/u/.local/state/caviar")
        env["XDG_STATE_HOME"] = "/s"
        XCTAssertEqual(try VaultLocation.resolve(environment: env).directory, "/s/caviar")
        XCTAssertThrowsError(try VaultLocation.resolve(environment: [:]))
    }

    func testDailyAndDefaultSessionNames() throws {
        let date = Date(timeIntervalSince1970: 1_795_910_400)  // 2026-11-29 00:00 UTC
        let utc = TimeZone(identifier: "UTC") ?? .current
        XCTAssertEqual(SessionVault.dailySessionName(for: date.addingTimeInterval(3600), timeZone: utc), "2026-11-29")
        XCTAssertNil(SessionVault.defaultSessionName(environment: [:]))
        XCTAssertEqual(SessionVault.defaultSessionName(environment: ["CAVIAR_SESSION": "work"]), "work")
        XCTAssertEqual(SessionVault.defaultSessionName(environment: ["CAVIAR_SESSION": "daily"], now: date.addingTimeInterval(43200))?.count, 10)
        XCTAssertNoThrow(try SessionVault.validate(sessionName: "2026-11-29"))
        for bad in ["", ".hidden", "a/b", "a b", String(repeating: "x", count: 65)] {
            XCTAssertThrowsError(try SessionVault.validate(sessionName: bad), bad)
        }
    }
}
