import Foundation
import Testing
@testable import DictionaryAutomaton

/// A fresh temporary directory per test.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dict-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct DictionaryFileTests {
    func compiled(hashed: Bool = false, key: SipHashKey = SipHashKey(salt: Array("0123456789abcdef-salt".utf8)), saltPath: String = "") throws -> [UInt8] {
        var builder = DictionaryBuilder()
        builder.metadata = Array("meta".utf8)
        for (index, term) in ["Zoë Lefèvre", "Projet Orion", "Müller"].enumerated() {
            for variant in TextFolding.termVariants(term) {
                try builder.add(folded: variant, value: Array("v\(index)".utf8))
            }
        }
        return try builder.build(mode: hashed ? .hashed(key: key, saltPath: saltPath) : .plain, fingerprint: 0xFEED)
    }

    /// `write(to:)` streams the sections to the file: the same bytes as `build`, checksums
    /// included (loaded with full verification).
    @Test(arguments: [false, true])
    func writtenFileEqualsBuiltBytes(hashed: Bool) throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("written.dict").path
        let key = SipHashKey(salt: Array("0123456789abcdef-salt".utf8))
        var builder = DictionaryBuilder()
        builder.metadata = Array("odd length metadata".utf8)
        for (index, term) in ["Zoë Lefèvre", "Projet Orion", "Müller", "a b c d e"].enumerated() {
            for variant in TextFolding.termVariants(term) {
                try builder.add(folded: variant, value: Array("value \(index)".utf8))
            }
        }
        let mode: DictionaryBuilder.Mode = hashed ? .hashed(key: key, saltPath: "/nonexistent/salt") : .plain
        let size = try builder.write(to: path, mode: mode, fingerprint: 7)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == (try builder.build(mode: mode, fingerprint: 7)))
        #expect(size == written.count)
        let automaton = try DictionaryAutomaton(contentsOf: path, verification: .full, key: hashed ? key : nil)
        #expect(automaton.matches(in: Array("PROJET ORION".utf8)).count == 1)
    }

    @Test(arguments: [false, true])
    func roundTripThroughAMappedFile(hashed: Bool) throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("list.dict").path
        let salt = directory.appendingPathComponent("salt").path
        try Data("0123456789abcdef-salt".utf8).write(to: URL(fileURLWithPath: salt))
        let bytes = try compiled(hashed: hashed, saltPath: salt)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let automaton = try DictionaryAutomaton(contentsOf: path, verification: .full)
        #expect(automaton.isHashed == hashed)
        #expect(automaton.fingerprint == 0xFEED)
        #expect(automaton.metadata == Array("meta".utf8))
        #expect(automaton.byteCount == bytes.count)
        let text = Array("Hier: ZOE LEFEVRE et Mueller, projet-orion.".utf8)
        let values = automaton.matches(in: text).map { String(decoding: automaton.value(at: $0.valueIndex), as: UTF8.self) }
        #expect(values == ["v0", "v2", "v1"])
    }

    @Test func hashedFileDoesNotContainTheTerms() throws {
        let bytes = try compiled(hashed: true)
        for term in ["zoe", "lefevre", "projet", "orion", "muller", "mueller"] {
            #expect(!contains(bytes, Array(term.utf8)), "\(term) readable in the hashed file")
        }
        #expect(contains(bytes, Array("meta".utf8)), "sanity: the search finds what is there")
    }

    func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }

    @Test func wrongSaltIsRefused() throws {
        let bytes = try compiled(hashed: true)
        #expect(throws: DictionaryError.self) {
            try DictionaryAutomaton(bytes: bytes, key: SipHashKey(salt: Array("another salt, 16+ bytes".utf8)))
        }
        do {
            _ = try DictionaryAutomaton(bytes: bytes, key: SipHashKey(salt: Array("another salt, 16+ bytes".utf8)))
        } catch let error as DictionaryError {
            #expect(error.kind == .wrongSalt)
        }
    }

    @Test func everyTruncationIsRefused() throws {
        let bytes = try compiled()
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("cut.dict").path
        for length in Set([0, 1, 7, 8, 100, 255, 256, 257, bytes.count / 2, bytes.count - 8, bytes.count - 1]) {
            try Data(bytes[0..<length]).write(to: URL(fileURLWithPath: path))
            do {
                _ = try DictionaryAutomaton(contentsOf: path, verification: .headerOnly)
                Issue.record("a file cut at \(length) of \(bytes.count) bytes was accepted")
            } catch let error as DictionaryError {
                #expect(error.kind == .truncated || (length < 8 && error.kind == .notADictionary), "cut at \(length): \(error)")
                #expect(error.description.contains(path))
            }
        }
    }

    @Test func foreignFilesAreRefused() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("words.txt").path
        try Data(String(repeating: "Projet Orion\n", count: 40).utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: DictionaryError(.notADictionary, "\(path) is not a compiled caviar dictionary (wrong magic): give the source list or run `caviar dict build`")) {
            try DictionaryAutomaton(contentsOf: path)
        }
        var other = try compiled()
        other[8] = UInt8(DictionaryFormat.version + 1)   // a future version
        #expect(throws: DictionaryError.self) { try DictionaryAutomaton(bytes: other) }
        // A file of format 1 (no word filters) is refused with the fix, never scanned without them.
        var older = try compiled()
        older[8] = 1
        #expect(throws: DictionaryError(.unsupportedVersion, "dictionary <memory> has format version 1, this caviar reads version \(DictionaryFormat.version): rebuild it with `caviar dict build`")) {
            try DictionaryAutomaton(bytes: older)
        }
        // Nor is a file of format 3 (no second-word filter; hashed files without filters) or 4
        // (no key table: a version 5 scan of it would find no two-word term).
        #expect(DictionaryFormat.version == 5)
        for hashed in [false, true] {
            for version: UInt8 in [3, 4] {
                var previous = try compiled(hashed: hashed)
                previous[8] = version
                #expect(throws: DictionaryError(.unsupportedVersion, "dictionary <memory> has format version \(version), this caviar reads version 5: rebuild it with `caviar dict build`")) {
                    try DictionaryAutomaton(bytes: previous, key: SipHashKey(salt: Array("0123456789abcdef-salt".utf8)))
                }
            }
        }
    }

    /// Flipping any single byte is detected: header bytes by the header checksum, body bytes by
    /// the body checksum (checked at load for small files and by `verifyBody`).
    @Test func corruptionIsRefused() throws {
        let bytes = try compiled()
        var positions = Array(stride(from: 0, to: 248, by: 7))
        positions += Array(stride(from: 256, to: bytes.count, by: max(1, bytes.count / 97)))
        for position in positions {
            var corrupted = bytes
            corrupted[position] ^= 0x5A
            #expect(throws: DictionaryError.self, "byte \(position) flipped") {
                try DictionaryAutomaton(bytes: corrupted, verification: .full)
            }
        }
        var body = bytes
        body[bytes.count - 3] ^= 1
        let automaton = try DictionaryAutomaton(bytes: body, verification: .headerOnly)
        #expect(throws: DictionaryError.self) { try automaton.verifyBody() }
    }

    /// A corrupted body that slips past a header-only load must not crash the scanner.
    @Test func scanningACorruptedBodyStaysInBounds() throws {
        let bytes = try compiled()
        var seed: UInt64 = 7
        for _ in 0..<50 {
            var corrupted = bytes
            for _ in 0..<20 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                let position = 256 + Int(seed >> 33) % (bytes.count - 256)
                corrupted[position] = UInt8(truncatingIfNeeded: seed >> 13)
            }
            let automaton = try DictionaryAutomaton(bytes: corrupted, verification: .headerOnly)
            for match in automaton.matches(in: Array("zoe lefevre projet orion muller mueller z".utf8)) {
                _ = automaton.value(at: match.valueIndex)
            }
        }
    }

    @Test func sourceFingerprintChangesWithContentAndOptions() {
        let base = DictionaryAutomaton.sourceFingerprint(sources: [Array("a\nb\n".utf8)], options: [1])
        #expect(base == DictionaryAutomaton.sourceFingerprint(sources: [Array("a\nb\n".utf8)], options: [1]))
        #expect(base != DictionaryAutomaton.sourceFingerprint(sources: [Array("a\nc\n".utf8)], options: [1]))
        #expect(base != DictionaryAutomaton.sourceFingerprint(sources: [Array("a\nb\n".utf8)], options: [2]))
        #expect(base != DictionaryAutomaton.sourceFingerprint(sources: [Array("a\n".utf8), Array("b\n".utf8)], options: [1]))
    }
}
