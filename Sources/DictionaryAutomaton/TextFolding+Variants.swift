extension TextFolding {
    /// The folded spellings under which a dictionary term is indexed, the plain `foldTerm` first.
    ///
    /// Rule (German and Nordic transliteration, applied to terms only, never to the text):
    /// * `ä ö ü` (also decomposed, with U+0308) are indexed as `a o u` and as `ae oe ue`;
    ///   `ø` as `o` and `oe`; `å` as `a` and `aa`.
    /// * The digraphs `ae oe ue` written in ASCII are also indexed as `a o u` when they follow a
    ///   consonant or start the word (`Mueller` → `muller`, `Oehler` → `ohler`), but not after a
    ///   vowel (`Bauer` stays `bauer`) or after `q`/`g` (`Enrique`, `Miguel`).
    /// * At most 4 such places per term are combined (16 spellings); beyond that only the two
    ///   uniform spellings are indexed.
    ///
    /// Cost: a term with a digraph also matches its contracted form (`Michael` matches `Michal`,
    /// `Joel` matches `Jol`, `Samuel` matches `Samul`). Text is never rewritten, so words
    /// that are not in the dictionary are unaffected.
    public static func termVariants(_ term: String) -> [[UInt8]] {
        let scalars = Array(term.unicodeScalars)
        var pieces: [[String]] = []   // each piece: one spelling, or two alternatives
        var plain = ""
        var sites = 0
        func flush() {
            if !plain.isEmpty { pieces.append([plain]); plain = "" }
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            if let pair = umlautAlternatives(scalar, next: next) {
                flush()
                pieces.append(pair.spellings)
                sites += 1
                index += pair.length
                continue
            }
            if let next, isDigraphStart(scalar), next == "e" || next == "E",
               canContract(after: index > 0 ? scalars[index - 1] : nil) {
                flush()
                let vowel = String(scalar)
                pieces.append([vowel + String(next), vowel])
                sites += 1
                index += 2
                continue
            }
            plain.unicodeScalars.append(scalar)
            index += 1
        }
        flush()
        var spellings: [String] = [term]
        if sites > 0 {
            if sites <= 4 {
                var partial = [""]
                for piece in pieces {
                    partial = partial.flatMap { prefix in piece.map { prefix + $0 } }
                }
                spellings += partial
            } else {
                spellings.append(pieces.map { $0[0] }.joined())
                spellings.append(pieces.map { $0[$0.count - 1] }.joined())
            }
        }
        var seen = Set<[UInt8]>()
        var result: [[UInt8]] = []
        for spelling in spellings {
            let folded = foldTerm(Array(spelling.utf8))
            if !folded.isEmpty && seen.insert(folded).inserted { result.append(folded) }
        }
        return result
    }

    static func umlautAlternatives(_ scalar: Unicode.Scalar, next: Unicode.Scalar?) -> (spellings: [String], length: Int)? {
        switch scalar.value {
        case 0xE4, 0xC4: return (["a", "ae"], 1)
        case 0xF6, 0xD6: return (["o", "oe"], 1)
        case 0xFC, 0xDC: return (["u", "ue"], 1)
        case 0xF8, 0xD8: return (["o", "oe"], 1)
        case 0xE5, 0xC5: return (["a", "aa"], 1)
        default: break
        }
        guard let next else { return nil }
        let base = String(scalar).lowercased()
        if next.value == 0x308, ["a", "o", "u"].contains(base) { return ([base, base + "e"], 2) }
        if next.value == 0x30A, base == "a" { return (["a", "aa"], 2) }
        return nil
    }

    static func isDigraphStart(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a", "A", "o", "O", "u", "U": return true
        default: return false
        }
    }

    /// Whether an `ae`/`oe`/`ue` after `previous` may stand for an umlaut.
    static func canContract(after previous: Unicode.Scalar?) -> Bool {
        guard let previous else { return true }
        let lower = String(previous).lowercased()
        guard lower.unicodeScalars.count == 1, let value = lower.unicodeScalars.first?.value else { return false }
        if !(value >= 0x61 && value <= 0x7A) {
            // Word start (space, punctuation): contract; other letters: do not guess.
            return !(previous.properties.isAlphabetic || (value >= 0x30 && value <= 0x39))
        }
        return !"aeiouyqg".unicodeScalars.contains(Unicode.Scalar(value) ?? "a")
    }
}
