#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaviarCore
import CaviarSpawn

/// What one clipboard run did.
public struct ClipboardOutcome: Sendable {
    /// The bytes that were on the clipboard (sensitive: do not print).
    public var input: [UInt8]
    /// The transformed bytes (what is on the clipboard now if `didWrite`).
    public var output: [UInt8]
    /// True when the clipboard was replaced (and verified).
    public var didWrite: Bool
    /// True when the transform changed nothing, so nothing was written.
    public var isUnchanged: Bool { input == output }
}

/// Read the clipboard, transform it (redact or restore), write it back, verify by reading back.
///
/// Fails closed: when reading fails, the clipboard is empty, or the transform throws (including
/// `PolicyRefusal`), nothing is written and the error is rethrown unchanged (transform errors)
/// or as `ClipboardError`. When the read-back does not match, the previous content is written
/// back and `ClipboardError.verifyFailed` is thrown.
public struct ClipboardFlow: Sendable {
    public var backend: any ClipboardBackend
    public var selection: ClipboardSelection
    /// How long to keep reading back after a write before calling it a failure (xsel needs a
    /// few tens of milliseconds to own the selection).
    public var verifyTimeout: Double

    public init(backend: any ClipboardBackend, selection: ClipboardSelection = .clipboard, verifyTimeout: Double = 2) {
        self.backend = backend
        self.selection = selection
        self.verifyTimeout = verifyTimeout
    }

    /// Reads the selection; throws `ClipboardError.empty` when there is no text.
    public func read() throws -> [UInt8] {
        try backend.requireSelection(selection)
        let bytes = try backend.read(selection)
        if bytes.isEmpty { throw ClipboardError.empty(selection: selection) }
        return bytes
    }

    /// Runs the whole flow.
    ///
    /// - Parameters:
    ///   - preview: transform but write nothing.
    ///   - concealed: ask the backend to mark the written text as secret (restored text).
    ///   - transform: the redactor or the restorer; it sees the exact clipboard bytes.
    public func run(
        preview: Bool = false, concealed: Bool = false,
        transform: ([UInt8]) throws -> [UInt8]
    ) throws -> ClipboardOutcome {
        let input = try read()
        let output = try transform(input)
        var outcome = ClipboardOutcome(input: input, output: output, didWrite: false)
        if preview || output == input { return outcome }
        try writeVerified(output, previous: input, concealed: concealed)
        outcome.didWrite = true
        return outcome
    }

    /// Writes `bytes` and polls the read-back until it matches. On mismatch, writes `previous`
    /// back (when given) and throws `verifyFailed`.
    public func writeVerified(_ bytes: [UInt8], previous: [UInt8]?, concealed: Bool = false) throws {
        try backend.requireSelection(selection)
        if bytes.isEmpty {
            try backend.clear(selection)
        } else {
            try backend.write(bytes, to: selection, concealed: concealed)
        }
        if readsBack(bytes) { return }
        var restored = false
        if let previous, !previous.isEmpty {
            restored = (try? backend.write(previous, to: selection, concealed: false)) != nil
                && readsBack(previous)
        }
        throw ClipboardError.verifyFailed(backend: backend.name, restoredPrevious: restored)
    }

    private func readsBack(_ expected: [UInt8]) -> Bool {
        let deadline = monotonicNow() + verifyTimeout
        var pause: useconds_t = 2_000
        while true {
            // A failed read counts as "not yet" until the deadline (an owner being replaced).
            if (try? backend.read(selection)) == expected { return true }
            if monotonicNow() >= deadline { return false }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
    }
}

func monotonicNow() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
}
