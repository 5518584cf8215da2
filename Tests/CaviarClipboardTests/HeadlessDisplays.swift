import XCTest
import CaviarSpawn
#if canImport(Glibc)
import Glibc
#endif

/// A private Xvfb server on a free display, started by PID and killed by PID.
final class XvfbServer {
    let display: String
    let pid: Int32

    private init(display: String, pid: Int32) {
        self.display = display
        self.pid = pid
    }

    /// Starts Xvfb, or throws XCTSkip when Xvfb or the X11 clipboard tools are missing.
    static func start(requiring tools: [String] = ["xclip"]) throws -> XvfbServer {
        guard Spawn.which("Xvfb") != nil else { throw XCTSkip("Xvfb is not installed (apt-get install xvfb)") }
        for tool in tools where Spawn.which(tool) == nil {
            throw XCTSkip("\(tool) is not installed (apt-get install \(tool))")
        }
        // Start from a number derived from our pid so parallel test processes rarely collide.
        let base = 200 + Int(getpid() % 300)
        for number in base..<(base + 40) {
            if access("/tmp/.X\(number)-lock", F_OK) == 0 || access("/tmp/.X11-unix/X\(number)", F_OK) == 0 { continue }
            let pid = try Spawn.detach(
                "Xvfb", arguments: [":\(number)", "-screen", "0", "640x480x24", "-nolisten", "tcp", "-noreset"])
            for _ in 0..<100 {
                if access("/tmp/.X11-unix/X\(number)", F_OK) == 0 { return XvfbServer(display: ":\(number)", pid: pid) }
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { break }   // lost the race for this number
                usleep(50_000)
            }
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        throw XCTSkip("could not start Xvfb on any display")
    }

    /// The caller's environment pointed at this display only (no Wayland).
    var environment: [String: String] {
        var result = Spawn.currentEnvironment()
        result["DISPLAY"] = display
        result["WAYLAND_DISPLAY"] = nil
        return result
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

/// sway with the headless wlroots backend. sway refuses to run as root, so as root it runs as a
/// throwaway system user (INTEGRATIONS.md 1.3); root clients can still use its socket.
final class SwayServer {
    let runtimeDirectory: String
    let socketName: String
    let pid: Int32
    private let createdUser: String?

    private init(runtimeDirectory: String, socketName: String, pid: Int32, createdUser: String?) {
        self.runtimeDirectory = runtimeDirectory
        self.socketName = socketName
        self.pid = pid
        self.createdUser = createdUser
    }

    static let userName = "caviar-wltest"

    static func start() throws -> SwayServer {
        for tool in ["sway", "wl-copy", "wl-paste"] where Spawn.which(tool) == nil {
            throw XCTSkip("\(tool) is not installed (apt-get install sway wl-clipboard); Wayland tests skipped")
        }
        let template = NSTemporaryDirectory() + "caviar-wl.XXXXXX"
        var templateBytes = Array(template.utf8CString)
        guard mkdtemp(&templateBytes) != nil else { throw XCTSkip("mkdtemp failed") }
        let runtime = String(cString: templateBytes)
        var createdUser: String?
        var command: [String] = []
        if geteuid() == 0 {
            if getpwnam(userName) == nil {
                let made = try Spawn.run("useradd", arguments: ["-r", "-M", "-s", "/usr/sbin/nologin", userName], timeout: 20)
                guard made.isSuccess else { throw XCTSkip("useradd \(userName) failed: \(made.stderrText)") }
                createdUser = userName
            }
            guard let user = getpwnam(userName) else { throw XCTSkip("no user \(userName)") }
            chown(runtime, user.pointee.pw_uid, user.pointee.pw_gid)
            guard Spawn.which("setpriv") != nil else { throw XCTSkip("setpriv (util-linux) is missing") }
            command = ["setpriv", "--reuid=\(user.pointee.pw_uid)", "--regid=\(user.pointee.pw_gid)", "--clear-groups", "--"]
        }
        chmod(runtime, 0o700)
        command += ["env", "-i", "PATH=/usr/bin:/bin", "XDG_RUNTIME_DIR=\(runtime)", "WLR_BACKENDS=headless",
                    "WLR_LIBINPUT_NO_DEVICES=1", "WLR_RENDERER=pixman", "sway", "-c", "/dev/null"]
        let pid = try Spawn.detach(command[0], arguments: Array(command.dropFirst()))
        for _ in 0..<100 {
            if let names = try? FileManager.default.contentsOfDirectory(atPath: runtime),
               let socket = names.first(where: { $0.hasPrefix("wayland-") && !$0.hasSuffix(".lock") }) {
                let server = SwayServer(runtimeDirectory: runtime, socketName: socket, pid: pid, createdUser: createdUser)
                // The socket appears before the seat is ready: wait until wl-paste answers.
                for _ in 0..<50 {
                    let probe = try? Spawn.run("wl-paste", arguments: ["--list-types"], environment: server.environment, timeout: 5)
                    if let probe, probe.isSuccess || probe.stderrText.contains("No selection") { return server }
                    usleep(50_000)
                }
                server.stop()
                throw XCTSkip("sway started but wl-paste cannot use its seat")
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { break }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        throw XCTSkip("sway headless did not start; Wayland tests skipped")
    }

    /// The caller's environment pointed at this compositor only (no X11).
    var environment: [String: String] {
        var result = Spawn.currentEnvironment()
        result["DISPLAY"] = nil
        result["WAYLAND_DISPLAY"] = socketName
        result["XDG_RUNTIME_DIR"] = runtimeDirectory
        return result
    }

    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) == pid { break }
            usleep(20_000)
        }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL); waitpid(pid, &status, 0) }
        try? FileManager.default.removeItem(atPath: runtimeDirectory)
        if let createdUser { _ = try? Spawn.run("userdel", arguments: [createdUser], timeout: 20) }
    }
}

/// Sample texts every backend must carry byte for byte.
enum ClipboardSamples {
    static let accents = Array("Bonjour Zoë, café façade — naïve; Ærøskøbing, Łódź, Ñandú".utf8)
    static let emoji = Array("party 🎉🇫🇷👩‍👩‍👧 done".utf8)
    static let cjk = Array("日本語のテキスト、中文字符、한국어".utf8)
    static let noTrailingNewline = Array("line one\nline two".utf8)
    static let trailingNewlines = Array("ends with two newlines\n\n".utf8)
    static let crlf = Array("windows\r\nline\r\n".utf8)
    static let leadingSpaces = Array("  \tindented\n".utf8)

    static var all: [(String, [UInt8])] {
        [("accents", accents), ("emoji", emoji), ("cjk", cjk), ("no trailing newline", noTrailingNewline),
         ("trailing newlines", trailingNewlines), ("crlf", crlf), ("leading spaces", leadingSpaces)]
    }

    /// About `megabytes` MB of mixed UTF-8 lines.
    static func large(megabytes: Int) -> [UInt8] {
        let line = Array("Zoë café 🎉 日本語 IBAN FR76 3000 6000 0112 3456 7890 189 line\n".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(megabytes << 20 + line.count)
        var counter = 0
        while out.count < megabytes << 20 {
            out.append(contentsOf: Array(String(counter).utf8))
            out.append(contentsOf: line)
            counter += 1
        }
        return out
    }
}
