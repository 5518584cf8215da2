import XCTest
import CaviarCore
@testable import CaviarDetection
import DictionaryAutomaton

/// Person names: cue kinds in many EU languages, ambiguous names, learning, identities, config.
final class NamesTests: XCTestCase {
    static let patterns: String = {
        let file = URL(fileURLWithPath: #filePath)
        return file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("patterns").path
    }()

    static let lexicon: NameLexicon = {
        do { return try NameLexicon(directory: patterns + "/names") } catch { fatalError("\(error)") }
    }()

    func detector(_ configuration: PersonNameDetector.Configuration = .init()) -> PersonNameDetector {
        PersonNameDetector(lexicon: Self.lexicon, configuration: configuration)
    }

    /// Runs `detector` on the whole text (document mode); returns (found text, identity).
    func find(_ text: String, _ detector: PersonNameDetector? = nil) -> [(String, String)] {
        let bytes = Array(text.utf8)
        var results: [Detection] = []
        let d = detector ?? self.detector()
        bytes.withUnsafeBufferPointer { d.detect(in: $0, range: 0..<$0.count, into: &results) }
        return results.sorted { $0.span.lowerBound < $1.span.lowerBound }.map {
            (String(decoding: bytes[$0.span], as: UTF8.self), String(decoding: $0.identity ?? [], as: UTF8.self))
        }
    }

    func names(_ text: String, _ detector: PersonNameDetector? = nil) -> [String] {
        find(text, detector).map(\.0)
    }

    func assertFinds(_ text: String, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(names(text), expected, text, file: file, line: line)
    }

    // MARK: Titles

    func testTitlesInManyLanguages() {
        assertFinds("Please ask Mr Howarth about it.", ["Howarth"])
        assertFinds("Nous avons vu M. Dupont et Mme Lefèvre hier.", ["Dupont", "Lefèvre"])
        assertFinds("Frau Howarth erinnerte daran, dass Herr Özdemir fehlt.", ["Howarth", "Özdemir"])
        assertFinds("La Sig.ra Bianchi e il Dott. Rossi sono arrivati.", ["Bianchi", "Rossi"])
        assertFinds("El Sr. García y la Sra. Pérez firmaron.", ["García", "Pérez"])
        assertFinds("De heer is Dhr. Jansen, en Mevr. van Dijk komt later.", ["Jansen", "van Dijk"])
        assertFinds("Pan Kowalski i Pani Nowak byli obecni.", ["Kowalski", "Nowak"])
        assertFinds("Mötet leddes av fru Lindqvist.", ["Lindqvist"])
        assertFinds("Kokousta johti herra Virtanen.", ["Virtanen"])
        assertFinds("Az ülést van den Nuwenhuysen úr vezette, Kovács asszony is jelen volt.", ["van den Nuwenhuysen", "Kovács"])
        assertFinds("Ο κ. Παπαδόπουλος ήρθε.", ["Παπαδόπουλος"])
        assertFinds("Domnul Popescu a sosit.", ["Popescu"])
    }

    func testTitleWithoutCapitalisedNameIsNothing() {
        assertFinds("Mr and Mrs are titles; Dr is short for doctor.", [])
        assertFinds("Il pan di Spagna è buono.", [])
        // Lower-case short titles are ordinary words.
        assertFinds("The fr version and the hr department.", [])
    }

    // MARK: Greetings and sign-offs

    func testGreetings() {
        assertFinds("Dear Anna,\n\nthe report is late.", ["Anna"])
        assertFinds("Bonjour Zoë,\nvoici le dossier.", ["Zoë"])
        assertFinds("Liebe Frau Weber,\nanbei die Unterlagen.", ["Weber"])
        assertFinds("Caro Blanka,\nSi prega di rispondere.", ["Blanka"])
        assertFinds("Tisztelt Vakarė!\nIrodám zárva.", ["Vakarė"])
        assertFinds("Dragă Anatolie,\nmulțumesc.", ["Anatolie"])
        assertFinds("Godmorgen Alberte,\nTil sagen.", ["Alberte"])
        assertFinds("Prezada César,\nObrigado.", ["César"])
        assertFinds("Hello Ms Roden,\n\nThe Paris Agreement was mentioned.", ["Roden"])
    }

    func testGreetingNegatives() {
        assertFinds("Dear colleagues,\nthe meeting moved.", [])
        assertFinds("Dear All,\nthe meeting moved.", [])
        assertFinds("Hello world program", [])
    }

    func testSignatures() {
        assertFinds("Thanks for the files.\n\nMit freundlichen Grüßen\nJürgen Bauer\nEuropean Commission\n", ["Jürgen Bauer"])
        assertFinds("Vedi allegato.\n\nUn saluto,\nViridiana Raurica\nCellulare: +39 333\n", ["Viridiana Raurica"])
        assertFinds("Z poważaniem,\nKaja Pałyga\n", ["Kaja Pałyga"])
        assertFinds("Bien à vous,\nLUC WAGNER\nBanque centrale européenne\n", ["LUC WAGNER"])
        assertFinds("Cordiali saluti,\nNATHALIE HOFFMANN\n", ["NATHALIE HOFFMANN"])
    }

    func testSignatureNegatives() {
        // An institution after a name line is not a second name; a heading is not a signature.
        assertFinds("Best regards,\nEuropean Commission\n", [])
        assertFinds("Introduction\nProject Overview\n", [])
    }

    // MARK: Fields and chat

    func testHeaderAndFormFields() {
        XCTAssertEqual(find("From: Zoë Lefèvre <zoe.lefevre@example.eu>\nTo: Nikolai Thaler <n@x.eu>\nSubject: Budget Review\n").map(\.0),
                       ["Zoë Lefèvre", "Nikolai Thaler"])
        assertFinds("Nombre: Matyáš Vítek\nNúmero de personal: 123", ["Matyáš Vítek"])
        assertFinds("Anställd: Luana Neureiter\n", ["Luana Neureiter"])
        assertFinds("Empleado/a: Íngrid Guerrero\n", ["Íngrid Guerrero"])
        assertFinds("Requerente: Λήδα Βαβάση (lida@example.com)\n", ["Λήδα Βαβάση"])
        assertFinds("Teilnehmende: MACE Grégoire, PETEK Drago, Anne Bettendorf\n", ["MACE Grégoire", "PETEK Drago", "Anne Bettendorf"])
        assertFinds("Résztvevők: Kovács Sándor, KANERVA Tuula\n", ["Kovács Sándor", "KANERVA Tuula"])
        // The subject line is not a person field.
        assertFinds("Subject: Annual Report\n", [])
    }

    func testSurnameFirstIdentityIsGivenNameFirst() {
        let found = find("Deltagere: BETTENDORF Nathalie\n")
        XCTAssertEqual(found.map(\.1), ["nathalie bettendorf"])
    }

    func testAllCapsCompoundFamilyNameFirst() {
        let found = find("Deelnemers: DE VROEGE Imke, Jana De Wit\nDe vergadering begint. De Vroege komt later.\n")
        XCTAssertEqual(found.map(\.0), ["DE VROEGE Imke", "Jana De Wit", "De Vroege"])
        XCTAssertEqual(found.first?.1, "imke de vroege")
    }

    func testChatSpeakers() {
        assertFinds("[09:07] Anne Kremer: kannst du das prüfen?\n[09:08] Veijo Räsänen: ok\n", ["Anne Kremer", "Veijo Räsänen"])
        assertFinds("Anna: can you check?\nTomasz: done\n", ["Anna", "Tomasz"])
        assertFinds("[09:00] kundato: ok\n[09:21] Nair Pinheiro: ok\n[10:28] Tobiáš: slides?\n", ["Nair Pinheiro", "Tobiáš"])
        assertFinds("Note: the system is down.\n", [])
    }

    // MARK: List-only forms and ambiguity

    func testPlainFirstnameLastname() {
        assertFinds("For the file: Meelis Kivilo asked for a copy.", ["Meelis Kivilo"])
        assertFinds("Bryan Fonseca vai apresentar os resultados.", ["Bryan Fonseca"])
        assertFinds("Gestern hat Lucy van Saksen angerufen.", ["Lucy van Saksen"])
        assertFinds("SOPHY SANTINO signed.", ["SOPHY SANTINO"])
        assertFinds("Transfer it to Simonas Vaitkus's account.", ["Simonas Vaitkus"])
        assertFinds("Present: DUPONT Jean.", ["DUPONT Jean"])
    }

    func testAmbiguousNamesNeedACue() {
        assertFinds("The Paris Agreement was mentioned, as was the rose garden.", [])
        assertFinds("We will meet in Paris in May. Grace Period ends in April.", [])
        assertFinds("Rose Street and Victoria Station are near.", [])
        assertFinds("Mark Twain wrote books.", [])
        // With a cue they are names.
        assertFinds("Dear Rose,\nthanks.", ["Rose"])
        assertFinds("Ms Grace was there.", ["Grace"])
    }

    func testPlacesMonthsAndInstitutionsSurvive() {
        assertFinds("The meeting is in Luxembourg at the Court of Justice of the European Union.", [])
        assertFinds("Il prossimo incontro è a Bruxelles il 12 Maggio.", [])
        assertFinds("Christian Democrats and the European Parliament agreed.", [])
    }

    // MARK: Name orders, scripts and compound first names

    func testHungarianOrderFamilyNameFirst() {
        let found = find("Az aktához: Kovács Margit, adóazonosító jel 8403801. Kérem, utaljon Szabó Tamás részére.")
        XCTAssertEqual(found.map(\.0), ["Kovács Margit", "Szabó Tamás"])
        XCTAssertEqual(found.first?.1, "margit kovacs")
        XCTAssertEqual(find("Tisztelettel:\nPINTÉR RITA\n").map(\.1), ["rita pinter"])
        // The same family name written after the given name is one person.
        XCTAssertEqual(Set(find("From: Margit Kovács <m@x.hu>\nKovács Margit elérhető.").map(\.1)), ["margit kovacs"])
        // A family name without a first name after it, or before an ordinary word, is no person.
        assertFinds("Nagy remény volt a megállapodásra. Kiss Goodbye is a song.", [])
    }

    func testDutchElidedArticleInsideName() {
        assertFinds("[09:21] Vince van 't Riet: wie heeft het budgetbestand?\n", ["Vince van 't Riet"])
        assertFinds("Voor het dossier: dr. van ’t Riet, fiscaal nummer.", ["van ’t Riet"])
        // Outside a name the elided article is nothing.
        assertFinds("Het is 't beste zo, zei Anna.", [])
    }

    func testHyphenatedFirstNames() {
        assertFinds("U kunt Karl-Heinz Fritsch bereiken op dinsdag.", ["Karl-Heinz Fritsch"])
        assertFinds("Anna-Lisa Lindgren (personalnummer 799992) har informerats.", ["Anna-Lisa Lindgren"])
        // Both parts must be first names.
        assertFinds("The Well-Known Issue and the Anna-Versicherung Report.", [])
    }

    func testGreekAndCyrillicFirstNamesByTransliteration() {
        assertFinds("Σωτήριος Μωραΐτης θα παρουσιάσει τα αποτελέσματα.", ["Σωτήριος Μωραΐτης"])
        assertFinds("Pour le dossier : Тодор Иванов, numéro 12.", ["Тодор Иванов"])
        assertFinds("Signed,\nΚΩΝΣΤΑΝΤΊΝΟΣ ΠΑΠΑΔΆΚΗΣ\n", ["ΚΩΝΣΤΑΝΤΊΝΟΣ ΠΑΠΑΔΆΚΗΣ"])
        assertFinds("Η Ευρωπαϊκή Επιτροπή και η Τράπεζα της Ελλάδος συμφώνησαν.", [])
        assertFinds("Българска Народна Банка публикува данните.", [])
    }

    func testGreekOrCyrillicNameInsideLatinText() {
        assertFinds("Overfør venligst EUR 20 til Юрдан Четрафилски i dag.", ["Юрдан Четрафилски"])
        assertFinds("Vous pouvez joindre Βαρδής Σκρίμπας au bureau.", ["Βαρδής Σκρίμπας"])
        // In Greek or Cyrillic text the same shape is ordinary capitalisation; acronyms are no names.
        assertFinds("Η Ευρωπαϊκή Επιτροπή ανακοίνωσε.", [])
        assertFinds("Numéro ΑΦΜ ΦΠΑ CY09554451D.", [])
        assertFinds("Αγαπητέ Δρ Ioannou,\n", ["Ioannou"])
    }

    func testAcademicTitlesAndLowerCaseDoctor() {
        assertFinds("Du når dr Eftimie på telefon.", ["Eftimie"])
        assertFinds("MUDr. Sedláková, nar. 1993-11-30, nastupuje.", ["Sedláková"])
        assertFinds("Δρ Σκόρδος υπενθύμισε ότι.", ["Σκόρδος"])
        assertFinds("Puheenjohtaja: tri Niemi\n", ["Niemi"])
        assertFinds("Geachte dr. van Grondelle,\n", ["van Grondelle"])
        assertFinds("För akten: herr van Bovenen, henkilötunnus.", ["van Bovenen"])
        assertFinds("Gentile Sig.ra Camps,\nPer la pratica.", ["Camps"])
        // The last label of a domain is no title ("fr" is Swedish "fru").
        assertFinds("Écrivez à guy@wanadoo.fr. La Banque centrale a publié.", [])
        // Lower-case "dr" before a lower-case word is nothing.
        assertFinds("the dr version of the file and tri volte", [])
    }

    func testGreetingBeforePostNominalTitleIsNotPartOfTheName() {
        assertFinds("Szia Váradi úr!\nIrodám zárva.", ["Váradi"])
        assertFinds("Tisztelt Novotný úr!\n", ["Novotný"])
    }

    func testMorningGreetingsAndReporterFields() {
        assertFinds("Huomenta Kurt,\nMaksakaa lasku.", ["Kurt"])
        assertFinds("God morgon Esben,\nVänligen överför.", ["Esben"])
        assertFinds("Melder: Jack Mudden (jmudden@royal.com)\n", ["Jack Mudden"])
        assertFinds("Bejelentő: Szűcs András (andras@x.hu)\n", ["Szűcs András"])
    }

    func testCodesAcronymsAndFieldNamesAreNotNames() {
        // "Iban", "Nota", "Sie" are in the bundled list; here they are a field, a word, a pronoun.
        assertFinds("Nombre: Miguel Pinheiro\nIBAN: PT96137765962418954882209\n", ["Miguel Pinheiro"])
        assertFinds("Nota de RH\nNotă RU\n", [])
        assertFinds("Bitte überweisen Sie EUR 8.477,31 bis zum 31.08.2025.", [])
        // Letters glued to digits belong to a code.
        assertFinds("Our reference is still DE456266413. Ref 40905679-Q. Anna is here.", [])
        assertFinds("Beste Grüße,\nFreia Oestrovsky\n", ["Freia Oestrovsky"])
    }

    // MARK: Learning

    func testLearnedFromEmailCoversSurnameAndInitials() {
        let text = "Dupont asked first.\nContact: jean.dupont@example.eu\nLater J. Dupont and Mr Dupont agreed; Jean Dupont signed."
        let found = find(text)
        XCTAssertEqual(found.map(\.0), ["Dupont", "J. Dupont", "Dupont", "Jean Dupont"])
        XCTAssertEqual(Set(found.map(\.1)), ["jean dupont"])
    }

    func testNameSpelledByAnEmailAddressWithoutListedFirstName() {
        let found = find("Gaja Ledzion przedstawi wyniki. Kontakt: gaja.ledzion@example.pl\nSzűcs Andráska elérhető: andraska.szucs69@x.hu\n")
        XCTAssertEqual(found.map(\.0), ["Gaja Ledzion", "Szűcs Andráska"])
        XCTAssertEqual(found.map(\.1), ["gaja ledzion", "andraska szucs"])
        // Without the address, an unknown first name stays unknown; words that only share one part do not match.
        assertFinds("Gaja Ledzion przedstawi wyniki.", [])
        assertFinds("Ledzion Group wrote to gaja.ledzion@example.pl today.", [])
    }

    func testLearnedNameWithParticleCoversEveryPart() {
        let text = "Naam: Madelief van Hulten\nÀ: Rayan Van Dijck\nMadelief van Hulten matkustaa. Rayan Van Dijck a déménagé; fru van Hulten svarade."
        XCTAssertEqual(names(text), ["Madelief van Hulten", "Rayan Van Dijck", "Madelief van Hulten", "Rayan Van Dijck", "van Hulten"])
        // Words that are not part of the learned name stay.
        assertFinds("Naam: Madelief van Hulten\nDe kat van de buren en Hulten.\n", ["Madelief van Hulten", "Hulten"])
    }

    func testLearnedFromSignatureAndHeader() {
        let text = "To: Agnieszka Wiśniewska <a@x.eu>\n\nWiśniewska will present. Ask A. Wiśniewska.\n"
        let found = find(text)
        XCTAssertEqual(found.map(\.0), ["Agnieszka Wiśniewska", "Wiśniewska", "A. Wiśniewska"])
        XCTAssertEqual(Set(found.map(\.1)), ["agnieszka wisniewska"])
    }

    func testStreamingLearnsFromThePointOfLearning() {
        let d = detector()
        let lines = ["Novak called.\n", "From: Petra Novak <p@x.eu>\n", "Novak again.\n"]
        var text: [UInt8] = []
        var reported: [String] = []
        for line in lines {
            let start = text.count
            text += Array(line.utf8)
            var results: [Detection] = []
            text.withUnsafeBufferPointer { d.detect(in: $0, range: start..<$0.count, into: &results) }
            reported += results.map { String(decoding: text[$0.span], as: UTF8.self) }
        }
        XCTAssertEqual(reported, ["Petra Novak", "Novak"])
    }

    func testLearningCanBeTurnedOff() {
        let text = "From: Petra Novak <p@x.eu>\nNovak again.\n"
        XCTAssertEqual(names(text, detector(.init(learn: false))), ["Petra Novak"])
    }

    func testOneIdentityForAllSpellings() {
        let found = find("From: Jürgen Müller <j@x.eu>\nHerr Müller said J. Müller agreed; MÜLLER Jürgen too.\n")
        XCTAssertEqual(found.count, 4)
        XCTAssertEqual(Set(found.map(\.1)), ["jurgen muller"])
    }

    // MARK: Configuration

    func testAllowListKeepsPublicFigures() {
        let d = detector(.init(allow: ["Ursula von der Leyen"]))
        XCTAssertEqual(names("Ursula von der Leyen met Frau von der Leyen and Anna Schmidt.", d), ["Anna Schmidt"])
    }

    func testDenyListAlwaysRedacts() {
        let d = detector(.init(deny: ["Orion Blackwood"]))
        XCTAssertEqual(names("the blackwood file; Blackwood agreed.", d), ["blackwood", "Blackwood"])
    }

    func testConfigurationFromSettings() throws {
        let c = try PersonNameDetector.Configuration(settings: ["enabled": "false", "allow": "A B\n# comment\n C D ", "learn": "no"])
        XCTAssertFalse(c.enabled)
        XCTAssertFalse(c.learn)
        XCTAssertEqual(c.allow, ["A B", "C D"])
        XCTAssertThrowsError(try PersonNameDetector.Configuration(settings: ["learn": "maybe"]))
        XCTAssertEqual(names("Dear Anna,\n", detector(c)), [])
    }

    /// `CAVIAR_UPDATE_NAMES=1 swift test --filter NamesTests` rewrites patterns/names/first-names.hashes.
    func testCompiledFirstNamesAreUpToDate() throws {
        if ProcessInfo.processInfo.environment["CAVIAR_UPDATE_NAMES"] == "1" {
            try NameLexicon.compileFirstNames(directory: Self.patterns + "/names")
        }
        let lexicon = try NameLexicon(directory: Self.patterns + "/names")
        XCTAssertTrue(lexicon.usesCompiledFirstNames, "first-names.hashes is stale: run CAVIAR_UPDATE_NAMES=1 swift test --filter NamesTests")
        // The compiled table holds the same names as folding the list.
        let text = try String(contentsOfFile: Self.patterns + "/names/first-names.txt", encoding: .utf8)
        let folded = NameLexicon.hashLines(Array(text.utf8), folder: TextFolder())
        XCTAssertEqual(lexicon.firstNames.count, folded.count)
        XCTAssertTrue(folded.allSatisfy { lexicon.firstNames.contains($0) })
        // A foreign or truncated file is refused.
        XCTAssertNil(SortedHashes(compiled: Array("CVNAMES1".utf8) + [1, 2, 3], source: Array(text.utf8)))
        XCTAssertNil(SortedHashes(compiled: [UInt8](repeating: 0, count: 40), source: Array(text.utf8)))
    }

    func testBundledListIsNotFromFakerAndIsSmall() throws {
        let text = try String(contentsOfFile: Self.patterns + "/names/first-names.txt", encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertGreaterThan(lines.count, 10_000)
        XCTAssertLessThan(lines.count, 60_000)
        XCTAssertTrue(text.contains("nam_dict.txt"))
    }
}

/// Development aid, not a unit test: `CAVIAR_NAMES_EVAL=eval/corpus swift test --filter NamesCorpusProbe`
/// runs the detector alone on the labelled corpus and writes misses and false positives to
/// /tmp/names-probe.txt (skipped without the variable).
final class NamesCorpusProbe: XCTestCase {
    func testProbeCorpus() throws {
        guard let dir = ProcessInfo.processInfo.environment["CAVIAR_NAMES_EVAL"] else { throw XCTSkip("CAVIAR_NAMES_EVAL not set") }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".jsonl") }.sorted()
        var planted = 0, exact = 0, partial = 0, falsePositives = 0, decoysHit = 0
        var byCue: [String: (Int, Int)] = [:]
        var lines: [String] = []
        for file in files {
            let content = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            for line in content.split(separator: "\n") {
                guard let doc = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let text = doc["text"] as? String, let labels = doc["labels"] as? [[String: Any]] else { continue }
                let id = doc["id"] as? String ?? "?"
                let bytes = Array(text.utf8)
                var results: [Detection] = []
                let d = PersonNameDetector(lexicon: NamesTests.lexicon)
                bytes.withUnsafeBufferPointer { d.detect(in: $0, range: 0..<$0.count, into: &results) }
                var covered = [Bool](repeating: false, count: bytes.count)
                for r in results { for i in r.span { covered[i] = true } }
                func ctx(_ s: Int, _ e: Int) -> String {
                    var a = max(0, s - 50), b = min(bytes.count, e + 30)
                    while a > 0, bytes[a] & 0xC0 == 0x80 { a -= 1 }
                    while b < bytes.count, bytes[b] & 0xC0 == 0x80 { b += 1 }
                    return String(decoding: bytes[a..<b], as: UTF8.self).replacingOccurrences(of: "\n", with: "⏎")
                }
                var personBytes = [Bool](repeating: false, count: bytes.count)
                for label in labels {
                    guard let s = label["start"] as? Int, let e = label["end"] as? Int else { continue }
                    let entity = label["entity"] as? String ?? ""
                    let role = label["role"] as? String ?? ""
                    if entity == "PERSON" && role == "planted" {
                        for i in s..<e { personBytes[i] = true }
                        planted += 1
                        let cue = label["cue"] as? String ?? "?"
                        let letters = (s..<e).filter { bytes[$0] != 0x20 && bytes[$0] != 0x2D && bytes[$0] != 0x27 && bytes[$0] != 0x2E }
                        let hit = letters.filter { covered[$0] }.count
                        var c = byCue[cue] ?? (0, 0)
                        c.0 += 1
                        if hit == 0 { exact += 1; c.1 += 1; lines.append("MISS\t\(cue)\t\(id)\t\(String(decoding: bytes[s..<e], as: UTF8.self))\t\(ctx(s, e))") }
                        else if hit < letters.count { partial += 1; c.1 += 1; lines.append("PART\t\(cue)\t\(id)\t\(String(decoding: bytes[s..<e], as: UTF8.self))\t\(ctx(s, e))") }
                        byCue[cue] = c
                    } else if role == "decoy", (s..<e).contains(where: { covered[$0] }) {
                        decoysHit += 1
                        lines.append("DECOY\t\(entity)\t\(id)\t\(String(decoding: bytes[s..<e], as: UTF8.self))\t\(ctx(s, e))")
                    } else if role == "planted" {
                        for i in s..<e { personBytes[i] = true }
                    }
                }
                for r in results where !r.span.contains(where: { personBytes[$0] }) {
                    falsePositives += 1
                    lines.append("FP\t-\t\(id)\t\(String(decoding: bytes[r.span], as: UTF8.self))\t\(ctx(r.span.lowerBound, r.span.upperBound))")
                }
                for r in results where r.span.contains(where: { personBytes[$0] }) {
                    let outside = r.span.filter { !personBytes[$0] && bytes[$0] != 0x20 && bytes[$0] != 0x2E && bytes[$0] != 0x2C }
                    if !outside.isEmpty {
                        lines.append("OVER\t-\t\(id)\t\(String(decoding: bytes[r.span], as: UTF8.self))\t\(ctx(r.span.lowerBound, r.span.upperBound))")
                    }
                }
            }
        }
        let recall = 100.0 * Double(planted - exact - partial) / Double(max(planted, 1))
        var summary = "planted \(planted) exact \(exact) partial \(partial) recall \(String(format: "%.2f", recall)) decoysHit \(decoysHit) fp \(falsePositives)\n"
        for (cue, c) in byCue.sorted(by: { $0.key < $1.key }) { summary += "  \(cue): \(c.1)/\(c.0) missed\n" }
        try (summary + lines.sorted().joined(separator: "\n") + "\n").write(toFile: "/tmp/names-probe.txt", atomically: true, encoding: .utf8)
        print(summary)
    }
}
