/// Where the vault lives, following the XDG base directory spec (relative values are ignored).
///
/// Sessions go to `$XDG_RUNTIME_DIR/caviar` (RAM, gone at logout) unless there is no runtime
/// directory or sessions are to be kept, then to `$XDG_STATE_HOME/caviar` (default
/// `~/.local/state/caviar`). The key file, when one is needed, always lives in the state
/// directory so that it survives a logout.
public struct VaultLocation: Sendable, Equatable {
    /// The directory holding session files and the lock file.
    public var directory: String
    /// `$XDG_STATE_HOME/caviar`: where the key file lives.
    public var stateDirectory: String
    /// Whether `directory` survives a logout.
    public var isPersistent: Bool

    public init(directory: String, stateDirectory: String, isPersistent: Bool) {
        self.directory = directory
        self.stateDirectory = stateDirectory
        self.isPersistent = isPersistent
    }

    /// Resolves the vault location from environment variables.
    ///
    /// - Parameters:
    ///   - environment: the process environment (`XDG_RUNTIME_DIR`, `XDG_STATE_HOME`, `HOME`,
    ///     and `CAVIAR_VAULT_DIR`, which overrides both directories when absolute).
    ///   - keepsSessions: use the persistent state directory even when a runtime directory exists.
    public static func resolve(environment: [String: String], keepsSessions: Bool = false) throws -> VaultLocation {
        func absolute(_ key: String) -> String? {
            guard let value = environment[key], value.hasPrefix("/") else { return nil }
            return value
        }
        if let explicit = absolute("CAVIAR_VAULT_DIR") {
            return VaultLocation(directory: explicit, stateDirectory: explicit, isPersistent: true)
        }
        let stateHome: String
        if let state = absolute("XDG_STATE_HOME") {
            stateHome = state
        } else if let home = absolute("HOME") {
            stateHome = home + "/.local/state"
        } else {
            throw VaultError.noVaultDirectory(reason: "neither XDG_STATE_HOME nor HOME is an absolute path (set one of them, or CAVIAR_VAULT_DIR)")
        }
        let state = stateHome + "/caviar"
        if !keepsSessions, let runtime = absolute("XDG_RUNTIME_DIR"),
           let status = try? PrivateFile.linkStatus(runtime), status.isDirectory {
            return VaultLocation(directory: runtime + "/caviar", stateDirectory: state, isPersistent: false)
        }
        return VaultLocation(directory: state, stateDirectory: state, isPersistent: true)
    }

    /// Creates `path` 0700 if missing, then refuses it unless it is a real directory owned by
    /// the current user with no group or world permissions.
    static func preparePrivateDirectory(_ path: String) throws {
        try PrivateFile.makePrivateDirectory(path)
        guard let status = try PrivateFile.linkStatus(path) else {
            throw VaultError.io(operation: "create directory", path: path, reason: "it vanished")
        }
        if status.isSymbolicLink {
            throw VaultError.unsafeFile(path: path, problem: "is a symbolic link", fix: "replace it with a real directory: rm '\(path)' && mkdir -m 700 '\(path)'")
        }
        if !status.isDirectory {
            throw VaultError.unsafeFile(path: path, problem: "is not a directory", fix: "move it away")
        }
        try checkOwnerAndMode(status, path: path, wanted: 0o700)
    }

    /// Refuses a file or directory owned by another user or accessible by group or others.
    static func checkOwnerAndMode(_ status: PrivateFile.Status, path: String, wanted: UInt32) throws {
        if status.owner != PrivateFile.currentUser {
            throw VaultError.unsafeFile(
                path: path, problem: "is owned by uid \(status.owner), not by you (uid \(PrivateFile.currentUser))",
                fix: "chown \(PrivateFile.currentUser) '\(path)'")
        }
        if status.mode & 0o077 != 0 {
            throw VaultError.unsafeFile(
                path: path, problem: "has mode \(String(status.mode, radix: 8)), readable or writable by other users",
                fix: "chmod \(String(wanted, radix: 8)) '\(path)'")
        }
    }
}
