import CaviarCore
import Foundation
import XCTest
@testable import CaviarSessions

/// restore(redact(x)) == x byte for byte, with a simple redaction that knows where the values
/// are and numbers them through the session's PlaceholderBook (or replaces them by surrogates).
final class RoundTripPropertyTests: XCTestCase {
    enum Segment { case text(String), value(EntityType, String) }

    /// Text without entity names: safe in a session that already holds numbers.
    static let noise = [
        "hello", " ", "  ", "\n", "\r\n", "\t", "Réunion", "naïve", "日本語", "🎉🇫🇷", "x", "42", "1", "_", "*", "**", "`",
        "[NOTE]", "[TODO_1]", "TODO_1", "[todo]", "(see)", "'s", ":lle", "-nak", "[", "]", "(", ")", "<", ">", "{", "}",
        "\\", "NOTE_1", "-", "\n> ", ".", ",", "@", "\u{0}", "\u{FEFF}", "-\n", "_\n",
    ]
    /// Entity names and their pieces, which can form placeholder-shaped text with what follows.
    static let entityNoise = ["PERSON", "EMAIL_", "email_1", "person_2 = 3", "DATE_OF_BIRTH", "Iban", "_7"]
    /// Placeholder-shaped text that caviar itself could have written; only valid in a fresh session.
    static let literals = ["[EMAIL_7]", "PERSON_3", "(person_4)", "[PHONE_\n2]", "Iban_9", "[PERSON_1"]
    static let values: [(String, [String])] = [
        ("PERSON", ["Jean Dupont", "Anna Virtanen", "Łukasz Wiśniewski", "J. Smith", "DUPONT", "Zoë Lefèvre"]),
        ("EMAIL", ["jean.dupont@corp.fr", "a@b.eu", "ANNA_V@EXAMPLE.FI", "x9@y.z"]),
        ("IBAN", ["FR7630006000011234567890189", "DE89 3704 0044 0532 0130 00", "BE68539007547034"]),
        ("PHONE", ["+33 6 12 34 56 78", "040 123 4567", "+358401234567"]),
        ("SECRET", ["ghp_abcdefghijklmnopqrstuvwxyz0123456789"]),
    ]

    func randomInput(_ random: inout SplitMix, withLiterals: Bool) -> [Segment] {
        var segments: [Segment] = []
        for _ in 0..<(1 + random.below(40)) {
            switch random.below(10) {
            case 0...4: segments.append(.text(Self.noise[random.below(Self.noise.count)]))
            case 5 where withLiterals:
                let pool = random.below(2) == 0 ? Self.literals : Self.entityNoise
                segments.append(.text(pool[random.below(pool.count)]))
            default:
                let (entity, candidates) = Self.values[random.below(Self.values.count)]
                segments.append(.value(EntityType(entity), candidates[random.below(candidates.count)]))
            }
        }
        return segments
    }

    func render(_ segments: [Segment]) -> [UInt8] {
        segments.flatMap { segment -> [UInt8] in
            switch segment {
            case .text(let text): return bytes(text)
            case .value(_, let value): return bytes(value)
            }
        }
    }

    func redact(_ segments: [Segment], session: Session, surrogates: Bool) throws -> [UInt8] {
        let input = render(segments)
        try session.reserveLiteralPlaceholders(in: input)
        return try session.transaction {
            var output: [UInt8] = []
            for segment in segments {
                switch segment {
                case .text(let text):
                    output += bytes(text)
                case .value(let entity, let value):
                    output += surrogates
                        ? try session.surrogate(for: bytes(value), entity: entity, original: bytes(value), avoiding: input)
                        : try session.placeholder(for: bytes(value), entity: entity, original: bytes(value))
                }
            }
            return output
        }
    }

    /// Surrogates are restored as whole words: a value written glued to other text gets a space
    /// on that side (real detectors only find values that stand apart).
    func separated(_ segments: [Segment]) -> [Segment] {
        var result: [Segment] = []
        for segment in segments {
            if case .value = segment, let last = result.last {
                if case .text(let text) = last, text.isEmpty || text.hasSuffix(" ") {} else { result.append(.text(" ")) }
            }
            if case .text(let text) = segment, case .value? = result.last, !text.hasPrefix(" ") { result.append(.text(" ")) }
            result.append(segment)
        }
        return result
    }

    func testPlaceholdersRoundTripInFreshSessions() throws {
        let fixture = try VaultFixture()
        let vault = try fixture.vault()
        var random = SplitMix(state: 20261129)
        for round in 0..<300 {
            let segments = randomInput(&random, withLiterals: true)
            let session = try vault.openSession(named: "fresh-\(round)")
            let redacted = try redact(segments, session: session, surrogates: false)
            let restored = try vault.restorer(forSession: "fresh-\(round)").restore(redacted)
            XCTAssertEqual(restored.output, render(segments), "round \(round): \(text(render(segments)).debugDescription) -> \(text(redacted).debugDescription)")
            if restored.output != render(segments) { return }
            try vault.forget(named: "fresh-\(round)")
        }
    }

    func testPlaceholdersRoundTripAcrossInvocationsOfOneSession() throws {
        let fixture = try VaultFixture()
        var random = SplitMix(state: 7)
        for round in 0..<150 {
            let segments = randomInput(&random, withLiterals: false)
            // Each round is a new invocation: a new vault object.
            let vault = try fixture.vault()
            let redacted = try redact(segments, session: try vault.openSession(named: "day"), surrogates: false)
            let restored = try fixture.vault().restorer(forSession: "day").restore(redacted)
            XCTAssertEqual(restored.output, render(segments), "round \(round): \(text(render(segments)).debugDescription) -> \(text(redacted).debugDescription)")
            if restored.output != render(segments) { return }
        }
    }

    func testSurrogatesRoundTrip() throws {
        let fixture = try VaultFixture()
        let vault = try fixture.vault()
        var random = SplitMix(state: 99)
        for round in 0..<200 {
            let segments = separated(randomInput(&random, withLiterals: true))
            let session = try vault.openSession(named: "sur-\(round)")
            let redacted = try redact(segments, session: session, surrogates: true)
            for case .value(_, let value) in segments {
                XCTAssertNil(redacted.firstRange(of: bytes(value)), "round \(round): a value leaked into the redacted text")
            }
            let restored = try vault.restorer(forSession: "sur-\(round)").restore(redacted)
            XCTAssertEqual(restored.output, render(segments), "round \(round): \(text(render(segments)).debugDescription) -> \(text(redacted).debugDescription)")
            if restored.output != render(segments) { return }
        }
    }
}
