#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Calls `body` with each spelling of `termVariants(term)`, in the same order, numbered from
    /// 0 (the plain fold). The spelling's bytes are valid during the call only. Terms with no
    /// place to vary (most) are folded once into `folder`, with no array allocated.
    public static func forEachTermVariant(_ term: UnsafeBufferPointer<UInt8>, folder: TextFolder, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        guard mayHaveVariants(term) else {
            folder.reset(base: 0)
            _ = folder.fold(term, from: 0, to: term.count, isFinal: true)
            let folded = folder.bytes
            let kept = trimmedTermRange(folded)
            if !kept.isEmpty { try body(0, UnsafeBufferPointer(rebasing: folded[kept])) }
            return
        }
        let sites = variantSites(term)
        // Scratch arrays kept in the folder between calls (taken out while in use).
        var spelling = folder.variantSpelling
        var produced = folder.variantProduced
        var ranges = folder.variantRanges
        folder.variantSpelling = []
        folder.variantProduced = []
        folder.variantRanges = []
        defer {
            folder.variantSpelling = spelling
            folder.variantProduced = produced
            folder.variantRanges = ranges
        }
        produced.removeAll(keepingCapacity: true)
        ranges.removeAll(keepingCapacity: true)
        // The same spellings in the same order as `termVariants`: the plain fold, then each
        // combination of alternatives (the first site varying slowest; beyond 4 sites only the
        // two uniform ones), each once.
        let combinationCount = sites.isEmpty ? 0 : sites.count <= 4 ? 1 << sites.count : 2
        var combination = -1
        while combination < combinationCount {
            folder.reset(base: 0)
            if combination < 0 {
                _ = folder.fold(term, from: 0, to: term.count, isFinal: true)
            } else {
                let chosen = sites.count <= 4 ? combination : combination == 0 ? 0 : (1 << sites.count) - 1
                spelling.removeAll(keepingCapacity: true)
                var index = 0
                for (number, site) in sites.enumerated() {
                    spelling.append(contentsOf: UnsafeBufferPointer(rebasing: term[index..<site.start]))
                    site.append(chosen >> (sites.count - 1 - number) & 1 == 1, to: &spelling)
                    index = site.end
                }
                spelling.append(contentsOf: UnsafeBufferPointer(rebasing: term[index...]))
                spelling.withUnsafeBufferPointer { _ = folder.fold($0, from: 0, to: $0.count, isFinal: true) }
            }
            combination += 1
            let folded = folder.bytes
            var lower = 0
            var upper = folded.count
            while lower < upper, folded[lower] == 0x20 || folded[lower] == 0x27 { lower += 1 }
            while upper > lower, folded[upper - 1] == 0x20 || folded[upper - 1] == 0x27 { upper -= 1 }
            guard lower < upper else { continue }
            let candidate = UnsafeBufferPointer(rebasing: folded[lower..<upper])
            let isNew = produced.withUnsafeBufferPointer { earlier in
                !ranges.contains { range in
                    range.count == candidate.count && memcmp(earlier.baseAddress.unsafelyUnwrapped + range.lowerBound, candidate.baseAddress.unsafelyUnwrapped, range.count) == 0
                }
            }
            guard isNew else { continue }
            ranges.append(produced.count..<(produced.count + candidate.count))
            produced.append(contentsOf: candidate)
            try body(ranges.count - 1, candidate)
        }
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
        term.withUnsafeBufferPointer { variantSites($0) }
    }

    static func variantSites(_ term: UnsafeBufferPointer<UInt8>) -> [VariantSite] {
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
        return Array(folded[trimmedTermRange(folded)])
    }

    /// A folded term without its leading and trailing spaces and apostrophes.
    static func trimmedTermRange<C: RandomAccessCollection>(_ folded: C) -> Range<Int> where C.Element == UInt8, C.Index == Int {
        var lower = folded.startIndex
        var upper = folded.endIndex
        while lower < upper, folded[lower] == 0x20 || folded[lower] == 0x27 { lower += 1 }
        while upper > lower, folded[upper - 1] == 0x20 || folded[upper - 1] == 0x27 { upper -= 1 }
        return lower..<upper
    }

    /// False when `variantSites` certainly finds no place to vary: no byte 0xC3 (ä ö ü ø å),
    /// no 0xCC (combining diaeresis or ring) and no ASCII `ae`, `oe`, `ue` in any case. Most
    /// terms, checked without allocating.
    static func mayHaveVariants(_ term: [UInt8]) -> Bool {
        term.withUnsafeBufferPointer { mayHaveVariants($0) }
    }

    static func mayHaveVariants(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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
