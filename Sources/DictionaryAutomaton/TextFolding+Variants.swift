extension TextFolding {
    /// The folded spellings under which a dictionary term is indexed, the plain `foldTerm` first.
    ///
    /// Rule (German and Nordic transliteration, applied to terms only, never to the text):
    /// * `ä ö ü` (also decomposed, with U+0308) are indexed as `a o u` and as `ae oe ue`;
    ///   `ø` as `o` and `oe`; `å` as `a` and `aa`.
    /// * The digraphs `ae oe ue` written in ASCII are also indexed as `a o u` when they follow an
    ///   ASCII consonant or start a word (`Mueller` → `muller`, `Oehler` → `ohler`), but not after
    ///   a vowel (`Bauer` stays `bauer`), after `q`/`g` (`Enrique`, `Miguel`) or after a
    ///   non-ASCII letter.
    /// * At most 4 such places per term are combined (16 spellings); beyond that only the two
    ///   uniform spellings are indexed.
    ///
    /// Cost: a term with a digraph also matches its contracted form (`Michael` matches `Michal`,
    /// `Joel` matches `Jol`, `Samuel` matches `Samul`). Text is never rewritten, so words
    /// that are not in the dictionary are unaffected.
    public static func termVariants(_ term: String) -> [[UInt8]] {
        termVariants(Array(term.utf8))
    }

    /// `termVariants` over UTF-8 bytes; `folder` is optional scratch space reused across calls.
    public static func termVariants(_ term: [UInt8], folder: TextFolder? = nil) -> [[UInt8]] {
        let scratch = folder ?? TextFolder(capacity: 2 * term.count + 16)
        let plain = foldTerm(term, folder: scratch)
        guard mayHaveVariants(term) else {
            return plain.isEmpty ? [] : [plain]
        }
        let sites = variantSites(term)
        guard !sites.isEmpty else {
            return plain.isEmpty ? [] : [plain]
        }
        // Spellings in the order of the alternatives, the first site varying slowest; beyond 4
        // sites only the two uniform spellings.
        let combinations: [Int]
        if sites.count <= 4 {
            combinations = Array(0..<(1 << sites.count))
        } else {
            combinations = [0, (1 << sites.count) - 1]
        }
        var result: [[UInt8]] = plain.isEmpty ? [] : [plain]
        var spelling: [UInt8] = []
        spelling.reserveCapacity(term.count + sites.count)
        for combination in combinations {
            spelling.removeAll(keepingCapacity: true)
            var index = 0
            for (number, site) in sites.enumerated() {
                spelling.append(contentsOf: term[index..<site.start])
                let second = combination >> (sites.count - 1 - number) & 1 == 1
                site.append(second, to: &spelling)
                index = site.end
            }
            spelling.append(contentsOf: term[index...])
            let folded = foldTerm(spelling, folder: scratch)
            if !folded.isEmpty && !result.contains(folded) { result.append(folded) }
        }
        return result
    }

    /// A place where a term may be spelled two ways: original bytes `start..<end`, replaced by
    /// one of two short alternatives (one or two bytes each).
    struct VariantSite {
        var start: Int
        var end: Int
        var first: (UInt8, UInt8?)
        var second: (UInt8, UInt8?)

        func append(_ isSecond: Bool, to bytes: inout [UInt8]) {
            let chosen = isSecond ? second : first
            bytes.append(chosen.0)
            if let next = chosen.1 { bytes.append(next) }
        }
    }

    /// The places to vary in a term (see `termVariants` for the rule), left to right.
    static func variantSites(_ term: [UInt8]) -> [VariantSite] {
        var sites: [VariantSite] = []
        var index = 0
        let count = term.count
        while index < count {
            let byte = term[index]
            if byte == 0xC3, index + 1 < count, let vowel = umlautBase(term[index + 1]) {
                let isRing = term[index + 1] == 0xA5 || term[index + 1] == 0x85
                sites.append(VariantSite(start: index, end: index + 2, first: (vowel, nil), second: isRing ? (0x61, 0x61) : (vowel, 0x65)))
                index += 2
                continue
            }
            let lower = byte | 0x20
            if (lower == 0x61 || lower == 0x6F || lower == 0x75) && byte < 0x80, index + 2 < count,
               term[index + 1] == 0xCC, term[index + 2] == 0x88 || (term[index + 2] == 0x8A && lower == 0x61) {
                sites.append(VariantSite(start: index, end: index + 3, first: (lower, nil), second: term[index + 2] == 0x88 ? (lower, 0x65) : (0x61, 0x61)))
                index += 3
                continue
            }
            if (lower == 0x61 || lower == 0x6F || lower == 0x75) && byte < 0x80, index + 1 < count,
               term[index + 1] | 0x20 == 0x65, canContract(after: index > 0 ? term[index - 1] : nil) {
                sites.append(VariantSite(start: index, end: index + 2, first: (byte, term[index + 1]), second: (byte, nil)))
                index += 2
                continue
            }
            index += 1
        }
        return sites
    }

    /// Folds a term with a reusable folder (see `foldTerm(_:)`).
    public static func foldTerm(_ bytes: [UInt8], folder: TextFolder) -> [UInt8] {
        folder.reset(base: 0)
        bytes.withUnsafeBufferPointer { input in
            _ = folder.fold(input, from: 0, to: input.count, isFinal: true)
        }
        let folded = folder.bytes
        var lower = 0
        var upper = folded.count
        while lower < upper, folded[lower] == 0x20 || folded[lower] == 0x27 { lower += 1 }
        while upper > lower, folded[upper - 1] == 0x20 || folded[upper - 1] == 0x27 { upper -= 1 }
        return Array(folded[lower..<upper])
    }

    /// False when `variantSites` certainly finds no place to vary: no byte 0xC3 (ä ö ü ø å),
    /// no 0xCC (combining diaeresis or ring) and no ASCII `ae`, `oe`, `ue` in any case. Most
    /// terms, checked without allocating.
    static func mayHaveVariants(_ term: [UInt8]) -> Bool {
        term.withUnsafeBufferPointer { bytes in
            var previous: UInt8 = 0
            for byte in bytes {
                if byte == 0xC3 || byte == 0xCC { return true }
                if byte | 0x20 == 0x65 {
                    let lower = previous | 0x20
                    if lower == 0x61 || lower == 0x6F || lower == 0x75 { return true }
                }
                previous = byte
            }
            return false
        }
    }

    /// The ASCII vowel for the second byte of `ä ö ü ø å` (upper or lower case) after 0xC3.
    static func umlautBase(_ second: UInt8) -> UInt8? {
        switch second {
        case 0xA4, 0x84, 0xA5, 0x85: return 0x61
        case 0xB6, 0x96, 0xB8, 0x98: return 0x6F
        case 0xBC, 0x9C: return 0x75
        default: return nil
        }
    }

    /// Whether an `ae`/`oe`/`ue` after the byte `previous` may stand for an umlaut.
    static func canContract(after previous: UInt8?) -> Bool {
        guard let previous else { return true }
        if previous >= 0x80 { return false }
        let lower = previous | 0x20
        if lower >= 0x61 && lower <= 0x7A {
            return !"aeiouyqg".utf8.contains(lower)
        }
        return !(previous >= 0x30 && previous <= 0x39)
    }
}
