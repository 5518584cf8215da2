import CaviarCore
import CaviarSpawn
import Foundation
import XCTest
@testable import CaviarSessions

/// The vault key in a real keyring: gnome-keyring on a private D-Bus started by
/// `dbus-run-session` (INTEGRATIONS.md 3.4). The test binary re-runs itself inside that bus.
final class KeyringTests: XCTestCase {
    func testWorkerInsideKeyringSession() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["CAVIAR_SESSIONS_KEYRING_WORKER"] == "1", let output = env["CAVIAR_SESSIONS_WORKER_OUT"] else { return }
        let configuration = SessionVault.Configuration(usesKeyring: true, environment: env)
        let vault = try SessionVault(configuration: configuration)
        XCTAssertEqual(try vault.keySource(), .keyring)
        XCTAssertEqual(try SessionVault(configuration: configuration).keySource(), .keyring)
        _ = try vault.openSession(named: "k").number(for: bytes("jean@example.fr"), entity: EntityType("EMAIL"))
        XCTAssertEqual(try SessionVault(configuration: configuration).existingSession(named: "k").valueCount, 1)
        let lookup = try Spawn.run("secret-tool", arguments: ["lookup", "service", "caviar", "account", "vault-key"], environment: env, timeout: 5)
        XCTAssertEqual(Data(base64Encoded: String(decoding: lookup.stdout, as: UTF8.self))?.count, 32)
        try "ok".write(toFile: output, atomically: false, encoding: .utf8)
    }

    func testKeyComesFromTheKeyringAndFallsBackToAKeyFile() throws {
        for tool in ["dbus-run-session", "gnome-keyring-daemon", "secret-tool"] {
            try XCTSkipIf(Spawn.which(tool) == nil, "\(tool) not installed (apt-get install gnome-keyring libsecret-tools dbus-x11)")
        }
        let fixture = try VaultFixture(key: nil)
        XCTAssertEqual(mkdir(fixture.root + "/home", 0o700), 0)  // gnome-keyring keeps its keyring under HOME
        var env = fixture.environment
        env["CAVIAR_SESSIONS_KEYRING_WORKER"] = "1"
        env["CAVIAR_SESSIONS_WORKER_OUT"] = fixture.root + "/keyring-out"
        env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
        let script = "printf test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec \"$0\" \"$1\""
        let result = try Spawn.run(
            "dbus-run-session", arguments: ["--", "sh", "-c", script, CommandLine.arguments[0], "CaviarSessionsTests.KeyringTests/testWorkerInsideKeyringSession"],
            environment: env, timeout: 120)
        XCTAssertEqual(result.status, 0, String(decoding: result.stdout.suffix(3000), as: UTF8.self))
        XCTAssertEqual(try String(contentsOfFile: fixture.root + "/keyring-out", encoding: .utf8), "ok")
        XCTAssertNil(try PrivateFile.linkStatus(fixture.stateDirectory + "/vault.key"), "the key went to the keyring, not a file")

        // Without a session bus the keyring is unreachable: caviar falls back to a key file, which
        // cannot open the session written with the keyring's key: a clear error, file untouched.
        var noBus = fixture.environment
        noBus["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent"
        let vault = try SessionVault(configuration: SessionVault.Configuration(usesKeyring: true, environment: noBus))
        XCTAssertEqual(try vault.keySource(), .keyFile(fixture.stateDirectory + "/vault.key"))
        let before = fixture.bytes(of: fixture.stateDirectory + "/k.session")
        XCTAssertThrowsError(try vault.existingSession(named: "k")) { error in
            XCTAssertEqual(error as? VaultError, .wrongKey(path: fixture.stateDirectory + "/k.session"))
        }
        XCTAssertEqual(fixture.bytes(of: fixture.stateDirectory + "/k.session"), before)
    }
}
