#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every C call of the vault goes through this file: private directories and files created with
/// their final mode from the first byte, atomic replacement, fsync, `flock`.
///
/// Why not Foundation: on Linux `FileManager.createFile(…, attributes: [.posixPermissions: 0o600])`
/// writes the content with mode 0644 and chmods afterwards, and `createDirectory` does the same
/// (INTEGRATIONS.md 3.2). Here files are created with `open(O_CREAT|O_EXCL|O_NOFOLLOW, 0600)`
/// under umask 077.
enum PrivateFile {
    /// What `lstat`/`fstat` said about a path.
    struct Status {
        var mode: UInt32
        var owner: UInt32
        var isDirectory: Bool
        var isRegularFile: Bool
        var isSymbolicLink: Bool
        var size: Int
        var device: UInt64
        var inode: UInt64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int

        /// Identifies one version of a file: a rename-replace always changes the inode.
        var version: [Int] { [Int(truncatingIfNeeded: device), Int(truncatingIfNeeded: inode), size, modifiedSeconds, modifiedNanoseconds] }
    }

    static var currentUser: UInt32 { UInt32(geteuid()) }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func status(_ raw: stat) -> Status {
        let type = UInt32(raw.st_mode) & UInt32(S_IFMT)
        #if canImport(Darwin)
        let seconds = Int(raw.st_mtimespec.tv_sec), nanos = Int(raw.st_mtimespec.tv_nsec)
        #else
        let seconds = Int(raw.st_mtim.tv_sec), nanos = Int(raw.st_mtim.tv_nsec)
        #endif
        return Status(
            mode: UInt32(raw.st_mode) & 0o7777, owner: UInt32(raw.st_uid),
            isDirectory: type == UInt32(S_IFDIR), isRegularFile: type == UInt32(S_IFREG),
            isSymbolicLink: type == UInt32(S_IFLNK), size: Int(raw.st_size),
            device: UInt64(raw.st_dev), inode: UInt64(raw.st_ino),
            modifiedSeconds: seconds, modifiedNanoseconds: nanos)
    }

    /// `lstat(2)`; nil when the path does not exist.
    static func linkStatus(_ path: String) throws -> Status? {
        var raw = stat()
        if lstat(path, &raw) != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw VaultError.io(operation: "stat", path: path, reason: errorText(code))
        }
        return status(raw)
    }

    /// `fstat(2)` of an open descriptor.
    static func status(of fd: Int32, path: String) throws -> Status {
        var raw = stat()
        if fstat(fd, &raw) != 0 {
            throw VaultError.io(operation: "stat", path: path, reason: errorText(errno))
        }
        return status(raw)
    }

    /// Runs `body` with the process umask set to 077, so nothing created inside is ever readable
    /// by others even for an instant.
    static func withPrivateUmask<T>(_ body: () throws -> T) rethrows -> T {
        let previous = umask(0o077)
        defer { umask(previous) }
        return try body()
    }

    /// Creates `path` as a directory with mode 0700 (parents 0700 too when missing); returns
    /// whether it created the last component.
    @discardableResult
    static func makePrivateDirectory(_ path: String) throws -> Bool {
        try withPrivateUmask {
            if try linkStatus(path) != nil { return false }
            let parent = parentDirectory(of: path)
            if parent != path, try linkStatus(parent) == nil { try makePrivateDirectory(parent) }
            if mkdir(path, 0o700) != 0 {
                let code = errno
                if code == EEXIST { return false }
                throw VaultError.io(operation: "create directory", path: path, reason: errorText(code))
            }
            return true
        }
    }

    static func parentDirectory(of path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == 0 { return "/" }
        return String(decoding: bytes[..<slash], as: UTF8.self)
    }

    /// Opens an existing file for reading without following a symbolic link; nil when missing.
    static func openForReading(_ path: String) throws -> Int32? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            if code == ELOOP {
                throw VaultError.unsafeFile(path: path, problem: "is a symbolic link", fix: "rm '\(path)'")
            }
            throw VaultError.io(operation: "open", path: path, reason: errorText(code))
        }
        return fd
    }

    /// Opens (creating 0600 when missing) a file for locking or appending.
    static func openOrCreate(_ path: String) throws -> Int32 {
        try withPrivateUmask {
            let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 {
                throw VaultError.io(operation: "open", path: path, reason: errorText(errno))
            }
            return fd
        }
    }

    /// Creates a new file, mode 0600 from its first byte; fails if it exists.
    static func createExclusive(_ path: String) throws -> Int32 {
        try withPrivateUmask {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 {
                throw VaultError.io(operation: "create", path: path, reason: errorText(errno))
            }
            return fd
        }
    }

    static func readAll(_ fd: Int32, path: String) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw VaultError.io(operation: "read", path: path, reason: errorText(errno))
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == ENOSPC || code == EDQUOT || code == EFBIG { throw VaultError.diskFull(path: path) }
                throw VaultError.io(operation: "write", path: path, reason: errorText(code))
            }
            offset += count
        }
    }

    static func sync(_ fd: Int32, path: String) throws {
        if fsync(fd) != 0 {
            let code = errno
            if code == ENOSPC || code == EDQUOT { throw VaultError.diskFull(path: path) }
            // Directories on some file systems refuse fsync; that is not a failure to save.
            if code == EINVAL || code == EROFS { return }
            throw VaultError.io(operation: "fsync", path: path, reason: errorText(code))
        }
    }

    /// Writes `bytes` to `path` atomically: a private temporary file in the same directory,
    /// fsync, rename over the old file, fsync the directory. A crash at any point leaves either
    /// the old or the new file, never a mix; on error the old file is untouched.
    static func replaceAtomically(_ path: String, with bytes: [UInt8]) throws {
        let directory = parentDirectory(of: path)
        let name = String(path.utf8.split(separator: UInt8(ascii: "/")).last.map { String(decoding: $0, as: UTF8.self) } ?? "vault")
        var random: UInt64 = 0
        withUnsafeMutableBytes(of: &random) { fillRandom($0) }
        let temporary = "\(directory)/.\(name).tmp-\(getpid())-\(String(random, radix: 36))"
        let fd = try createExclusive(temporary)
        var isPublished = false
        defer { if !isPublished { unlink(temporary) } }
        do {
            try writeAll(fd, bytes, path: path)
            try sync(fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        if close(fd) != 0 {
            let code = errno
            if code == ENOSPC || code == EDQUOT { throw VaultError.diskFull(path: path) }
            throw VaultError.io(operation: "close", path: temporary, reason: errorText(code))
        }
        if rename(temporary, path) != 0 {
            throw VaultError.io(operation: "rename", path: path, reason: errorText(errno))
        }
        isPublished = true
        try syncDirectory(directory)
    }

    /// Publishes a new file only if `path` does not exist yet (`link(2)` never overwrites);
    /// returns false when another process was first.
    static func publishIfAbsent(_ path: String, with bytes: [UInt8]) throws -> Bool {
        let directory = parentDirectory(of: path)
        var random: UInt64 = 0
        withUnsafeMutableBytes(of: &random) { fillRandom($0) }
        let temporary = "\(directory)/.new-\(getpid())-\(String(random, radix: 36))"
        let fd = try createExclusive(temporary)
        defer { unlink(temporary) }
        do {
            try writeAll(fd, bytes, path: path)
            try sync(fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        if link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST { return false }
            throw VaultError.io(operation: "link", path: path, reason: errorText(code))
        }
        try syncDirectory(directory)
        return true
    }

    static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw VaultError.io(operation: "open", path: directory, reason: errorText(errno)) }
        defer { close(fd) }
        try sync(fd, path: directory)
    }

    /// Removes a file; returns false when it did not exist.
    @discardableResult
    static func remove(_ path: String) throws -> Bool {
        if unlink(path) != 0 {
            let code = errno
            if code == ENOENT { return false }
            throw VaultError.io(operation: "remove", path: path, reason: errorText(code))
        }
        return true
    }

    /// The names in a directory, without `.` and `..`, sorted.
    static func names(in directory: String) throws -> [String] {
        guard let handle = opendir(directory) else {
            throw VaultError.io(operation: "list", path: directory, reason: errorText(errno))
        }
        defer { closedir(handle) }
        var result: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { result.append(name) }
        }
        return result.sorted()
    }

    /// Takes an exclusive `flock` on `fd`, polling so that a stuck holder turns into an error
    /// after `timeout` seconds instead of a hang.
    static func lockExclusively(_ fd: Int32, path: String, timeout: Double) throws {
        var waited = 0.0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code != EWOULDBLOCK {
                throw VaultError.io(operation: "lock", path: path, reason: errorText(code))
            }
            if waited >= timeout { throw VaultError.locked(path: path, seconds: timeout) }
            usleep(2000)
            waited += 0.002
        }
    }

    static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        var generator = SystemRandomNumberGenerator()
        for index in buffer.indices { buffer[index] = UInt8.random(in: 0...255, using: &generator) }
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
