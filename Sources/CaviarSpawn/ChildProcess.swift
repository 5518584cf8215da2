#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Darwin)
typealias FileActions = posix_spawn_file_actions_t?
typealias SpawnAttributes = posix_spawnattr_t?
#else
typealias FileActions = posix_spawn_file_actions_t
typealias SpawnAttributes = posix_spawnattr_t
#endif

/// One launched child and the parent's ends of its pipes. Owns those descriptors.
final class ChildProcess {
    let pid: pid_t
    let executable: String
    private var stdinWrite: Int32
    private var stdoutRead: Int32
    private var stderrRead: Int32

    private init(pid: pid_t, executable: String, stdinWrite: Int32, stdoutRead: Int32, stderrRead: Int32) {
        self.pid = pid
        self.executable = executable
        self.stdinWrite = stdinWrite
        self.stdoutRead = stdoutRead
        self.stderrRead = stderrRead
    }

    deinit {
        for fd in [stdinWrite, stdoutRead, stderrRead] where fd >= 0 { close(fd) }
    }

    /// Starts `path` in its own process group with the requested stdio wiring.
    static func launch(
        path: String, argv: [String], environment: [String: String]?,
        hasStdin: Bool, stdout: OutputMode, stderr: OutputMode, newSession: Bool = false
    ) throws -> ChildProcess {
        var parentFDs: [Int32] = []
        var childFDs: [Int32] = []
        func cleanUp() {
            for fd in parentFDs + childFDs { close(fd) }
        }
        func fail(_ code: Int32) -> SpawnError {
            cleanUp()
            return .spawnFailed(executable: argv[0], reason: errnoText(code))
        }

        var actions = FileActions()
        guard posix_spawn_file_actions_init(&actions) == 0 else { throw fail(errno) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = SpawnAttributes()
        guard posix_spawnattr_init(&attributes) == 0 else { throw fail(errno) }
        defer { posix_spawnattr_destroy(&attributes) }

        // Own process group (so a timeout can kill the helper and anything it forked),
        // default signal dispositions and an empty mask (the caller may ignore SIGPIPE).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        // A new session (detached helpers) already makes the child a group leader; asking for
        // both would fail, since a session leader cannot change its process group.
        let groupFlag = newSession ? spawnSetSIDFlag : Int32(POSIX_SPAWN_SETPGROUP)
        if !newSession { posix_spawnattr_setpgroup(&attributes, 0) }
        let flags = groupFlag | Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)
        posix_spawnattr_setflags(&attributes, Int16(truncatingIfNeeded: flags))

        var stdinWrite: Int32 = -1
        if hasStdin {
            let (readEnd, writeEnd) = try makePipe(executable: argv[0], cleanUp: cleanUp)
            parentFDs.append(writeEnd); childFDs.append(readEnd)
            stdinWrite = writeEnd
            posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        var outputReads: [Int32] = [-1, -1]
        for (index, (mode, target)) in [(stdout, Int32(1)), (stderr, Int32(2))].enumerated() {
            switch mode {
            case .capture:
                let (readEnd, writeEnd) = try makePipe(executable: argv[0], cleanUp: cleanUp)
                parentFDs.append(readEnd); childFDs.append(writeEnd)
                outputReads[index] = readEnd
                posix_spawn_file_actions_adddup2(&actions, writeEnd, target)
            case .inherit:
                break
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            }
        }

        // Close every other descriptor in the child: the host may hold descriptors opened
        // without O_CLOEXEC (test runners, libraries), and a daemonising helper would keep them.
        #if canImport(Darwin)
        if stdout == .inherit { posix_spawn_file_actions_addinherit_np(&actions, 1) }
        if stderr == .inherit { posix_spawn_file_actions_addinherit_np(&actions, 2) }
        let closeOthers = Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        posix_spawnattr_setflags(&attributes, Int16(truncatingIfNeeded: flags | closeOthers))
        #else
        if let addCloseFrom = closeFromAction {
            _ = addCloseFrom(&actions, 3)
        }
        #endif

        let envStrings: [String]
        if let environment {
            envStrings = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        } else {
            envStrings = Spawn.currentEnvironment().sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        }
        var pid: pid_t = 0
        let result = withCStringArray(argv) { argvPointer in
            withCStringArray(envStrings) { envPointer in
                posix_spawn(&pid, path, &actions, &attributes, argvPointer, envPointer)
            }
        }
        guard result == 0 else { throw fail(result) }
        for fd in childFDs { close(fd) }
        childFDs = []
        for fd in parentFDs {
            let current = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, current | O_NONBLOCK)
            #if canImport(Darwin)
            _ = fcntl(fd, F_SETNOSIGPIPE, 1)
            #endif
        }
        return ChildProcess(
            pid: pid, executable: argv[0], stdinWrite: stdinWrite,
            stdoutRead: outputReads[0], stderrRead: outputReads[1])
    }

    /// How long a child that keeps moving data may run in all: `timeout` counts from the last
    /// byte that moved (a large clipboard read on a busy machine is slow, not stuck), up to this.
    static func hardLimit(_ timeout: Double) -> Double { max(60, 12 * timeout) }

    /// Writes all of `input` to the child's stdin (the child must take some of it at least every
    /// `timeout` seconds), closes it, and lets the child run on without waiting for it. Returns
    /// the child's pid.
    func feedAndRelease(input: [UInt8], timeout: Double) throws -> pid_t {
        let start = monotonicSeconds()
        let hardDeadline = start + ChildProcess.hardLimit(timeout)
        var deadline = start + max(0, timeout)
        var offset = 0
        while stdinWrite >= 0 && offset < input.count {
            let remaining = deadline - monotonicSeconds()
            if remaining <= 0 {
                closeStdin()
                throw SpawnError.timedOut(executable: executable, seconds: timeout)
            }
            var entry = [pollfd(fd: stdinWrite, events: Int16(POLLOUT), revents: 0)]
            let ready = poll(&entry, 1, Int32(min(remaining * 1000 + 1, 100)))
            if ready < 0 && errno != EINTR {
                throw SpawnError.ioFailed(executable: executable, reason: errnoText(errno))
            }
            if ready > 0 {
                let before = offset
                writeSome(input, offset: &offset)
                if offset > before { deadline = min(hardDeadline, monotonicSeconds() + max(0, timeout)) }
            }
        }
        let wroteAll = offset >= input.count
        closeStdin()
        if !wroteAll {
            throw SpawnError.ioFailed(executable: executable, reason: "the program exited before reading its input")
        }
        return pid
    }

    /// Writes `input`, collects output, waits for the child; kills it when no byte has moved for
    /// `timeout` seconds (or it has run `hardLimit`).
    func communicate(input: [UInt8], timeout: Double) throws -> SpawnResult {
        let start = monotonicSeconds()
        let hardDeadline = start + ChildProcess.hardLimit(timeout)
        var deadline = start + max(0, timeout)
        var inputOffset = 0
        var collectedOut: [UInt8] = []
        var collectedErr: [UInt8] = []
        var idleSleepMicros: Int = 100
        if stdinWrite >= 0 && input.isEmpty { closeStdin() }
        // Where the system has one, a descriptor that becomes readable when the child exits:
        // the poll below then wakes at the exit instead of at the next step of a backoff, which
        // had kept a clipboard writer's exit waiting up to 5 ms.
        let exitFD = ChildProcess.exitDescriptor(for: pid)
        defer { if exitFD >= 0 { close(exitFD) } }

        while true {
            if let status = try reapIfExited() {
                closeStdin()
                drain(&stdoutRead, into: &collectedOut)
                drain(&stderrRead, into: &collectedErr)
                return SpawnResult(status: status, stdout: collectedOut, stderr: collectedErr)
            }
            let remaining = deadline - monotonicSeconds()
            if remaining <= 0 { throw killAndReap(timeout: timeout) }

            var pollSet: [pollfd] = []
            if stdinWrite >= 0 { pollSet.append(pollfd(fd: stdinWrite, events: Int16(POLLOUT), revents: 0)) }
            if stdoutRead >= 0 { pollSet.append(pollfd(fd: stdoutRead, events: Int16(POLLIN), revents: 0)) }
            if stderrRead >= 0 { pollSet.append(pollfd(fd: stderrRead, events: Int16(POLLIN), revents: 0)) }
            if exitFD >= 0 {
                pollSet.append(pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0))
                // The exit wakes the poll: no need to wake early to look for it.
                idleSleepMicros = 100_000
            }

            // Sleep briefly between exit checks: short at first (helpers usually exit within a
            // few milliseconds), then longer. A grandchild may hold a pipe open forever, so the
            // poll below must also wake up to check for the child's exit.
            let waitMicros = min(idleSleepMicros, Int(remaining * 1_000_000) + 1)
            idleSleepMicros = min(idleSleepMicros * 2, 20_000)
            if pollSet.isEmpty {
                var request = timespec(tv_sec: 0, tv_nsec: waitMicros * 1000)
                _ = nanosleep(&request, nil)
                continue
            }
            let ready = poll(&pollSet, nfds_t(pollSet.count), Int32(max(1, waitMicros / 1000)))
            if ready < 0 {
                if errno == EINTR { continue }
                throw SpawnError.ioFailed(executable: executable, reason: errnoText(errno))
            }
            if ready == 0 { continue }
            idleSleepMicros = 100
            let moved = inputOffset + collectedOut.count + collectedErr.count
            defer {
                if inputOffset + collectedOut.count + collectedErr.count > moved {
                    deadline = min(hardDeadline, monotonicSeconds() + max(0, timeout))
                }
            }
            for entry in pollSet where entry.revents != 0 {
                if entry.fd == exitFD { continue }  // reaped at the top of the loop
                if entry.fd == stdinWrite {
                    writeSome(input, offset: &inputOffset)
                } else if entry.fd == stdoutRead {
                    readSome(&stdoutRead, into: &collectedOut)
                } else if entry.fd == stderrRead {
                    readSome(&stderrRead, into: &collectedErr)
                }
            }
        }
    }

    // MARK: - Pieces

    #if os(Linux)
    private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    /// glibc's pidfd_open(2) wrapper (2.36 and later), looked up at run time so that an older
    /// C library still runs caviar, with the polling backoff instead.
    nonisolated(unsafe) private static let pidfdOpen: PidfdOpen? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pidfd_open") else { return nil }
        return unsafeBitCast(symbol, to: PidfdOpen.self)
    }()
    #endif

    /// A descriptor that polls readable once `pid` has exited (Linux 5.3+), or -1.
    static func exitDescriptor(for pid: pid_t) -> Int32 {
        #if os(Linux)
        guard let open = pidfdOpen else { return -1 }
        let fd = open(pid, 0)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fd
        #else
        return -1
        #endif
    }

    private func reapIfExited() throws -> Int32? {
        var rawStatus: Int32 = 0
        while true {
            let result = waitpid(pid, &rawStatus, WNOHANG)
            if result == pid { return Self.decode(rawStatus) }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            throw SpawnError.ioFailed(executable: executable, reason: "waitpid: \(errnoText(errno))")
        }
    }

    private func killAndReap(timeout: Double) -> SpawnError {
        _ = kill(-pid, SIGKILL)
        _ = kill(pid, SIGKILL)
        var rawStatus: Int32 = 0
        while waitpid(pid, &rawStatus, 0) < 0 && errno == EINTR {}
        closeStdin()
        return .timedOut(executable: executable, seconds: timeout)
    }

    /// Exit code, or 128 + signal (the shell convention).
    static func decode(_ rawStatus: Int32) -> Int32 {
        let signal = rawStatus & 0x7f
        if signal == 0 { return (rawStatus >> 8) & 0xff }
        return 128 + signal
    }

    private func closeStdin() {
        if stdinWrite >= 0 { close(stdinWrite); stdinWrite = -1 }
    }

    private func writeSome(_ input: [UInt8], offset: inout Int) {
        guard offset < input.count else { closeStdin(); return }
        let chunk = min(input.count - offset, 65_536)
        let written = withSIGPIPEBlocked {
            input.withUnsafeBytes { buffer in
                write(stdinWrite, buffer.baseAddress.map { $0 + offset }, chunk)
            }
        }
        if written > 0 {
            offset += written
            if offset >= input.count { closeStdin() }
        } else if written < 0 && errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK {
            // EPIPE: the child stopped reading; what it did with the input shows in its status.
            closeStdin()
        }
    }

    private func readSome(_ fd: inout Int32, into collected: inout [UInt8]) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            collected.append(contentsOf: buffer[0..<count])
        } else if count == 0 || (errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK) {
            close(fd); fd = -1
        }
    }

    /// Reads what is already buffered after the child exited; stops at the first empty read,
    /// so a daemon grandchild that holds the pipe open cannot block us.
    private func drain(_ fd: inout Int32, into collected: inout [UInt8]) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while fd >= 0 {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                collected.append(contentsOf: buffer[0..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                close(fd); fd = -1
            }
        }
    }
}

// MARK: - C helpers

/// `POSIX_SPAWN_SETSID` (glibc >= 2.26, macOS), hidden from Swift's Glibc module by `_GNU_SOURCE`.
#if canImport(Darwin)
private let spawnSetSIDFlag: Int32 = 0x0400
#else
private let spawnSetSIDFlag: Int32 = 0x80
#endif

#if !canImport(Darwin)
/// glibc >= 2.34 `posix_spawn_file_actions_addclosefrom_np`, looked up at run time because
/// Swift's Glibc module hides `_GNU_SOURCE` declarations; `nil` on older C libraries, where only
/// our own close-on-exec pipes are guaranteed not to leak.
private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
private let closeFromAction: AddCloseFrom? = {
    guard let handle = dlopen(nil, RTLD_NOW),
          let symbol = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: AddCloseFrom.self)
}()
#endif

/// A close-on-exec pipe whose ends are both >= 3 (so `dup2` onto 0/1/2 always clears the flag).
private func makePipe(executable: String, cleanUp: () -> Void) throws -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    // pipe2(O_CLOEXEC) is not visible to Swift without _GNU_SOURCE; the flag is set right after.
    guard pipe(&fds) == 0 else {
        let code = errno; cleanUp()
        throw SpawnError.spawnFailed(executable: executable, reason: "pipe: \(errnoText(code))")
    }
    for index in 0..<2 {
        if fds[index] < 3 {
            let moved = fcntl(fds[index], F_DUPFD_CLOEXEC, 3)
            close(fds[index])
            fds[index] = moved
        } else {
            _ = fcntl(fds[index], F_SETFD, FD_CLOEXEC)
        }
    }
    guard fds[0] >= 0, fds[1] >= 0 else {
        let code = errno
        for fd in fds where fd >= 0 { close(fd) }
        cleanUp()
        throw SpawnError.spawnFailed(executable: executable, reason: "pipe: \(errnoText(code))")
    }
    return (fds[0], fds[1])
}

/// Runs `body` with SIGPIPE blocked in this thread and swallows a SIGPIPE it raised, so writing
/// to a child that closed its stdin yields EPIPE instead of killing the caller.
private func withSIGPIPEBlocked<T>(_ body: () -> T) -> T {
    #if canImport(Darwin)
    return body()   // F_SETNOSIGPIPE is set on the descriptor instead.
    #else
    var block = sigset_t()
    sigemptyset(&block)
    sigaddset(&block, SIGPIPE)
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &block, &previous)
    let result = body()
    let savedErrno = errno
    var pending = sigset_t()
    sigpending(&pending)
    if sigismember(&pending, SIGPIPE) == 1 && sigismember(&previous, SIGPIPE) == 0 {
        var zero = timespec(tv_sec: 0, tv_nsec: 0)
        _ = sigtimedwait(&block, nil, &zero)
    }
    pthread_sigmask(SIG_SETMASK, &previous, nil)
    errno = savedErrno
    return result
    #endif
}

/// Calls `body` with a NULL-terminated `char *[]` built from `strings`.
private func withCStringArray<T>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
    let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
    for (index, string) in strings.enumerated() { array[index] = strdup(string) }
    array[strings.count] = nil
    defer {
        for index in 0..<strings.count { free(array[index]) }
        array.deallocate()
    }
    return body(UnsafePointer(array))
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
}
