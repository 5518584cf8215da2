import XCTest
import CaviarSpawn
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CaviarSpawn against real programs (the package has no CaviarSpawnTests target; these live here
/// because CaviarClipboard is its main user).
final class SpawnTests: XCTestCase {
    func testCatEchoesStdinByteForByte() throws {
        let input = Array("Zoë café 🎉 日本語\nno trailing newline".utf8)
        let result = try Spawn.run("cat", arguments: [], stdin: input, timeout: 10)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, input)
        XCTAssertEqual(result.stderr, [])
    }

    func testTwentyMegabytesThroughCatDoesNotDeadlock() throws {
        // Bigger than any pipe buffer in both directions at once: needs stdin and stdout polled together.
        var input = [UInt8](repeating: 0, count: 20 * 1024 * 1024)
        for index in input.indices { input[index] = UInt8(truncatingIfNeeded: index &* 31 &+ index >> 11) }
        let result = try Spawn.run("cat", arguments: [], stdin: input, timeout: 60)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout.count, input.count)
        XCTAssertTrue(result.stdout == input)
    }

    func testLargeStderrAndStdoutTogether() throws {
        let script = "head -c 3000000 /dev/zero; head -c 3000000 /dev/zero >&2"
        let result = try Spawn.run("sh", arguments: ["-c", script], timeout: 30)
        XCTAssertEqual(result.stdout.count, 3_000_000)
        XCTAssertEqual(result.stderr.count, 3_000_000)
    }

    func testExitStatusAndStderrAreReported() throws {
        let result = try Spawn.run("sh", arguments: ["-c", "printf oops >&2; exit 7"], timeout: 10)
        XCTAssertEqual(result.status, 7)
        XCTAssertEqual(result.stderrText, "oops")
        XCTAssertFalse(result.isSuccess)
    }

    /// The timeout counts from the last byte that moved: a helper that streams a large
    /// clipboard slowly (a busy machine) is not killed while its output keeps coming.
    func testTimeoutCountsFromTheLastOutput() throws {
        let result = try Spawn.run(
            "sh", arguments: ["-c", "for i in 1 2 3 4 5 6 7 8; do echo $i; sleep 0.15; done"], stdout: .capture, timeout: 0.6)
        XCTAssertTrue(result.isSuccess)
        XCTAssertEqual(String(decoding: result.stdout, as: UTF8.self), "1\n2\n3\n4\n5\n6\n7\n8\n")
        XCTAssertThrowsError(try Spawn.run("sh", arguments: ["-c", "echo 1; sleep 30"], stdout: .capture, timeout: 0.6)) { error in
            guard case SpawnError.timedOut? = error as? SpawnError else { return XCTFail("expected timedOut, got \(error)") }
            XCTAssertTrue("\(error)".contains("no progress for 0.6 s"), "\(error)")
        }
    }

    func testTimeoutKillsAndReapsTheChild() throws {
        let pidFile = NSTemporaryDirectory() + "caviar-spawn-timeout-\(getpid())"
        defer { unlink(pidFile) }
        let started = Date()
        XCTAssertThrowsError(try Spawn.run(
            "sh", arguments: ["-c", "sleep 30 & echo $! > \"$0\"; wait", pidFile], timeout: 0.5)
        ) { error in
            guard case SpawnError.timedOut(let name, let seconds)? = error as? SpawnError else {
                return XCTFail("expected timedOut, got \(error)")
            }
            XCTAssertEqual(name, "sh")
            XCTAssertEqual(seconds, 0.5)
        }
        // Far below the 30 s sleep: the call returned at the deadline.
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        // The grandchild `sleep` was in the child's process group and was killed too
        // (gone, or a zombie where PID 1 does not reap orphans).
        let grandchild = try XCTUnwrap(Int32(String(contentsOfFile: pidFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        var isDead = false
        for _ in 0..<100 where !isDead {
            let stat = (try? String(contentsOfFile: "/proc/\(grandchild)/stat", encoding: .utf8)) ?? ""
            isDead = stat.isEmpty || stat.contains(") Z ")
            if !isDead { usleep(20_000) }
        }
        XCTAssertTrue(isDead, "sleep \(grandchild) survived the timeout")
    }

    func testMissingBinaryIsNotFound() {
        XCTAssertThrowsError(try Spawn.run("caviar-no-such-program-xyz", arguments: [], timeout: 5)) { error in
            XCTAssertEqual(error as? SpawnError, .notFound("caviar-no-such-program-xyz"))
        }
        XCTAssertThrowsError(try Spawn.run("/nonexistent/dir/prog", arguments: [], timeout: 5)) { error in
            XCTAssertEqual(error as? SpawnError, .notFound("/nonexistent/dir/prog"))
        }
    }

    func testKilledChildReports128PlusSignal() throws {
        let result = try Spawn.run("sh", arguments: ["-c", "kill -9 $$"], timeout: 10)
        XCTAssertEqual(result.status, 128 + SIGKILL)
        let terminated = try Spawn.run("sh", arguments: ["-c", "kill -TERM $$"], timeout: 10)
        XCTAssertEqual(terminated.status, 128 + SIGTERM)
    }

    func testDaemonHoldingCapturedPipesDoesNotHang() throws {
        // Like xclip: the child forks a background process that keeps stdout and stderr open.
        let started = Date()
        let result = try Spawn.run(
            "sh", arguments: ["-c", "printf ready; (sleep 5 &) ; exit 0"], timeout: 4)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(String(decoding: result.stdout, as: UTF8.self), "ready")
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }

    func testNullOutputDiscardsAndInheritDoesNotCapture() throws {
        let result = try Spawn.run(
            "sh", arguments: ["-c", "echo out; echo err >&2"], stdout: .null, stderr: .null, timeout: 10)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, [])
        XCTAssertEqual(result.stderr, [])
    }

    func testChildThatIgnoresStdinDoesNotKillTheParent() throws {
        // `true` exits without reading; writing 1 MB to it gets EPIPE, which must not raise SIGPIPE.
        let input = [UInt8](repeating: 65, count: 1 << 20)
        let result = try Spawn.run("true", arguments: [], stdin: input, timeout: 10)
        XCTAssertEqual(result.status, 0)
    }

    func testNoStdinMeansDevNull() throws {
        let result = try Spawn.run("cat", arguments: [], timeout: 5)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, [])
    }

    func testEnvironmentReplacesAndOverrides() throws {
        let replaced = try Spawn.run(
            "/usr/bin/env", arguments: [], environment: ["ONLY": "1"], timeout: 5)
        XCTAssertEqual(String(decoding: replaced.stdout, as: UTF8.self), "ONLY=1\n")
        let overridden = try Spawn.run(
            "sh", arguments: ["-c", "printf %s \"$LANG|$PATH\""],
            environment: Spawn.environment(overriding: ["LANG": "C.UTF-8"]), timeout: 5)
        let text = String(decoding: overridden.stdout, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("C.UTF-8|"))
        XCTAssertFalse(text.hasSuffix("|"), "PATH should be inherited")
    }

    func testParentDescriptorsAreNotInherited() throws {
        // The test runner itself holds descriptors opened without O_CLOEXEC, plus one we open here;
        // the child must see only 0, 1 and 2.
        guard FileManager.default.fileExists(atPath: "/proc/self/fd") else { throw XCTSkip("no /proc") }
        let leaky = open("/dev/null", O_RDONLY)   // deliberately not close-on-exec
        defer { close(leaky) }
        XCTAssertGreaterThan(leaky, 2)
        let result = try Spawn.run("sh", arguments: ["-c", "ls /proc/$$/fd"], stdin: [1, 2, 3], timeout: 5)
        let fds = String(decoding: result.stdout, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
            .compactMap { Int($0) }
        XCTAssertEqual(Set(fds), [0, 1, 2], "descriptors seen by the child: \(fds)")
    }

    func testWhich() {
        XCTAssertEqual(Spawn.which("sh", path: "/nonexistent:/bin"), "/bin/sh")
        XCTAssertNil(Spawn.which("sh", path: "/nonexistent"))
        XCTAssertNil(Spawn.which("tmp", path: "/"), "a directory is not an executable")
        XCTAssertNil(Spawn.which(""))
    }
}

final class SpawnDetachTests: XCTestCase {
    func testDetachedChildGetsItsInputAndOutlivesTheCall() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-detach-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("out").path
        // Smaller than a pipe buffer, so it is all written before the child starts reading.
        let input = Array("détaché 🎉\n".utf8) + [UInt8](repeating: 120, count: 30_000)
        let pid = try Spawn.detach("sh", arguments: ["-c", "sleep 1; cat > \"$0\"; ps -o sid= -p $$ > \"$0.sid\"", target], stdin: input)
        var status: Int32 = 0
        XCTAssertEqual(waitpid(pid, &status, WNOHANG), 0, "detach returned while the child still runs")
        XCTAssertEqual(waitpid(pid, &status, 0), pid)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(try Array(Data(contentsOf: URL(fileURLWithPath: target))), input)
        let sid = try String(contentsOfFile: target + ".sid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(Int32(sid), pid, "the child leads its own session")
    }

    func testCurrentExecutablePathIsAbsolute() throws {
        let path = try XCTUnwrap(Spawn.currentExecutablePath())
        XCTAssertTrue(path.hasPrefix("/"))
        XCTAssertNotNil(Spawn.which(path))
    }
}
