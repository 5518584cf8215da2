#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a whole input and writing diagnostics with read(2)/write(2) (no `print`).
public enum StandardStreams {
    /// Reads `fd` to EOF. Throws `MailError` on a read error or when the input exceeds `limit`.
    public static func readAll(fd: Int32 = 0, limit: Int = MailLimits().maxMessageSize) throws(MailError) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw MailError(.malformed, "cannot read the message: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
            if out.count > limit { throw MailError(.limit, "message is over the limit of \(limit) bytes") }
        }
    }

    /// Reads a whole file.
    public static func readFile(_ path: String) throws(MailError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MailError(.malformed, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        return try readAll(fd: fd)
    }

    /// Writes all of `bytes` to `fd`; returns false on an error (a closed pipe included).
    @discardableResult
    public static func write(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Writes `line` and a newline to stderr.
    public static func error(_ line: String) {
        write(Array((line + "\n").utf8), to: 2)
    }
}
