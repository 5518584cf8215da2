import XCTest
import CaviarCore
import CaviarSpawn
@testable import CaviarClipboard

/// Checks every real backend must pass. Each backend's test class calls these from its own
/// test methods (XCTest on Linux does not discover inherited test methods).
struct BackendChecks {
    let backend: any ClipboardBackend
    /// Reads the clipboard with the raw tool, bypassing the backend (an independent witness).
    let witness: (ClipboardSelection) throws -> [UInt8]

    func samplesRoundTripExactly(file: StaticString = #filePath, line: UInt = #line) throws {
        let flow = ClipboardFlow(backend: backend)
        for (label, sample) in ClipboardSamples.all {
            try flow.writeVerified(sample, previous: nil)
            XCTAssertEqual(try backend.read(.clipboard), sample, "\(label) via backend", file: file, line: line)
            XCTAssertEqual(try witness(.clipboard), sample, "\(label) via raw tool", file: file, line: line)
        }
    }

    func largeTextRoundTrips(megabytes: Int = 8, file: StaticString = #filePath, line: UInt = #line) throws {
        let large = ClipboardSamples.large(megabytes: megabytes)
        let flow = ClipboardFlow(backend: backend, verifyTimeout: 10)
        try flow.writeVerified(large, previous: nil)
        let back = try backend.read(.clipboard)
        XCTAssertEqual(back.count, large.count, file: file, line: line)
        XCTAssertTrue(back == large, "\(megabytes) MB differ after the round trip", file: file, line: line)
    }

    func clearedClipboardIsEmpty(file: StaticString = #filePath, line: UInt = #line) throws {
        try backend.write(Array("something".utf8), to: .clipboard, concealed: false)
        try backend.clear(.clipboard)
        let flow = ClipboardFlow(backend: backend)
        XCTAssertThrowsError(try flow.run { _ in XCTFail("transform must not run"); return [] }, file: file, line: line) { error in
            XCTAssertEqual(error as? ClipboardError, .empty(selection: .clipboard), file: file, line: line)
        }
    }

    func fiftyRapidWritesAllVerify(file: StaticString = #filePath, line: UInt = #line) throws {
        let flow = ClipboardFlow(backend: backend)
        for index in 0..<50 {
            let value = Array("rapid value \(index) — é".utf8)
            try flow.writeVerified(value, previous: nil)
            XCTAssertEqual(try witness(.clipboard), value, "cycle \(index)", file: file, line: line)
        }
    }

    func primaryIsIndependent(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(backend.supportsPrimary, file: file, line: line)
        let primary = ClipboardFlow(backend: backend, selection: .primary)
        let clipboard = ClipboardFlow(backend: backend, selection: .clipboard)
        try clipboard.writeVerified(Array("CLIP-VALUE".utf8), previous: nil)
        try primary.writeVerified(Array("PRIMARY-VALUE ü".utf8), previous: nil)
        XCTAssertEqual(try witness(.primary), Array("PRIMARY-VALUE ü".utf8), file: file, line: line)
        XCTAssertEqual(try witness(.clipboard), Array("CLIP-VALUE".utf8), file: file, line: line)
        let outcome = try primary.run { bytes in bytes.map { $0 == UInt8(ascii: "P") ? UInt8(ascii: "p") : $0 } }
        XCTAssertTrue(outcome.didWrite, file: file, line: line)
        XCTAssertEqual(try witness(.primary), Array("pRIMARY-VALUE ü".utf8), file: file, line: line)
        XCTAssertEqual(try witness(.clipboard), Array("CLIP-VALUE".utf8), "clipboard untouched", file: file, line: line)
    }

    /// The redact flow: planted IBAN replaced, everything else byte-identical; refusal, failure and
    /// preview leave the clipboard exactly as it was.
    func flowRedactsAndFailsClosed(file: StaticString = #filePath, line: UInt = #line) throws {
        let original = Array("Zoë 🎉 日本語\nIBAN FR76 3000 6000 0112 3456 7890 189\nno newline at end".utf8)
        let expected = Array("Zoë 🎉 日本語\nIBAN [IBAN_1]\nno newline at end".utf8)
        let flow = ClipboardFlow(backend: backend)
        try flow.writeVerified(original, previous: nil)

        // A refusal by policy: nothing written.
        XCTAssertThrowsError(try flow.run { _ in throw PolicyRefusal(reason: "EU classified marking", location: "line 1") },
                             file: file, line: line) { error in
            XCTAssertTrue(error is PolicyRefusal, "the refusal comes through unchanged", file: file, line: line)
        }
        XCTAssertEqual(try witness(.clipboard), original, "refusal left the clipboard as it was", file: file, line: line)

        // Any other failure of the transform: nothing written.
        struct BrokenPack: Error {}
        XCTAssertThrowsError(try flow.run { _ in throw BrokenPack() }, file: file, line: line)
        XCTAssertEqual(try witness(.clipboard), original, file: file, line: line)

        // Preview: transform runs, nothing written.
        let preview = try flow.run(preview: true, transform: redactIBAN)
        XCTAssertFalse(preview.didWrite, file: file, line: line)
        XCTAssertEqual(preview.output, expected, file: file, line: line)
        XCTAssertEqual(try witness(.clipboard), original, file: file, line: line)

        // The real thing.
        let outcome = try flow.run(transform: redactIBAN)
        XCTAssertTrue(outcome.didWrite, file: file, line: line)
        XCTAssertEqual(outcome.input, original, file: file, line: line)
        XCTAssertEqual(try witness(.clipboard), expected, file: file, line: line)

        // Nothing left to redact: no write.
        let again = try flow.run(transform: redactIBAN)
        XCTAssertFalse(again.didWrite, file: file, line: line)
        XCTAssertTrue(again.isUnchanged, file: file, line: line)
    }
}

/// A stand-in redactor for library tests (the CLI tests use the real engine).
func redactIBAN(_ bytes: [UInt8]) -> [UInt8] {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let range = text.range(of: "FR76 3000 6000 0112 3456 7890 189") else { return bytes }
    return Array(text.replacingCharacters(in: range, with: "[IBAN_1]").utf8)
}

/// Runs a raw clipboard tool and returns its stdout, failing the test on a non-zero status.
func rawRead(_ tool: String, _ arguments: [String], environment: [String: String]) throws -> [UInt8] {
    let result = try Spawn.run(tool, arguments: arguments, environment: environment, timeout: 20)
    guard result.isSuccess else {
        throw XCTSkip("witness \(tool) failed with \(result.status): \(result.stderrText)")
    }
    return result.stdout
}
