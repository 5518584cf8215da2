import XCTest
@testable import CaviarMail

final class CodecTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testQuotedPrintableSoftBreakJoinsASplitValue() {
        let decoded = QuotedPrintable.decode(b("FR76 3000 6000 011=\n2 3456 7890 189  \nnext=3D=C3=A9\n")[...])
        XCTAssertEqual(decoded, b("FR76 3000 6000 0112 3456 7890 189\nnext=é\n"))
        XCTAssertEqual(QuotedPrintable.decode(b("a=\r\nb\r\n")[...]), b("ab\n"))
        XCTAssertEqual(QuotedPrintable.decode(b("stray = sign =G1\n")[...]), b("stray = sign =G1\n"))
    }

    func testQuotedPrintableEncodeKeepsLinesShortAndRoundTrips() {
        let text = b(String(repeating: "é [EMAIL_1] trailing ", count: 20) + " \n.\nFrom here\n")
        let encoded = QuotedPrintable.encode(text, eol: [13, 10])
        for line in String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n") {
            XCTAssertLessThanOrEqual(line.utf8.count, 76, line)
            XCTAssertFalse(line.hasSuffix(" "), "a trailing blank would be stripped in transport")
        }
        XCTAssertEqual(QuotedPrintable.decode(encoded[...]), text)
    }

    func testBase64IsStrict() throws {
        XCTAssertEqual(try Base64.decode(b("SGVs\nbG8=\n")[...]), b("Hello"))
        XCTAssertThrowsError(try Base64.decode(b("SGVsbG")[...]))       // truncated
        XCTAssertThrowsError(try Base64.decode(b("SGV*bG8=")[...]))     // outside the alphabet
        XCTAssertThrowsError(try Base64.decode(b("SGVsbG8=QUJD")[...])) // data after padding
        let data = (0..<200).map { UInt8($0) }
        let enc = Base64.encode(data, lineLength: 76, eol: [10], finalEOL: true)
        XCTAssertTrue(String(decoding: enc, as: UTF8.self).split(separator: "\n").allSatisfy { $0.count <= 76 })
        XCTAssertEqual(try Base64.decode(enc[...]), data)
    }

    func testEncodedWordsJoinAdjacentWordsAndSplitCharacters() throws {
        // mutt: the surname split across two encoded-words; the blank between them is no content.
        XCTAssertEqual(try EncodedWords.decode(b("Re: Dossier de Mme =?iso-8859-1?Q?Zo=EB_Le?= =?iso-8859-1?Q?f=E8vre?=")[...], header: "Subject"),
                       b("Re: Dossier de Mme Zoë Lefèvre"))
        // A UTF-8 character split across two words (bytes C3 | AB), folded between them.
        XCTAssertEqual(try EncodedWords.decode(b("=?utf-8?B?Wm/D?=\t=?utf-8?B?qw==?= x")[...], header: "Subject"), b("Zoë x"))
        // Text between words stays; raw UTF-8 (RFC 6532) is kept; raw Latin-1 read as windows-1252.
        XCTAssertEqual(try EncodedWords.decode(b("a =?utf-8?q?=C3=A9?= b =?utf-8?q?c?=")[...], header: "Subject"), b("a é b c"))
        XCTAssertEqual(try EncodedWords.decode([0x5A, 0x6F, 0xEB][...], header: "Subject"), b("Zoë"))
        XCTAssertEqual(try EncodedWords.decode(b("not =?an encoded word")[...], header: "Subject"), b("not =?an encoded word"))
    }

    func testBadEncodedWordsAreErrorsNamingTheHeader() {
        for bad in ["=?utf-8?B?@@@@?=", "=?utf-8?X?abc?=", "=?koi8-r?B?8M/Nz9fO?="] {
            XCTAssertThrowsError(try EncodedWords.decode(b(bad)[...], header: "Subject"), bad) { error in
                XCTAssertTrue("\(error)".hasPrefix("header Subject: encoded-word 1"), "\(error)")
            }
        }
    }

    func testEncodedFieldIsFoldedAndDecodesBack() throws {
        let value = b("Réunion budget 2026 avec [PERSON_1] et l’équipe de Zoë à Montréal pour la réunion trimestrielle")
        let field = EncodedWords.encodeField(name: "Subject", value: value, eol: [13, 10])
        let lines = String(decoding: field, as: UTF8.self).components(separatedBy: "\r\n").dropLast()
        for line in lines { XCTAssertLessThanOrEqual(line.utf8.count, 78, line) }
        let unfolded = field.dropFirst("Subject:".count).filter { $0 != 13 && $0 != 10 }
        XCTAssertEqual(Array(ASCII.trimmed(try EncodedWords.decode(unfolded[...], header: "Subject")[...])), value)
        XCTAssertEqual(EncodedWords.encodeField(name: "Subject", value: b("Re: [PERSON_1]"), eol: [10]), b("Subject: Re: [PERSON_1]\n"))
    }

    func testCharsets() {
        XCTAssertEqual(MailCharset(label: "ISO-8859-1"), .windows1252)
        XCTAssertEqual(MailCharset(label: "\"latin9\""), .iso8859_15)
        XCTAssertNil(MailCharset(label: "koi8-r"))
        XCTAssertEqual(MailCharset.windows1252.decode([0x93, 0x80, 0x94, 0xEB]), b("“€”ë"))
        XCTAssertEqual(MailCharset.iso8859_15.decode([0xA4, 0xBD, 0xE8]), b("€œè"))
        XCTAssertEqual(MailCharset.iso8859_15.encode(b("€œè [X_1]")), [0xA4, 0xBD, 0xE8] + b(" [X_1]"))
        XCTAssertNil(MailCharset.iso8859_15.encode(b("¤")), "¤ is not in ISO-8859-15")
        XCTAssertNil(MailCharset.windows1252.encode(b("日本")))
        XCTAssertNil(MailCharset.usASCII.encode(b("é")))
        for byte in UInt8(0x80)...UInt8(0xFF) {
            XCTAssertEqual(MailCharset.windows1252.encode(MailCharset.windows1252.decode([byte])), [byte])
            XCTAssertEqual(MailCharset.iso8859_15.encode(MailCharset.iso8859_15.decode([byte])), [byte])
        }
    }

    func testFlowedUnflowAndReflow() {
        let text = b("Rappelez-moi au \n06 12 34 \n56 78 demain.\n> quoted \n> more\nplain\n-- \nsig\n")
        let flowed = FlowedText(text, delSp: false)
        XCTAssertEqual(flowed.detectionText, b("Rappelez-moi au 06 12 34 56 78 demain.\n> quoted more\nplain\n-- \nsig\n"))
        XCTAssertEqual(flowed.reflowed(flowed.detectionText), text, "unchanged lines keep their physical lines")
        let redacted = b("Rappelez-moi au [PHONE_1] demain.\n> quoted more\nplain\n-- \nsig\n")
        XCTAssertEqual(flowed.reflowed(redacted), b("Rappelez-moi au [PHONE_1] demain.\n> quoted \n> more\nplain\n-- \nsig\n"))
        let delsp = FlowedText(b("abc\u{20}\u{20}\ndef\n"), delSp: true)
        XCTAssertEqual(delsp.detectionText, b("abc def\n"))
        let long = String(repeating: "word ", count: 40) + "end"
        let wrapped = FlowedText(b("x\n"), delSp: true).reflowed(b(long + "\n"))
        XCTAssertEqual(FlowedText(wrapped, delSp: true).detectionText, b(long + "\n"))
        XCTAssertTrue(String(decoding: wrapped, as: UTF8.self).split(separator: "\n").allSatisfy { $0.utf8.count <= 78 })
    }

    func testHTMLPiecesDecodeEntitiesAndMapBack() {
        let html = b(#"<p title="Jean Martin">Mail <a href="mailto:jean&#46;martin&#64;example&#46;com">x</a> FR76&nbsp;30</p><script>var a="Zoë";</script><!-- Zoë -->"#)
        let h = HTMLText(html)
        XCTAssertEqual(String(decoding: h.text, as: UTF8.self), "Jean Martin\nMail \nmailto:jean.martin@example.com\nx\n FR76 30")
        let s = String(decoding: h.text, as: UTF8.self)
        guard let r = s.range(of: "jean.martin@example.com") else { return XCTFail() }
        let span = s.utf8.distance(from: s.startIndex, to: r.lowerBound)..<s.utf8.distance(from: s.startIndex, to: r.upperBound)
        let edited = MailWalk.applying(h.edits(for: [(span, b("[EMAIL_1]"))]), to: html)
        XCTAssertTrue(String(decoding: edited, as: UTF8.self).contains(#"href="mailto:[EMAIL_1]">x</a>"#))
    }
}
