import Foundation
import XCTest

/// Runs the built `caviar` binary (found via $CAVIAR_BIN, else <repo>/.build/debug/caviar).
/// Tests use Foundation.Process here only: the children are caviar itself, which never forks
/// a daemon.
enum CaviarBinary {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var path: String {
        if let env = ProcessInfo.processInfo.environment["CAVIAR_BIN"], !env.isEmpty { return env }
        return repoRoot.appendingPathComponent(".build/debug/caviar").path
    }

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var out: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs caviar with `arguments`, feeding `stdin`; the working directory is the repo root.
    static func run(_ arguments: [String], stdin: Data = Data(), env: [String: String] = [:], executable: String? = nil) throws -> Result {
        let exe = executable ?? path
        guard FileManager.default.isExecutableFile(atPath: exe) else {
            throw XCTSkip("caviar binary not built at \(exe); run `swift build` first or set CAVIAR_BIN")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = arguments
        p.currentDirectoryURL = repoRoot
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = environment["CAVIAR_TEST_CONFIG_HOME"] ?? "/nonexistent-caviar-config"
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = errPipe
        try p.run()
        let writer = Thread {
            inPipe.fileHandleForWriting.write(stdin)
            try? inPipe.fileHandleForWriting.close()
        }
        writer.start()
        var errData = Data()
        let errReader = Thread { errData = errPipe.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while errReader.isExecuting { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: out, stderr: String(decoding: errData, as: UTF8.self))
    }
}
