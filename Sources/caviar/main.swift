#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A closed stdout must surface as EPIPE from write(2), which ends the run quietly.
signal(SIGPIPE, SIG_IGN)
// A compiled dictionary is memory-mapped; truncated while caviar reads it, the next access
// raises SIGBUS. Fail closed with a clear message and the runtime-failure status rather than a
// crash: what was written so far was fully processed, nothing more is written.
signal(SIGBUS) { _ in
    let message: StaticString = "caviar: error: bus error: a memory-mapped file (a compiled dictionary) was truncated while in use; nothing more was written\n"
    _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
    _exit(4)
}
umask(0o077)

let invokedAs = CommandLine.arguments.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "caviar"
var arguments = Array(CommandLine.arguments.dropFirst())
if invokedAs == "caviar-sendmail" { arguments.insert("sendmail", at: 0) }
CaviarMain.run(arguments: arguments)
