/// Declarative check-digit validators: the algorithm family is named in the pack and its
/// constants (weights, modulus, check position, character maps, date positions) are parameters.
/// Registered in `GenericValidators.table` under `weighted_mod`, `letter_table_mod`, `mod97`,
/// `mod97_10`, `iso7064_mod11_10`, `iso7064_mod11_2`, `verhoeff`, `icao9303` and `plausible_date`.
///
/// Parameters shared by all of them:
/// - `strip` (strings): prefixes removed from the compact value when present (`[ATU, AT]`);
///   tried in order, the first that matches is removed.
/// - `length` (int or ints): allowed lengths of the compact value after `strip`.
/// - `leading` (strings `"X:0"`): replaces a leading character before the check (ES NIE X/Y/Z).

// MARK: - Parameters

/// Typed access to the parameters of one validator entry; errors name the validator and key.
struct ParameterReader {
    let validator: String
    let parameters: [String: ValidatorParameter]

    init(_ validator: String, _ parameters: [String: ValidatorParameter], allowed: Set<String>) throws {
        self.validator = validator
        self.parameters = parameters
        let common: Set<String> = ["name", "strip", "length", "leading"]
        for key in parameters.keys.sorted() where !allowed.contains(key) && !common.contains(key) {
            let known = allowed.union(common).subtracting(["name"]).sorted().joined(separator: ", ")
            throw ValidatorError("validator '\(validator)': unknown parameter '\(key)'; known: \(known)")
        }
    }

    func int(_ key: String) throws -> Int? {
        switch parameters[key] {
        case nil: return nil
        case .int(let v): return v
        case .ints(let v) where v.count == 1: return v[0]
        case .string(let s): if let v = Int(s) { return v }
        default: break
        }
        throw ValidatorError("validator '\(validator)': parameter '\(key)' must be an integer")
    }

    func requiredInt(_ key: String) throws -> Int {
        guard let v = try int(key) else {
            throw ValidatorError("validator '\(validator)': missing parameter '\(key)' (integer)")
        }
        return v
    }

    func ints(_ key: String) throws -> [Int]? {
        switch parameters[key] {
        case nil: return nil
        case .int(let v): return [v]
        case .ints(let v): return v
        case .strings(let v):
            let parsed = v.compactMap { Int($0) }
            if parsed.count == v.count { return parsed }
        default: break
        }
        throw ValidatorError("validator '\(validator)': parameter '\(key)' must be a list of integers")
    }

    func requiredInts(_ key: String) throws -> [Int] {
        guard let v = try ints(key), !v.isEmpty else {
            throw ValidatorError("validator '\(validator)': missing parameter '\(key)' (list of integers)")
        }
        return v
    }

    func string(_ key: String) throws -> String? {
        switch parameters[key] {
        case nil: return nil
        case .string(let s): return s
        case .int(let v): return String(v)
        default:
            throw ValidatorError("validator '\(validator)': parameter '\(key)' must be a string")
        }
    }

    func strings(_ key: String) throws -> [String]? {
        switch parameters[key] {
        case nil: return nil
        case .string(let s): return [s]
        case .strings(let v): return v
        case .ints(let v): return v.map { String($0) }
        case .int(let v): return [String(v)]
        default:
            throw ValidatorError("validator '\(validator)': parameter '\(key)' must be a list of strings")
        }
    }

    func bool(_ key: String) throws -> Bool? {
        switch parameters[key] {
        case nil: return nil
        case .bool(let b): return b
        default:
            throw ValidatorError("validator '\(validator)': parameter '\(key)' must be true or false")
        }
    }

    /// The shared `strip` / `length` / `leading` parameters.
    func shape() throws -> CompactShape {
        let strip = (try strings("strip") ?? []).map { Array($0.uppercased().utf8) }
        var leading: [UInt8: [UInt8]] = [:]
        for rule in try strings("leading") ?? [] {
            let parts = rule.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].utf8.count == 1 else {
                throw ValidatorError("validator '\(validator)': 'leading' entries look like \"X:0\", got '\(rule)'")
            }
            leading[Array(parts[0].uppercased().utf8)[0]] = Array(parts[1].uppercased().utf8)
        }
        return CompactShape(strip: strip, lengths: try ints("length").map(Set.init), leading: leading)
    }
}

/// Normalises a candidate's compact value before a check: strips a prefix, checks the length,
/// replaces a leading character.
struct CompactShape: Sendable {
    var strip: [[UInt8]] = []
    var lengths: Set<Int>? = nil
    var leading: [UInt8: [UInt8]] = [:]

    func apply(_ compact: [UInt8]) -> [UInt8]? {
        var value = compact
        for prefix in strip where value.count > prefix.count && value.starts(with: prefix) {
            value.removeFirst(prefix.count)
            break
        }
        if let lengths, !lengths.contains(value.count) { return nil }
        if let first = value.first, let replacement = leading[first] {
            value = replacement + value.dropFirst()
        }
        return value
    }
}

/// Digit values of ASCII bytes, nil if any byte is not a digit.
@inline(__always)
func digitValues<C: Collection>(_ bytes: C) -> [Int]? where C.Element == UInt8 {
    var out: [Int] = []
    out.reserveCapacity(bytes.count)
    for b in bytes {
        guard b >= 48, b <= 57 else { return nil }
        out.append(Int(b - 48))
    }
    return out
}

/// Resolves a possibly negative index (from the end) against `count`.
@inline(__always)
func resolveIndex(_ i: Int, count: Int) -> Int? {
    let r = i < 0 ? count + i : i
    return r >= 0 && r < count ? r : nil
}

// MARK: - weighted_mod

/// Weighted sum modulo N with a check digit or check letter.
///
/// `Σ wᵢ·dᵢ (+ add) mod modulus = r`, then by `mode`:
/// `remainder` (check = r), `modulus_minus` (check = (modulus − r) mod modulus) or
/// `zero_sum` (weights cover every digit including the check digit and r must be 0).
/// Optional: `positions` (digit indices the weights apply to; default all but the check),
/// `check` (index of the check character, negative from the end; default −1), `digit_sum`
/// (add the digit sum of each product, as Luhn does), `invalid` (check values that make the
/// number invalid, e.g. 10), `fallback_weights` (second pass when the first gives 10, as the
/// Estonian code does), `final_mod` (e.g. 10: a computed 10 becomes 0), `map` (check value →
/// character, for letter tables). Weights shorter than the positions are repeated.
/// Source: the generic form of the national rules in REFERENCE-EU.md §2 (e.g. ISO 7064 pure
/// systems, Danish CVR, Portuguese NIF).
public struct WeightedMod: CandidateValidator {
    public enum Mode: String, Sendable { case remainder, modulusMinus = "modulus_minus", zeroSum = "zero_sum" }

    var shape = CompactShape()
    let weights: [Int]
    let modulus: Int
    var mode: Mode = .remainder
    var check: Int = -1
    var positions: [Int]? = nil
    var digitSum = false
    var add = 0
    var invalid: Set<Int> = []
    var fallbackWeights: [Int]? = nil
    var finalMod: Int? = nil
    var map: [UInt8]? = nil

    public init(weights: [Int], modulus: Int, mode: Mode = .remainder, check: Int = -1,
                positions: [Int]? = nil, digitSum: Bool = false, add: Int = 0, invalid: Set<Int> = [],
                fallbackWeights: [Int]? = nil, finalMod: Int? = nil, map: String? = nil) {
        self.weights = weights
        self.modulus = modulus
        self.mode = mode
        self.check = check
        self.positions = positions
        self.digitSum = digitSum
        self.add = add
        self.invalid = invalid
        self.fallbackWeights = fallbackWeights
        self.finalMod = finalMod
        self.map = map.map { Array($0.utf8) }
    }

    static func make(_ p: [String: ValidatorParameter]) throws -> any CandidateValidator {
        let r = try ParameterReader("weighted_mod", p, allowed: [
            "weights", "modulus", "mode", "check", "positions", "digit_sum", "add", "invalid",
            "fallback_weights", "final_mod", "map",
        ])
        let modeName = try r.string("mode") ?? "remainder"
        guard let mode = Mode(rawValue: modeName) else {
            throw ValidatorError("validator 'weighted_mod': mode must be remainder, modulus_minus or zero_sum, got '\(modeName)'")
        }
        let modulus = try r.requiredInt("modulus")
        guard modulus >= 2 else { throw ValidatorError("validator 'weighted_mod': modulus must be >= 2") }
        var v = WeightedMod(
            weights: try r.requiredInts("weights"), modulus: modulus, mode: mode,
            check: try r.int("check") ?? -1, positions: try r.ints("positions"),
            digitSum: try r.bool("digit_sum") ?? false, add: try r.int("add") ?? 0,
            invalid: Set(try r.ints("invalid") ?? []), fallbackWeights: try r.ints("fallback_weights"),
            finalMod: try r.int("final_mod"), map: try r.string("map"))
        if let map = v.map, map.count < modulus, mode != .zeroSum {
            throw ValidatorError("validator 'weighted_mod': 'map' needs \(modulus) characters, has \(map.count)")
        }
        v.shape = try r.shape()
        return v
    }

    public func isValid(_ candidate: Candidate) -> Bool {
        guard let value = shape.apply(candidate.compact) else { return false }
        return isValid(compact: value)
    }

    /// The check on an already normalised value (upper-case ASCII alphanumerics).
    public func isValid(compact value: [UInt8]) -> Bool {
        let n = value.count
        if mode == .zeroSum {
            let idx = positions ?? Array(0..<n)
            guard let sum = weightedSum(value, idx, weights) else { return false }
            return sum % modulus == 0
        }
        guard let c = resolveIndex(check, count: n) else { return false }
        let idx = positions ?? (0..<n).filter { $0 != c }
        guard var computed = computeCheck(value, idx, weights) else { return false }
        if let fallback = fallbackWeights, computed == 10 {
            guard let again = computeCheck(value, idx, fallback) else { return false }
            computed = again
        }
        if invalid.contains(computed) { return false }
        if let f = finalMod { computed %= f }
        let actual = value[c]
        if let map {
            return computed < map.count && map[computed] == actual
        }
        guard actual >= 48, actual <= 57 else { return false }
        return computed == Int(actual - 48)
    }

    func computeCheck(_ value: [UInt8], _ idx: [Int], _ w: [Int]) -> Int? {
        guard let sum = weightedSum(value, idx, w) else { return nil }
        let r = sum % modulus
        switch mode {
        case .remainder: return r
        case .modulusMinus: return (modulus - r) % modulus
        case .zeroSum: return r
        }
    }

    func weightedSum(_ value: [UInt8], _ idx: [Int], _ w: [Int]) -> Int? {
        guard !w.isEmpty, !idx.isEmpty else { return nil }
        var sum = add
        for (k, i) in idx.enumerated() {
            guard let j = resolveIndex(i, count: value.count) else { return nil }
            let b = value[j]
            guard b >= 48, b <= 57 else { return nil }
            var term = Int(b - 48) * w[k % w.count]
            if digitSum {
                var t = abs(term), ds = 0
                while t > 0 { ds += t % 10; t /= 10 }
                term = term < 0 ? -ds : ds
            }
            sum += term
        }
        return sum >= 0 ? sum : ((sum % modulus) + modulus)
    }
}

// MARK: - letter_table_mod

/// The number written by some digits, modulo N, indexes a character table that must equal the
/// check character (Spanish DNI mod 23 `TRWAGMYFPDXBNJZSQVHLCKE`, Finnish HETU mod 31).
/// Parameters: `modulus`, `map`, optional `positions` (default: all but the check),
/// `check` (default −1). Source: REFERENCE-EU.md §2 (es.dni, fi.hetu rows).
public struct LetterTableMod: CandidateValidator {
    var shape = CompactShape()
    let modulus: Int
    let map: [UInt8]
    var check: Int = -1
    var positions: [Int]? = nil

    static func make(_ p: [String: ValidatorParameter]) throws -> any CandidateValidator {
        let r = try ParameterReader("letter_table_mod", p, allowed: ["modulus", "map", "check", "positions"])
        let modulus = try r.requiredInt("modulus")
        guard let map = try r.string("map"), map.utf8.count >= modulus else {
            throw ValidatorError("validator 'letter_table_mod': 'map' must be a string of at least 'modulus' characters")
        }
        var v = LetterTableMod(modulus: modulus, map: Array(map.utf8))
        v.check = try r.int("check") ?? -1
        v.positions = try r.ints("positions")
        v.shape = try r.shape()
        return v
    }

    public func isValid(_ candidate: Candidate) -> Bool {
        guard let value = shape.apply(candidate.compact),
              let c = resolveIndex(check, count: value.count) else { return false }
        let idx = positions ?? (0..<value.count).filter { $0 != c }
        var r = 0
        for i in idx {
            guard let j = resolveIndex(i, count: value.count) else { return false }
            let b = value[j]
            guard b >= 48, b <= 57 else { return false }
            r = (r * 10 + Int(b - 48)) % modulus
        }
        return map[r] == value[c]
    }
}

// MARK: - mod97

/// Modulo-97 check digits.
///
/// `mod97_10`: ISO/IEC 7064 MOD 97-10 over the whole value (letters as 10…35), result 1;
/// optional `move` moves the first N characters to the end first (IBAN style).
/// `mod97`: a two-digit check group (`check_at: end|start`, default end) against the body:
/// `mode: complement` (check = 97 − body mod 97, Belgian and French national numbers),
/// `remainder` (check = body mod 97, French VAT key with `suffix: "12"`); `prefixes` are
/// alternatives prepended to the body (Belgian "2" for births from 2000).
public struct Mod97: CandidateValidator {
    public enum Mode: String, Sendable { case iso, complement, remainder }
    var shape = CompactShape()
    var mode: Mode = .iso
    var move = 0
    var checkAtStart = false
    var prefixes: [[UInt8]] = [[]]
    var suffix: [UInt8] = []

    static func makeISO(_ p: [String: ValidatorParameter]) throws -> any CandidateValidator {
        let r = try ParameterReader("mod97_10", p, allowed: ["move"])
        var v = Mod97()
        v.move = try r.int("move") ?? 0
        v.shape = try r.shape()
        return v
    }

    static func make(_ p: [String: ValidatorParameter]) throws -> any CandidateValidator {
        let r = try ParameterReader("mod97", p, allowed: ["mode", "check_at", "prefixes", "suffix"])
        var v = Mod97()
        let modeName = try r.string("mode") ?? "complement"
        guard let mode = Mode(rawValue: modeName), mode != .iso else {
            throw ValidatorError("validator 'mod97': mode must be complement or remainder (use mod97_10 for ISO 7064)")
        }
        v.mode = mode
        switch try r.string("check_at") ?? "end" {
        case "end": v.checkAtStart = false
        case "start": v.checkAtStart = true
        case let other: throw ValidatorError("validator 'mod97': check_at must be end or start, got '\(other)'")
        }
        v.prefixes = (try r.strings("prefixes") ?? [""]).map { Array($0.utf8) }
        v.suffix = Array((try r.string("suffix") ?? "").utf8)
        v.shape = try r.shape()
        return v
    }

    public func isValid(_ candidate: Candidate) -> Bool {
        guard let value = shape.apply(candidate.compact) else { return false }
        if mode == .iso {
            guard value.count > move else { return false }
            let rearranged = value[move...] + value[..<move]
            return ISO7064.mod97(rearranged) == 1
        }
        guard value.count >= 3 else { return false }
        let checkBytes = checkAtStart ? value[..<2] : value[(value.count - 2)...]
        let body = checkAtStart ? value[2...] : value[..<(value.count - 2)]
        guard let cd = digitValues(checkBytes), digitValues(body) != nil else { return false }
        let check = cd[0] * 10 + cd[1]
        for prefix in prefixes {
            guard let r = ISO7064.mod97(prefix + body + suffix) else { continue }
            let expected = mode == .complement ? 97 - r : r
            if expected == check { return true }
        }
        return false
    }

    /// Which of `prefixes` (by index) made the value valid, or nil (for century decisions).
    func matchingPrefix(_ value: [UInt8]) -> Int? {
        guard value.count >= 3 else { return nil }
        let checkBytes = checkAtStart ? value[..<2] : value[(value.count - 2)...]
        let body = checkAtStart ? value[2...] : value[..<(value.count - 2)]
        guard let cd = digitValues(checkBytes) else { return nil }
        for (k, prefix) in prefixes.enumerated() {
            guard let r = ISO7064.mod97(prefix + body + suffix) else { continue }
            if (mode == .complement ? 97 - r : r) == cd[0] * 10 + cd[1] { return k }
        }
        return nil
    }
}

// MARK: - ISO 7064 MOD 11-2, Verhoeff, ICAO 9303

extension ISO7064 {
    /// ISO 7064 MOD 11-2 (pure system, check character 0–9 or X) over the value including the
    /// check character.
    public static func mod11_2IsValid(_ chars: [UInt8]) -> Bool {
        guard chars.count >= 2 else { return false }
        var p = 0
        for b in chars.dropLast() {
            guard b >= 48, b <= 57 else { return false }
            p = ((p + Int(b - 48)) * 2) % 11
        }
        let check = (12 - p) % 11
        let last = chars[chars.count - 1]
        return check == 10 ? last == 88 : last == UInt8(48 + check)
    }
}

/// Verhoeff dihedral-group check digit (J. Verhoeff, "Error Detecting Decimal Codes", 1969).
public enum Verhoeff {
    static let d: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ]
    static let p: [[Int]] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ]

    /// True when the digits, including the trailing check digit, verify.
    public static func isValid(_ digits: [Int]) -> Bool {
        guard digits.count >= 2 else { return false }
        var c = 0
        for (i, n) in digits.reversed().enumerated() { c = d[c][p[i % 8][n]] }
        return c == 0
    }
}

/// ICAO Doc 9303 part 3 §4.9 check digit: weights 7,3,1 repeating, digits as values,
/// letters A–Z as 10–35, `<` as 0, sum mod 10.
public enum ICAO9303 {
    /// The check digit over `chars` (upper-case ASCII alphanumerics or `<`), nil for others.
    public static func checkDigit<C: Collection>(_ chars: C) -> Int? where C.Element == UInt8 {
        let w = [7, 3, 1]
        var sum = 0
        for (i, b) in chars.enumerated() {
            let v: Int
            switch b {
            case 48...57: v = Int(b - 48)
            case 65...90: v = Int(b - 55)
            case 60: v = 0
            default: return nil
            }
            sum += v * w[i % 3]
        }
        return sum % 10
    }

    /// True when the last character is the check digit of the others.
    public static func isValid(_ chars: [UInt8]) -> Bool {
        guard chars.count >= 2, let last = chars.last, last >= 48, last <= 57,
              let c = checkDigit(chars.dropLast()) else { return false }
        return c == Int(last - 48)
    }
}

// MARK: - plausible_date

/// Proleptic Gregorian calendar helpers.
public enum CivilDate {
    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeap(y) ? 29 : 28
        default: return 0
        }
    }

    /// True when (y, m, d) is a real calendar date.
    public static func isValid(year y: Int, month m: Int, day d: Int) -> Bool {
        m >= 1 && m <= 12 && d >= 1 && d <= daysIn(month: m, year: y)
    }

    /// Days since 1970-01-01 (negative before), for the Hungarian tax-ID day counter.
    public static func daysFromEpoch(year y: Int, month m: Int, day d: Int) -> Int {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Inverse of `daysFromEpoch`.
    public static func fromEpoch(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// The value embeds a real calendar date (birth date) at fixed digit positions.
///
/// Parameters: `day`, `month`, `year` (index of the first digit of each two-digit field, or
/// of the four-digit year with `year_digits: 4`); `month_offsets` (accepted additions to the
/// month, e.g. `[0, 20, 50, 70]` for Czech women and overflow serials) with optional
/// `offset_centuries` (parallel list: the century each offset implies, Bulgarian EGN);
/// `day_offsets` (e.g. `[0, 40]`); `centuries` (candidate centuries for a two-digit year,
/// default `[1900, 2000]`); `century_digit` + `century_map` (ten centuries indexed by that
/// digit's value, 0 = invalid, Estonian first digit); `allow_unknown` (day or month `00`
/// accepted, Belgian unknown birth dates). The date is valid if any candidate is a real date.
/// Pure: there is no "not in the future" test (it would depend on the clock).
public struct PlausibleDate: CandidateValidator {
    var shape = CompactShape()
    var day = 0
    var month = 2
    var year = 4
    var yearDigits = 2
    var monthOffsets = [0]
    var offsetCenturies: [Int]? = nil
    var dayOffsets = [0]
    var centuries = [1900, 2000]
    var centuryDigit: Int? = nil
    var centuryMap: [Int]? = nil
    var allowUnknown = false

    public init(day: Int, month: Int, year: Int, yearDigits: Int = 2, monthOffsets: [Int] = [0],
                offsetCenturies: [Int]? = nil, dayOffsets: [Int] = [0], centuries: [Int] = [1900, 2000],
                allowUnknown: Bool = false) {
        self.day = day
        self.month = month
        self.year = year
        self.yearDigits = yearDigits
        self.monthOffsets = monthOffsets
        self.offsetCenturies = offsetCenturies
        self.dayOffsets = dayOffsets
        self.centuries = centuries
        self.allowUnknown = allowUnknown
    }

    static func make(_ p: [String: ValidatorParameter]) throws -> any CandidateValidator {
        let r = try ParameterReader("plausible_date", p, allowed: [
            "day", "month", "year", "year_digits", "month_offsets", "offset_centuries", "day_offsets",
            "centuries", "century_digit", "century_map", "allow_unknown",
        ])
        var v = PlausibleDate(day: try r.requiredInt("day"), month: try r.requiredInt("month"),
                              year: try r.requiredInt("year"))
        v.yearDigits = try r.int("year_digits") ?? 2
        guard v.yearDigits == 2 || v.yearDigits == 4 else {
            throw ValidatorError("validator 'plausible_date': year_digits must be 2 or 4")
        }
        v.monthOffsets = try r.ints("month_offsets") ?? [0]
        v.offsetCenturies = try r.ints("offset_centuries")
        if let oc = v.offsetCenturies, oc.count != v.monthOffsets.count {
            throw ValidatorError("validator 'plausible_date': offset_centuries needs one entry per month_offsets entry")
        }
        v.dayOffsets = try r.ints("day_offsets") ?? [0]
        v.centuries = try r.ints("centuries") ?? [1900, 2000]
        v.centuryDigit = try r.int("century_digit")
        v.centuryMap = try r.ints("century_map")
        if v.centuryDigit != nil, v.centuryMap?.count != 10 {
            throw ValidatorError("validator 'plausible_date': century_digit needs century_map with 10 entries")
        }
        v.allowUnknown = try r.bool("allow_unknown") ?? false
        v.shape = try r.shape()
        return v
    }

    public func isValid(_ candidate: Candidate) -> Bool {
        guard let value = shape.apply(candidate.compact) else { return false }
        return isValid(compact: value)
    }

    func field(_ value: [UInt8], _ at: Int, _ width: Int) -> Int? {
        guard let start = resolveIndex(at, count: value.count), start + width <= value.count,
              let d = digitValues(value[start..<(start + width)]) else { return nil }
        return d.reduce(0) { $0 * 10 + $1 }
    }

    /// The check on an already normalised value.
    public func isValid(compact value: [UInt8]) -> Bool {
        guard let dd = field(value, day, 2), let mm = field(value, month, 2),
              let yy = field(value, year, yearDigits) else { return false }
        var cents = centuries
        if let cd = centuryDigit, let map = centuryMap {
            guard let c = field(value, cd, 1), map[c] != 0 else { return false }
            cents = [map[c]]
        }
        for (k, mo) in monthOffsets.enumerated() {
            let m = mm - mo
            let monthCenturies = offsetCenturies.map { [$0[k]] } ?? cents
            for dof in dayOffsets {
                let d = dd - dof
                if allowUnknown, (m == 0 && d >= 0 && d <= 31) || (d == 0 && m >= 1 && m <= 12) { return true }
                if yearDigits == 4 {
                    if CivilDate.isValid(year: yy, month: m, day: d) { return true }
                } else {
                    for c in monthCenturies where CivilDate.isValid(year: c + yy, month: m, day: d) { return true }
                }
            }
        }
        return false
    }
}
