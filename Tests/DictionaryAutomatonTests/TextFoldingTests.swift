import Testing
@testable import DictionaryAutomaton

private func folded(_ text: String) -> String {
    String(decoding: TextFolding.fold(text), as: UTF8.self)
}

@Suite struct TextFoldingTests {
    @Test(arguments: [
        ("Zoë Lefèvre", "zoe lefevre"),
        ("MÜLLER", "muller"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Søren Kierkegård", "soren kierkegard"),
        ("Łukasz Wałęsa", "lukasz walesa"),
        ("Đorđe Þór", "dorde thor"),
        ("Æsir Œuvre", "aesir oeuvre"),
        ("ΣΩΚΡΑΤΗΣ Σωκράτης", "σωκρατησ σωκρατησ"),
        ("ЁЛКА Йошкар", "елка йошкар"),
        ("Jean-Pierre", "jean pierre"),
        ("Jean – Pierre", "jean pierre"),
        ("O’Brien ʼs", "o'brien 's"),
        ("a,\t  b\n\n c", "a b c"),
        ("e\u{301}cole", "ecole"),
        ("Du\u{200B}pont", "dupont"),
        ("Ａｂｃ", "abc"),
        ("Nguyễn Văn", "nguyen van"),
        ("東京 Tokyo", "東京 tokyo"),
    ])
    func foldsLikeTheRule(input: String, expected: String) {
        #expect(folded(input) == expected)
    }

    @Test func invalidBytesPassThroughUnchanged() {
        let input: [UInt8] = [0x41, 0xFF, 0x42, 0xC3, 0x20, 0xE2, 0x82]
        #expect(TextFolding.fold(input) == [0x61, 0xFF, 0x62, 0xC3, 0x20, 0xE2, 0x82])
    }

    @Test func termFoldingTrimsSpacesAndApostrophes() {
        #expect(TextFolding.foldTerm(Array("  'Orion' ".utf8)) == Array("orion".utf8))
        #expect(TextFolding.foldTerm(Array(" -- ".utf8)).isEmpty)
    }

    @Test func germanSpellingsMeet() {
        let muller = Set(TextFolding.termVariants("Müller"))
        let mueller = Set(TextFolding.termVariants("Mueller"))
        let plainMuller = Set(TextFolding.termVariants("Muller"))
        for text in ["Müller", "Mueller", "Muller", "MUELLER"] {
            let foldedText = TextFolding.fold(text)
            #expect(muller.contains(foldedText), "Müller should meet \(text)")
            #expect(mueller.contains(foldedText), "Mueller should meet \(text)")
        }
        #expect(plainMuller == [Array("muller".utf8)])
        #expect(TextFolding.termVariants("Bauer") == [Array("bauer".utf8)])
        #expect(TextFolding.termVariants("Miguel") == [Array("miguel".utf8)])
        #expect(Set(TextFolding.termVariants("Ju\u{308}rgen")) == [Array("jurgen".utf8), Array("juergen".utf8)])
    }

    @Test func streamingFolderMapsOffsetsBack() {
        let text = Array("Aß é\u{301}x".utf8)
        let folder = TextFolder()
        text.withUnsafeBufferPointer { input in
            // Feed one byte at a time: sequences cut by the end wait for more input.
            var position = 0
            var end = 1
            while position < input.count {
                position = folder.fold(input, from: position, to: end, isFinal: end == input.count)
                end = min(input.count, end + 1)
            }
        }
        #expect(Array(folder.bytes) == Array("ass ex".utf8))
        #expect((0..<folder.count).map { folder.origin($0) } == [0, 1, 1, 3, 4, 8])
    }
}
