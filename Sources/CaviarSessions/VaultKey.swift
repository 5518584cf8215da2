import CaviarSpawn
import Crypto
import Foundation

/// The 256-bit key that encrypts the vault, and where it came from. Never prompts: caviar runs
/// from hotkeys and mail hooks where nobody can answer.
///
/// Order: `CAVIAR_VAULT_KEY` when set (explicit configuration wins, so a user who sets it is never
/// surprised by an older key file), then the desktop keyring through `secret-tool` (entry
/// `service caviar account vault-key`), then the key file `vault.key` (0600) in the state
/// directory. A new key is stored in the keyring when it is reachable, else in a new key file.
public struct VaultKey: Sendable {
    /// Where a key came from (shown by `caviar session list`; never the key itself).
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        case environment
        case keyring
        case keyFile(String)

        public var description: String {
            switch self {
            case .environment: return "CAVIAR_VAULT_KEY"
            case .keyring: return "desktop keyring (secret-tool, service caviar account vault-key)"
            case .keyFile(let path): return "key file \(path)"
            }
        }
    }

    private let keyBytes: [UInt8]
    /// Where the key came from.
    public let source: Source

    init(key: SymmetricKey, source: Source) {
        self.keyBytes = key.withUnsafeBytes { Array($0) }
        self.source = source
    }

    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// The environment variable holding a base64 key.
    public static let environmentVariable = "CAVIAR_VAULT_KEY"
    static let keyringAttributes = ["service", "caviar", "account", "vault-key"]
    static let keyringTimeout = 3.0

    /// Finds the key, creating one when none exists yet.
    ///
    /// - Parameters:
    ///   - location: where the key file lives (`stateDirectory`).
    ///   - environment: read for `CAVIAR_VAULT_KEY`; also the environment of `secret-tool`.
    ///   - usesKeyring: false skips `secret-tool` entirely (also `CAVIAR_VAULT_KEYRING=off`).
    public static func obtain(location: VaultLocation, environment: [String: String], usesKeyring: Bool = true) throws -> VaultKey {
        if let text = environment[environmentVariable] {
            return VaultKey(key: try decode(text, source: environmentVariable), source: .environment)
        }
        let keyringAllowed = usesKeyring && environment["CAVIAR_VAULT_KEYRING"] != "off"
        let keyFile = location.stateDirectory + "/vault.key"
        if keyringAllowed, case .found(let text) = keyringLookup(environment: environment) {
            return VaultKey(key: try decode(text, source: "the keyring"), source: .keyring)
        }
        try VaultLocation.preparePrivateDirectory(location.stateDirectory)
        if let existing = try readKeyFile(keyFile) { return existing }

        // Creating a key: hold the state directory's lock so two first runs agree on one key.
        let lockPath = location.stateDirectory + "/.key.lock"
        let lockFD = try PrivateFile.openOrCreate(lockPath)
        defer { close(lockFD) }
        try PrivateFile.lockExclusively(lockFD, path: lockPath, timeout: 30)
        if let existing = try readKeyFile(keyFile) { return existing }
        let fresh = PrivateFile.randomBytes(32)
        let text = Data(fresh).base64EncodedString()
        if keyringAllowed {
            switch keyringLookup(environment: environment) {
            case .found(let stored):
                return VaultKey(key: try decode(stored, source: "the keyring"), source: .keyring)
            case .absent:
                if keyringStore(text, environment: environment),
                   case .found(let stored) = keyringLookup(environment: environment), stored == text {
                    return VaultKey(key: SymmetricKey(data: fresh), source: .keyring)
                }
            case .unreachable:
                break
            }
        }
        if try PrivateFile.publishIfAbsent(keyFile, with: Array((text + "\n").utf8)) {
            return VaultKey(key: SymmetricKey(data: fresh), source: .keyFile(keyFile))
        }
        if let existing = try readKeyFile(keyFile) { return existing }
        throw VaultError.badKey(source: "key file \(keyFile)", reason: "could not be created")
    }

    static func decode(_ text: String, source: String) throws -> SymmetricKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed), data.count == 32 else {
            throw VaultError.badKey(source: source, reason: "must be 32 bytes in base64 (make one with: head -c 32 /dev/urandom | base64)")
        }
        return SymmetricKey(data: data)
    }

    static func readKeyFile(_ path: String) throws -> VaultKey? {
        guard let fd = try PrivateFile.openForReading(path) else { return nil }
        defer { close(fd) }
        let status = try PrivateFile.status(of: fd, path: path)
        if !status.isRegularFile {
            throw VaultError.unsafeFile(path: path, problem: "is not a regular file", fix: "move it away")
        }
        try VaultLocation.checkOwnerAndMode(status, path: path, wanted: 0o600)
        let bytes = try PrivateFile.readAll(fd, path: path)
        let key = try decode(String(decoding: bytes, as: UTF8.self), source: "key file \(path)")
        return VaultKey(key: key, source: .keyFile(path))
    }

    enum KeyringAnswer: Equatable {
        case found(String)
        /// The keyring answered and has no entry.
        case absent
        /// No session bus, locked keyring, no secret-tool, timeout.
        case unreachable
    }

    static func keyringLookup(environment: [String: String]) -> KeyringAnswer {
        guard let result = try? Spawn.run(
            "secret-tool", arguments: ["lookup"] + keyringAttributes, environment: environment,
            stdin: nil, stdout: .capture, stderr: .capture, timeout: keyringTimeout)
        else { return .unreachable }
        let text = String(decoding: result.stdout, as: UTF8.self)
        if result.isSuccess, !text.isEmpty { return .found(text) }
        // secret-tool exits 1 with nothing on stderr when the keyring simply has no such entry.
        if result.status == 1, result.stderr.isEmpty, text.isEmpty { return .absent }
        return .unreachable
    }

    static func keyringStore(_ text: String, environment: [String: String]) -> Bool {
        guard let result = try? Spawn.run(
            "secret-tool", arguments: ["store", "--label=caviar vault key"] + keyringAttributes,
            environment: environment, stdin: Array(text.utf8), stdout: .capture, stderr: .capture,
            timeout: keyringTimeout)
        else { return false }
        return result.isSuccess
    }
}
