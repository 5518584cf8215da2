import CaviarCore
import CaviarSpawn
import Foundation
import XCTest
@testable import CaviarSessions

#if canImport(Glibc)
import Glibc
#endif

/// A throw-away vault under a fresh temporary directory, with a clock the test can move.
final class VaultFixture {
    let root: String
    let clock = TestClock()
    var environment: [String: String]

    init(key: String? = VaultFixture.randomKey()) throws {
        var template = Array("/tmp/caviar-sessions-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw VaultError.io(operation: "mkdtemp", path: "/tmp", reason: "failed") }
        root = String(cString: made)
        environment = ["HOME": root + "/home", "XDG_STATE_HOME": root + "/state", "PATH": "/usr/bin:/bin"]
        if let key { environment["CAVIAR_VAULT_KEY"] = key }
    }

    deinit { _ = try? Spawn.run("rm", arguments: ["-rf", root], timeout: 30) }

    static func randomKey() -> String { Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() }

    var stateDirectory: String { root + "/state/caviar" }

    func configuration(ttl: Double = 24 * 3600) -> SessionVault.Configuration {
        let clock = self.clock
        return SessionVault.Configuration(
            timeToLive: ttl, keepsSessions: false, usesKeyring: false, environment: environment,
            lockTimeout: 60, now: { clock.now })
    }

    func vault(ttl: Double = 24 * 3600) throws -> SessionVault { try SessionVault(configuration: configuration(ttl: ttl)) }

    func mode(of path: String) -> UInt32 {
        var raw = stat()
        XCTAssertEqual(lstat(path, &raw), 0, "stat \(path)")
        return UInt32(raw.st_mode) & 0o7777
    }

    func bytes(of path: String) -> [UInt8] { (try? Array(Data(contentsOf: URL(fileURLWithPath: path)))) ?? [] }
}

final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double = Date().timeIntervalSince1970
    var now: Double {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
