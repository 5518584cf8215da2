import ArgumentParser
import CaviarCore
import CaviarDetection
import CaviarPacks
import CaviarPCRE
import CaviarStreaming
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The root command. Without a subcommand, `caviar` redacts stdin to stdout.
struct Caviar: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caviar",
        abstract: "Black out personal, secret and institutional data in text, locally and offline.",
        discussion: """
        caviar reads text, replaces every sensitive span with a placeholder such as [EMAIL_1], \
        and writes everything else byte for byte unchanged. Nothing leaves the machine.

        EXAMPLES
          pbpaste | caviar | pbcopy              redact the clipboard through a pipe
          caviar redact notes.txt > safe.txt     redact a file
          caviar scan --json mail.eml            list findings (values masked)
          caviar check draft.txt && echo clean   exit 0 when nothing is found, 1 otherwise
          caviar patterns test                   run every example of every pack

        EXIT CODES
          0 success   1 findings (check, scan --fail)   2 usage or configuration error
          3 refused by policy (classification marking)  4 runtime failure
        """,
        version: CaviarMain.version,
        subcommands: CaviarMain.subcommands,
        defaultSubcommand: RedactCommand.self)
}

enum CaviarMain {
    /// `caviar --version`: the release and the PCRE2 library it runs on.
    static var version: String { "caviar 0.1.0 (PCRE2 \(PCRE2Library.version))" }

    static var subcommands: [ParsableCommand.Type] {
        [RedactCommand.self, ScanCommand.self, CheckCommand.self, PatternsCommand.self] + extraSubcommands
    }

    static func run(arguments: [String]) -> Never {
        do {
            // The common case, `caviar < in > out`, is `redact` with every default: it skips the
            // argument parser, whose reflection over the option types cost ~3 ms of a 1 KB run.
            if arguments.isEmpty {
                try RedactRun().run()
                exit(0)
            }
            // Likewise the clipboard hotkeys: `caviar clip`, `caviar clip --restore` and a few
            // plain flags (anything else, `--help` included, goes through the parser).
            if arguments.first == "clip", let clip = ClipRun.fastArguments(Array(arguments.dropFirst())) {
                try clip.run()
                exit(0)
            }
            var command = try Caviar.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch let e as ExitCode {
            exit(e.rawValue)
        } catch let e as CleanExit {
            Caviar.exit(withError: e)
        } catch let e as CaviarFailure {
            Diagnostics.error(e.message)
            exit(e.code.rawValue)
        } catch let e as PackError {
            Diagnostics.error(e.description)
            exit(CaviarExit.usage.rawValue)
        } catch let e as PolicyRefusal {
            Diagnostics.error("\(e.description); nothing was written")
            exit(CaviarExit.refused.rawValue)
        } catch is BrokenPipe {
            exit(0)
        } catch let e as DetectorFailure {
            Diagnostics.error(e.description)
            exit(CaviarExit.failure.rawValue)
        } catch {
            if Caviar.exitCode(for: error) == .success { Caviar.exit(withError: error) }
            if isArgumentParserError(error) {
                Diagnostics.write(Caviar.fullMessage(for: error) + "\n")
                exit(CaviarExit.usage.rawValue)
            }
            Diagnostics.error("\(error)")
            exit(CaviarExit.failure.rawValue)
        }
    }

    /// Objects the process exits with instead of freeing: tearing down the detection engine
    /// (hundreds of detectors, compiled patterns, prefilter tables) cost ~1 ms per run, for
    /// memory the exit returns anyway. Holds nothing that must be flushed or saved.
    nonisolated(unsafe) private static var keptUntilExit: [AnyObject] = []

    static func keepUntilExit(_ object: AnyObject) { keptUntilExit.append(object) }

    static func isArgumentParserError(_ error: Error) -> Bool {
        let name = String(reflecting: type(of: error))
        return name.contains("ArgumentParser") || error is ValidationError
    }
}

/// An error with a chosen exit code and a message for the user.
struct CaviarFailure: Error {
    let message: String
    let code: CaviarExit
    init(_ message: String, code: CaviarExit = .failure) {
        self.message = message
        self.code = code
    }
}

/// Messages on stderr, written with write(2).
enum Diagnostics {
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { p in
                #if canImport(Glibc)
                Glibc.write(2, p.baseAddress.map { $0 + offset }, bytes.count - offset)
                #else
                Darwin.write(2, p.baseAddress.map { $0 + offset }, bytes.count - offset)
                #endif
            }
            if n <= 0 { return }
            offset += n
        }
    }

    static func error(_ message: String) { write("caviar: error: \(message)\n") }
    static func warning(_ message: String) { write("caviar: warning: \(message)\n") }
    static func note(_ message: String) { write("caviar: \(message)\n") }
}

/// Standard output, unbuffered.
enum StandardOutput {
    static let sink = FileDescriptorSink(fd: 1)
    static func write(_ text: String) throws { try sink.write(Array(text.utf8)) }
}
