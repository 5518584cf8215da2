import Foundation
import XCTest
@testable import CaviarValidators

/// Country validators IE…SE and BIC against the committed vectors in `vectors/b/<name>.tsv`
/// (regenerate with `python3 vectors/b/gen_b.py`; python-stdnum is the oracle there).
final class CountryBTests: XCTestCase {
    static let vectorDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("vectors/b")

    struct Vector {
        let isValid: Bool
        let value: String
        let line: Int
    }

    static func vectors(_ name: String) throws -> [Vector] {
        let url = vectorDirectory.appendingPathComponent(name + ".tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var out: [Vector] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() where i > 0 {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            XCTAssertGreaterThanOrEqual(fields.count, 2, "\(name).tsv line \(i + 1) is malformed")
            guard fields.count >= 2 else { continue }
            XCTAssert(fields[0] == "valid" || fields[0] == "invalid", "\(name).tsv line \(i + 1): bad expectation")
            out.append(Vector(isValid: fields[0] == "valid", value: String(fields[1]), line: i + 1))
        }
        return out
    }

    /// Every validator of CountryValidatorsB has a vector file with >= 20 valid and >= 20
    /// invalid values, and agrees with every line of it.
    func testEveryValidatorAgreesWithItsVectors() throws {
        let names = CountryValidatorsB.table.keys.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 36)
        for name in names {
            let validator = try ValidatorRegistry.make(name: name)
            let vectors = try Self.vectors(name)
            XCTAssertGreaterThanOrEqual(vectors.filter(\.isValid).count, 20, "\(name): too few valid vectors")
            XCTAssertGreaterThanOrEqual(vectors.filter { !$0.isValid }.count, 20, "\(name): too few invalid vectors")
            for v in vectors {
                let got = validator.isValid(Candidate(raw: Array(v.value.utf8)))
                XCTAssertEqual(got, v.isValid, "\(name).tsv line \(v.line): '\(v.value)' expected \(v.isValid ? "valid" : "invalid")")
            }
        }
    }

    /// No vector file is orphaned (a renamed validator would otherwise silently lose its tests).
    func testEveryVectorFileNamesARegisteredValidator() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.vectorDirectory.path)
            .filter { $0.hasSuffix(".tsv") }
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let name = String(file.dropLast(4))
            XCTAssertNotNil(CountryValidatorsB.table[name], "\(file) has no validator")
        }
    }

    private func check(_ name: String, _ value: String) throws -> Bool {
        try ValidatorRegistry.make(name: name).isValid(Candidate(raw: Array(value.utf8)))
    }

    /// Published example values from the issuing authorities' documentation.
    func testPublishedExamples() throws {
        XCTAssertTrue(try check("pl_id_card", "ABA300000"))      // MSWiA specimen card
        XCTAssertFalse(try check("pl_id_card", "ABA300001"))
        XCTAssertTrue(try check("nl_bsn", "111222333"))          // BSN test number (Logius)
        XCTAssertTrue(try check("nl_bsn", "123456782"))
        XCTAssertFalse(try check("nl_bsn", "123456789"))
        XCTAssertTrue(try check("es_dni", "12345678Z"))
        XCTAssertTrue(try check("es_dni", "12345678-z"))         // separators and case are compacted
        XCTAssertFalse(try check("es_dni", "12345678A"))
        XCTAssertTrue(try check("se_personnummer", "811228-9874"))  // Skatteverket example
        XCTAssertTrue(try check("it_codice_fiscale", "RSSMRA85T10A562S"))
        XCTAssertTrue(try check("nl_btw", "NL000099998B57"))     // MOD 97-10 sole-trader number
        XCTAssertTrue(try check("bic", "DEUTDEFF"))
        XCTAssertFalse(try check("bic", "DEUTXXFF"))             // XX is no ISO 3166 country
    }

    /// Embedded birth dates: impossible dates fail even when the check digit is recomputed.
    func testBirthDatesMustExist() throws {
        // PESEL 1985-02-30 with a correct check digit for its digits.
        let body = [8, 5, 0, 2, 3, 0, 1, 2, 3, 4]
        let checkDigit = (10 - zip(body, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]).reduce(0) { $0 + $1.0 * $1.1 } % 10) % 10
        XCTAssertFalse(try check("pl_pesel", body.map(String.init).joined() + String(checkDigit)))
        // Same digits with 28 February: valid.
        let ok = [8, 5, 0, 2, 2, 8, 1, 2, 3, 4]
        let okCheck = (10 - zip(ok, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]).reduce(0) { $0 + $1.0 * $1.1 } % 10) % 10
        XCTAssertTrue(try check("pl_pesel", ok.map(String.init).joined() + String(okCheck)))
        // Swedish samordningsnummer: day + 60 is accepted, day 92 is not.
        XCTAssertTrue(try check("se_personnummer", "701063-2391"))
        XCTAssertFalse(try check("se_personnummer", "701092-2391"))
    }

    /// VAT validators take the body with or without the country prefix, and no other prefix.
    func testVATPrefixes() throws {
        XCTAssertTrue(try check("pt_nif", "PT 501 964 843"))
        XCTAssertTrue(try check("pt_nif", "501964843"))
        XCTAssertFalse(try check("pt_nif", "ES501964843"))
        XCTAssertTrue(try check("si_ddv", "SI 5022 3054"))
        XCTAssertFalse(try check("si_ddv", "SK50223054"))
    }
}
