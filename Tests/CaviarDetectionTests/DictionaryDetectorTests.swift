import CaviarCore
import Foundation
import Testing
@testable import CaviarDetection
@testable import DictionaryAutomaton

/// Invalid UTF-8 after more than eight ASCII bytes (read eight at a time): a sequence cut by
/// the end of the line, a continuation byte with no lead, a bad byte after a letter and ASCII.
private let truncatedAfterASCII: [UInt8] = Array("ok\nabcdefghijklmnopq".utf8) + [0xC3, 0x0A]
private let strayAfterASCII: [UInt8] = Array("ok\nPERSON\tabcdefgh".utf8) + [0x80, 0x78, 0x0A]
private let badAfterLetterAndASCII: [UInt8] = Array("ok\n\u{E9}abcdefghi".utf8) + [0xFF, 0x0A]

private func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dict-detector-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func write(_ text: String, to url: URL) throws {
    try Data(text.utf8).write(to: url)
}

/// (matched text, entity, identity) for every detection.
private func detections(_ detector: DictionaryDetector, in text: String) -> [String] {
    let bytes = Array(text.utf8)
    var results: [Detection] = []
    bytes.withUnsafeBufferPointer { detector.detect(in: $0, range: 0..<$0.count, into: &results) }
    return results.map { "\(String(decoding: bytes[$0.span], as: UTF8.self))|\($0.entity)|\(String(decoding: $0.identity ?? [], as: UTF8.self))" }
}

@Suite struct DictionarySourceTests {
    @Test func parsesTermsEntitiesCommentsAndLineEndings() throws {
        var warnings: [DictionaryWarning] = []
        let source = "\u{FEFF}# codenames\r\nProjet Orion\r\n\n   \nPERSON\tZoë Lefèvre\n  # indented comment\nINTERNAL_REFERENCE\t  REF-2024-17  \nlast line"
        let terms = try DictionarySource.parse(Array(source.utf8), file: "list.txt", defaultEntity: EntityType("ORGANISATION_TERM"), warnings: &warnings)
        #expect(terms.map { String(decoding: $0.term, as: UTF8.self) } == ["Projet Orion", "Zoë Lefèvre", "REF-2024-17", "last line"])
        #expect(terms.map(\.entity.name) == ["ORGANISATION_TERM", "PERSON", "INTERNAL_REFERENCE", "ORGANISATION_TERM"])
        #expect(terms.map(\.line) == [2, 5, 7, 8])
        #expect(warnings.isEmpty)
    }

    @Test(arguments: [
        ([0x6F, 0x6B, 0x0A, 0x62, 0x61, 0xFF, 0x64, 0x0A] as [UInt8], "list.txt:2: invalid UTF-8 (byte 0xFF at column 3)"),
        (truncatedAfterASCII, "list.txt:2: invalid UTF-8 (byte 0xC3 at column 18)"),
        (strayAfterASCII, "list.txt:2: invalid UTF-8 (byte 0x80 at column 16)"),
        (badAfterLetterAndASCII, "list.txt:2: invalid UTF-8 (byte 0xFF at column 12)"),
        (Array("ok\nPerson\tJean\n".utf8), "list.txt:2: 'Person' before the tab is not an entity name"),
        (Array("ok\nPERSON\t \n".utf8), "list.txt:2: no term after the tab"),
        (Array(("ok\n" + String(repeating: "x", count: 2000) + "\n").utf8), "list.txt:2: line of 2000 bytes is longer than 1024"),
    ])
    func refusesBadLinesNamingFileAndLine(bytes: [UInt8], message: String) {
        var warnings: [DictionaryWarning] = []
        do {
            _ = try DictionarySource.parse(bytes, file: "list.txt", defaultEntity: EntityType("ORGANISATION_TERM"), warnings: &warnings)
            Issue.record("accepted: \(message)")
        } catch let error as DictionaryError {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func warnsAboutDuplicatesAndTermsWithoutLetters() throws {
        let folder = try temporaryFolder()
        let list = folder.appendingPathComponent("list.txt")
        try write("Orion\n---\nORION\nPERSON\torion\nVega\n", to: list)
        let (_, report) = try DictionaryCompiler.compile(sources: [list.path], options: DictionaryBuildOptions())
        #expect(report.sourceTerms == 5)
        #expect(report.spellings == 2)
        #expect(report.warnings.map(\.line) == [2, 3, 4])
        #expect(report.warnings.allSatisfy { $0.file == list.path })
        #expect(report.warnings[0].message.contains("no letters"))
        #expect(report.warnings[1].message.contains("duplicate of \(list.path):1"))
        #expect(report.warnings[2].message.contains("also listed as ORGANISATION_TERM"))
        // Messages never carry the term.
        #expect(report.warnings.allSatisfy { !$0.description.lowercased().contains("orion") })
    }

    @Test func emptyListIsAnError() throws {
        let folder = try temporaryFolder()
        let list = folder.appendingPathComponent("empty.txt")
        try write("# nothing\n\n", to: list)
        #expect(throws: DictionaryError.self) { try DictionaryCompiler.compile(sources: [list.path], options: DictionaryBuildOptions()) }
    }
}

@Suite struct DictionaryDetectorTests {
    @Test func detectsFoldedTermsWithEntityAndIdentity() throws {
        let folder = try temporaryFolder()
        let list = folder.appendingPathComponent("codenames.txt")
        try write("Projet Orion\nPERSON\tZoë Lefèvre\nMüller AG\n", to: list)
        let detector = try DictionaryDetector.open(path: list.path)
        #expect(detector.id == "dict.codenames")
        #expect(Set(detector.entities) == [EntityType("ORGANISATION_TERM"), EntityType("PERSON")])
        #expect(detections(detector, in: "Le PROJET-ORION de zoe lefevre, chez Mueller AG; Orion seul.") == [
            "PROJET-ORION|ORGANISATION_TERM|projet orion",
            "zoe lefevre|PERSON|zoe lefevre",
            "Mueller AG|ORGANISATION_TERM|muller ag",
        ])
    }

    /// Entities whose names share a prefix, alternating from one detection to the next (the
    /// detector reuses the last entity when a value starts with its name and its 0 byte).
    @Test func alternatingEntitiesWithSharedPrefixes() throws {
        let folder = try temporaryFolder()
        let list = folder.appendingPathComponent("people.txt")
        try write("PERSON\tJean Dupont\nPERSONNEL\tMarie Curie\nPERSON_X\tZoë\nAlpha Beta\nPERSON\tDupont\n", to: list)
        let detector = try DictionaryDetector.open(path: list.path)
        #expect(detections(detector, in: "Jean Dupont, Marie Curie; zoe, Alpha Beta, Dupont, Zoë, Marie Curie and Jean Dupont.") == [
            "Jean Dupont|PERSON|jean dupont",
            "Marie Curie|PERSONNEL|marie curie",
            "zoe|PERSON_X|zoe",
            "Alpha Beta|ORGANISATION_TERM|alpha beta",
            "Dupont|PERSON|dupont",
            "Zoë|PERSON_X|zoe",
            "Marie Curie|PERSONNEL|marie curie",
            "Jean Dupont|PERSON|jean dupont",
        ])
        // More detections than one batch of decoded values (64), across batch boundaries.
        let many = detections(detector, in: String(repeating: "Jean Dupont, Marie Curie; Alpha Beta or zoe. ", count: 50))
        #expect(many.count == 200)
        #expect(many == Array(repeating: ["Jean Dupont|PERSON|jean dupont", "Marie Curie|PERSONNEL|marie curie",
                                          "Alpha Beta|ORGANISATION_TERM|alpha beta", "zoe|PERSON_X|zoe"], count: 50).flatMap { $0 })
    }

    @Test func compiledFileGivesTheSameDetections() throws {
        let folder = try temporaryFolder()
        let list = folder.appendingPathComponent("codenames.txt")
        let compiled = folder.appendingPathComponent("codenames.dict")
        try write("Projet Orion\nPERSON\tZoë Lefèvre\n", to: list)
        try DictionaryCompiler.build(sources: [list.path], output: compiled.path, options: DictionaryBuildOptions())
        let fromList = try DictionaryDetector.open(path: list.path)
        let fromFile = try DictionaryDetector.open(path: compiled.path)
        let text = "zoë LEFÈVRE et le projet Orion"
        #expect(detections(fromFile, in: text) == detections(fromList, in: text))
        #expect(detections(fromFile, in: text).count == 2)
    }

    @Test func csvPeopleVariantsShareOneIdentity() throws {
        let folder = try temporaryFolder()
        let csv = folder.appendingPathComponent("staff.csv")
        try write("Prénom;Nom;E-mail\nJean-Pierre;Dupont;jp.dupont@example.org\n\"Zoë\";\"Lefèvre\";zoe@example.org\n;;\n", to: csv)
        let options = DictionaryBuildOptions(csvRoles: try DictionaryCSV.roles("first,last,email"))
        let compiled = folder.appendingPathComponent("staff.dict")
        let report = try DictionaryCompiler.build(sources: [csv.path], output: compiled.path, options: options)
        #expect(report.sourceTerms == 2)
        let detector = try DictionaryDetector.open(path: compiled.path)
        let text = """
            Jean-Pierre Dupont, DUPONT Jean-Pierre, Dupont, Jean-Pierre, J. Dupont, J.-P. Dupont, \
            Herr Dupont, M. Dupont, Sig.ra Dupont, jp.dupont@example.org. Mme Lefevre, zoe@example.org, Dupont alone.
            """
        let found = detections(detector, in: text)
        #expect(found == [
            "Jean-Pierre Dupont|PERSON|jean pierre dupont",
            "DUPONT Jean-Pierre|PERSON|jean pierre dupont",
            "Dupont, Jean-Pierre|PERSON|jean pierre dupont",
            "J. Dupont|PERSON|jean pierre dupont",
            "J.-P. Dupont|PERSON|jean pierre dupont",
            "Herr Dupont|PERSON|jean pierre dupont",
            "M. Dupont|PERSON|jean pierre dupont",
            "Sig.ra Dupont|PERSON|jean pierre dupont",
            "jp.dupont@example.org|PERSON|jean pierre dupont",
            "Mme Lefevre|PERSON|zoe lefevre",
            "zoe@example.org|PERSON|zoe lefevre",
        ])
    }

    @Test func csvColumnsAreValidated() {
        #expect(throws: DictionaryError.self) { try DictionaryCSV.roles("first,surname") }
        #expect(throws: DictionaryError.self) { try DictionaryCSV.roles("email") }
        #expect((try? DictionaryCSV.roles("-,full,email")) == [.ignore, .full, .email])
    }

    @Test func hashedDictionaryFindsTheSameSpansAndHidesTerms() throws {
        let folder = try temporaryFolder()
        let list = folder.appendingPathComponent("codenames.txt")
        let salt = folder.appendingPathComponent("salt")
        try write("Projet Orion\nPERSON\tZoë Lefèvre\nMüller\nO'Brien Consulting\n", to: list)
        try write("a salt of at least sixteen bytes", to: salt)
        let plainFile = folder.appendingPathComponent("plain.dict")
        let hashedFile = folder.appendingPathComponent("hashed.dict")
        try DictionaryCompiler.build(sources: [list.path], output: plainFile.path, options: DictionaryBuildOptions())
        try DictionaryCompiler.build(sources: [list.path], output: hashedFile.path, options: DictionaryBuildOptions(saltPath: salt.path))
        let plain = try DictionaryDetector.open(path: plainFile.path)
        let hashed = try DictionaryDetector.open(path: hashedFile.path)
        #expect(hashed.automaton.isHashed)
        let text = "projet orion, l'Orion, PROJET ORION's, Zoe Lefevre, MUELLER, o’brien consulting, Müllerin"
        func spans(_ detector: DictionaryDetector) -> [String] {
            detections(detector, in: text).map { $0.split(separator: "|").prefix(2).joined(separator: "|") }
        }
        #expect(spans(hashed) == spans(plain))
        #expect(spans(plain).count == 5)
        // Identities are hashes in hashed mode, equal for equal terms.
        let identities = detections(hashed, in: "projet orion PROJET ORION").map { $0.split(separator: "|")[2] }
        #expect(identities.count == 2 && identities[0] == identities[1] && identities[0].count == 16)
        let bytes = try Data(contentsOf: hashedFile)
        #expect(bytes.range(of: Data("orion".utf8)) == nil)
        #expect(bytes.range(of: Data("lefevre".utf8)) == nil)
    }

    @Test func staleCompiledFileIsRebuiltOrRefused() throws {
        let folder = try temporaryFolder()
        let list = folder.appendingPathComponent("codenames.txt")
        let compiled = folder.appendingPathComponent("codenames.dict")
        try write("Projet Orion\n", to: list)
        try DictionaryCompiler.build(sources: [list.path], output: compiled.path, options: DictionaryBuildOptions())
        #expect(DictionaryCompiler.freshness(of: try DictionaryAutomaton(contentsOf: compiled.path)) == .fresh)

        // Same content, new time: still fresh (the fingerprint decides).
        try write("Projet Orion\n", to: list)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: list.path)
        #expect(DictionaryCompiler.freshness(of: try DictionaryAutomaton(contentsOf: compiled.path)) == .fresh)

        try write("Projet Orion\nProjet Vega\n", to: list)
        guard case .stale(let reason) = DictionaryCompiler.freshness(of: try DictionaryAutomaton(contentsOf: compiled.path)) else {
            Issue.record("a changed source was not noticed")
            return
        }
        #expect(reason.contains(list.lastPathComponent))
        #expect(throws: DictionaryError.self) { try DictionaryDetector.open(path: compiled.path, stalePolicy: .refuse) }
        let ignored = try DictionaryDetector.open(path: compiled.path, stalePolicy: .ignore)
        #expect(detections(ignored, in: "projet vega").isEmpty)
        let rebuilt = try DictionaryDetector.open(path: compiled.path, stalePolicy: .rebuild)
        #expect(detections(rebuilt, in: "projet vega") == ["projet vega|ORGANISATION_TERM|projet vega"])
        #expect(DictionaryCompiler.freshness(of: try DictionaryAutomaton(contentsOf: compiled.path)) == .fresh)

        // A shipped compiled file without its sources is used as is.
        try FileManager.default.removeItem(at: list)
        #expect(DictionaryCompiler.freshness(of: try DictionaryAutomaton(contentsOf: compiled.path)) == .sourcesUnavailable)
    }

    @Test func truncatedCompiledFileIsRefusedNotReadAsAList() throws {
        let folder = try temporaryFolder()
        let list = folder.appendingPathComponent("codenames.txt")
        let compiled = folder.appendingPathComponent("codenames.dict")
        try write("Projet Orion\n", to: list)
        try DictionaryCompiler.build(sources: [list.path], output: compiled.path, options: DictionaryBuildOptions())
        let bytes = try Data(contentsOf: compiled)
        for length in [3, 100, bytes.count - 1] {
            try bytes.prefix(length).write(to: compiled)
            do {
                _ = try DictionaryDetector.open(path: compiled.path)
                Issue.record("truncated at \(length) accepted")
            } catch let error as DictionaryError {
                #expect(error.kind == .truncated, "\(error)")
            }
        }
    }

    @Test func csvGivenAsAListIsRefusedWithTheFix() throws {
        let folder = try temporaryFolder()
        let csv = folder.appendingPathComponent("staff.csv")
        try write("first,last\nJean,Dupont\n", to: csv)
        #expect(throws: DictionaryError.self) { try DictionaryDetector.open(path: csv.path) }
    }
}

/// Lists of 1 MiB and more are read and folded in two halves on two threads: the compiled
/// bytes, the report and the errors must be those of the list read in one piece.
@Suite struct ParallelFoldingTests {
    /// A list of a few MB with what the halves must agree on: entity lines, a term that folds to
    /// nothing, duplicates across the halves, spelling variants, CRLF lines, comments.
    static func lines(_ count: Int) -> [String] {
        var lines = ["\u{FEFF}# staff and codenames"]
        let stems = ["Zoë", "Müller", "Straße", "Łukasz", "O'Brien", "Jean-Luc", "Ærø", "ORION"]
        for index in 0..<count {
            switch index % 97 {
            case 0: lines.append("PERSON\t\(stems[index % stems.count]) Nr\(index)")
            case 1: lines.append("---")
            case 2: lines.append("# comment \(index)")
            case 3: lines.append("Müller Nr\(index / 2)\r")
            case 4: lines.append("INTERNAL_REFERENCE\tREF-\(index % 50)")
            default: lines.append("\(stems[index % stems.count]) \(stems[(index / 8) % stems.count]) \(index)")
            }
        }
        return lines
    }

    @Test func halvesFoldedApartCompileToTheSameBytesAndReport() throws {
        let folder = try temporaryFolder()
        let list = folder.appendingPathComponent("big.txt")
        try write(Self.lines(120_000).joined(separator: "\n") + "\n", to: list)
        let bytes = try Data(contentsOf: list)
        #expect(bytes.count > DictionaryCompiler.parallelFoldingSize)
        let whole = try DictionaryCompiler.compile(sources: [list.path], options: DictionaryBuildOptions(), foldsInParallelFrom: .max)
        let halves = try DictionaryCompiler.compile(sources: [list.path], options: DictionaryBuildOptions(), foldsInParallelFrom: 0)
        #expect(whole.bytes == halves.bytes)
        #expect(whole.report.sourceTerms == halves.report.sourceTerms)
        #expect(whole.report.spellings == halves.report.spellings)
        #expect(whole.report.warnings == halves.report.warnings)
        // The second half's warnings carry the lines of the whole file.
        #expect(whole.report.warnings.contains { $0.line > 60_000 && $0.message.contains("no letters") })
        #expect(whole.report.warnings.contains { $0.line > 60_000 && $0.message.contains("duplicate of") })
    }

    @Test(arguments: [(0.25, 0.26), (0.75, 0.76), (0.25, 0.75)])
    func anErrorInEitherHalfNamesItsLineInTheWholeFile(at fractions: (Double, Double)) throws {
        let folder = try temporaryFolder()
        let list = folder.appendingPathComponent("bad.txt")
        var lines = Self.lines(100_000)
        let bad = Int(Double(lines.count) * fractions.0)
        lines[bad] = "Person\tJean Dupont"
        // A second error later on (in the same half or the other): the first one is reported.
        lines[Int(Double(lines.count) * fractions.1)] = "PERSON\t "
        try write(lines.joined(separator: "\n"), to: list)
        var messages: [String] = []
        for size in [Int.max, 0] {
            do {
                _ = try DictionaryCompiler.compile(sources: [list.path], options: DictionaryBuildOptions(), foldsInParallelFrom: size)
                Issue.record("accepted a list with a bad line")
            } catch let error as DictionaryError {
                messages.append(error.description)
            }
        }
        #expect(messages.count == 2 && messages[0] == messages[1])
        #expect(messages.first?.contains("bad.txt:\(bad + 1): 'Person' before the tab is not an entity name") == true, "\(messages)")
    }
}
