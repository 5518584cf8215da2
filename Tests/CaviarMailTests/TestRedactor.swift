import CaviarCore
import Foundation

/// A small real redactor for the mail tests: regexes over the decoded UTF-8 text (tests only;
/// the product uses the PCRE2 engine), numbering through one shared placeholder book like the
/// real engine, and a blocking marking (`EU SECRET`) that throws `PolicyRefusal`.
final class TestRedactor: TextRedacting {
    let book = InMemoryPlaceholderBook()
    private(set) var calls = 0

    static let rules: [(EntityType, String, NSRegularExpression)] = [
        ("EMAIL", "test.email", #"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#),
        ("IBAN", "test.iban", #"\bFR\d{2}(?:[ \u00A0]?\d){23}\b"#),
        ("PHONE", "test.phone", #"(?:\+33|\b0)[1-9](?:[ .]?\d{2}){4}\b"#),
        ("PERSON", "test.person", #"\b(?:Zoë Lefèvre|Jean Martin|Zoë|Lefèvre)\b"#),
        ("INTERNAL_HOST", "test.internal_host", #"\b[a-z0-9-]+\.intra\.example\.org\b"#),
        ("SECRET", "test.secret", #"\bSECRET-\d+\b"#),
        ("ADDRESS", "test.address", #"\b\d+ rue de la Paix\b"#),
    ].map { (EntityType($0.0), $0.1, try! NSRegularExpression(pattern: $0.2)) }

    func redact(_ text: [UInt8]) throws -> TextRedaction {
        calls += 1
        let s = String(decoding: text, as: UTF8.self)
        precondition(Array(s.utf8) == text, "test inputs must be valid UTF-8")
        if s.contains("EU SECRET") {
            throw PolicyRefusal(reason: "EU classified marking EU SECRET", location: "line 1")
        }
        var candidates: [(Range<Int>, EntityType, String)] = []
        for (entity, id, regex) in Self.rules {
            for m in regex.matches(in: s, range: NSRange(s.startIndex..., in: s)) {
                guard let r = Range(m.range, in: s) else { continue }
                let start = s.utf8.distance(from: s.startIndex, to: r.lowerBound)
                let end = s.utf8.distance(from: s.startIndex, to: r.upperBound)
                candidates.append((start..<end, entity, id))
            }
        }
        candidates.sort { ($0.0.lowerBound, -$0.0.count) < ($1.0.lowerBound, -$1.0.count) }
        var findings: [Finding] = []
        var output: [UInt8] = []
        var pos = 0
        for (span, entity, id) in candidates where span.lowerBound >= pos {
            let n = book.number(for: Array(text[span]), entity: entity)
            let replacement = Placeholder.bytes(entity: entity, number: n)
            output.append(contentsOf: text[pos..<span.lowerBound])
            output.append(contentsOf: replacement)
            findings.append(Finding(entity: entity, detectorID: id, span: span, confidence: 0.9, replacement: replacement))
            pos = span.upperBound
        }
        output.append(contentsOf: text[pos...])
        return TextRedaction(output: output, findings: findings)
    }
}

/// Values planted in the fixtures; none may survive redaction in decoded text.
let plantedValues = [
    "FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189", "jean.martin@example.com",
    "zoe.lefevre@example.fr", "Zoë", "Lefèvre", "Jean Martin", "06 12 34 56 78", "+33612345678",
    "12 rue de la Paix",
]
