/// Country validators, member states AT to HU (alphabetical by ISO code). Each takes the
/// candidate's compact value (upper-case ASCII alphanumerics, separators removed); VAT
/// validators accept the value with or without its country prefix. Algorithms are written from
/// the national specifications summarised in REFERENCE-EU.md §2 (source named on each).
enum CountryValidatorsA {
    static let table: [String: ValidatorFactory] = [
        "at_svnr": fixed("at_svnr", Austria.svnr),
        "at_tin": fixed("at_tin", Austria.tin),
        "at_uid": fixed("at_uid", Austria.uid),
        "be_national_number": fixed("be_national_number", Belgium.nationalNumber),
        "be_vat": fixed("be_vat", Belgium.vat),
        "bg_egn": fixed("bg_egn", Bulgaria.egn),
        "bg_pnf": fixed("bg_pnf", Bulgaria.pnf),
        "bg_vat": fixed("bg_vat", Bulgaria.vat),
        "hr_oib": fixed("hr_oib", Croatia.oib),
        "cy_tin": fixed("cy_tin", Cyprus.tin),
        "cz_birth_number": fixed("cz_birth_number", Czechia.birthNumber),
        "cz_dic": fixed("cz_dic", Czechia.dic),
        "dk_cpr_date": fixed("dk_cpr_date", Denmark.cprDate),
        "dk_cvr": fixed("dk_cvr", Denmark.cvr),
        "ee_isikukood": fixed("ee_isikukood", Estonia.isikukood),
        "ee_kmkr": fixed("ee_kmkr", Estonia.kmkr),
        "fi_hetu": { p in
            let shape = try ParameterReader("fi_hetu", p, allowed: []).shape()
            // The century sign (+ - A …) is punctuation for `compact`, so read the raw bytes.
            return ClosureValidator { c in Finland.hetu(raw: c.raw, shape: shape) }
        },
        "fi_ytunnus": fixed("fi_ytunnus", Finland.ytunnus),
        "fr_nir": fixed("fr_nir", France.nir),
        "fr_nif": fixed("fr_nif", France.nif),
        "fr_siren": fixed("fr_siren", France.siren),
        "fr_tva": fixed("fr_tva", France.tva),
        "de_idnr": fixed("de_idnr", Germany.idnr),
        "de_vat": fixed("de_vat", Germany.vat),
        "de_rvnr": fixed("de_rvnr", Germany.rvnr),
        "de_kvnr": fixed("de_kvnr", Germany.kvnr),
        "de_id_card": fixed("de_id_card", Germany.idCard),
        "gr_afm": fixed("gr_afm", Greece.afm),
        "gr_amka": fixed("gr_amka", Greece.amka),
        "hu_personal_id": fixed("hu_personal_id", Hungary.personalID),
        "hu_adoazonosito": fixed("hu_adoazonosito", Hungary.adoazonosito),
        "hu_taj": fixed("hu_taj", Hungary.taj),
        "hu_anum": fixed("hu_anum", Hungary.anum),
    ]

    /// A factory for a parameterless country check (the shared `strip`/`length` still apply).
    static func fixed(_ name: String, _ check: @escaping @Sendable ([UInt8]) -> Bool) -> ValidatorFactory {
        { p in
            let shape = try ParameterReader(name, p, allowed: []).shape()
            return ClosureValidator { c in shape.apply(c.compact).map(check) ?? false }
        }
    }
}

// MARK: - helpers

/// Removes a country prefix (e.g. `ATU`, `EL`) if the value starts with it.
@inline(__always)
func dropPrefix(_ v: [UInt8], _ prefixes: String...) -> [UInt8] {
    for p in prefixes {
        let b = Array(p.utf8)
        if v.count > b.count, v.starts(with: b) { return Array(v.dropFirst(b.count)) }
    }
    return v
}

@inline(__always)
func number(_ d: ArraySlice<Int>) -> Int { d.reduce(0) { $0 * 10 + $1 } }

@inline(__always)
func weightedSum(_ d: ArraySlice<Int>, _ w: [Int]) -> Int {
    var s = 0
    for (k, x) in d.enumerated() { s += x * w[k] }
    return s
}

// MARK: - AT

enum Austria {
    /// Sozialversicherungsnummer (SVNR, Dachverband der Sozialversicherungsträger): 3-digit serial,
    /// check digit, birth date DDMMYY. Check = Σ dᵢ·(3,7,9,0,5,8,4,2,1,6) mod 11 at position 4;
    /// remainder 10 is never issued. First digit non-zero. Birth date must exist (any century).
    static func svnr(_ v: [UInt8]) -> Bool {
        guard v.count == 10, let d = digitValues(v), d[0] != 0 else { return false }
        let r = weightedSum(d[...], [3, 7, 9, 0, 5, 8, 4, 2, 1, 6]) % 11
        guard r != 10, r == d[3] else { return false }
        return PlausibleDate(day: 4, month: 6, year: 8).isValid(compact: v)
    }

    /// Abgabenkontonummer / Steuernummer (BMF): 2-digit tax office + 6 digits + check digit;
    /// the check digit makes the 9 digits Luhn-valid (odd positions doubled with digit sum).
    static func tin(_ v: [UInt8]) -> Bool {
        guard v.count == 9, let d = digitValues(v) else { return false }
        return Luhn.isValid(d)
    }

    /// UID-Nummer (`ATU` + 8 digits; BMF "Umsatzsteuer-Identifikationsnummer" check):
    /// check = (6 − Luhn sum of the 7 digits after U) mod 10, i.e. the 7 digits plus check
    /// digit have Luhn sum ≡ 4 (mod 10) with the fixed `U` offset.
    static func uid(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "ATU", "U")
        guard b.count == 8, let d = digitValues(b) else { return false }
        var s = 0
        for (i, x) in d[..<7].enumerated() {
            if i % 2 == 1 { let y = x * 2; s += y > 9 ? y - 9 : y } else { s += x }
        }
        return (10 - (s + 4) % 10) % 10 == d[7]
    }
}

// MARK: - BE

enum Belgium {
    /// Rijksregisternummer / numéro de registre national and BIS number (Royal Decree of
    /// 3 April 1984; Crossroads Bank BIS rules): YYMMDD + 3-digit serial + 2 check digits =
    /// 97 − (first 9 mod 97), or with a leading "2" for births from 2000. The month may carry
    /// +20 or +40 (BIS); month or day 00 means "unknown"; otherwise the date must exist in the
    /// century the check digits selected.
    static func nationalNumber(_ v: [UInt8]) -> Bool {
        guard v.count == 11, let d = digitValues(v), d.contains(where: { $0 != 0 }) else { return false }
        let body = number(d[..<9]), check = d[9] * 10 + d[10]
        var centuries: [Int] = []
        if 97 - body % 97 == check { centuries.append(1900) }
        if 97 - (2_000_000_000 + body) % 97 == check { centuries.append(2000) }
        guard !centuries.isEmpty else { return false }
        let yy = d[0] * 10 + d[1], mm = d[2] * 10 + d[3], dd = d[4] * 10 + d[5]
        let month = mm >= 40 ? mm - 40 : (mm >= 20 ? mm - 20 : mm)
        guard month <= 12, [0, 20, 40].contains(mm - month) else { return false }
        if month == 0 { return dd <= 31 }
        if dd == 0 { return true }
        return centuries.contains { CivilDate.isValid(year: $0 + yy, month: month, day: dd) }
    }

    /// BTW / TVA / enterprise number (KBO/BCE): 10 digits starting 0 or 1 (old 9-digit form gets
    /// a leading 0); last 2 digits = 97 − (first 8 mod 97), checked as (first 8 + last 2) ≡ 0
    /// (mod 97) so that the check value 98 (≡ 1) is accepted as the VIES/stdnum checks do.
    static func vat(_ v: [UInt8]) -> Bool {
        var b = dropPrefix(v, "BE")
        if b.count == 9 { b = [48] + b }
        guard b.count == 10, let d = digitValues(b), d[0] <= 1 else { return false }
        return (number(d[..<8]) + d[8] * 10 + d[9]) % 97 == 0
    }
}

// MARK: - BG

enum Bulgaria {
    /// ЕГН (EGN, Uniform Civil Number, Ordinance on ESGRAON): YYMMDD + 3 serial + check =
    /// Σ dᵢ·(2,4,8,5,10,9,7,3,6) mod 11 mod 10. Month +20 = born 1800s, +40 = born 2000s.
    static func egn(_ v: [UInt8]) -> Bool {
        guard v.count == 10, let d = digitValues(v) else { return false }
        guard weightedSum(d[..<9], [2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11 % 10 == d[9] else { return false }
        return PlausibleDate(day: 4, month: 2, year: 0, monthOffsets: [0, 20, 40],
                             offsetCenturies: [1900, 1800, 2000]).isValid(compact: v)
    }

    /// ЛНЧ (PNF, personal number of a foreigner): 10 digits, check = Σ dᵢ·(21,19,17,13,11,9,7,3,1)
    /// mod 10.
    static func pnf(_ v: [UInt8]) -> Bool {
        guard v.count == 10, let d = digitValues(v) else { return false }
        return weightedSum(d[..<9], [21, 19, 17, 13, 11, 9, 7, 3, 1]) % 10 == d[9]
    }

    /// ИН по ЗДДС (VAT, `BG` + 9 or 10 digits). 9 digits (legal entities, BULSTAT): Σ dᵢ·i mod 11,
    /// if 10 then Σ dᵢ·(i+2) mod 11, 10 → 0. 10 digits: an EGN, a PNF, or the "other" rule
    /// (11 − Σ dᵢ·(4,3,2,7,6,5,4,3,2)) mod 11.
    static func vat(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "BG")
        guard let d = digitValues(b) else { return false }
        if d.count == 9 {
            var c = weightedSum(d[..<8], [1, 2, 3, 4, 5, 6, 7, 8]) % 11
            if c == 10 { c = weightedSum(d[..<8], [3, 4, 5, 6, 7, 8, 9, 10]) % 11 }
            return c % 10 == d[8]
        }
        guard d.count == 10 else { return false }
        if egn(b) || pnf(b) { return true }
        return (11 - weightedSum(d[..<9], [4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11) % 11 == d[9]
    }
}

// MARK: - HR

enum Croatia {
    /// OIB (Osobni identifikacijski broj, Zakon o OIB NN 60/08): 11 digits, ISO 7064 MOD 11,10.
    static func oib(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "HR")
        guard b.count == 11, let d = digitValues(b) else { return false }
        return ISO7064.mod11_10IsValid(d)
    }
}

// MARK: - CY

enum Cyprus {
    /// Tax Identification Code / VAT (Αριθμός Φορολογικής Ταυτότητας; Cyprus Tax Department):
    /// 8 digits + check letter = A…Z[(Σ map(d at even index) + Σ d at odd index) mod 26], with
    /// map 0→1 1→0 2→5 3→7 4→9 5→13 6→15 7→17 8→19 9→21; prefix `12` is not issued.
    static func tin(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "CY")
        guard b.count == 9, let d = digitValues(b[..<8]), !(d[0] == 1 && d[1] == 2) else { return false }
        let map = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
        var s = 0
        for (i, x) in d.enumerated() { s += i % 2 == 0 ? map[x] : x }
        return b[8] == UInt8(65 + s % 26)
    }
}

// MARK: - CZ

enum Czechia {
    /// Rodné číslo (birth number, zákon 133/2000 Sb. §13): YYMMDD/SSS[C]. 9 digits only before
    /// 1954; 10 digits: first 9 mod 11 mod 10 = last. Month +50 for women, +20 (and +70) when
    /// serials ran out (since 2004). The date must exist.
    static func birthNumber(_ v: [UInt8]) -> Bool {
        guard v.count == 9 || v.count == 10, let d = digitValues(v) else { return false }
        var year = 1900 + d[0] * 10 + d[1]
        let mm = d[2] * 10 + d[3], dd = d[4] * 10 + d[5]
        let month = mm % 50 % 20
        guard [0, 20, 50, 70].contains(mm - month) else { return false }
        if v.count == 9 {
            if year >= 1980 { year -= 100 }
            guard year <= 1953 else { return false }
        } else {
            if year < 1954 { year += 100 }
            guard number(d[..<9]) % 11 % 10 == d[9] else { return false }
        }
        if mm - month >= 20, mm - month != 50, year < 2004 { return false }
        return CivilDate.isValid(year: year, month: month, day: dd)
    }

    /// DIČ (VAT, `CZ` + 8, 9 or 10 digits). 8 digits (legal entities, not starting 9):
    /// c = (11 − Σ dᵢ·(8…2)) mod 11, 0 → 1, then mod 10. 9 digits starting 6 (special):
    /// digits 2–8 weighted 8…2, c = (8 − (10 − s mod 11) mod 11) mod 10. Otherwise a birth number.
    static func dic(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "CZ")
        guard let d = digitValues(b) else { return false }
        if d.count == 8 {
            guard d[0] != 9 else { return false }
            let c = (11 - weightedSum(d[..<7], [8, 7, 6, 5, 4, 3, 2]) % 11) % 11
            return (c == 0 ? 1 : c) % 10 == d[7]
        }
        if d.count == 9, d[0] == 6 {
            let s = weightedSum(d[1..<8], [8, 7, 6, 5, 4, 3, 2]) % 11
            return (8 - (10 - s) % 11 + 11) % 11 % 10 == d[8]
        }
        return birthNumber(b)
    }
}

// MARK: - DK

enum Denmark {
    /// CPR-nummer (CPR-kontoret): DDMMYY-SSSS. The modulus-11 check was abandoned in 2007
    /// (numbers without it are issued), so only the birth date is checked: DDMM must exist in
    /// some century. Use with context, never as a checksum gate.
    static func cprDate(_ v: [UInt8]) -> Bool {
        guard v.count == 10, digitValues(v) != nil else { return false }
        return PlausibleDate(day: 0, month: 2, year: 4, centuries: [1800, 1900, 2000]).isValid(compact: v)
    }

    /// CVR-nummer / SE / VAT (`DK` + 8 digits; Erhvervsstyrelsen): Σ dᵢ·(2,7,6,5,4,3,2,1) ≡ 0
    /// (mod 11), first digit non-zero.
    static func cvr(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "DK")
        guard b.count == 8, let d = digitValues(b), d[0] != 0 else { return false }
        return weightedSum(d[...], [2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0
    }
}

// MARK: - EE

enum Estonia {
    /// Isikukood (EVS 585:2007): G YYMMDD SSS C; G 1–8 gives sex and century (1800…2100);
    /// check = Σ dᵢ·(1…9,1) mod 11, if 10 then Σ dᵢ·(3…9,1,2,3) mod 11, if 10 again → 0.
    /// The date must exist.
    static func isikukood(_ v: [UInt8]) -> Bool {
        guard v.count == 11, let d = digitValues(v) else { return false }
        var c = weightedSum(d[..<10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) % 11
        if c == 10 { c = weightedSum(d[..<10], [3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 11 }
        guard c % 10 == d[10] else { return false }
        var date = PlausibleDate(day: 5, month: 3, year: 1)
        date.centuryDigit = 0
        date.centuryMap = [0, 1800, 1800, 1900, 1900, 2000, 2000, 2100, 2100, 0]
        return date.isValid(compact: v)
    }

    /// KMKR (VAT, `EE` + 9 digits; Maksu- ja Tolliamet): Σ dᵢ·(3,7,1,3,7,1,3,7,1) ≡ 0 (mod 10).
    static func kmkr(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "EE")
        guard b.count == 9, let d = digitValues(b) else { return false }
        return weightedSum(d[...], [3, 7, 1, 3, 7, 1, 3, 7, 1]) % 10 == 0
    }
}

// MARK: - FI

enum Finland {
    static let hetuTable = Array("0123456789ABCDEFHJKLMNPRSTUVWXY".utf8)

    /// Henkilötunnus (HETU; Väestörekisterikeskus, decree 128/2010 and the 2023 century signs):
    /// DDMMYY C NNN X, C = `+` 1800s, `-` `Y` `X` `W` `V` `U` 1900s, `A` `B` `C` `D` `E` `F` 2000s;
    /// NNN 002–999 (900–999 temporary, still personal); X = table[int(DDMMYYNNN) mod 31] over
    /// `0123456789ABCDEFHJKLMNPRSTUVWXY`. The date must exist in that century.
    static func hetu(raw: [UInt8], shape: CompactShape) -> Bool {
        var v: [UInt8] = []
        for b in raw where b != 32 {
            guard b < 128 else { continue }  // NBSP and other separators around the value
            v.append(b >= 97 && b <= 122 ? b - 32 : b)
        }
        if let lengths = shape.lengths, !lengths.contains(v.count) { return false }
        guard v.count == 11 else { return false }
        let century: Int
        switch v[6] {
        case 43: century = 1800  // +
        case 45, 89, 88, 87, 86, 85: century = 1900  // - Y X W V U
        case 65...70: century = 2000  // A-F
        default: return false
        }
        guard let d = digitValues(v[0..<6] + v[7..<10]) else { return false }
        guard number(d[6..<9]) >= 2 else { return false }
        guard CivilDate.isValid(year: century + d[4] * 10 + d[5], month: d[2] * 10 + d[3], day: d[0] * 10 + d[1])
        else { return false }
        return hetuTable[number(d[...]) % 31] == v[10]
    }

    /// Y-tunnus (business ID) and ALV (VAT, `FI` + 8 digits; PRH/Verohallinto):
    /// Σ dᵢ·(7,9,10,5,8,4,2) mod 11 = r; r = 0 → check 0, r = 1 invalid, else 11 − r.
    static func ytunnus(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "FI")
        guard b.count == 8, let d = digitValues(b) else { return false }
        let r = weightedSum(d[..<7], [7, 9, 10, 5, 8, 4, 2]) % 11
        guard r != 1 else { return false }
        return (r == 0 ? 0 : 11 - r) == d[7]
    }
}

// MARK: - FR

enum France {
    /// NIR / numéro de sécurité sociale (INSEE, décret 82-103): S YY MM DD(dept) CCC OOO KK,
    /// 15 characters, Corsica `2A`/`2B` count as 19/18 in the key. Key = 97 − (first 13 mod 97).
    /// S ∈ {1,2,3,4,7,8}; MM 01–12, 20–42 or 50–99 (INSEE codes for unknown/fictitious months).
    static func nir(_ v: [UInt8]) -> Bool {
        guard v.count == 15 else { return false }
        var b = v
        if b[5] == 50, b[6] == 65 { b[5] = 49; b[6] = 57 }       // 2A -> 19
        else if b[5] == 50, b[6] == 66 { b[5] = 49; b[6] = 56 }  // 2B -> 18
        guard let d = digitValues(b), [1, 2, 3, 4, 7, 8].contains(d[0]) else { return false }
        let mm = d[3] * 10 + d[4]
        guard (1...12).contains(mm) || (20...42).contains(mm) || (50...99).contains(mm) else { return false }
        return 97 - number(d[..<13]) % 97 == d[13] * 10 + d[14]
    }

    /// Numéro fiscal / SPI (DGFiP): 13 digits, first digit 0–3, last 3 digits = first 10 mod 511.
    static func nif(_ v: [UInt8]) -> Bool {
        guard v.count == 13, let d = digitValues(v), d[0] <= 3 else { return false }
        return number(d[..<10]) % 511 == number(d[10...])
    }

    /// SIREN (INSEE company register): 9 digits, Luhn.
    static func siren(_ v: [UInt8]) -> Bool {
        guard v.count == 9, let d = digitValues(v) else { return false }
        return Luhn.isValid(d)
    }

    /// Numéro de TVA intracommunautaire (`FR` + 2-digit key + SIREN; CGI art. 286 ter):
    /// key = (SIREN·100 + 12) mod 97 and SIREN Luhn-valid (except Monaco, SIREN `000…`).
    /// Alphanumeric keys (new-style) are not accepted.
    static func tva(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "FR")
        guard b.count == 11, let d = digitValues(b) else { return false }
        let siren = Array(b[2...])
        guard (d[2] == 0 && d[3] == 0 && d[4] == 0) || France.siren(siren) else { return false }
        return (number(d[2...]) * 100 + 12) % 97 == d[0] * 10 + d[1]
    }
}

// MARK: - DE

enum Germany {
    /// Steuerliche Identifikationsnummer (IdNr, §139b AO; BZSt): 11 digits, first non-zero; in the
    /// first 10 exactly one digit occurs 2 or 3 times and no other repeats; check digit
    /// ISO 7064 MOD 11,10.
    static func idnr(_ v: [UInt8]) -> Bool {
        guard v.count == 11, let d = digitValues(v), d[0] != 0 else { return false }
        var counts = [Int](repeating: 0, count: 10)
        for x in d[..<10] { counts[x] += 1 }
        let repeated = counts.filter { $0 > 1 }
        guard repeated.count == 1, repeated[0] == 2 || repeated[0] == 3 else { return false }
        return ISO7064.mod11_10IsValid(d)
    }

    /// USt-IdNr (`DE` + 9 digits; BZSt): first digit non-zero, ISO 7064 MOD 11,10.
    static func vat(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "DE")
        guard b.count == 9, let d = digitValues(b), d[0] != 0 else { return false }
        return ISO7064.mod11_10IsValid(d)
    }

    /// Rentenversicherungsnummer / Sozialversicherungsnummer (DRV, §147 SGB VI; "Aufbau der
    /// Versicherungsnummer"): AA DDMMYY L SS C — area, birth date, initial of the birth name,
    /// serial (00–49 men, 50–99 women), check. The letter becomes its 2-digit alphabet
    /// position; weights 2,1,2,5,7,1,2,1,2,1,2,1 over the 12 digits, sum of the products'
    /// digit sums mod 10. The birth date (day may carry +0 only) must exist.
    static func rvnr(_ v: [UInt8]) -> Bool {
        guard v.count == 12, let head = digitValues(v[..<8]), let tail = digitValues(v[9...]),
              v[8] >= 65, v[8] <= 90 else { return false }
        let letter = Int(v[8] - 64)
        let digits = head + [letter / 10, letter % 10] + tail[..<2]
        let w = [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1]
        var s = 0
        for (x, y) in zip(digits, w) { let p = x * y; s += p / 10 + p % 10 }
        guard s % 10 == tail[2] else { return false }
        return PlausibleDate(day: 2, month: 4, year: 6).isValid(compact: v)
    }

    /// Krankenversichertennummer (KVNR, §290 SGB V; GKV-Spitzenverband): letter + 8 digits +
    /// check. The letter becomes its 2-digit alphabet position (A = 01); the 10 digits get
    /// weights 1,2,1,2,… with digit sums; the sum mod 10 is the check digit.
    static func kvnr(_ v: [UInt8]) -> Bool {
        guard v.count == 10, v[0] >= 65, v[0] <= 90, let d = digitValues(v[1...]) else { return false }
        let letter = Int(v[0] - 64)
        let digits = [letter / 10, letter % 10] + d[..<8]
        var s = 0
        for (i, x) in digits.enumerated() {
            let p = x * (i % 2 == 0 ? 1 : 2)
            s += p / 10 + p % 10
        }
        return s % 10 == d[8]
    }

    /// Personalausweis / Reisepass document number (PAuswV; ICAO Doc 9303 check digit):
    /// 9 characters from `0-9 C F G H J K L M N P R T V W X Y Z` (since 2010) followed by the
    /// 7-3-1 check digit (10 characters in all).
    static func idCard(_ v: [UInt8]) -> Bool {
        guard v.count == 10 else { return false }
        let allowed = Set("0123456789CFGHJKLMNPRTVWXYZ".utf8)
        guard v[..<9].allSatisfy({ allowed.contains($0) }) else { return false }
        return ICAO9303.isValid(v)
    }
}

// MARK: - GR

enum Greece {
    /// ΑΦΜ (AFM, tax number and VAT `EL` + 9 digits; ΑΑΔΕ): Σ dᵢ·2^(8−i) over the first 8 digits,
    /// mod 11 mod 10 = last digit. All-zero is rejected.
    static func afm(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "EL", "GR")
        guard b.count == 9, let d = digitValues(b), d.contains(where: { $0 != 0 }) else { return false }
        var s = 0
        for x in d[..<8] { s = s * 2 + x }
        return s * 2 % 11 % 10 == d[8]
    }

    /// ΑΜΚΑ (AMKA, social security; ΗΔΙΚΑ): DDMMYY + 5 digits, Luhn-valid, date must exist.
    static func amka(_ v: [UInt8]) -> Bool {
        guard v.count == 11, let d = digitValues(v), Luhn.isValid(d) else { return false }
        return PlausibleDate(day: 0, month: 2, year: 4).isValid(compact: v)
    }
}

// MARK: - HU

enum Hungary {
    /// Személyi azonosító (personal identification number, 1992. évi LXVI. tv. / 146/1993 Korm.
    /// r.): S YYMMDD NNN C. S: 1/2 born 1900–1999, 3/4 1800–1899 (or foreigners, 1900s),
    /// 5/6 from 2000, 7/8 foreigners. C = Σ dᵢ·i (i = 1…10) mod 11 for births before 1997,
    /// Σ dᵢ·(11 − i) mod 11 from 1997; 10 is never issued. The date must exist.
    static func personalID(_ v: [UInt8]) -> Bool {
        guard v.count == 11, let d = digitValues(v), (1...8).contains(d[0]) else { return false }
        let yy = d[1] * 10 + d[2], mm = d[3] * 10 + d[4], dd = d[5] * 10 + d[6]
        let centuries: [Int]
        switch d[0] {
        case 1, 2: centuries = [1900]
        case 3, 4: centuries = [1800, 1900]
        case 5, 6: centuries = [2000]
        default: centuries = [1900, 2000]
        }
        for c in centuries where CivilDate.isValid(year: c + yy, month: mm, day: dd) {
            let ascending = c + yy < 1997
            var s = 0
            for i in 0..<10 { s += d[i] * (ascending ? i + 1 : 10 - i) }
            if s % 11 != 10, s % 11 == d[10] { return true }
        }
        return false
    }

    /// Adóazonosító jel (tax ID of natural persons, 2003. évi XCII. tv.): 8 + 5-digit day count
    /// since 1867-01-01 (birth date) + 3 serial + check = Σ dᵢ·i (i = 1…9) mod 11, 10 not issued.
    /// The day count must give a birth year 1867–2100.
    static func adoazonosito(_ v: [UInt8]) -> Bool {
        guard v.count == 10, let d = digitValues(v), d[0] == 8 else { return false }
        var s = 0
        for i in 0..<9 { s += d[i] * (i + 1) }
        guard s % 11 != 10, s % 11 == d[9] else { return false }
        let days = number(d[1..<6])
        let birth = CivilDate.fromEpoch(days: CivilDate.daysFromEpoch(year: 1867, month: 1, day: 1) + days)
        return days > 0 && birth.year <= 2100
    }

    /// TAJ szám (social security, OEP/NEAK): 8 digits + check = Σ dᵢ·(3,7,3,7,3,7,3,7) mod 10.
    static func taj(_ v: [UInt8]) -> Bool {
        guard v.count == 9, let d = digitValues(v) else { return false }
        return weightedSum(d[..<8], [3, 7, 3, 7, 3, 7, 3, 7]) % 10 == d[8]
    }

    /// Közösségi adószám (ANUM, VAT `HU` + 8 digits; NAV): Σ dᵢ·(9,7,3,1,9,7,3,1) ≡ 0 (mod 10).
    static func anum(_ v: [UInt8]) -> Bool {
        let b = dropPrefix(v, "HU")
        guard b.count == 8, let d = digitValues(b) else { return false }
        return weightedSum(d[...], [9, 7, 3, 1, 9, 7, 3, 1]) % 10 == 0
    }
}
