/// Why a vault operation failed. Messages are lower-case, name the file and say how to fix it;
/// they never contain a recorded value.
public enum VaultError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A vault directory or file is group/world accessible, owned by someone else, or not the
    /// kind of file expected.
    case unsafeFile(path: String, problem: String, fix: String)
    /// A system call failed.
    case io(operation: String, path: String, reason: String)
    /// The disk (or quota) is full: nothing was saved and the previous vault is intact.
    case diskFull(path: String)
    /// The file is not a caviar vault (wrong magic).
    case foreignFile(path: String)
    /// The file is shorter than its header or its authentication tag.
    case truncated(path: String)
    /// The file was written by a newer caviar.
    case unsupportedVersion(path: String, version: Int)
    /// The file was encrypted with another key.
    case wrongKey(path: String)
    /// The file failed authentication or its content does not decode.
    case corrupted(path: String, reason: String)
    /// The vault key could not be obtained or is malformed.
    case badKey(source: String, reason: String)
    /// A session name with characters that cannot be a file name.
    case invalidSessionName(String)
    /// No session of that name.
    case noSuchSession(String)
    /// The session existed but its time to live has passed (it has now been removed).
    case expired(String)
    /// Another caviar process held the vault lock too long.
    case locked(path: String, seconds: Double)
    /// No usable home or XDG directory to keep the vault in.
    case noVaultDirectory(reason: String)

    public var description: String {
        switch self {
        case .unsafeFile(let path, let problem, let fix):
            return "vault: \(path) \(problem); refusing to use it (fix: \(fix))"
        case .io(let operation, let path, let reason):
            return "vault: cannot \(operation) \(path): \(reason)"
        case .diskFull(let path):
            return "vault: no space left while saving \(path); nothing was saved and the previous vault is intact (free some space and retry)"
        case .foreignFile(let path):
            return "vault: \(path) is not a caviar vault file; left untouched (move it away if it does not belong here)"
        case .truncated(let path):
            return "vault: \(path) is truncated; left untouched (restore it from a backup, or remove it with `caviar session forget`)"
        case .unsupportedVersion(let path, let version):
            return "vault: \(path) has format version \(version), which this caviar does not know; left untouched (use a newer caviar)"
        case .wrongKey(let path):
            return "vault: \(path) was encrypted with a different key; left untouched (check CAVIAR_VAULT_KEY, the keyring entry `service caviar account vault-key`, or the key file)"
        case .corrupted(let path, let reason):
            return "vault: \(path) is corrupted (\(reason)); left untouched (remove it with `caviar session forget` if it cannot be recovered)"
        case .badKey(let source, let reason):
            return "vault key from \(source): \(reason)"
        case .invalidSessionName(let name):
            return "invalid session name '\(name)': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        case .noSuchSession(let name):
            return "no session named '\(name)' (see `caviar session list`)"
        case .expired(let name):
            return "session '\(name)' has expired and was removed"
        case .locked(let path, let seconds):
            return "vault: \(path) is still locked by another caviar process after \(Int(seconds)) s"
        case .noVaultDirectory(let reason):
            return "vault: no directory to keep sessions in: \(reason)"
        }
    }
}
