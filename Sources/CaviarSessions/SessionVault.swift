import CaviarSpawn
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The encrypted store of sessions: one file per session (`<name>.session`), a lock file, and
/// the key (see `VaultKey`).
///
/// Every load-modify-save runs under an exclusive `flock` on `<directory>/.lock`, so concurrent
/// caviar processes never lose a mapping nor hand out a number twice. Saves are atomic (temporary
/// file, fsync, rename, fsync of the directory): a crash or `kill -9` leaves the previous file.
/// A file that cannot be read (foreign, truncated, wrong key, corrupted) is reported and never
/// overwritten.
///
/// Not thread-safe: use one vault (and its sessions) per thread.
public final class SessionVault {
    /// How the vault behaves.
    public struct Configuration: Sendable {
        /// Seconds a session lives after its last change (default 24 h).
        public var timeToLive: Double
        /// Keep sessions in the persistent state directory even when a runtime directory exists.
        public var keepsSessions: Bool
        /// Look the key up in the desktop keyring with `secret-tool`.
        public var usesKeyring: Bool
        /// Environment: XDG directories, `CAVIAR_VAULT_KEY`, `CAVIAR_VAULT_DIR`, and the
        /// environment of `secret-tool`.
        public var environment: [String: String]
        /// Seconds to wait for another process's lock before failing.
        public var lockTimeout: Double
        /// The clock, in seconds since 1970 (tests move it to check expiry).
        public var now: @Sendable () -> Double

        public init(
            timeToLive: Double = 24 * 3600, keepsSessions: Bool = false, usesKeyring: Bool = true,
            environment: [String: String] = Spawn.currentEnvironment(), lockTimeout: Double = 30,
            now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
        ) {
            self.timeToLive = timeToLive
            self.keepsSessions = keepsSessions
            self.usesKeyring = usesKeyring
            self.environment = environment
            self.lockTimeout = lockTimeout
            self.now = now
        }
    }

    /// What `list()` shows for one session (no values).
    public struct Summary: Sendable, Equatable {
        public var name: String
        public var createdAt: Double
        public var updatedAt: Double
        public var expiresAt: Double
        public var isExpired: Bool
        /// Recorded values, per entity name.
        public var counts: [String: Int]
        /// Set when the file cannot be read (wrong key, corrupted…): the error message.
        public var problem: String?
    }

    public let configuration: Configuration
    public let location: VaultLocation
    private var cachedKey: VaultKey?
    private var lockDepth = 0
    private var lockFD: Int32 = -1

    /// Resolves the vault directory and makes sure it exists with mode 0700, refusing it when it
    /// is group/world accessible or owned by another user.
    public init(configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        self.location = try VaultLocation.resolve(environment: configuration.environment, keepsSessions: configuration.keepsSessions)
        try VaultLocation.preparePrivateDirectory(location.directory)
    }

    /// The session name for `date` in the form `2026-11-29` (local time): the per-day default.
    public static func dailySessionName(for date: Date = Date(), timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day))"
    }

    /// The session to use when none is named: `CAVIAR_SESSION` from the environment (the value
    /// `daily` means today's date), else nil (redaction keeps nothing).
    public static func defaultSessionName(environment: [String: String], now: Date = Date()) -> String? {
        guard let value = environment["CAVIAR_SESSION"], !value.isEmpty else { return nil }
        return value == "daily" ? dailySessionName(for: now) : value
    }

    /// Checks a session name: 1 to 64 of `[A-Za-z0-9._-]`, starting with a letter or digit.
    public static func validate(sessionName name: String) throws {
        let bytes = Array(name.utf8)
        func isAlnum(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
        guard let first = bytes.first, bytes.count <= 64, isAlnum(first),
              bytes.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") })
        else { throw VaultError.invalidSessionName(name) }
    }

    /// Where the key comes from (obtaining or creating it if needed).
    public func keySource() throws -> VaultKey.Source { try key().source }

    func key() throws -> VaultKey {
        if let cachedKey { return cachedKey }
        let key = try VaultKey.obtain(location: location, environment: configuration.environment, usesKeyring: configuration.usesKeyring)
        cachedKey = key
        return key
    }

    func path(of name: String) -> String { "\(location.directory)/\(name).session" }

    // MARK: Opening sessions

    /// Opens the session `name` for redaction, creating it if it does not exist; an expired
    /// session is removed and started afresh. Nothing is written until the first new mapping.
    public func openSession(named name: String) throws -> Session {
        try Self.validate(sessionName: name)
        return try withLock {
            let now = configuration.now()
            if let (state, version) = try load(name) {
                if state.record.expiresAt() > now {
                    return Session(name: name, vault: self, state: state, version: version)
                }
                try PrivateFile.remove(path(of: name))
            }
            return Session(name: name, vault: self, state: .fresh(name: name, now: now, timeToLive: configuration.timeToLive), version: nil)
        }
    }

    /// Opens an existing session (for restore and inspection).
    /// - Throws: `VaultError.noSuchSession`, `.expired` (the session is then removed), or a
    ///   vault error when its file cannot be read.
    public func existingSession(named name: String) throws -> Session {
        try Self.validate(sessionName: name)
        return try withLock {
            guard let (state, version) = try load(name) else { throw VaultError.noSuchSession(name) }
            if state.record.expiresAt() <= configuration.now() {
                try PrivateFile.remove(path(of: name))
                throw VaultError.expired(name)
            }
            return Session(name: name, vault: self, state: state, version: version)
        }
    }

    // MARK: Inspection and removal

    /// All sessions, sorted by name; unreadable files are listed with their problem.
    public func list() throws -> [Summary] {
        let now = configuration.now()
        return try withLock {
            try sessionNames().map { name in
                do {
                    guard let (state, _) = try load(name) else {
                        return Summary(name: name, createdAt: 0, updatedAt: 0, expiresAt: 0, isExpired: false, counts: [:], problem: "vanished")
                    }
                    let record = state.record
                    return Summary(
                        name: name, createdAt: record.createdAt, updatedAt: record.updatedAt,
                        expiresAt: record.expiresAt(), isExpired: record.expiresAt() <= now,
                        counts: record.entities.mapValues { $0.entries.filter { $0.lit != true }.count }.filter { $0.value > 0 },
                        problem: nil)
                } catch {
                    return Summary(name: name, createdAt: 0, updatedAt: 0, expiresAt: 0, isExpired: false, counts: [:], problem: "\(error)")
                }
            }
        }
    }

    /// Deletes one session; returns false when it did not exist.
    @discardableResult
    public func forget(named name: String) throws -> Bool {
        try Self.validate(sessionName: name)
        return try withLock {
            let removed = try PrivateFile.remove(path(of: name))
            if removed { try PrivateFile.syncDirectory(location.directory) }
            return removed
        }
    }

    /// Deletes every session (or only the expired ones) and leftover temporary files; returns
    /// how many sessions were removed. With `onlyExpired`, unreadable files are kept.
    @discardableResult
    public func purge(onlyExpired: Bool = false) throws -> Int {
        let now = configuration.now()
        return try withLock {
            var removed = 0
            for name in try sessionNames() {
                if onlyExpired {
                    guard let (state, _) = try? load(name), state.record.expiresAt() <= now else { continue }
                }
                if try PrivateFile.remove(path(of: name)) { removed += 1 }
            }
            if !onlyExpired {
                for name in try PrivateFile.names(in: location.directory) where name.hasPrefix(".") && name.contains(".tmp-") {
                    try PrivateFile.remove("\(location.directory)/\(name)")
                }
            }
            try PrivateFile.syncDirectory(location.directory)
            return removed
        }
    }

    func sessionNames() throws -> [String] {
        try PrivateFile.names(in: location.directory).compactMap { file in
            guard !file.hasPrefix("."), file.hasSuffix(".session") else { return nil }
            return String(file.dropLast(".session".count))
        }
    }

    // MARK: Restore

    /// A restorer for `name`'s answers. A missing or expired session gives a restorer that
    /// resolves nothing and reports every placeholder with that reason; other sessions that hold
    /// an unresolved number are named in the report ("wrong session?").
    public func restorer(forSession name: String, strictness: Restorer.Options = Restorer.Options()) throws -> Restorer {
        try Self.validate(sessionName: name)
        var availability = Restorer.Availability.available
        var mappings = SessionMappings(sessionName: name, mappings: [])
        do {
            mappings = try existingSession(named: name).mappings
        } catch VaultError.noSuchSession {
            availability = .missing
        } catch VaultError.expired {
            availability = .expired
        }
        var others: [SessionMappings] = []
        for other in try sessionNames() where other != name {
            if let session = try? existingSession(named: other) { others.append(session.mappings) }
        }
        return Restorer(mappings: mappings, availability: availability, otherSessions: others, options: strictness)
    }

    // MARK: Locking, loading, saving

    /// Runs `body` holding the vault's exclusive lock (re-entrant within this vault object).
    func withLock<T>(_ body: () throws -> T) throws -> T {
        if lockDepth > 0 {
            lockDepth += 1
            defer { lockDepth -= 1 }
            return try body()
        }
        let lockPath = location.directory + "/.lock"
        let fd = try PrivateFile.openOrCreate(lockPath)
        defer { close(fd) }
        let status = try PrivateFile.status(of: fd, path: lockPath)
        try VaultLocation.checkOwnerAndMode(status, path: lockPath, wanted: 0o600)
        try PrivateFile.lockExclusively(fd, path: lockPath, timeout: configuration.lockTimeout)
        lockFD = fd
        lockDepth = 1
        defer { lockDepth = 0; lockFD = -1 }
        return try body()
    }

    /// The version (inode, size, mtime) of a session file, or nil when it does not exist.
    func fileVersion(_ name: String) throws -> [Int]? {
        try PrivateFile.linkStatus(path(of: name))?.version
    }

    /// Reads and decrypts a session file; nil when it does not exist.
    func load(_ name: String) throws -> (SessionState, [Int])? {
        let filePath = path(of: name)
        guard let fd = try PrivateFile.openForReading(filePath) else { return nil }
        defer { close(fd) }
        let status = try PrivateFile.status(of: fd, path: filePath)
        if !status.isRegularFile {
            throw VaultError.unsafeFile(path: filePath, problem: "is not a regular file", fix: "move it away")
        }
        try VaultLocation.checkOwnerAndMode(status, path: filePath, wanted: 0o600)
        let bytes = try PrivateFile.readAll(fd, path: filePath)
        let plaintext = try VaultCipher.open(bytes, key: try key().key, context: "session:\(name)", path: filePath)
        let record: SessionRecord
        do {
            record = try JSONDecoder().decode(SessionRecord.self, from: Data(plaintext))
        } catch {
            throw VaultError.corrupted(path: filePath, reason: "its content does not decode")
        }
        if record.format != 1 { throw VaultError.unsupportedVersion(path: filePath, version: record.format) }
        if record.name != name { throw VaultError.corrupted(path: filePath, reason: "it belongs to session '\(record.name)'") }
        return (SessionState(record: record), status.version)
    }

    /// Encrypts and atomically replaces a session file; returns the new file version.
    func save(_ state: SessionState) throws -> [Int] {
        let name = state.record.name
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let plaintext: Data
        do {
            plaintext = try encoder.encode(state.record)
        } catch {
            throw VaultError.io(operation: "encode", path: path(of: name), reason: "\(error)")
        }
        let sealed = try VaultCipher.seal(Array(plaintext), key: try key().key, context: "session:\(name)")
        try PrivateFile.replaceAtomically(path(of: name), with: sealed)
        guard let version = try fileVersion(name) else {
            throw VaultError.io(operation: "save", path: path(of: name), reason: "the file vanished after rename")
        }
        return version
    }
}
