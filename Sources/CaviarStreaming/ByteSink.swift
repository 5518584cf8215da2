#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where redacted bytes go.
public protocol ByteSink: AnyObject {
    func write(_ bytes: [UInt8]) throws
    /// Called once at the end of a successful run.
    func finish() throws
}

/// The reader of our output went away (`caviar | head -1`): end quietly.
public struct BrokenPipe: Error, Sendable {}

/// An I/O error with the system's message.
public struct IOFailure: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let code: Int32
    public init(_ operation: String, code: Int32) { self.operation = operation; self.code = code }
    public var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// Writes with `write(2)` directly (no stdio buffering: a line that is ready goes out now).
public final class FileDescriptorSink: ByteSink, @unchecked Sendable {
    let fd: Int32
    public init(fd: Int32) { self.fd = fd }

    public func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { p -> Int in
                guard let base = p.baseAddress else { return 0 }
                #if canImport(Glibc)
                return Glibc.write(fd, base + offset, bytes.count - offset)
                #else
                return Darwin.write(fd, base + offset, bytes.count - offset)
                #endif
            }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw BrokenPipe() }
                throw IOFailure("write", code: errno)
            }
            offset += n
        }
    }

    public func finish() throws {}
}

/// Collects bytes in memory (tests, whole-document redaction).
public final class MemorySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ bytes: [UInt8]) throws { self.bytes += bytes }
    public func finish() throws {}
}

/// Holds all output until the end, so that a blocking marking found late still means nothing
/// was written. Keeps up to `memoryLimit` bytes in memory, then spills to an unlinked 0600
/// temporary file (the spilled bytes are already redacted).
///
/// The written arrays are kept as they are, not copied into one buffer (the driver hands over a
/// new array per region), and a spilled file goes to a file-descriptor target with `sendfile`
/// rather than through a buffer: the copies were a fortieth of all redaction time on the bench
/// corpus.
public final class SpoolSink: ByteSink {
    let target: any ByteSink
    let memoryLimit: Int
    var memory: [[UInt8]] = []
    /// Bytes in `memory`.
    var memoryBytes = 0
    var spillFD: Int32 = -1

    public init(target: any ByteSink, memoryLimit: Int = 8 << 20) {
        self.target = target
        self.memoryLimit = memoryLimit
    }

    deinit { if spillFD >= 0 { close(spillFD) } }

    public func write(_ bytes: [UInt8]) throws {
        if bytes.isEmpty { return }
        memory.append(bytes)
        memoryBytes += bytes.count
        if memoryBytes > memoryLimit { try spill() }
    }

    func spill() throws {
        if spillFD < 0 {
            let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
            var template = Array((dir + "/caviar-spool-XXXXXX").utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { p -> Int32 in
                guard let base = p.baseAddress else { return -1 }
                return mkstemp(base)
            }
            if fd < 0 { throw IOFailure("creating a spool file in \(dir)", code: errno) }
            template.withUnsafeBufferPointer { p in if let base = p.baseAddress { _ = unlink(base) } }
            fchmod(fd, 0o600)
            spillFD = fd
        }
        let file = FileDescriptorSink(fd: spillFD)
        for bytes in memory { try file.write(bytes) }
        memory.removeAll(keepingCapacity: true)
        memoryBytes = 0
    }

    public func finish() throws {
        if spillFD >= 0 {
            if lseek(spillFD, 0, SEEK_SET) < 0 { throw IOFailure("rewinding the spool file", code: errno) }
            if !(try sendSpill()) {
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let n = chunk.withUnsafeMutableBytes { read(spillFD, $0.baseAddress, $0.count) }
                    if n < 0 { if errno == EINTR { continue }; throw IOFailure("reading the spool file", code: errno) }
                    if n == 0 { break }
                    try target.write(Array(chunk[0..<n]))
                }
            }
        }
        for bytes in memory { try target.write(bytes) }
        memory = []
        memoryBytes = 0
        try target.finish()
    }

    /// Copies the whole spill file to a file-descriptor target in the kernel; false when the
    /// target is not one, or the system cannot send to it (nothing was sent then).
    func sendSpill() throws -> Bool {
        #if os(Linux)
        guard let out = target as? FileDescriptorSink else { return false }
        var sent = 0
        while true {
            let n = sendfile(out.fd, spillFD, nil, 1 << 30)
            if n > 0 { sent += n; continue }
            if n == 0 { return true }
            if errno == EINTR { continue }
            if errno == EPIPE { throw BrokenPipe() }
            if sent == 0 && (errno == EINVAL || errno == ENOSYS) { return false }
            throw IOFailure("write", code: errno)
        }
        #else
        return false
        #endif
    }
}
