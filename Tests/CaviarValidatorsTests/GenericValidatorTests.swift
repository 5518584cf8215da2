import XCTest
@testable import CaviarValidators

/// The generic and declarative validators: each is run on oracle vectors, and the declarative
/// families are checked by stating a known national rule as parameters and comparing with that
/// rule's vectors.
final class GenericValidatorTests: XCTestCase {
    func testPlaceholdersAreRecognisedAndRealSecretsAreNot() {
        for p in ["changeme123", "<your-token>", "${TOKEN}", "{{ secret }}", "%(pw)s", "xxxxxxxx", "MyTESTkey9", "CHANGE_ME", "abcEXAMPLEdef", "********"] {
            XCTAssertTrue(Entropy.isPlaceholder(Array(p.utf8)), p)
        }
        for p in ["q8Zr2LmN0pW4kT7vB1xC", "ghp_9aZ3kLm0Qw8Rt6Yu", "Zürich-7Kp2x9Lq", "te5t-not-a-word", "AKIAZ7Q2M4N6P8R0T2V4"] {
            XCTAssertFalse(Entropy.isPlaceholder(Array(p.utf8)), p)
        }
    }

    func testNamedGenericAlgorithms() throws {
        try checkVectors("luhn")
        try checkVectors("iso7064_mod11_10")
        try checkVectors("iso7064_mod11_2")
        try checkVectors("mod97_10")
        try checkVectors("verhoeff")
        try checkVectors("icao9303")
    }

    func testWeightedModZeroSumAsDanishCVR() throws {
        try checkVectors("weighted_mod", vectorFile: "dk_cvr", parameters: [
            "strip": .strings(["DK"]), "length": .int(8),
            "weights": .ints([2, 7, 6, 5, 4, 3, 2, 1]), "modulus": .int(11), "mode": .string("zero_sum"),
        ])
    }

    func testWeightedModRemainderAsHungarianTAJ() throws {
        // Weights shorter than the positions repeat (3,7,3,7,…).
        try checkVectors("weighted_mod", vectorFile: "hu_taj", parameters: [
            "length": .int(9), "weights": .ints([3, 7]), "modulus": .int(10),
        ])
    }

    func testWeightedModModulusMinusAsFinnishBusinessID() throws {
        try checkVectors("weighted_mod", vectorFile: "fi_ytunnus", parameters: [
            "length": .int(8), "weights": .ints([7, 9, 10, 5, 8, 4, 2]), "modulus": .int(11),
            "mode": .string("modulus_minus"), "invalid": .ints([10]),
        ])
    }

    func testWeightedModFallbackAsEstonianVAT() throws {
        try checkVectors("weighted_mod", vectorFile: "ee_kmkr", parameters: [
            "strip": .strings(["EE"]), "length": .int(9),
            "weights": .ints([3, 7, 1]), "modulus": .int(10), "mode": .string("zero_sum"),
        ])
    }

    func testWeightedModCheckInTheMiddleAsAustrianSVNRChecksum() throws {
        // Check digit at index 3; weights over the other nine digits.
        let v = try ValidatorRegistry.make(name: "weighted_mod", parameters: [
            "length": .int(10), "weights": .ints([3, 7, 9, 5, 8, 4, 2, 1, 6]), "modulus": .int(11), "check": .int(3),
            "invalid": .ints([10]),
        ])
        for vec in try loadVectors("at_svnr") where vec.valid {
            XCTAssertTrue(v.isValid(Candidate(raw: Array(vec.value.utf8))), vec.value)
        }
    }

    func testWeightedModDigitSumAsLuhn() throws {
        try checkVectors("weighted_mod", vectorFile: "fr_siren", parameters: [
            "length": .int(9), "weights": .ints([1, 2]), "digit_sum": .bool(true), "modulus": .int(10),
            "mode": .string("zero_sum"),
        ])
    }

    func testWeightedModLetterMapAsEstonianFallbackRule() throws {
        // Estonian isikukood checksum: two weight passes, 10 -> 0 (date not checked here).
        let v = try ValidatorRegistry.make(name: "weighted_mod", parameters: [
            "length": .int(11), "weights": .ints([1, 2, 3, 4, 5, 6, 7, 8, 9, 1]), "modulus": .int(11),
            "fallback_weights": .ints([3, 4, 5, 6, 7, 8, 9, 1, 2, 3]), "final_mod": .int(10),
        ])
        for vec in try loadVectors("ee_isikukood") {
            if vec.valid || vec.note != "wrong length" {
                // Near misses of the checksum digits are caught by the checksum alone.
                if vec.valid { XCTAssertTrue(v.isValid(Candidate(raw: Array(vec.value.utf8))), vec.value) }
            } else {
                XCTAssertFalse(v.isValid(Candidate(raw: Array(vec.value.utf8))), vec.value)
            }
        }
    }

    func testLetterTableModAsSpanishDNI() throws {
        try checkVectors("letter_table_mod", vectorFile: "es_dni", parameters: [
            "length": .int(9), "modulus": .int(23), "map": .string("TRWAGMYFPDXBNJZSQVHLCKE"),
        ])
    }

    func testMod97ComplementAsBelgianVAT() throws {
        try checkVectors("mod97", vectorFile: "be_vat", parameters: [
            "strip": .strings(["BE"]), "length": .int(10), "mode": .string("complement"),
        ])
    }

    func testMod97RemainderWithSuffixAsFrenchVATKey() throws {
        let v = try ValidatorRegistry.make(name: "mod97", parameters: [
            "strip": .strings(["FR"]), "length": .int(11), "mode": .string("remainder"),
            "check_at": .string("start"), "suffix": .string("12"),
        ])
        for vec in try loadVectors("fr_tva") where vec.valid {
            XCTAssertTrue(v.isValid(Candidate(raw: Array(vec.value.utf8))), vec.value)
        }
        XCTAssertFalse(v.isValid(Candidate(raw: Array("FR00123456789".utf8))))
    }

    func testMod97ComplementWithCenturyPrefixAsBelgianNationalNumber() throws {
        let v = try ValidatorRegistry.make(name: "mod97", parameters: [
            "length": .int(11), "prefixes": .strings(["", "2"]),
        ])
        for vec in try loadVectors("be_national_number") {
            XCTAssertEqual(v.isValid(Candidate(raw: Array(vec.value.utf8))), vec.valid, vec.value)
        }
    }

    func testPlausibleDate() throws {
        let cz = try ValidatorRegistry.make(name: "plausible_date", parameters: [
            "year": .int(0), "month": .int(2), "day": .int(4), "month_offsets": .ints([0, 20, 50, 70]),
        ])
        XCTAssertTrue(cz.isValid(Candidate(raw: Array("855430/1234".utf8))))   // 30 April, woman
        XCTAssertFalse(cz.isValid(Candidate(raw: Array("855431/1234".utf8))))  // 31 April
        XCTAssertFalse(cz.isValid(Candidate(raw: Array("851330/1234".utf8))))  // month 13
        XCTAssertTrue(cz.isValid(Candidate(raw: Array("000229/1234".utf8))))   // 2000-02-29
        XCTAssertFalse(cz.isValid(Candidate(raw: Array("010229/1234".utf8))))  // 1901 and 2001 not leap

        let bg = try ValidatorRegistry.make(name: "plausible_date", parameters: [
            "year": .int(0), "month": .int(2), "day": .int(4), "month_offsets": .ints([0, 20, 40]),
            "offset_centuries": .ints([1900, 1800, 2000]),
        ])
        XCTAssertTrue(bg.isValid(Candidate(raw: Array("0042291234".utf8))))   // 2000-02-29
        XCTAssertFalse(bg.isValid(Candidate(raw: Array("0002291234".utf8))))  // 1900-02-29
        XCTAssertFalse(bg.isValid(Candidate(raw: Array("0062011234".utf8))))  // month offset 60

        let ee = try ValidatorRegistry.make(name: "plausible_date", parameters: [
            "year": .int(1), "month": .int(3), "day": .int(5), "century_digit": .int(0),
            "century_map": .ints([0, 1800, 1800, 1900, 1900, 2000, 2000, 2100, 2100, 0]),
        ])
        XCTAssertTrue(ee.isValid(Candidate(raw: Array("50002290000".utf8))))
        XCTAssertFalse(ee.isValid(Candidate(raw: Array("30002290000".utf8))))  // 1900-02-29
        XCTAssertFalse(ee.isValid(Candidate(raw: Array("90001010000".utf8))))  // no century 9

        let iso = try ValidatorRegistry.make(name: "plausible_date", parameters: [
            "year": .int(0), "year_digits": .int(4), "month": .int(4), "day": .int(6),
        ])
        XCTAssertTrue(iso.isValid(Candidate(raw: Array("1996-02-29".utf8))))
        XCTAssertFalse(iso.isValid(Candidate(raw: Array("1997-02-29".utf8))))

        let be = try ValidatorRegistry.make(name: "plausible_date", parameters: [
            "year": .int(0), "month": .int(2), "day": .int(4), "allow_unknown": .bool(true),
        ])
        XCTAssertTrue(be.isValid(Candidate(raw: Array("850000".utf8))))
        XCTAssertFalse(be.isValid(Candidate(raw: Array("851300".utf8))))
    }

    func testCivilDateRoundTrip() {
        for days in stride(from: -80_000, through: 80_000, by: 997) {
            let d = CivilDate.fromEpoch(days: days)
            XCTAssertTrue(CivilDate.isValid(year: d.year, month: d.month, day: d.day))
            XCTAssertEqual(CivilDate.daysFromEpoch(year: d.year, month: d.month, day: d.day), days)
        }
        XCTAssertEqual(CivilDate.daysFromEpoch(year: 1970, month: 1, day: 1), 0)
        XCTAssertEqual(CivilDate.daysFromEpoch(year: 2000, month: 3, day: 1), 11017)
    }

    func testBadParametersAreErrorsNamingTheKey() {
        XCTAssertThrowsError(try ValidatorRegistry.make(name: "weighted_mod", parameters: ["weights": .ints([1])])) {
            XCTAssertTrue("\($0)".contains("modulus"))
        }
        XCTAssertThrowsError(try ValidatorRegistry.make(name: "weighted_mod", parameters: [
            "weights": .ints([1]), "modulus": .int(11), "mdoe": .string("x"),
        ])) { XCTAssertTrue("\($0)".contains("mdoe")) }
        XCTAssertThrowsError(try ValidatorRegistry.make(name: "weighted_mod", parameters: [
            "weights": .ints([1]), "modulus": .int(11), "mode": .string("sideways"),
        ])) { XCTAssertTrue("\($0)".contains("mode")) }
        XCTAssertThrowsError(try ValidatorRegistry.make(name: "letter_table_mod", parameters: [
            "modulus": .int(23), "map": .string("ABC"),
        ]))
        XCTAssertThrowsError(try ValidatorRegistry.make(name: "plausible_date", parameters: ["day": .int(0)]))
        XCTAssertThrowsError(try ValidatorRegistry.make(name: "at_svnr", parameters: ["weights": .ints([1])]))
        XCTAssertThrowsError(try ValidatorRegistry.make(name: "no_such_validator"))
    }

    func testLengthAndStripParameters() throws {
        let v = try ValidatorRegistry.make(name: "luhn", parameters: ["length": .ints([9]), "strip": .strings(["FR"])])
        XCTAssertTrue(v.isValid(Candidate(raw: Array("732 829 320".utf8))))
        XCTAssertTrue(v.isValid(Candidate(raw: Array("FR732829320".utf8))))
        XCTAssertFalse(v.isValid(Candidate(raw: Array("0732829320".utf8))))  // Luhn-valid, wrong length
    }
}
