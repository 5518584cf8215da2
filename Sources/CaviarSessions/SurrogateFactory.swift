import CaviarCore
import Crypto

/// Makes realistic fake values of the same kind, shape and locale as an original, so that a
/// chatbot's answer reads naturally:
///
/// - `PERSON`: names from a small list for the locale guessed from the original's letters
///   (fi, sv, de, fr, es, pl, hu, else en), the same number of words, initials kept as initials,
///   the same letter case style;
/// - `EMAIL`: a name-like local part on a reserved domain (`example.org`, `example.com`,
///   `example.net`, RFC 2606);
/// - `IBAN`: the same country code, length, grouping and letter/digit pattern, with valid
///   ISO 7064 MOD 97-10 check digits (national check digits inside the BBAN are not kept);
/// - `PHONE`: the same international or trunk prefix and country code, the first subscriber
///   digit kept (mobile stays mobile), the rest random, separators as in the original;
/// - anything else: letters and digits replaced by random ones of the same class and case.
///
/// Deterministic for a (seed, entity, value, attempt): the session's seed makes it stable per
/// session, `attempt` gives another candidate when one collides.
public struct SurrogateFactory: Sendable {
    let seed: [UInt8]

    public init(seed: [UInt8]) {
        self.seed = seed
    }

    /// A candidate surrogate for `value`, or nil when the value has nothing to vary.
    public func surrogate(for value: [UInt8], entity: EntityType, attempt: Int) -> [UInt8]? {
        var random = generator(value: value, entity: entity, attempt: attempt)
        switch entity.name {
        case "PERSON": return person(value, &random)
        case "EMAIL": return email(value, &random)
        case "IBAN": return iban(value, &random) ?? shaped(value, &random)
        case "PHONE": return phone(value, &random) ?? shaped(value, &random)
        default: return shaped(value, &random)
        }
    }

    func generator(value: [UInt8], entity: EntityType, attempt: Int) -> SplitMix {
        var message = Array(entity.name.utf8) + [0] + value + [0]
        withUnsafeBytes(of: UInt64(attempt).littleEndian) { message.append(contentsOf: $0) }
        let code = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: seed)))
        let state = code.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return SplitMix(state: state)
    }

    // MARK: Names

    enum Locale: CaseIterable { case en, fi, sv, de, fr, es, pl, hu }

    static let firstNames: [Locale: [String]] = [
        .en: ["Alice", "Thomas", "Sarah", "Daniel", "Emma", "Oliver", "Grace", "Henry", "Lucy", "Samuel"],
        .fi: ["Aino", "Eero", "Helmi", "Juhani", "Kaisa", "Matti", "Sanna", "Ville", "Liisa", "Antti"],
        .sv: ["Astrid", "Björn", "Ingrid", "Lars", "Maja", "Nils", "Saga", "Sven", "Elsa", "Gustav"],
        .de: ["Anna", "Jürgen", "Lena", "Matthias", "Sophie", "Tobias", "Greta", "Felix", "Jana", "Lukas"],
        .fr: ["Camille", "Hélène", "Julien", "Léa", "Mathieu", "Chloé", "Étienne", "Manon", "Rémi", "Zoé"],
        .es: ["Lucía", "Javier", "Marta", "Sergio", "Elena", "Andrés", "Paula", "Óscar", "Nuria", "Diego"],
        .pl: ["Agnieszka", "Paweł", "Zofia", "Łukasz", "Marta", "Krzysztof", "Ewa", "Michał", "Kasia", "Piotr"],
        .hu: ["Zsófia", "Gergő", "Réka", "Bence", "Eszter", "Dániel", "Anna", "Máté", "Dóra", "Ádám"],
    ]
    static let lastNames: [Locale: [String]] = [
        .en: ["Carter", "Holloway", "Bennett", "Fletcher", "Marsh", "Whitfield", "Doyle", "Parker", "Hughes", "Lambert"],
        .fi: ["Virtanen", "Mäkelä", "Koskinen", "Heikkinen", "Laaksonen", "Nieminen", "Järvinen", "Salonen", "Hämäläinen", "Lehtonen"],
        .sv: ["Lindqvist", "Bergström", "Åkesson", "Holm", "Sjöberg", "Nyström", "Ekström", "Lund", "Dahl", "Wallin"],
        .de: ["Brenner", "Köhler", "Vogt", "Hartmann", "Seidel", "Brandt", "Kühn", "Winkler", "Lorenz", "Graf"],
        .fr: ["Lemaire", "Fournier", "Chevalier", "Garnier", "Rousseau", "Mercier", "Lefèvre", "Girard", "Bonnet", "Fabre"],
        .es: ["Navarro", "Serrano", "Molina", "Ortega", "Delgado", "Castillo", "Romero", "Iglesias", "Núñez", "Vidal"],
        .pl: ["Kowalczyk", "Wiśniewska", "Zieliński", "Lewandowska", "Dąbrowski", "Kaczmarek", "Mazur", "Wójcik", "Krawczyk", "Nowicka"],
        .hu: ["Kovács", "Szabó", "Tóth", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas", "Balogh"],
    ]
    /// ASCII names for e-mail local parts.
    static let asciiFirst = ["alice", "tom", "sarah", "dan", "emma", "oliver", "grace", "henry", "lucy", "sam", "lena", "julien", "marta", "eero"]
    static let asciiLast = ["carter", "holloway", "bennett", "fletcher", "marsh", "doyle", "parker", "hughes", "lambert", "brandt", "garnier", "molina"]
    static let reservedDomains = ["example.org", "example.com", "example.net"]

    static func guessLocale(_ text: String) -> Locale {
        let lower = text.lowercased()
        func has(_ letters: String) -> Bool { lower.contains { letters.contains($0) } }
        if has("őű") { return .hu }
        if has("ąćęłńśźż") { return .pl }
        if has("üß") { return .de }
        if has("å") { return .sv }
        if has("äö") { return .fi }
        if has("ñ") { return .es }
        if has("éèêëçàâîôûœ") { return .fr }
        if has("áíóú") { return .hu }
        return .en
    }

    func person(_ value: [UInt8], _ random: inout SplitMix) -> [UInt8]? {
        let text = String(decoding: value, as: UTF8.self)
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard words.contains(where: { !$0.isEmpty }) else { return nil }
        let locale = Self.guessLocale(text)
        let firsts = Self.firstNames[locale] ?? [], lasts = Self.lastNames[locale] ?? []
        let lastIndex = words.lastIndex(where: { $0.count > 1 && !$0.hasSuffix(".") }) ?? words.count - 1
        var out: [String] = []
        for (index, word) in words.enumerated() {
            if word.isEmpty { out.append(""); continue }
            let isInitial = word.count <= 2 && word.hasSuffix(".")
            if isInitial {
                let letter = firsts[random.below(firsts.count)].prefix(1)
                out.append(String(letter) + ".")
            } else if word.count <= 3, word.lowercased() == word {
                out.append(String(word))  // particles: de, van, von, da, le
            } else {
                let pool = index == lastIndex ? lasts : firsts
                out.append(Self.styled(pool[random.below(pool.count)], like: String(word)))
            }
        }
        return Array(out.joined(separator: " ").utf8)
    }

    static func styled(_ name: String, like original: String) -> String {
        let letters = original.filter(\.isLetter)
        if !letters.isEmpty, letters.count > 1, letters.uppercased() == letters { return name.uppercased() }
        if !letters.isEmpty, letters.lowercased() == letters { return name.lowercased() }
        return name
    }

    func email(_ value: [UInt8], _ random: inout SplitMix) -> [UInt8]? {
        guard let at = value.lastIndex(of: UInt8(ascii: "@")), at > 0 else { return shaped(value, &random) }
        let local = value[..<at]
        let first = Self.asciiFirst[random.below(Self.asciiFirst.count)]
        let last = Self.asciiLast[random.below(Self.asciiLast.count)]
        let newLocal: String
        if local.contains(UInt8(ascii: ".")) {
            newLocal = "\(first).\(last)"
        } else if local.contains(UInt8(ascii: "_")) {
            newLocal = "\(first)_\(last)"
        } else if local.contains(where: PlaceholderScanner.isDigit) {
            newLocal = "\(first.prefix(1))\(last)\(10 + random.below(90))"
        } else {
            newLocal = random.below(2) == 0 ? first : "\(first.prefix(1))\(last)"
        }
        let isUpper = local.contains { $0 >= 65 && $0 <= 90 } && !local.contains { $0 >= 97 && $0 <= 122 }
        let domain = Self.reservedDomains[random.below(Self.reservedDomains.count)]
        let result = "\(isUpper ? newLocal.uppercased() : newLocal)@\(isUpper ? domain.uppercased() : domain)"
        return Array(result.utf8)
    }

    // MARK: Numbers with structure

    func iban(_ value: [UInt8], _ random: inout SplitMix) -> [UInt8]? {
        let positions = value.indices.filter { PlaceholderScanner.isLetter(value[$0]) || PlaceholderScanner.isDigit(value[$0]) }
        guard positions.count >= 15, positions.count <= 34,
              PlaceholderScanner.isLetter(value[positions[0]]), PlaceholderScanner.isLetter(value[positions[1]]),
              PlaceholderScanner.isDigit(value[positions[2]]), PlaceholderScanner.isDigit(value[positions[3]]),
              value.allSatisfy({ PlaceholderScanner.isLetter($0) || PlaceholderScanner.isDigit($0) || $0 == 0x20 || $0 == 0x2D })
        else { return nil }
        var out = value
        for position in positions.dropFirst(4) { out[position] = Self.randomLike(value[position], &random) }
        let alnum = positions.map { PlaceholderScanner.upper(out[$0]) }
        let check = 98 - Self.mod97(Array(alnum[4...]) + Array(alnum[0..<2]) + Array("00".utf8))
        out[positions[2]] = UInt8(48 + check / 10)
        out[positions[3]] = UInt8(48 + check % 10)
        return out
    }

    /// ISO 7064 MOD 97-10 over letters (A=10…Z=35) and digits.
    static func mod97(_ chars: [UInt8]) -> Int {
        var remainder = 0
        for char in chars {
            if PlaceholderScanner.isDigit(char) {
                remainder = (remainder * 10 + Int(char - 48)) % 97
            } else {
                remainder = (remainder * 100 + Int(PlaceholderScanner.upper(char) - 55)) % 97
            }
        }
        return remainder
    }

    /// Two-digit country calling codes (ITU E.164); 1 and 7 are one digit, the rest three.
    static let twoDigitCodes: Set<Int> = [
        20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58,
        60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
    ]

    func phone(_ value: [UInt8], _ random: inout SplitMix) -> [UInt8]? {
        let digitPositions = value.indices.filter { PlaceholderScanner.isDigit(value[$0]) }
        guard digitPositions.count >= 6 else { return nil }
        let digits = digitPositions.map { Int(value[$0] - 48) }
        let firstNonSpace = value.firstIndex { $0 != 0x20 } ?? 0
        var keep: Int
        let isPlus = value[firstNonSpace] == UInt8(ascii: "+")
        let isDoubleZero = !isPlus && digits.count > 2 && digits[0] == 0 && digits[1] == 0
        if isPlus || isDoubleZero {
            let offset = isDoubleZero ? 2 : 0
            let one = digits[offset]
            let two = one * 10 + digits[offset + 1]
            let codeLength = (one == 1 || one == 7) ? 1 : (Self.twoDigitCodes.contains(two) ? 2 : 3)
            keep = offset + codeLength + 1
            // A trunk zero written after the country code, as in +33 (0)6…, is kept too.
            if keep - 1 < digits.count, digits[keep - 1] == 0 { keep += 1 }
        } else if digits[0] == 0 {
            keep = 2
        } else {
            keep = 1
        }
        guard digits.count - keep >= 4 else { return nil }
        var out = value
        for position in digitPositions.dropFirst(keep) { out[position] = UInt8(48 + random.below(10)) }
        return out
    }

    /// Letters and digits replaced by random ones of the same class and case; a leading non-zero
    /// digit stays non-zero.
    func shaped(_ value: [UInt8], _ random: inout SplitMix) -> [UInt8]? {
        guard value.contains(where: { PlaceholderScanner.isLetter($0) || PlaceholderScanner.isDigit($0) }) else { return nil }
        var out = value
        var isFirstDigit = true
        for index in value.indices {
            let byte = value[index]
            if PlaceholderScanner.isDigit(byte) {
                out[index] = isFirstDigit && byte != 48 ? UInt8(49 + random.below(9)) : UInt8(48 + random.below(10))
                isFirstDigit = false
            } else if PlaceholderScanner.isLetter(byte) {
                out[index] = Self.randomLike(byte, &random)
            }
        }
        return out
    }

    static func randomLike(_ byte: UInt8, _ random: inout SplitMix) -> UInt8 {
        if PlaceholderScanner.isDigit(byte) { return UInt8(48 + random.below(10)) }
        if byte >= 97 && byte <= 122 { return UInt8(97 + random.below(26)) }
        return UInt8(65 + random.below(26))
    }
}

/// SplitMix64: a small deterministic generator seeded from an HMAC.
struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
