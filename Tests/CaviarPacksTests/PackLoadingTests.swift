import CaviarCore
import CaviarDetection
@testable import CaviarPacks
import CaviarPCRE
import XCTest

/// Stage-one and stage-two errors name file, line and detector; shipped packs pass their examples.
final class PackLoadingTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func error(_ yaml: String) -> String {
        do {
            _ = try PackCompiler.compile(try RawPack.decode(yaml: yaml, file: "t.yaml"))
            return "no error"
        } catch { return "\(error)" }
    }

    func testUnknownKeyNamesLineAndDetector() {
        let e = error("pack: t\ndetectors:\n  - id: t.a\n    entity: EMAIL\n    patterns: ['x']\n    triger: lit:x\n")
        XCTAssertTrue(e.contains("t.yaml:6"), e)
        XCTAssertTrue(e.contains("t.a"), e)
        XCTAssertTrue(e.contains("unknown key 'triger'"), e)
    }

    func testBadRegexNamesPatternLineAndOffset() {
        let e = error("pack: t\ndetectors:\n  - id: t.a\n    entity: EMAIL\n    patterns:\n      - '(?<=a+)b'\n")
        XCTAssertTrue(e.contains("t.yaml:6"), e)
        XCTAssertTrue(e.contains("lookbehind"), e)
    }

    func testUnknownValidatorAndFragmentAndEntity() {
        XCTAssertTrue(error("pack: t\ndetectors:\n  - id: t.a\n    entity: EMAIL\n    patterns: ['x']\n    validators: [nope]\n").contains("unknown validator 'nope'"))
        XCTAssertTrue(error("pack: t\ndetectors:\n  - id: t.a\n    entity: EMAIL\n    patterns: ['{SEP}x']\n").contains("unknown fragment {SEP}"))
        XCTAssertTrue(error("pack: t\ndetectors:\n  - id: t.a\n    entity: email\n    patterns: ['x']\n").contains("entity 'email'"))
    }

    /// `lead_chars` counts the lead in characters; it excludes `lead`, and the byte bound used
    /// wherever characters are not counted is four bytes a character.
    func testLeadInCharacters() throws {
        let detector = "pack: t\ndetectors:\n  - id: t.a\n    entity: EMAIL\n    patterns: ['\\w{1,5}@']\n    trigger: lit:@\n"
        let p = try PackCompiler.compile(try RawPack.decode(yaml: detector + "    lead_chars: 5\n", file: "t.yaml"))
        XCTAssertEqual(p.detectors.first?.leadCharacters, 5)
        XCTAssertEqual(p.detectors.first?.lead, 20)
        let plain = try PackCompiler.compile(try RawPack.decode(yaml: detector + "    lead: 7\n", file: "t.yaml"))
        XCTAssertNil(plain.detectors.first?.leadCharacters)
        XCTAssertEqual(plain.detectors.first?.lead, 7)
        let both = error(detector + "    lead: 8\n    lead_chars: 5\n")
        XCTAssertTrue(both.contains("t.a") && both.contains("either lead (bytes) or lead_chars"), both)
        XCTAssertTrue(error(detector + "    lead_chars: 5000\n").contains("lead_chars must be between 0 and 1024"))
    }

    func testFragmentsAreSubstitutedButRegexEscapesAreNot() throws {
        let p = try PackCompiler.compile(try RawPack.decode(yaml: "pack: t\nfragments:\n  S: '[ .]'\ndetectors:\n  - id: t.a\n    entity: X\n    patterns: ['\\p{L}{2}\\d{2}{S}\\d']\n    examples:\n      match: ['⟦ab12 3⟧']\n      no_match: ['ab123']\n", file: "t.yaml"))
        let report = try PackSelfTest.run(p)
        XCTAssertEqual(report.failures.map(\.description), [])
        XCTAssertEqual(report.examples, 2)
    }

    /// Compiling restricts a digit trigger to the stretch lengths the patterns can match, and
    /// leaves it alone when the analysis gives up (a backreference): a phone number's run then
    /// no longer wakes an 11-digit identifier, and the gated run still finds that identifier.
    func testDigitTriggersAreRestrictedToTheStretchesThePatternsMatch() throws {
        let yaml = """
            pack: t
            detectors:
              - id: t.id
                entity: NATIONAL_ID
                patterns: ['(?<!\\d)\\d{11}(?!\\d)', '(?<!\\d)\\d{3} \\d{4}(?!\\d)']
                trigger: digits:7 | lit:ID
              - id: t.backref
                entity: NATIONAL_ID
                patterns: ['(\\d)\\1\\d{5}']
                trigger: cdigits:7
              - id: t.guarded
                entity: NATIONAL_ID
                patterns: ['(?<![\\p{L}\\p{N}])(?<!\\p{N}[ \\x{00A0}\\x{202F}\\x{2009}.\\-/])\\d{8}(?![\\p{L}\\p{N}])']
                trigger: cdigits:8
            """
        let pack = try PackCompiler.compile(try RawPack.decode(yaml: yaml, file: "t.yaml"))
        let byID = Dictionary(uniqueKeysWithValues: pack.detectors.map { ($0.id, $0) })
        let bit: (Int) -> UInt64 = { 1 << UInt64($0) }
        // Stretch lengths, then the sequences of stretches a match holds in one run (`[11|3.4]`).
        XCTAssertEqual(byID["t.id"]?.trigger?.description, "any[digits:7{3-4,11}[11|3.4], lit:ID]")
        // Each pattern wakes on the runs it alone can match: 11 digits, or a 3 and a 4.
        XCTAssertEqual(byID["t.id"]?.patternTriggers?.map(\.description), ["any[digits:7{11}[11], lit:ID]", "any[digits:7{3-4}[3.4], lit:ID]"])
        XCTAssertEqual(byID["t.id"]?.patternTriggers?.first,
                       .any([.segments(.stretches(.digits(7), bit(11), initialOnly: false), try XCTUnwrap(DigitSegments.of(pattern: "(?<!\\d)\\d{11}(?!\\d)"))),
                             .literal(Array("ID".utf8))]))
        XCTAssertNil(byID["t.guarded"]?.patternTriggers, "one pattern: the detector's trigger is the pattern's")
        XCTAssertEqual(byID["t.backref"]?.trigger, .contiguousDigits(7))
        // Guarded against starting after a digit and a separator: initial stretches only.
        XCTAssertEqual(byID["t.guarded"]?.trigger?.description, "cdigits:8{^8}[8]")
        let engine = try DetectionEngine(detectors: pack.detectors)
        let text = Array("tel 0151 55102666, ref 123 4567, nr 12345678901 and 1234567, id 87654321\n".utf8)
        let found = try text.withUnsafeBufferPointer { buf in
            try engine.scan(buf, from: 0, segmentEnd: buf.count, isFinal: true).detections.map { String(decoding: text[$0.span], as: UTF8.self) }
        }
        XCTAssertEqual(Set(found), ["123 4567", "12345678901", "5510266", "87654321"])
        XCTAssertGreaterThan(PackLoadingTests.shippedPatternTriggerCount(), 10, "few shipped detectors gate their patterns one by one")
    }

    /// How many shipped detectors have a trigger per pattern.
    static func shippedPatternTriggerCount() -> Int {
        var lib = PackLibrary()
        guard (try? lib.load(directory: repo.appendingPathComponent("patterns").path)) != nil else { return 0 }
        return lib.detectors().filter { $0.patternTriggers != nil }.count
    }

    /// `\D`, `\W` and `\S` outside classes are spelled as classes (PCRE2 10.42's JIT steps back
    /// one byte for them in a lookbehind under MATCH_INVALID_UTF); escapes, classes and quoted
    /// text are left alone, and JIT and interpreter then agree after a multi-byte character.
    func testNegatedTypeEscapesAreSpelledAsClasses() throws {
        let spell = PackCompiler.spellingOutNegatedTypes
        XCTAssertEqual(spell("(?<!x\\S)y"), "(?<!x[^\\t\\n\\x0B\\f\\r ])y")
        XCTAssertEqual(spell("a\\Wb\\D"), "a(?-i:[^0-9A-Za-z_])b[^0-9]")
        for unchanged in ["\\\\D", "[\\D\\S]", "[]\\S]\\d", "[^]\\W]", "[[:alpha:]\\S]", "\\Q\\D\\E", "\\d\\w\\s"] {
            XCTAssertEqual(spell(unchanged), unchanged)
        }
        XCTAssertEqual(spell("[a]\\S"), "[a][^\\t\\n\\x0B\\f\\r ]")
        let pack = try PackCompiler.compile(try RawPack.decode(yaml: "pack: t\ndetectors:\n  - id: t.a\n    entity: X\n    patterns: ['(?<!x\\S)y', '(?<=\\S)z']\n", file: "t.yaml"))
        let sources = try XCTUnwrap(pack.detectors.first).patternSources
        XCTAssertFalse(sources.joined().contains("\\S"), "\(sources)")
        let matcher = try Matcher()
        for source in sources {
            for subject in ["xéy", "x y", "éz", " z"] {
                let bytes = Array(subject.utf8)
                var outcomes: [Bool] = []
                for jit in [false, true] {
                    let p = try CompiledPattern(source, jit: jit)
                    let outcome = try bytes.withUnsafeBufferPointer { try matcher.match(p, in: $0, from: 0) }
                    if case .match = outcome { outcomes.append(true) } else { outcomes.append(false) }
                }
                XCTAssertEqual(outcomes[0], outcomes[1], "\(source) on \(subject): interpreter and JIT differ")
            }
        }
    }

    func testSelfTestCatchesAWrongExample() throws {
        let p = try PackCompiler.compile(try RawPack.decode(yaml: "pack: t\ndetectors:\n  - id: t.a\n    entity: X\n    patterns: ['\\d{3}']\n    trigger: digits:3\n    examples:\n      match: ['a ⟦1234⟧']\n      no_match: ['567']\n", file: "t.yaml"))
        let report = try PackSelfTest.run(p)
        XCTAssertEqual(report.failures.count, 2)
    }

    func testEveryShippedPackPassesItsExamples() throws {
        var lib = PackLibrary()
        try lib.load(directory: PackLoadingTests.repo.appendingPathComponent("patterns").path)
        XCTAssertGreaterThan(lib.packs.count, 0)
        for pack in lib.packs {
            let report = try PackSelfTest.run(pack)
            XCTAssertEqual(report.failures.map(\.description), [], pack.raw.file)
            XCTAssertEqual(report.detectorsWithoutExamples, [], pack.raw.file)
        }
    }

    /// The second load comes from the pack cache (sources, triggers and metrics stored, regexes
    /// compiled on first use): every detector must be the same as a fresh compile and pass every
    /// shipped example.
    func testPacksLoadedFromTheCacheEqualAFreshCompile() throws {
        let dir = PackLoadingTests.repo.appendingPathComponent("patterns").path
        let cachePath = NSTemporaryDirectory() + "caviar-packcache-\(getpid()).bin"
        defer { try? FileManager.default.removeItem(atPath: cachePath) }
        var fresh = PackLibrary()
        try fresh.load(directory: dir)
        var writing = PackLibrary()
        try writing.load(directory: dir, cache: PackCache(path: cachePath))
        XCTAssertTrue(FileManager.default.fileExists(atPath: cachePath), "the cache was not written")
        let inode = { (try? FileManager.default.attributesOfItem(atPath: cachePath)[.systemFileNumber] as? Int) ?? -1 }
        let written = inode()
        var cached = PackLibrary()
        try cached.load(directory: dir, cache: PackCache(path: cachePath))
        // A cache that could not be read would be rewritten (a new file through rename).
        XCTAssertEqual(inode(), written, "the second load did not come from the cache")
        XCTAssertEqual(cached.packs.map(\.id), fresh.packs.map(\.id))
        for (a, b) in zip(cached.packs, fresh.packs) {
            XCTAssertEqual(a.detectors.map(\.id), b.detectors.map(\.id))
            for (x, y) in zip(a.detectors, b.detectors) {
                XCTAssertEqual(x.trigger, y.trigger, x.id)
                XCTAssertEqual(x.patternTriggers, y.patternTriggers, x.id)
                XCTAssertEqual(x.patternSources, y.patternSources, x.id)
                XCTAssertEqual(x.maxCaptureCount, y.maxCaptureCount, x.id)
                XCTAssertEqual(x.maxLookbehind, y.maxLookbehind, x.id)
                XCTAssertEqual(x.lead, y.lead, x.id)
                XCTAssertEqual(x.leadCharacters, y.leadCharacters, x.id)
            }
            let report = try PackSelfTest.run(a)
            XCTAssertEqual(report.failures.map(\.description), [], a.raw.file)
            // The examples ran on bytecode decoded from the cache (a blob that fails to decode
            // is dropped, and the detector compiles its sources instead).
            for d in a.detectors { XCTAssertNotNil(d.serializedPatterns, "\(d.id): no usable bytecode in the cache") }
        }
        // A run-time load (header section first, bodies on demand) describes every detector as
        // the fresh compile does.
        var runtime = PackLibrary()
        try runtime.load(directory: dir, cache: PackCache(path: cachePath), complete: false)
        XCTAssertEqual(inode(), written, "the run-time load did not come from the cache")
        let freshDetectors = fresh.detectors(), runtimeDetectors = runtime.detectors()
        XCTAssertEqual(runtimeDetectors.map(\.id), freshDetectors.map(\.id))
        for (x, y) in zip(runtimeDetectors, freshDetectors) {
            XCTAssertEqual(x.trigger, y.trigger, x.id)
            XCTAssertEqual(x.patternTriggers, y.patternTriggers, x.id)
            XCTAssertEqual(x.entity, y.entity, x.id)
            XCTAssertEqual(x.group, y.group, x.id)
            XCTAssertEqual(x.lead, y.lead, x.id)
            XCTAssertEqual(x.leadCharacters, y.leadCharacters, x.id)
            XCTAssertEqual(x.maxExtent, y.maxExtent, x.id)
            XCTAssertEqual(x.priority, y.priority, x.id)
            XCTAssertEqual(x.policy, y.policy, x.id)
            XCTAssertEqual(x.origin, y.origin, x.id)
            XCTAssertEqual(x.patternCount, y.patternCount, x.id)
            XCTAssertEqual(x.maxCaptureCount, y.maxCaptureCount, x.id)
            XCTAssertEqual(x.maxLookbehind, y.maxLookbehind, x.id)
            XCTAssertEqual(x.patternSources, y.patternSources, x.id)
            XCTAssertEqual(x.validators.map(\.name), y.validators.map(\.name), x.id)
            XCTAssertEqual(x.confidence, y.confidence, x.id)
            XCTAssertEqual(x.context == nil, y.context == nil, x.id)
            XCTAssertEqual(x.operatorName, y.operatorName, x.id)
            XCTAssertNotNil(x.serializedPatterns, x.id)
        }
        // A damaged cache is ignored, not mis-read.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: cachePath))
        bytes = bytes.prefix(bytes.count / 2)
        try bytes.write(to: URL(fileURLWithPath: cachePath))
        var afterDamage = PackLibrary()
        try afterDamage.load(directory: dir, cache: PackCache(path: cachePath))
        XCTAssertEqual(afterDamage.detectors().count, fresh.detectors().count)
    }

    /// A pack directory of one small pack, and a cache path, in a fresh temporary directory.
    func scratchPack(_ yaml: String) throws -> (dir: String, pack: String, cache: String) {
        let dir = NSTemporaryDirectory() + "caviar-cachetest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/packs", withIntermediateDirectories: true)
        let pack = dir + "/packs/t.yaml"
        try yaml.write(toFile: pack, atomically: false, encoding: .utf8)
        return (dir + "/packs", pack, dir + "/cache.bin")
    }

    static func pack(pattern: String) -> String {
        "pack: t\ndetectors:\n  - id: t.a\n    entity: X\n    patterns: ['\(pattern)']\n    examples:\n      match: ['a ⟦\(pattern)⟧']\n      no_match: ['zz']\n"
    }

    /// An edit that keeps the size and puts the modification time back (`touch -r`) is still
    /// seen: the status-change time moves with every write.
    func testAnEditHiddenFromSizeAndMtimeIsSeen() throws {
        let t = try scratchPack(PackLoadingTests.pack(pattern: "abc"))
        defer { try? FileManager.default.removeItem(atPath: (t.dir as NSString).deletingLastPathComponent) }
        var first = PackLibrary()
        try first.load(directory: t.dir, cache: PackCache(path: t.cache), complete: false)
        var before = stat()
        XCTAssertEqual(stat(t.pack, &before), 0)
        usleep(20_000)
        try PackLoadingTests.pack(pattern: "xyz").write(toFile: t.pack, atomically: false, encoding: .utf8)
        var times = [before.st_atim, before.st_mtim]
        XCTAssertEqual(utimensat(AT_FDCWD, t.pack, &times, 0), 0)
        var after = stat()
        XCTAssertEqual(stat(t.pack, &after), 0)
        XCTAssertEqual(after.st_size, before.st_size)
        XCTAssertEqual(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec)
        var second = PackLibrary()
        try second.load(directory: t.dir, cache: PackCache(path: t.cache), complete: false)
        XCTAssertEqual(second.detectors().first?.patternSources, ["xyz"], "the cache served a pack that was edited")
    }

    /// A run reads the cache without examples and raw pattern texts, but when it rewrites the
    /// cache (another pack changed) the unchanged packs are kept complete in it.
    func testARewriteWithoutExamplesKeepsThemInTheCache() throws {
        let t = try scratchPack(PackLoadingTests.pack(pattern: "abc"))
        defer { try? FileManager.default.removeItem(atPath: (t.dir as NSString).deletingLastPathComponent) }
        try PackLoadingTests.pack(pattern: "def").replacingOccurrences(of: "pack: t", with: "pack: u").replacingOccurrences(of: "t.a", with: "u.a")
            .write(toFile: t.dir + "/u.yaml", atomically: false, encoding: .utf8)
        var first = PackLibrary()
        try first.load(directory: t.dir, cache: PackCache(path: t.cache), complete: true)
        // Only u.yaml changes; t.yaml comes from the cache, read without examples at first.
        try PackLoadingTests.pack(pattern: "deg").replacingOccurrences(of: "pack: t", with: "pack: u").replacingOccurrences(of: "t.a", with: "u.a")
            .write(toFile: t.dir + "/u.yaml", atomically: false, encoding: .utf8)
        var runtime = PackLibrary()
        try runtime.load(directory: t.dir, cache: PackCache(path: t.cache), complete: false)
        XCTAssertEqual(runtime.packs.map(\.id), ["t", "u"])
        var tests = PackLibrary()
        try tests.load(directory: t.dir, cache: PackCache(path: t.cache), complete: true)
        for pack in tests.packs {
            let report = try PackSelfTest.run(pack)
            XCTAssertEqual(report.detectorsWithoutExamples, [], "\(pack.id) lost its examples in the rewritten cache")
            XCTAssertEqual(report.examples, 2, pack.id)
            XCTAssertEqual(report.failures.map(\.description), [], pack.id)
        }
        XCTAssertEqual(tests.packs.first?.raw.detectors.first?.patterns.first?.text, "abc")
        // A run-time load served entirely from the cache leaves out the raw detectors (examples,
        // pattern texts), and still knows each detector's sources.
        var quiet = PackLibrary()
        try quiet.load(directory: t.dir, cache: PackCache(path: t.cache), complete: false)
        XCTAssertEqual(quiet.packs.first?.raw.detectors.count, 0)
        XCTAssertEqual(quiet.detectors().first?.patternSources, ["abc"])
    }

    static let validatedPack = """
        pack: t
        detectors:
          - id: t.card
            entity: PAYMENT_CARD
            patterns: ['\\b\\d{4}(?: \\d{4}){3}\\b']
            trigger: digits:16
            validators: [luhn]
            context:
              words: {en: [zqxcard]}
              before: 20
            examples:
              match: ['zqxcard ⟦4111 1111 1111 1111⟧']
              no_match: ['4111 1111 1111 1112']
        """

    func detections(_ library: PackLibrary, _ text: String) throws -> [Detection] {
        let engine = try DetectionEngine(detectors: library.detectors())
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { try engine.scan($0, from: 0, segmentEnd: $0.count, isFinal: true) }.detections
    }

    /// A run-time load reads the header section alone: validators, context words and bytecode
    /// come from the cache when a detector first needs them, and detect as a fresh compile does.
    func testARunTimeLoadDecodesBodiesOnFirstUse() throws {
        let t = try scratchPack(PackLoadingTests.validatedPack)
        defer { try? FileManager.default.removeItem(atPath: (t.dir as NSString).deletingLastPathComponent) }
        var fresh = PackLibrary()
        try fresh.load(directory: t.dir, cache: PackCache(path: t.cache), complete: true)
        var runtime = PackLibrary()
        try runtime.load(directory: t.dir, cache: PackCache(path: t.cache), complete: false)
        XCTAssertEqual(runtime.packs.first?.raw.detectors.count, 0, "the run-time load decoded the raw detectors")
        let d = try XCTUnwrap(runtime.detectors().first)
        XCTAssertEqual(d.validators.map(\.name), ["luhn"])
        XCTAssertNotNil(d.context)
        XCTAssertNotNil(d.serializedPatterns, "no bytecode in the cache")
        let text = "zqxcard 4111 1111 1111 1111, 4111 1111 1111 1112, 5500 0000 0000 0004.\n"
        let expected = try detections(fresh, text)
        XCTAssertEqual(expected.count, 2, "the Luhn validator drops the second number")
        let found = try detections(runtime, text)
        XCTAssertEqual(found.map(\.span), expected.map(\.span))
        XCTAssertEqual(found.map(\.confidence), expected.map(\.confidence), "context words lost in the cache")
    }

    /// A detector body that does not read back as written (its checksum) is a clear error
    /// naming the detector when it is needed, never a detector that silently stops detecting.
    func testADamagedBodyInTheCacheIsAnErrorNamingTheDetector() throws {
        let t = try scratchPack(PackLoadingTests.validatedPack)
        defer { try? FileManager.default.removeItem(atPath: (t.dir as NSString).deletingLastPathComponent) }
        var first = PackLibrary()
        try first.load(directory: t.dir, cache: PackCache(path: t.cache), complete: true)
        // The context word lives only in the detector's body blob: change one letter of it.
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: t.cache)))
        let marker = Array("zqxcard".utf8)
        let at = try XCTUnwrap((0...(bytes.count - marker.count)).first { bytes[$0..<($0 + marker.count)].elementsEqual(marker) })
        bytes[at] = UInt8(ascii: "y")
        try Data(bytes).write(to: URL(fileURLWithPath: t.cache + ".new"))
        XCTAssertEqual(rename(t.cache + ".new", t.cache), 0)
        var runtime = PackLibrary()
        try runtime.load(directory: t.dir, cache: PackCache(path: t.cache), complete: false)
        XCTAssertThrowsError(try detections(runtime, "zqxcard 4111 1111 1111 1111\n")) { error in
            XCTAssertEqual((error as? DetectorFailure)?.detectorID, "t.card", "\(error)")
            XCTAssertTrue("\(error)".contains("pack cache"), "\(error)")
        }
        // A load that needs the complete packs does not trust the damaged entry: it compiles the
        // pack again and rewrites the cache, and the next run detects.
        var complete = PackLibrary()
        try complete.load(directory: t.dir, cache: PackCache(path: t.cache), complete: true)
        var again = PackLibrary()
        try again.load(directory: t.dir, cache: PackCache(path: t.cache), complete: false)
        XCTAssertEqual(try detections(again, "zqxcard 4111 1111 1111 1111\n").count, 1)
    }
}
