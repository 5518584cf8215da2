import CaviarCore
import CaviarDetection
import CaviarPacks
import CaviarRedaction
import CaviarStreaming
import XCTest

/// The chunk-size verifier and the bytes-outside-spans property, over the shipped packs.
final class StreamingTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func engine(packs: [String]? = nil) throws -> DetectionEngine {
        var lib = PackLibrary()
        if let packs {
            for p in packs { try lib.load(file: repo.appendingPathComponent("patterns/\(p)").path) }
        } else {
            try lib.load(directory: repo.appendingPathComponent("patterns").path)
        }
        return try DetectionEngine(detectors: lib.detectors())
    }

    /// Redacts `input` fed in chunks of `chunk` bytes (0 = all at once).
    static func redact(_ input: [UInt8], chunk: Int, engine: DetectionEngine, maxLine: Int? = nil, findings: FindingCollector? = nil) throws -> [UInt8] {
        let sink = MemorySink()
        let driver = StreamRedactor(engine: engine, redactor: Redactor(), sink: sink)
        if let maxLine { driver.maxLine = maxLine }
        driver.findings = findings
        if chunk == 0 {
            try driver.feed(input)
        } else {
            var i = 0
            while i < input.count {
                try driver.feed(Array(input[i..<min(i + chunk, input.count)]))
                i += chunk
            }
        }
        try driver.finish()
        return sink.bytes
    }

    static func corpus() throws -> [UInt8] {
        var text = try Array(Data(contentsOf: repo.appendingPathComponent("samples/mail-fr-de.txt")))
        text += Array("""
        \r\nTel. +49 30 123456-78 / Fax 0049 (0)30 1234 5679\r\nmail renée.dupont@exämple.eu, IBAN DE89 3704 0044 0532 0130 00\r
        -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabcDEF==\n-----END RSA PRIVATE KEY-----\n
        token ghp_R2d2C3poBb8Ee7Ff6Gg5Hh4Ii3Jj2Kk1Ll0M and 2001:db8::1 from 10.1.2.3
        """.utf8)
        text += [0x00, 0xFF, 0xC3, 0x0A, 0xE2, 0x82]  // NUL, invalid bytes, a cut sequence
        text += Array("né le 3 mars 1985, Passwort: Sommer2024! no newline at end".utf8)
        return text
    }

    func testChunkSizesGiveIdenticalOutput() throws {
        let engine = try StreamingTests.engine()
        let input = try StreamingTests.corpus()
        let whole = try StreamingTests.redact(input, chunk: 0, engine: engine)
        XCTAssertNotEqual(whole, input, "the corpus has sensitive data; something must be redacted")
        for chunk in [1, 2, 3, 7, 64, 4096] {
            let out = try StreamingTests.redact(input, chunk: chunk, engine: engine)
            if out != whole {
                let at = (0..<min(out.count, whole.count)).first { out[$0] != whole[$0] } ?? min(out.count, whole.count)
                XCTFail("chunk size \(chunk) changed the output at byte \(at): "
                        + String(decoding: out[max(0, at - 40)..<min(out.count, at + 40)], as: UTF8.self).debugDescription + " vs "
                        + String(decoding: whole[max(0, at - 40)..<min(whole.count, at + 40)], as: UTF8.self).debugDescription)
            }
        }
    }

    func testLongLinesWithoutNewlineAreChunkInvariant() throws {
        let engine = try StreamingTests.engine(packs: ["core.yaml"])
        var input: [UInt8] = []
        for i in 0..<3000 { input += Array("word\(i) mail\(i)@example.org card 4111 1111 1111 1111 ".utf8) }
        let whole = try StreamingTests.redact(input, chunk: 0, engine: engine)
        for chunk in [7, 4096, 65536] {
            XCTAssertTrue(try StreamingTests.redact(input, chunk: chunk, engine: engine, maxLine: 1024) == whole, "chunk \(chunk) changed the output")
        }
        XCTAssertFalse(String(decoding: whole, as: UTF8.self).contains("@example.org"))
    }

    /// Random inputs with CRLF, NUL and invalid UTF-8: every byte outside a reported span is
    /// unchanged, and the output is the input with each span replaced.
    func testBytesOutsideReportedSpansAreUnchanged() throws {
        let engine = try StreamingTests.engine(packs: ["core.yaml"])
        var rng = SplitMix(seed: 42)
        let pieces: [[UInt8]] = [
            Array("a.b@example.org".utf8), Array(" ".utf8), Array("\r\n".utf8), [0], [0xFF], [0xC3], [0xE2, 0x82, 0xAC],
            Array("DE89 3704 0044 0532 0130 00".utf8), Array("é".utf8), Array("password=abc123".utf8), Array("\n".utf8),
            Array("192.168.1.1".utf8), Array("text".utf8), Array("4111111111111111".utf8),
        ]
        for _ in 0..<200 {
            var input: [UInt8] = []
            for _ in 0..<Int(rng.next() % 40) { input += pieces[Int(rng.next() % UInt64(pieces.count))] }
            let collector = FindingCollector()
            let out = try StreamingTests.redact(input, chunk: Int(rng.next() % 9), engine: engine, findings: collector)
            var rebuilt: [UInt8] = []
            var cursor = 0
            for f in collector.findings.sorted(by: { $0.span.lowerBound < $1.span.lowerBound }) {
                rebuilt += input[cursor..<f.span.lowerBound]
                rebuilt += f.replacement
                cursor = f.span.upperBound
            }
            rebuilt += input[cursor...]
            XCTAssertTrue(out == rebuilt, "output is not the input with the reported spans replaced")
        }
    }

    /// In an interactive pipe a finished line goes out at once, unless a multi-line match
    /// could still be in progress at its end (a street line that a postcode line may follow).
    func testFinishedLinesAreNotHeldUnlessAMatchIsStillOpen() throws {
        let engine = try StreamingTests.engine()
        let sink = MemorySink()
        let driver = StreamRedactor(engine: engine, redactor: Redactor(), sink: sink)
        var expected: [UInt8] = []
        for line in ["Bonjour, ceci est un test.\n", "The meeting is at 10:00 in room 3.\n", "Wir sehen uns am Montag.\n"] {
            try driver.feed(Array(line.utf8))
            expected += Array(line.utf8)
            XCTAssertEqual(String(decoding: sink.bytes, as: UTF8.self), String(decoding: expected, as: UTF8.self), "a finished line was held back")
        }
        try driver.feed(Array("Hauptstraße 5\n".utf8))
        XCTAssertEqual(sink.bytes, expected, "a street line that a postcode line may complete must wait")
        try driver.feed(Array("10115 Berlin\n".utf8))
        try driver.finish()
        let out = String(decoding: sink.bytes[expected.count...], as: UTF8.self)
        XCTAssertFalse(out.contains("Hauptstraße") || out.contains("10115"), out)
    }

    /// `run(fd:)` over real pipes: a burst larger than a pipe's buffer (read in several calls
    /// into one chunk) comes out as `feed` gives it, and a line that a paused writer has sent is
    /// written before the writer sends more (the chunk is not held to be filled).
    func testReadingAPipeFillsChunksOnlyWithInputAlreadyWaiting() throws {
        let engine = try StreamingTests.engine()
        var input: [UInt8] = []
        for i in 0..<4000 {
            input += Array("line \(i): mail jean.dupont\(i % 97)@example.com, IBAN DE89 3704 0044 0532 0130 00, ok\n".utf8)
        }
        let expected = try StreamingTests.redact(input, chunk: 0, engine: engine)

        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&inPipe), 0)
        XCTAssertEqual(pipe(&outPipe), 0)
        nonisolated(unsafe) let driver = StreamRedactor(engine: engine, redactor: Redactor(), sink: FileDescriptorSink(fd: outPipe[1]))
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        let readFD = inPipe[0], writeOut = outPipe[1]
        Thread.detachNewThread {
            do { try driver.run(fd: readFD) } catch { failure = error }
            close(writeOut)
            done.signal()
        }
        func readOutput(atLeast n: Int, into out: inout [UInt8]) {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while out.count < n {
                var p = pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, 10_000) == 1 else { return }
                let r = chunk.withUnsafeMutableBytes { read(outPipe[0], $0.baseAddress, $0.count) }
                if r <= 0 { return }
                out += chunk[0..<r]
            }
        }
        func writeAll(_ bytes: [UInt8]) {
            var off = 0
            while off < bytes.count {
                let w = bytes.withUnsafeBytes { write(inPipe[1], $0.baseAddress! + off, bytes.count - off) }
                if w <= 0 { break }
                off += w
            }
        }
        // The first line alone, then wait for it: a driver that waited to fill its chunk would
        // never write it (the writer sends nothing more until it has seen it).
        let first = Array("Bonjour, écrivez à jean.dupont@example.com\n".utf8)
        let firstOut = Array("Bonjour, écrivez à [EMAIL_1]\n".utf8)
        var out: [UInt8] = []
        // The burst is written from another thread: the pipe's buffer is smaller than the input,
        // and the output must be drained while it is written.
        writeAll(first)
        readOutput(atLeast: firstOut.count, into: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), String(decoding: firstOut, as: UTF8.self), "the first line was not written while the writer paused")
        let writeIn = inPipe[1], burstInput = input
        Thread.detachNewThread {
            let input = burstInput
            var off = 0
            while off < input.count {
                let w = input.withUnsafeBytes { write(writeIn, $0.baseAddress! + off, input.count - off) }
                if w <= 0 { break }
                off += w
            }
            close(writeIn)
        }
        readOutput(atLeast: Int.max, into: &out)
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
        XCTAssertNil(failure)
        close(inPipe[0]); close(outPipe[0])
        // The burst's own placeholders continue the numbering the first line began.
        let burst = String(decoding: out[firstOut.count...], as: UTF8.self)
        let alone = String(decoding: expected, as: UTF8.self)
        XCTAssertEqual(burst.components(separatedBy: "\n").count, alone.components(separatedBy: "\n").count)
        XCTAssertFalse(burst.contains("@example.com") || burst.contains("0532 0130"), "a value in the burst was not redacted")
        XCTAssertEqual(burst.replacingOccurrences(of: #"\[[A-Z_]+_\d+\]"#, with: "[X]", options: .regularExpression),
                       alone.replacingOccurrences(of: #"\[[A-Z_]+_\d+\]"#, with: "[X]", options: .regularExpression))
    }

    func testGatedEqualsUngatedOverEveryShippedDetector() throws {
        let gated = try StreamingTests.engine()
        let ungated = try StreamingTests.engine()
        ungated.isGated = false
        var corpus = try StreamingTests.corpus()
        // Every pack's own examples make a corpus that exercises every detector.
        var lib = PackLibrary()
        try lib.load(directory: StreamingTests.repo.appendingPathComponent("patterns").path)
        for pack in lib.packs {
            for d in pack.raw.detectors {
                for e in d.matchExamples + d.noMatchExamples {
                    corpus += PackSelfTest.parseExample(e.text).text + [10]
                }
            }
        }
        let a = try corpus.withUnsafeBufferPointer { try gated.scan($0, from: 0, segmentEnd: $0.count, isFinal: true) }
        let b = try corpus.withUnsafeBufferPointer { try ungated.scan($0, from: 0, segmentEnd: $0.count, isFinal: true) }
        let key = { (d: Detection) in "\(d.detectorID)@\(d.span.lowerBound)-\(d.span.upperBound)" }
        let sa = Set(a.detections.map(key)), sb = Set(b.detections.map(key))
        XCTAssertEqual(sa.subtracting(sb).sorted(), [], "found only when gated")
        XCTAssertEqual(sb.subtracting(sa).sorted(), [], "missed by gating: a trigger or lead is wrong")
        XCTAssertGreaterThan(sa.count, 100)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

import Foundation
