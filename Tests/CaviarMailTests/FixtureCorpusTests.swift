import CaviarCore
import XCTest
@testable import CaviarMail

/// The corpus of client-made messages (fixtures/make-fixtures.sh), one row per case of
/// INTEGRATIONS.md §2.8: redaction must leave no planted value in the decoded message (decoded
/// by Python's email package, not by us) and keep every untouched part and header byte-identical.
final class FixtureCorpusTests: XCTestCase {
    enum Expected {
        /// Redacted with the default policy; the message changes.
        case redacted
        /// Nothing to find: output byte-identical to input.
        case clean
        /// Refused with the default policy; `lenient` is the policy that lets it through.
        case refused(lenient: MailPolicy)
    }

    static let expectations: [String: Expected] = [
        "01-neomutt-clean-ascii.eml": .clean,
        "02-neomutt-utf8-8bit.eml": .redacted,
        "03-neomutt-latin1-8bit.eml": .redacted,
        "04-neomutt-iso-8859-15-euro.eml": .redacted,
        "05-neomutt-windows-1252.eml": .redacted,
        "06-neomutt-utf8-quoted-printable.eml": .redacted,
        "07-neomutt-cjk-quoted-printable.eml": .redacted,
        "08-neomutt-attachments.eml": .refused(lenient: MailPolicy(allowUnredactableParts: true, redactAttachments: true)),
        "09-neomutt-format-flowed.eml": .redacted,
        "10-python-alternative-latin1-html.eml": .redacted,
        "11-neomutt-reply-quoted.eml": .redacted,
        "12-python-rfc2231-filename.eml": .refused(lenient: MailPolicy(redactAttachments: true)),
        "13-python-alternative-base64-html-entities.eml": .redacted,
        "14-python-forward-rfc822.eml": .redacted,
        "15-python-multipart-signed.eml": .refused(lenient: MailPolicy(allowUnredactableParts: true)),
        "16-python-nested-mixed-related.eml": .refused(lenient: MailPolicy(allowUnredactableParts: true)),
        "17-git-format-patch.patch": .redacted,
    ]

    func testEveryFixtureHasAnExpectation() {
        XCTAssertEqual(Set(Fixtures.names), Set(Self.expectations.keys))
    }

    func testCorpus() throws {
        try XCTSkipUnless(Oracle.isAvailable, "needs /usr/bin/python3 for the independent decoder")
        for name in Fixtures.names {
            guard let expected = Self.expectations[name] else { continue }
            let input = try Fixtures.bytes(name)
            switch expected {
            case .clean:
                let out = try MailFilter(redactor: TestRedactor()).redact(input)
                XCTAssertEqual(out.output, input, "\(name): a clean message must come out byte-identical")
                XCTAssertTrue(try MailFilter(redactor: TestRedactor()).check(input).countedFindings.isEmpty, name)
            case .redacted:
                try assertRedacted(name, input, policy: MailPolicy())
            case .refused(let lenient):
                XCTAssertThrowsError(try MailFilter(redactor: TestRedactor()).redact(input), name) { error in
                    XCTAssertTrue(error is MailRefusal, "\(name): \(error)")
                }
                try assertRedacted(name, input, policy: lenient)
            }
        }
    }

    /// Redacts `input` and checks the result against the independent decoder.
    private func assertRedacted(_ name: String, _ input: [UInt8], policy: MailPolicy) throws {
        let redactor = TestRedactor()
        let result = try MailFilter(redactor: redactor, policy: policy).redact(input)
        let output = result.output
        let original = try Oracle.decode(input)
        let decoded = try Oracle.decode(output)
        XCTAssertEqual(original.map(\.type), decoded.map(\.type), "\(name): MIME structure changed")

        // 1. No planted value anywhere in the decoded message, except the top-level routing
        //    headers, which are never modified.
        let routing: Set<String> = ["from", "to", "cc", "bcc", "reply-to", "sender", "message-id", "references", "in-reply-to"]
        for (index, entity) in decoded.enumerated() {
            let isSignedContent = entity.type == "multipart/signed" || (index > 0 && decoded[0].type == "multipart/signed")
            if isSignedContent { continue }  // let through untouched by policy
            var texts = [entity.text, entity.filename]
            for h in entity.headers where !(index == 0 && routing.contains(h[0].lowercased())) { texts.append(h[1]) }
            for text in texts {
                for value in plantedValues {
                    XCTAssertFalse(text.contains(value), "\(name): entity \(index) (\(entity.type)) still has a planted value after decoding")
                }
            }
        }
        if output != input {
            XCTAssertTrue(decoded.contains { $0.text.contains("_1]") || $0.filename.contains("_1]") }
                          || decoded.contains { $0.headers.contains { $0[1].contains("_1]") } }, "\(name): no placeholder in the output")
        } else {
            XCTAssertTrue(result.report.countedFindings.isEmpty || decoded[0].type == "multipart/signed", "\(name): findings but nothing changed")
        }

        // 2. Byte identity: parts whose decoded content had nothing planted are unchanged,
        //    header fields too (top-level routing headers always).
        let before = try MessageParser().parse(input), after = try MessageParser().parse(output)
        let oldEntities = walkOrder(before.root), newEntities = walkOrder(after.root)
        XCTAssertEqual(oldEntities.count, newEntities.count, name)
        for (i, (old, new)) in zip(oldEntities, newEntities).enumerated() {
            let hadPlanted = plantedValues.contains { original[i].text.contains($0) || original[i].filename.contains($0) }
            // Address headers of a forwarded message are content: they may be redacted.
            let forwardedAddress: Set<String> = old.isMessage && i > 0 ? ["from", "to", "cc", "reply-to", "sender"] : []
            if !hadPlanted && old.children.isEmpty && old.encapsulated == nil {
                XCTAssertEqual(Array(input[old.bodyRange]), Array(output[new.bodyRange]), "\(name): untouched part \(old.path) changed")
            }
            for (of, nf) in zip(old.fields, new.fields) {
                let oldBytes = Array(input[of.range]), newBytes = Array(output[nf.range])
                let headerHadPlanted = plantedValues.contains { v in original[i].headers.contains { $0[0] == of.name && $0[1].contains(v) } }
                let isPartHeader = ["content-type", "content-transfer-encoding", "content-disposition"].contains(of.lowercasedName)
                if !headerHadPlanted && !(isPartHeader && hadPlanted) && !forwardedAddress.contains(of.lowercasedName)
                    || (i == 0 && routing.contains(of.lowercasedName)) {
                    XCTAssertEqual(oldBytes, newBytes, "\(name): header \(of.name) of entity \(i) changed")
                }
            }
        }
        if input.starts(with: Array("From ".utf8)) {
            XCTAssertEqual(lines(input).first, lines(output).first, "\(name): mbox From line changed")
        }

        // 3. Line limits: QP lines <= 76, every line <= 998.
        for (i, new) in newEntities.enumerated() where new.field("content-transfer-encoding").map({ String(decoding: $0.unfoldedValue(in: output), as: UTF8.self).lowercased().contains("quoted-printable") }) ?? false {
            for line in lines(Array(output[new.bodyRange])) {
                XCTAssertLessThanOrEqual(line.count - (line.last == 13 ? 1 : 0), 76, "\(name): QP line too long in entity \(i)")
            }
        }
        for line in lines(output) { XCTAssertLessThanOrEqual(line.count, 999, name) }
    }

    func testAlternativesShareThePlaceholders() throws {
        try XCTSkipUnless(Oracle.isAvailable)
        for name in ["10-python-alternative-latin1-html.eml", "13-python-alternative-base64-html-entities.eml"] {
            let out = try MailFilter(redactor: TestRedactor()).redact(try Fixtures.bytes(name)).output
            let decoded = try Oracle.decode(out)
            guard let plain = decoded.first(where: { $0.type == "text/plain" })?.text,
                  let html = decoded.first(where: { $0.type == "text/html" })?.text else { return XCTFail(name) }
            for placeholder in ["[EMAIL_1]", "[PERSON_1]"] where plain.contains(placeholder) {
                XCTAssertTrue(html.contains(placeholder), "\(name): \(placeholder) missing from the HTML alternative")
            }
            if name.hasPrefix("13") {
                for p in ["[IBAN_1]", "[EMAIL_1]", "[PHONE_1]"] {
                    XCTAssertTrue(plain.contains(p), "\(name): \(p) missing from text")
                    XCTAssertTrue(html.contains(p), "\(name): \(p) missing from HTML")
                }
                XCTAssertTrue(html.contains("mailto:[EMAIL_1]") && html.contains("tel:[PHONE_1]"), "\(name): href values not redacted")
            }
        }
    }

    func testFlowedIsReappliedAndSignatureKept() throws {
        let out = try MailFilter(redactor: TestRedactor()).redact(try Fixtures.bytes("09-neomutt-format-flowed.eml")).output
        let text = String(decoding: out, as: UTF8.self)
        XCTAssertTrue(text.contains("[PHONE_1]"), text)
        XCTAssertTrue(text.contains("format=flowed"))
        XCTAssertTrue(text.contains("\n--=20\nAlice"), "signature separator must survive")
    }

    func testLatin1PartStaysLatin1WhenPlaceholdersFit() throws {
        let out = try MailFilter(redactor: TestRedactor()).redact(try Fixtures.bytes("04-neomutt-iso-8859-15-euro.eml")).output
        let text = String(decoding: out, as: UTF8.self)
        XCTAssertTrue(text.contains("charset=iso-8859-15"))
        XCTAssertTrue(out.contains(0xA4), "the euro sign stays the ISO-8859-15 byte 0xA4")
        XCTAssertTrue(text.contains("[PERSON_1]") && text.contains("[PHONE_1]"))
    }

    func testSubjectIsRedactedAndRoutingHeadersAreNot() throws {
        let input = try Fixtures.bytes("11-neomutt-reply-quoted.eml")
        let result = try MailFilter(redactor: TestRedactor()).redact(input)
        let text = String(decoding: result.output, as: UTF8.self)
        XCTAssertTrue(text.contains("Subject: Re: Dossier de Mme [PERSON_1] concernant"), text)
        XCTAssertTrue(text.contains("In-Reply-To: <20261128.abc@mail.intra.example.org>"))
        XCTAssertTrue(result.report.findings.contains { $0.isRoutingHeader && $0.entity.name == "INTERNAL_HOST" })
        XCTAssertTrue(text.contains("> [PERSON_1] a appel"))
    }

    func testCheckReportsLocationsWithoutValues() throws {
        let report = try MailFilter(redactor: TestRedactor()).check(try Fixtures.bytes("13-python-alternative-base64-html-entities.eml"))
        let lines = report.lines()
        XCTAssertTrue(lines.contains { $0.hasPrefix("part 1 (text/plain) line 1: IBAN (test.iban)") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("part 2 (text/html) line") && $0.contains("EMAIL") }, "\(lines)")
        for line in lines { for v in plantedValues { XCTAssertFalse(line.contains(v), line) } }
        XCTAssertTrue(lines.contains { $0.contains("header Message-ID") && $0.contains("INTERNAL_HOST") && $0.contains("reported only") })
    }

    func testCheckReportsUncheckedParts() throws {
        let report = try MailFilter(redactor: TestRedactor()).check(try Fixtures.bytes("08-neomutt-attachments.eml"))
        XCTAssertEqual(report.unchecked.map(\.location), ["part 3 (image/png)"])
        XCTAssertTrue(report.findings.contains { $0.location.hasPrefix("part 2 (text/csv), attachment line 2") && $0.entity.name == "IBAN" })
        let signed = try MailFilter(redactor: TestRedactor()).check(try Fixtures.bytes("15-python-multipart-signed.eml"))
        XCTAssertTrue(signed.unchecked.contains { $0.reason.contains("signed") })
        XCTAssertFalse(signed.countedFindings.isEmpty, "the signed content is readable and checked")
    }

    func testSignedMessageLetThroughIsUntouched() throws {
        let input = try Fixtures.bytes("15-python-multipart-signed.eml")
        let out = try MailFilter(redactor: TestRedactor(), policy: MailPolicy(allowUnredactableParts: true)).redact(input)
        XCTAssertEqual(out.output, input)
    }

    func testFileNameIsScannedAndRewrittenOnlyWhenAllowed() throws {
        let input = try Fixtures.bytes("12-python-rfc2231-filename.eml")
        XCTAssertThrowsError(try MailFilter(redactor: TestRedactor()).redact(input)) { error in
            XCTAssertTrue("\(error)".contains("file name contains PERSON"), "\(error)")
        }
        let out = try MailFilter(redactor: TestRedactor(), policy: MailPolicy(redactAttachments: true)).redact(input).output
        let text = String(decoding: out, as: UTF8.self)
        XCTAssertTrue(text.contains("filename*=utf-8''relev%C3%A9-bancaire%20%5BPERSON_1%5D.csv"), text)
    }

    func testPolicyRefusalFromTheEngineRefusesTheMessage() throws {
        let msg = Array("Subject: hi\nContent-Type: text/plain\n\nThis note is EU SECRET.\n".utf8)
        XCTAssertThrowsError(try MailFilter(redactor: TestRedactor()).redact(msg)) { error in
            XCTAssertTrue("\(error)".contains("message body (text/plain): refused: EU classified marking"), "\(error)")
        }
    }
    func testUnlabelledEightBitUTF8IsReadAsUTF8() throws {
        let msg = Array("Subject: patch\n\n+payee: Zoë Lefèvre\n".utf8)
        let out = try MailFilter(redactor: TestRedactor()).redact(msg)
        XCTAssertEqual(out.output, Array("Subject: patch\n\n+payee: [PERSON_1]\n".utf8))
    }
}
