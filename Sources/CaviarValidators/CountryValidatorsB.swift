/// Country validators, member states IE to SE (alphabetical by ISO code: IE IT LV LT LU MT NL
/// PL PT RO SK SI ES SE) plus the EU-wide BIC. Each algorithm is written from the national
/// specification cited in its `///` line (python-stdnum, LGPL, served only as a test oracle for
/// the committed vectors in Tests/CaviarValidatorsTests/vectors/b). VAT validators accept the
/// body with or without its two-letter country prefix.
enum CountryValidatorsB {
    static let table: [String: ValidatorFactory] = [
        "ie_pps": named(Ireland.isValidPPS),
        "ie_vat": named(Ireland.isValidVAT),
        "it_codice_fiscale": named(Italy.isValidCodiceFiscale),
        "it_partita_iva": named(Italy.isValidPartitaIVA),
        "lv_personas_kods": named(Latvia.isValidPersonalCode),
        "lv_pvn": named(Latvia.isValidPVN),
        "lt_asmens_kodas": named(Lithuania.isValidAsmensKodas),
        "lt_pvm": named(Lithuania.isValidPVM),
        "lu_matricule": named(Luxembourg.isValidMatricule),
        "lu_tva": named(Luxembourg.isValidTVA),
        "mt_id": named(Malta.isValidIDCard),
        "mt_vat": named(Malta.isValidVAT),
        "nl_bsn": named(Netherlands.isValidBSN),
        "nl_btw": named(Netherlands.isValidBTW),
        "nl_document_number": named(Netherlands.isValidDocumentNumber),
        "pl_pesel": named(Poland.isValidPESEL),
        "pl_nip": named(Poland.isValidNIP),
        "pl_regon": named(Poland.isValidREGON),
        "pl_id_card": named(Poland.isValidIDCard),
        "pt_nif": named(Portugal.isValidNIF),
        "pt_cc": named(Portugal.isValidCC),
        "ro_cnp": named(Romania.isValidCNP),
        "ro_cui": named(Romania.isValidCUI),
        "sk_rodne_cislo": named(Slovakia.isValidRodneCislo),
        "sk_dph": named(Slovakia.isValidDPH),
        "si_emso": named(Slovenia.isValidEMSO),
        "si_ddv": named(Slovenia.isValidDDV),
        "es_dni": named(Spain.isValidDNI),
        "es_nie": named(Spain.isValidNIE),
        "es_cif": named(Spain.isValidCIF),
        "es_nif": named(Spain.isValidNIF),
        "es_nss": named(Spain.isValidNSS),
        "se_personnummer": named(Sweden.isValidPersonnummer),
        "se_orgnr": named(Sweden.isValidOrgnr),
        "se_vat": named(Sweden.isValidVAT),
        "bic": named(BIC.isValid),
    ]

    private static func named(_ check: @escaping @Sendable (Candidate) -> Bool) -> ValidatorFactory {
        { _ in ClosureValidator(check) }
    }
}

// MARK: - Shared helpers

/// Small byte-level helpers shared by the country algorithms below.
enum CheckBytes {
    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    static func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }

    /// Digit values of `bytes`, or nil if any byte is not an ASCII digit.
    static func digits<C: Collection>(_ bytes: C) -> [Int]? where C.Element == UInt8 {
        var out: [Int] = []
        out.reserveCapacity(bytes.count)
        for b in bytes {
            guard isDigit(b) else { return nil }
            out.append(Int(b - 48))
        }
        return out
    }

    /// `compact` without a leading two-letter country `prefix` (VAT numbers are written both ways).
    static func droppingPrefix(_ compact: [UInt8], _ prefix: String) -> [UInt8] {
        let p = Array(prefix.utf8)
        if compact.count > p.count, Array(compact[0..<p.count]) == p { return Array(compact[p.count...]) }
        return compact
    }

    /// Integer value of a digit slice (callers keep it short enough not to overflow).
    static func number(_ d: ArraySlice<Int>) -> Int { d.reduce(0) { $0 * 10 + $1 } }

    /// Σ wᵢ·dᵢ over the shorter of the two sequences.
    static func weightedSum<D: Collection, W: Collection>(_ d: D, _ w: W) -> Int where D.Element == Int, W.Element == Int {
        zip(d, w).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Proleptic Gregorian calendar check; `year` nil means "century unknown" (29 February is
    /// then accepted when the two-digit year is a multiple of 4).
    static func isPlausibleDate(year: Int, month: Int, day: Int) -> Bool {
        guard month >= 1, month <= 12, day >= 1 else { return false }
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let max = month == 2 && leap ? 29 : lengths[month - 1]
        return day <= max
    }

    /// Date check when only the two-digit year is known: valid in at least one century.
    static func isPlausibleDate(twoDigitYear yy: Int, month: Int, day: Int) -> Bool {
        isPlausibleDate(year: 1900 + yy, month: month, day: day)
            || isPlausibleDate(year: 2000 + yy, month: month, day: day)
    }

    /// Value of an alphanumeric character in base 36 (`0`-`9` -> 0-9, `A`-`Z` -> 10-35).
    static func base36(_ b: UInt8) -> Int? {
        if isDigit(b) { return Int(b - 48) }
        if isUpper(b) { return Int(b - 55) }
        return nil
    }
}

// MARK: - Ireland

enum Ireland {
    static let alphabet = Array("WABCDEFGHIJKLMNOPQRSTUV".utf8)

    /// Revenue mod-23 letter over 7 digits (weights 8..2) plus an optional second letter ×9.
    static func checkLetter(_ d: [Int], second: UInt8?) -> UInt8 {
        var s = CheckBytes.weightedSum(d, [8, 7, 6, 5, 4, 3, 2])
        if let second, let i = alphabet.firstIndex(of: second) { s += 9 * i }
        return alphabet[s % 23]
    }

    /// PPS number (Revenue / DSP: 7 digits, mod-23 check letter, optional `A`/`B`/`H` second
    /// letter counted with weight 9 since 2013; old `W`/`T`/`X` suffixes are not counted).
    static func isValidPPS(_ c: Candidate) -> Bool {
        let b = c.compact
        guard b.count == 8 || b.count == 9, let d = CheckBytes.digits(b[0..<7]) else { return false }
        guard alphabet.contains(b[7]) else { return false }
        if b.count == 9 {
            guard Array("ABHWTX".utf8).contains(b[8]) else { return false }
            if Array("ABH".utf8).contains(b[8]) { return checkLetter(d, second: b[8]) == b[7] }
        }
        return checkLetter(d, second: nil) == b[7]
    }

    /// Irish VAT number (Revenue): `[IE]` + 7 digits + check letter (+ optional second letter
    /// weighted 9), or the pre-2013 form digit, letter, 5 digits, check letter.
    static func isValidVAT(_ c: Candidate) -> Bool {
        let b = CheckBytes.droppingPrefix(c.compact, "IE")
        guard b.count == 8 || b.count == 9, alphabet.contains(b[7]) else { return false }
        let second: UInt8? = b.count == 9 ? b[8] : nil
        if let second, !alphabet.contains(second) { return false }
        if let d = CheckBytes.digits(b[0..<7]) { return checkLetter(d, second: second) == b[7] }
        guard b.count == 8, CheckBytes.isDigit(b[0]), CheckBytes.isUpper(b[1]),
              let mid = CheckBytes.digits(b[2..<7]) else { return false }
        return checkLetter([0] + mid + [Int(b[0] - 48)], second: nil) == b[7]
    }
}

// MARK: - Italy

enum Italy {
    /// Values of the odd positions (1st, 3rd, …) in the codice fiscale check (DM 23/12/1976).
    static let oddValues = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
    static let omocodia = Array("LMNPQRSTUV".utf8)
    static let months = Array("ABCDEHLMPRST".utf8)

    /// Codice fiscale (DM 23 dicembre 1976, DPR 605/1973): 6 letters, year, month letter, day
    /// (+40 for women), municipality, check letter from the odd/even tables mod 26; digits may be
    /// replaced by `LMNPQRSTUV` (omocodia). The birth date must exist.
    static func isValidCodiceFiscale(_ c: Candidate) -> Bool {
        let b = c.compact
        guard b.count == 16 else { return false }
        let digitPositions: Set<Int> = [6, 7, 9, 10, 12, 13, 14]
        var plain: [UInt8] = []
        for (i, x) in b.enumerated() {
            if digitPositions.contains(i) {
                if CheckBytes.isDigit(x) { plain.append(x) }
                else if let k = omocodia.firstIndex(of: x) { plain.append(UInt8(48 + k)) }
                else { return false }
            } else {
                guard CheckBytes.isUpper(x) else { return false }
                plain.append(x)
            }
        }
        var sum = 0
        for i in 0..<15 {
            guard let v = CheckBytes.base36(b[i]) else { return false }
            let index = v < 10 ? v : v - 10
            sum += i % 2 == 0 ? oddValues[index] : index
        }
        guard b[15] == UInt8(65 + sum % 26) else { return false }
        guard let month = months.firstIndex(of: plain[8]) else { return false }
        let yy = Int(plain[6] - 48) * 10 + Int(plain[7] - 48)
        var day = Int(plain[9] - 48) * 10 + Int(plain[10] - 48)
        if day > 40 { day -= 40 }
        return CheckBytes.isPlausibleDate(twoDigitYear: yy, month: month + 1, day: day)
    }

    /// Partita IVA (DPR 633/1972 art. 35): `[IT]` + 11 digits, office code 001-100/120/121/888/999,
    /// Luhn check digit.
    static func isValidPartitaIVA(_ c: Candidate) -> Bool {
        guard let d = CheckBytes.digits(CheckBytes.droppingPrefix(c.compact, "IT")), d.count == 11 else { return false }
        guard d[0..<7].contains(where: { $0 != 0 }) else { return false }
        let office = CheckBytes.number(d[7..<10])
        guard (1...100).contains(office) || [120, 121, 888, 999].contains(office) else { return false }
        return Luhn.isValid(d)
    }
}

// MARK: - Latvia

enum Latvia {
    /// Personal code check digit (PMLP): (1 + Σ wᵢ·dᵢ, w = 10,5,8,4,2,1,6,3,7,9) mod 11 mod 10.
    static func personalCheckIsValid(_ d: [Int]) -> Bool {
        (1 + CheckBytes.weightedSum(d, [10, 5, 8, 4, 2, 1, 6, 3, 7, 9])) % 11 % 10 == d[10]
    }

    /// Personas kods (PMLP): DDMMYY-CNNNX with century digit C (0 = 1800s, 1 = 1900s, 2 = 2000s)
    /// and an existing date, or the date-free form starting `32` (since July 2017); mod-11 check.
    static func isValidPersonalCode(_ c: Candidate) -> Bool {
        guard let d = c.digits, d.count == 11, d[0] <= 3 else { return false }
        if d[0] == 3 && d[1] == 2 { return personalCheckIsValid(d) }
        guard d[6] <= 2 else { return false }
        let year = 1800 + d[6] * 100 + d[4] * 10 + d[5]
        guard CheckBytes.isPlausibleDate(year: year, month: d[2] * 10 + d[3], day: d[0] * 10 + d[1]) else { return false }
        return personalCheckIsValid(d)
    }

    /// PVN (VAT) number (VID): `[LV]` + 11 digits; legal entities (first digit > 3) need
    /// Σ wᵢ·dᵢ mod 11 = 3 with w = 9,1,4,8,3,10,2,5,7,6,1; persons use their personal code.
    static func isValidPVN(_ c: Candidate) -> Bool {
        let b = CheckBytes.droppingPrefix(c.compact, "LV")
        guard let d = CheckBytes.digits(b), d.count == 11 else { return false }
        if d[0] > 3 { return CheckBytes.weightedSum(d, [9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1]) % 11 == 3 }
        return isValidPersonalCode(Candidate(raw: b))
    }
}

// MARK: - Lithuania

enum Lithuania {
    /// Two-pass mod-11 check digit (LST 1516:2015 / Estonian-style): weights 1..9,1 then 3..9,1,2,3.
    static func checkDigit(_ d: ArraySlice<Int>) -> Int {
        var s = 0
        for (i, x) in d.enumerated() { s += (1 + i % 9) * x }
        if s % 11 != 10 { return s % 11 }
        s = 0
        for (i, x) in d.enumerated() { s += (1 + (i + 2) % 9) * x }
        return s % 11 % 10
    }

    /// Asmens kodas (LST 1516:2015): G YYMMDD NNN C, G = century and sex (1-6; 9 = exceptional
    /// codes without a date), existing birth date, two-pass mod-11 check digit.
    static func isValidAsmensKodas(_ c: Candidate) -> Bool {
        guard let d = c.digits, d.count == 11, (1...6).contains(d[0]) || d[0] == 9 else { return false }
        if d[0] != 9 {
            let year = 1800 + (d[0] - 1) / 2 * 100 + d[1] * 10 + d[2]
            guard CheckBytes.isPlausibleDate(year: year, month: d[3] * 10 + d[4], day: d[5] * 10 + d[6]) else { return false }
        }
        return checkDigit(d[0..<10]) == d[10]
    }

    /// PVM (VAT) code (VMI): `[LT]` + 9 digits (legal entities, 8th digit 1) or 12 digits
    /// (11th digit 1), same two-pass mod-11 check digit.
    static func isValidPVM(_ c: Candidate) -> Bool {
        guard let d = CheckBytes.digits(CheckBytes.droppingPrefix(c.compact, "LT")) else { return false }
        switch d.count {
        case 9: guard d[7] == 1 else { return false }
        case 12: guard d[10] == 1 else { return false }
        default: return false
        }
        return checkDigit(d.dropLast()) == d[d.count - 1]
    }
}

// MARK: - Luxembourg

enum Luxembourg {
    /// Matricule / numéro d'identification national (loi du 19 juin 2013, CCSS): YYYYMMDD + 3
    /// serial digits + Luhn check digit over the first 11 + Verhoeff check digit over the first 11.
    static func isValidMatricule(_ c: Candidate) -> Bool {
        guard let d = c.digits, d.count == 13 else { return false }
        let year = CheckBytes.number(d[0..<4])
        guard year >= 1850, CheckBytes.isPlausibleDate(year: year, month: d[4] * 10 + d[5], day: d[6] * 10 + d[7]) else { return false }
        let body = Array(d[0..<11])
        return Luhn.isValid(body + [d[11]]) && Verhoeff.isValid(body + [d[12]])
    }

    /// Numéro TVA (AED): `[LU]` + 8 digits, the last two = first six mod 89.
    static func isValidTVA(_ c: Candidate) -> Bool {
        guard let d = CheckBytes.digits(CheckBytes.droppingPrefix(c.compact, "LU")), d.count == 8 else { return false }
        return CheckBytes.number(d[0..<6]) % 89 == CheckBytes.number(d[6..<8])
    }
}

// MARK: - Malta

enum Malta {
    /// Identity card number (Identità Malta): up to 7 digits (usually zero-padded) + a category
    /// letter M, G, A, P, L, H, B or Z; format only (no check digit is published).
    static func isValidIDCard(_ c: Candidate) -> Bool {
        let b = c.compact
        guard b.count >= 2, b.count <= 8, let d = CheckBytes.digits(b.dropLast()) else { return false }
        guard let last = b.last, Array("MGAPLHBZ".utf8).contains(last) else { return false }
        return d.contains { $0 != 0 }
    }

    /// VAT number (CFR): `[MT]` + 8 digits, first not 0, Σ wᵢ·dᵢ (3,4,6,7,8,9,10,1) mod 37 = 0.
    static func isValidVAT(_ c: Candidate) -> Bool {
        guard let d = CheckBytes.digits(CheckBytes.droppingPrefix(c.compact, "MT")), d.count == 8, d[0] != 0 else { return false }
        return CheckBytes.weightedSum(d, [3, 4, 6, 7, 8, 9, 10, 1]) % 37 == 0
    }
}

// MARK: - Netherlands

enum Netherlands {
    /// The "11-proef" over 9 digits: Σ (9..2)·dᵢ − d₉ ≡ 0 (mod 11).
    static func elevenTest(_ d: [Int]) -> Bool {
        guard d.count == 9, d.contains(where: { $0 != 0 }) else { return false }
        return (CheckBytes.weightedSum(d, [9, 8, 7, 6, 5, 4, 3, 2, -1]) % 11 + 11) % 11 == 0
    }

    /// Burgerservicenummer (Wet algemene bepalingen BSN): 9 digits (8 = leading zero dropped),
    /// 11-proef.
    static func isValidBSN(_ c: Candidate) -> Bool {
        guard let d = c.digits, d.count == 8 || d.count == 9 else { return false }
        return elevenTest(d.count == 8 ? [0] + d : d)
    }

    /// Btw-identificatienummer (Belastingdienst): `[NL]` + 9 digits + `B` + 2 digits (not 00);
    /// the 9 digits pass the 11-proef (legal entities), or the whole `NL…` string passes
    /// ISO 7064 MOD 97-10 (sole traders since 2020).
    static func isValidBTW(_ c: Candidate) -> Bool {
        let b = CheckBytes.droppingPrefix(c.compact, "NL")
        guard b.count == 12, b[9] == UInt8(ascii: "B"), let d = CheckBytes.digits(b[0..<9]),
              let suffix = CheckBytes.digits(b[10..<12]), suffix != [0, 0] else { return false }
        return elevenTest(d) || ISO7064.mod97(Array("NL".utf8) + b) == 1
    }

    /// Passport / identity card document number (Rijksdienst voor Identiteitsgegevens, since
    /// 2014): 2 letters, 6 letters-or-digits, 1 digit; the letter O is never used. Format only.
    static func isValidDocumentNumber(_ c: Candidate) -> Bool {
        let b = c.compact
        guard b.count == 9, !b.contains(UInt8(ascii: "O")) else { return false }
        return CheckBytes.isUpper(b[0]) && CheckBytes.isUpper(b[1]) && CheckBytes.isDigit(b[8])
    }
}

// MARK: - Poland

enum Poland {
    /// PESEL (ustawa o ewidencji ludności): YYMMDD ZZZ P K, month +80/+0/+20/+40/+60 for the
    /// 1800s…2200s, existing date; weights 1,3,7,9,1,3,7,9,1,3, check (10 − Σ mod 10) mod 10.
    static func isValidPESEL(_ c: Candidate) -> Bool {
        guard let d = c.digits, d.count == 11 else { return false }
        let rawMonth = d[2] * 10 + d[3]
        let offset = (rawMonth - 1) / 20 * 20
        let centuries = [80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200]
        guard rawMonth >= 1, let base = centuries[offset] else { return false }
        let year = base + d[0] * 10 + d[1]
        guard CheckBytes.isPlausibleDate(year: year, month: rawMonth - offset, day: d[4] * 10 + d[5]) else { return false }
        return (10 - CheckBytes.weightedSum(d, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10) % 10 == d[10]
    }

    /// NIP (ustawa o zasadach ewidencji i identyfikacji podatników): `[PL]` + 10 digits,
    /// weights 6,5,7,2,3,4,5,6,7, Σ mod 11 = check digit (10 is never issued).
    static func isValidNIP(_ c: Candidate) -> Bool {
        guard let d = CheckBytes.digits(CheckBytes.droppingPrefix(c.compact, "PL")), d.count == 10 else { return false }
        return CheckBytes.weightedSum(d, [6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11 == d[9]
    }

    /// REGON (GUS): 9 digits with weights 8,9,2,3,4,5,6,7, or 14 digits with weights
    /// 2,4,8,5,0,9,7,3,6,1,2,4,8 whose first 9 are a valid REGON; check Σ mod 11 mod 10.
    static func isValidREGON(_ c: Candidate) -> Bool {
        guard let d = c.digits else { return false }
        let nine = [8, 9, 2, 3, 4, 5, 6, 7]
        let fourteen = [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8]
        switch d.count {
        case 9: return CheckBytes.weightedSum(d, nine) % 11 % 10 == d[8]
        case 14:
            return CheckBytes.weightedSum(d, nine) % 11 % 10 == d[8]
                && CheckBytes.weightedSum(d, fourteen) % 11 % 10 == d[13]
        default: return false
        }
    }

    /// Dowód osobisty series-and-number (MSWiA): 3 letters + 6 digits, letters valued A=10…Z=35,
    /// weights 7,3,1,9,7,3,1,7,3 (the first digit is the check digit), Σ mod 10 = 0.
    static func isValidIDCard(_ c: Candidate) -> Bool {
        let b = c.compact
        guard b.count == 9, b[0..<3].allSatisfy(CheckBytes.isUpper), CheckBytes.digits(b[3..<9]) != nil else { return false }
        var s = 0
        for (x, w) in zip(b, [7, 3, 1, 9, 7, 3, 1, 7, 3]) {
            guard let v = CheckBytes.base36(x) else { return false }
            s += v * w
        }
        return s % 10 == 0
    }
}

// MARK: - Portugal

enum Portugal {
    /// NIF / NIPC (Portaria 386/94, AT): `[PT]` + 9 digits, first not 0, weights 9..2,
    /// check (11 − Σ mod 11) mod 11 mod 10.
    static func isValidNIF(_ c: Candidate) -> Bool {
        guard let d = CheckBytes.digits(CheckBytes.droppingPrefix(c.compact, "PT")), d.count == 9, d[0] != 0 else { return false }
        return (11 - CheckBytes.weightedSum(d, [9, 8, 7, 6, 5, 4, 3, 2]) % 11) % 11 % 10 == d[8]
    }

    /// Cartão de Cidadão document number (AMA, "Validação de Número de Documento do Cartão de
    /// Cidadão"): 8-digit civil number, its check digit, 2 version characters and a final check
    /// digit computed Luhn-style over base-36 values.
    static func isValidCC(_ c: Candidate) -> Bool {
        let b = c.compact
        guard b.count == 12, CheckBytes.digits(b[0..<9]) != nil, CheckBytes.isDigit(b[11]) else { return false }
        var s = 0
        for (i, x) in b.reversed().enumerated() {
            guard var v = CheckBytes.base36(x) else { return false }
            if i % 2 == 1 {
                v *= 2
                if v > 9 { v -= 9 }
            }
            s += v
        }
        return s % 10 == 0
    }
}

// MARK: - Romania

enum Romania {
    static let counties: Set<Int> = Set(1...48).union([51, 52, 70, 80, 81, 82, 83])

    /// Cod numeric personal (HG 839/2006 / ordinance on CNP): S YYMMDD JJ NNN C, S 1-9 gives sex
    /// and century (7-9 residents/foreigners: 1900s assumed), JJ a county code, existing date;
    /// weights 2,7,9,1,4,6,3,5,8,2,7,9, Σ mod 11 (10 -> 1).
    static func isValidCNP(_ c: Candidate) -> Bool {
        guard let d = c.digits, d.count == 13, d[0] != 0 else { return false }
        let century = [1: 1900, 2: 1900, 3: 1800, 4: 1800, 5: 2000, 6: 2000][d[0]] ?? 1900
        guard CheckBytes.isPlausibleDate(year: century + d[1] * 10 + d[2], month: d[3] * 10 + d[4], day: d[5] * 10 + d[6]),
              counties.contains(d[7] * 10 + d[8]) else { return false }
        let s = CheckBytes.weightedSum(d, [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11
        return (s == 10 ? 1 : s) == d[12]
    }

    /// CUI / CIF (ANAF): `[RO]` + 2-10 digits, first not 0, weights 7,5,3,2,1,7,5,3,2 aligned to
    /// the right of the body, check 10·Σ mod 11 mod 10.
    static func isValidCUI(_ c: Candidate) -> Bool {
        guard let d = CheckBytes.digits(CheckBytes.droppingPrefix(c.compact, "RO")), (2...10).contains(d.count), d[0] != 0 else { return false }
        let body = Array(repeating: 0, count: 10 - d.count) + d.dropLast()
        return 10 * CheckBytes.weightedSum(body, [7, 5, 3, 2, 1, 7, 5, 3, 2]) % 11 % 10 == d[d.count - 1]
    }
}

// MARK: - Slovakia

enum Slovakia {
    /// Rodné číslo (zákon 301/1995 Z. z.): YYMMDD/SSS(C); month +50 for women, +20 when serials
    /// run out (from 2004); existing date; 9 digits only before 1954; 10-digit numbers satisfy
    /// first-nine mod 11 mod 10 = last digit.
    static func isValidRodneCislo(_ c: Candidate) -> Bool {
        guard let d = c.digits, d.count == 9 || d.count == 10 else { return false }
        let yy = d[0] * 10 + d[1]
        let month = (d[2] * 10 + d[3]) % 50 % 20
        var year = 1900 + yy
        if d.count == 9 {
            if year >= 1980 { year -= 100 }
            guard year <= 1953 else { return false }
        } else if year < 1954 {
            year += 100
        }
        guard CheckBytes.isPlausibleDate(year: year, month: month, day: d[4] * 10 + d[5]) else { return false }
        if d.count == 9 { return true }
        return CheckBytes.number(d[0..<9]) % 11 % 10 == d[9]
    }

    /// IČ DPH (Finančná správa): `[SK]` + 10 digits, first not 0, third digit 2, 3, 4, 7, 8 or 9,
    /// the number divisible by 11; a natural person's 10-digit rodné číslo is accepted as well
    /// (as python-stdnum does, since the sources disagree on whether persons use it).
    static func isValidDPH(_ c: Candidate) -> Bool {
        let body = CheckBytes.droppingPrefix(c.compact, "SK")
        guard let d = CheckBytes.digits(body), d.count == 10 else { return false }
        if isValidRodneCislo(Candidate(raw: body)) { return true }
        guard d[0] != 0, [2, 3, 4, 7, 8, 9].contains(d[2]) else { return false }
        return CheckBytes.number(d[0...]) % 11 == 0
    }
}

// MARK: - Slovenia

enum Slovenia {
    /// EMŠO (Zakon o centralnem registru prebivalstva): DDMMYYY RR BBB K, YYY ≥ 800 -> 1YYY,
    /// else 2YYY; existing date; weights 7,6,5,4,3,2,7,6,5,4,3,2, check (−Σ) mod 11 mod 10.
    static func isValidEMSO(_ c: Candidate) -> Bool {
        guard let d = c.digits, d.count == 13 else { return false }
        let yyy = CheckBytes.number(d[4..<7])
        let year = yyy < 800 ? 2000 + yyy : 1000 + yyy
        guard CheckBytes.isPlausibleDate(year: year, month: d[2] * 10 + d[3], day: d[0] * 10 + d[1]) else { return false }
        let s = CheckBytes.weightedSum(d, [7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
        return (11 - s % 11) % 11 % 10 == d[12]
    }

    /// Davčna številka / ID za DDV (FURS): `[SI]` + 8 digits, first not 0, check
    /// 11 − Σ (8..2)·dᵢ mod 11 (10 -> 0, 11 never issued).
    static func isValidDDV(_ c: Candidate) -> Bool {
        guard let d = CheckBytes.digits(CheckBytes.droppingPrefix(c.compact, "SI")), d.count == 8, d[0] != 0 else { return false }
        let check = 11 - CheckBytes.weightedSum(d, [8, 7, 6, 5, 4, 3, 2]) % 11
        guard check != 11 else { return false }
        return (check == 10 ? 0 : check) == d[7]
    }
}

// MARK: - Spain

enum Spain {
    static let letters = Array("TRWAGMYFPDXBNJZSQVHLCKE".utf8)

    /// DNI (Real Decreto 1553/2005): 8 digits + letter = number mod 23 in `TRWAGMYFPDXBNJZSQVHLCKE`.
    static func isValidDNI(_ c: Candidate) -> Bool {
        let b = c.compact
        guard b.count == 9, let d = CheckBytes.digits(b[0..<8]) else { return false }
        return letters[CheckBytes.number(d[0...]) % 23] == b[8]
    }

    /// NIE (Orden INT/2058/2008): X, Y or Z (-> 0, 1, 2) + 7 digits + the DNI mod-23 letter.
    static func isValidNIE(_ c: Candidate) -> Bool {
        let b = c.compact
        guard b.count == 9, let lead = Array("XYZ".utf8).firstIndex(of: b[0]), let d = CheckBytes.digits(b[1..<8]) else { return false }
        return letters[(lead * 10_000_000 + CheckBytes.number(d[0...])) % 23] == b[8]
    }

    /// CIF (Real Decreto 1065/2007 art. 22): organisation letter (ABCDEFGHJNPQRSUVW), 7 digits,
    /// a control digit or letter `JABCDEFGHI`[Luhn check digit of the 7 digits].
    static func isValidCIF(_ c: Candidate) -> Bool {
        let b = c.compact
        guard b.count == 9, Array("ABCDEFGHJNPQRSUVW".utf8).contains(b[0]), let d = CheckBytes.digits(b[1..<8]) else { return false }
        var s = 0
        for (i, x) in d.enumerated() {
            if i % 2 == 0 {
                let y = 2 * x
                s += y > 9 ? y - 9 : y
            } else {
                s += x
            }
        }
        let check = (10 - s % 10) % 10
        return b[8] == UInt8(48 + check) || b[8] == Array("JABCDEFGHI".utf8)[check]
    }

    /// NIF (Real Decreto 1065/2007) and VAT number: `[ES]` + a DNI, NIE, CIF, or K/L/M + 7
    /// digits + mod-23 letter.
    static func isValidNIF(_ c: Candidate) -> Bool {
        let b = CheckBytes.droppingPrefix(c.compact, "ES")
        let body = Candidate(raw: b)
        if isValidDNI(body) || isValidNIE(body) || isValidCIF(body) { return true }
        guard b.count == 9, Array("KLM".utf8).contains(b[0]), let d = CheckBytes.digits(b[1..<8]) else { return false }
        return letters[CheckBytes.number(d[0...]) % 23] == b[8]
    }

    /// Número de afiliación a la Seguridad Social (TGSS): 2-digit province + 8-digit number + 2
    /// control digits = (province·10⁸ + number) mod 97, or (province·10⁷ + number) mod 97 when the
    /// number is below 10⁷.
    static func isValidNSS(_ c: Candidate) -> Bool {
        guard let d = c.digits, d.count == 12 else { return false }
        let province = CheckBytes.number(d[0..<2])
        let number = CheckBytes.number(d[2..<10])
        guard province > 0, number > 0 else { return false }
        let base = number < 10_000_000 ? province * 10_000_000 + number : province * 100_000_000 + number
        return base % 97 == CheckBytes.number(d[10..<12])
    }
}

// MARK: - Sweden

enum Sweden {
    /// Personnummer / samordningsnummer (Folkbokföringslagen 1991:481 §18, SKV 704): YYMMDD or
    /// YYYYMMDD, `-` or `+` (100 years or older), 4 digits; day +60 for coordination numbers;
    /// existing date; Luhn over the last 10 digits. A written delimiter must precede the last 4 digits.
    static func isValidPersonnummer(_ c: Candidate) -> Bool {
        guard let d = c.digits, d.count == 10 || d.count == 12 else { return false }
        // The delimiter, when written, stands right before the last four digits.
        let raw = c.raw.filter { $0 != 32 }
        if let i = raw.lastIndex(where: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }), raw.count - i != 5 { return false }
        let tail = Array(d.suffix(10))
        let month = tail[2] * 10 + tail[3]
        var day = tail[4] * 10 + tail[5]
        if day > 60 { day -= 60 }
        let dateOK: Bool
        if d.count == 12 {
            let year = CheckBytes.number(d[0..<4])
            dateOK = year >= 1800 && CheckBytes.isPlausibleDate(year: year, month: month, day: day)
        } else {
            dateOK = CheckBytes.isPlausibleDate(twoDigitYear: tail[0] * 10 + tail[1], month: month, day: day)
        }
        return dateOK && Luhn.isValid(tail)
    }

    /// Organisationsnummer (Skatteverket): 10 digits, Luhn.
    static func isValidOrgnr(_ c: Candidate) -> Bool {
        guard let d = c.digits, d.count == 10 else { return false }
        return Luhn.isValid(d)
    }

    /// Momsregistreringsnummer (Skatteverket): `[SE]` + organisation or personal number (10
    /// digits, Luhn) + `01`.
    static func isValidVAT(_ c: Candidate) -> Bool {
        guard let d = CheckBytes.digits(CheckBytes.droppingPrefix(c.compact, "SE")), d.count == 12, d[10] == 0, d[11] == 1 else { return false }
        return Luhn.isValid(Array(d[0..<10]))
    }
}

// MARK: - BIC

enum BIC {
    /// ISO 3166-1 alpha-2 codes (iso-codes 3166-1 list) plus XK (Kosovo, used by SWIFT).
    static let countries: Set<String> = Set("""
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO \
        FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE \
        JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO \
        MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW \
        PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM \
        TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
        """.split(separator: " ").map(String.init))

    /// BIC / SWIFT code (ISO 9362): 4-letter institution code, ISO 3166-1 country code, 2-char
    /// location (second character not `O`, which ISO 9362 reserves), optional 3-char branch.
    /// Uses `raw` so that lower-case text and separators are rejected.
    static func isValid(_ c: Candidate) -> Bool {
        let b = c.raw
        guard b.count == 8 || b.count == 11 else { return false }
        guard b[0..<6].allSatisfy(CheckBytes.isUpper),
              b[6...].allSatisfy({ CheckBytes.isUpper($0) || CheckBytes.isDigit($0) }) else { return false }
        guard b[7] != UInt8(ascii: "O") else { return false }
        return countries.contains(String(decoding: b[4..<6], as: UTF8.self))
    }
}
