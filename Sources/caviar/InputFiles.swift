#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens the inputs of a command: paths, `-` for stdin, stdin when none is given.
enum InputFiles {
    static func open(_ path: String) throws -> Int32 {
        if path == "-" { return 0 }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw CaviarFailure("cannot open \(path): \(String(cString: strerror(errno)))", code: .usage) }
        return fd
    }

    static func each(_ files: [String], _ body: (Int32, String) throws -> Void) throws {
        let list = files.isEmpty ? ["-"] : files
        for path in list {
            let fd = try open(path)
            defer { if fd != 0 { close(fd) } }
            try body(fd, path == "-" ? "<stdin>" : path)
        }
    }
}
