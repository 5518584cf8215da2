#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A closed stdout must surface as EPIPE from write(2), which ends the run quietly.
signal(SIGPIPE, SIG_IGN)
umask(0o077)

let invokedAs = CommandLine.arguments.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "caviar"
var arguments = Array(CommandLine.arguments.dropFirst())
if invokedAs == "caviar-sendmail" { arguments.insert("sendmail", at: 0) }
CaviarMain.run(arguments: arguments)
