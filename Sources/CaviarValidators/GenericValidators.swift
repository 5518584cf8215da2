/// Algorithms shared by many identifiers: Luhn, ISO 7064, IBAN, weighted sums, entropy.
enum GenericValidators {
    static let table: [String: ValidatorFactory] = [
        "luhn": { p in
            let shape = try ParameterReader("luhn", p, allowed: []).shape()
            return ClosureValidator { c in
                shape.apply(c.compact).flatMap { digitValues($0) }.map(Luhn.isValid) ?? false
            }
        },
        "iban": { _ in ClosureValidator { c in IBAN.isValid(c.compact) } },
        "weighted_mod": WeightedMod.make,
        "letter_table_mod": LetterTableMod.make,
        "mod97": Mod97.make,
        "mod97_10": Mod97.makeISO,
        "iso7064_mod11_10": { p in
            let shape = try ParameterReader("iso7064_mod11_10", p, allowed: []).shape()
            return ClosureValidator { c in
                shape.apply(c.compact).flatMap { digitValues($0) }.map(ISO7064.mod11_10IsValid) ?? false
            }
        },
        "iso7064_mod11_2": { p in
            let shape = try ParameterReader("iso7064_mod11_2", p, allowed: []).shape()
            return ClosureValidator { c in shape.apply(c.compact).map(ISO7064.mod11_2IsValid) ?? false }
        },
        "verhoeff": { p in
            let shape = try ParameterReader("verhoeff", p, allowed: []).shape()
            return ClosureValidator { c in
                shape.apply(c.compact).flatMap { digitValues($0) }.map(Verhoeff.isValid) ?? false
            }
        },
        "icao9303": { p in
            let shape = try ParameterReader("icao9303", p, allowed: []).shape()
            // `<` is a filler with value 0 in machine-readable zones; `compact` would drop it.
            return ClosureValidator { c in
                let kept = c.raw.compactMap { b -> UInt8? in
                    switch b {
                    case 48...57, 65...90, 60: return b
                    case 97...122: return b - 32
                    default: return nil
                    }
                }
                return shape.apply(kept).map(ICAO9303.isValid) ?? false
            }
        },
        "plausible_date": PlausibleDate.make,
    ]
}

/// Luhn (ISO/IEC 7812-1 annex B): doubling every second digit from the right, sum mod 10 == 0.
public enum Luhn {
    public static func isValid(_ digits: [Int]) -> Bool {
        guard digits.count >= 2 else { return false }
        var sum = 0
        for (i, d) in digits.reversed().enumerated() {
            if i % 2 == 1 {
                let x = d * 2
                sum += x > 9 ? x - 9 : x
            } else {
                sum += d
            }
        }
        return sum % 10 == 0
    }
}

/// IBAN (ISO 13616): country length table and ISO 7064 MOD 97-10 over the rearranged string.
public enum IBAN {
    /// Length of the IBAN for every country in the SWIFT IBAN registry.
    public static let lengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
        "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
        "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
        "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
        "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
        "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
        "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
        "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
        "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    ]

    /// `compact` is upper-case alphanumerics without separators.
    public static func isValid(_ compact: [UInt8]) -> Bool {
        guard compact.count >= 15, compact.count <= 34 else { return false }
        let country = String(decoding: compact[0..<2], as: UTF8.self)
        guard let length = lengths[country], length == compact.count else { return false }
        guard compact[2] >= 48, compact[2] <= 57, compact[3] >= 48, compact[3] <= 57 else { return false }
        let rearranged = compact[4...] + compact[0..<4]
        return ISO7064.mod97(rearranged) == 1
    }
}

/// ISO/IEC 7064 check-character systems.
public enum ISO7064 {
    /// The remainder mod 97 of the number written by `chars` (digits, letters as 10...35).
    /// Returns nil for other characters.
    public static func mod97<C: Collection>(_ chars: C) -> Int? where C.Element == UInt8 {
        var r = 0
        for b in chars {
            switch b {
            case 48...57: r = (r * 10 + Int(b - 48)) % 97
            case 65...90: r = (r * 100 + Int(b - 55)) % 97
            default: return nil
            }
        }
        return r
    }

    /// ISO 7064 MOD 11,10 (hybrid system) over digits including the check digit.
    public static func mod11_10IsValid(_ digits: [Int]) -> Bool {
        guard !digits.isEmpty else { return false }
        var p = 10
        for d in digits.dropLast() {
            var s = (d + p) % 10
            if s == 0 { s = 10 }
            p = (s * 2) % 11
        }
        return (p + digits[digits.count - 1]) % 10 == 1
    }
}
