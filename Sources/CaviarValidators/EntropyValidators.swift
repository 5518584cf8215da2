import CaviarCore
import Foundation

/// Validators for secrets: Shannon entropy over the candidate's characters, and a check that
/// rejects obvious placeholders (`xxxxxxxx`, `<your-token>`, `changeme`, `${TOKEN}`).
enum EntropyValidators {
    static let table: [String: ValidatorFactory] = [
        "shannon_entropy": { params in
            var minBits = 3.0
            var minLength = 8
            if case .double(let d)? = params["min_bits"] { minBits = d }
            if case .int(let i)? = params["min_bits"] { minBits = Double(i) }
            if case .int(let i)? = params["min_length"] { minLength = i }
            for key in params.keys where key != "min_bits" && key != "min_length" {
                throw ValidatorError("shannon_entropy: unknown parameter '\(key)' (use min_bits, min_length)")
            }
            let bits = minBits, length = minLength
            return ClosureValidator { c in
                c.raw.count >= length && Entropy.bitsPerCharacter(c.raw) >= bits && !Entropy.isPlaceholder(c.raw)
            }
        },
        "not_placeholder": { _ in ClosureValidator { c in !Entropy.isPlaceholder(c.raw) } },
    ]
}

/// Shannon entropy and placeholder heuristics (after detect-secrets and gitleaks' entropy rules).
public enum Entropy {
    /// Entropy in bits per byte of `bytes` (0 for empty input).
    public static func bitsPerCharacter(_ bytes: [UInt8]) -> Double {
        guard !bytes.isEmpty else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        for b in bytes { counts[Int(b)] += 1 }
        let n = Double(bytes.count)
        var h = 0.0
        for c in counts where c > 0 {
            let p = Double(c) / n
            h -= p * log2(p)
        }
        return h
    }

    static let placeholderWords = ["changeme", "change_me", "password", "example", "your", "redacted", "placeholder", "dummy", "secret", "token", "xxxx", "****", "todo", "fixme", "sample", "test"]
        .map { Array($0.utf8) }

    /// Obvious placeholders: one repeated character, template syntax, or placeholder words
    /// (compared on ASCII-lower-cased bytes: this runs for every candidate secret, and a
    /// Foundation string search per word was a visible share of redaction time).
    public static func isPlaceholder(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first else { return true }
        if bytes.allSatisfy({ $0 == first }) { return true }
        if first == UInt8(ascii: "<") || first == UInt8(ascii: "$") { return true }
        if bytes.count >= 2 {
            let pair = (bytes[0], bytes[1])
            if pair == (UInt8(ascii: "{"), UInt8(ascii: "{")) || pair == (UInt8(ascii: "%"), UInt8(ascii: "(")) { return true }
        }
        return placeholderWords.contains { ByteSearch.containsIgnoringASCIICase(bytes, $0) }
    }
}
