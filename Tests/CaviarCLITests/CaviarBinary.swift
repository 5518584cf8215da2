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
        // stdin and stderr go through temporary files, so no second thread is needed.
        let tmp = FileManager.default.temporaryDirectory
        let inFile = tmp.appendingPathComponent("caviar-in-\(UUID().uuidString)")
        let errFile = tmp.appendingPathComponent("caviar-err-\(UUID().uuidString)")
        try stdin.write(to: inFile)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: inFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        let outPipe = Pipe()
        p.standardInput = try FileHandle(forReadingFrom: inFile)
        p.standardOutput = outPipe
        p.standardError = try FileHandle(forWritingTo: errFile)
        try p.run()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let errData = (try? Data(contentsOf: errFile)) ?? Data()
        return Result(status: p.terminationStatus, stdout: out, stderr: String(decoding: errData, as: UTF8.self))
    }
}
