import CaviarPacks
import XCTest

final class ImportTests: XCTestCase {
    let gitleaks = """
    title = "test config"
    [[rules]]
    id = "acme-api-key"
    description = "ACME API key"
    regex = '''acme_[a-z0-9]{32}'''
    keywords = ["acme_"]
    [[rules]]
    id = "generic-secret"
    regex = '''(?i)secret\\s*=\\s*([A-Za-z0-9]{20,})'''
    secretGroup = 1
    entropy = 3.5
    keywords = ["secret"]
    [rules.allowlist]
    stopwords = ["example"]
    [[rules]]
    id = "pem-path"
    path = '''\\.pem$'''
    """

    func testGitleaksRulesBecomeACompilingPack() throws {
        let result = try GitleaksImport.convert(toml: gitleaks, packID: "gl")
        XCTAssertEqual(result.converted, 2)
        let pack = try PackCompiler.compile(try RawPack.decode(yaml: result.packYAML, file: "gl.yaml"))
        XCTAssertEqual(pack.detectors.map(\.id), ["gl.acme_api_key", "gl.generic_secret"])
        XCTAssertEqual(pack.detectors[1].group, 1)
        XCTAssertEqual(pack.detectors[1].validators.map(\.name), ["shannon_entropy"])
        XCTAssertEqual(pack.detectors[0].trigger?.description, "ilit:acme_")
        XCTAssertTrue(result.notes.contains { $0.contains("pem-path") && $0.contains("path") }, "\(result.notes)")
    }

    func testPresidioRecognizersBecomeACompilingPack() throws {
        let yaml = """
        recognizers:
          - name: Zip code recognizer
            supported_language: de
            supported_entity: ZIP
            patterns:
              - name: zip
                regex: "\\\\b\\\\d{5}\\\\b"
                score: 0.3
            context: [PLZ, Postleitzahl]
          - name: Titles
            supported_entity: TITLE
            deny_list: [Herr, Frau]
        """
        let result = try PresidioImport.convert(yaml: yaml, file: "p.yaml", packID: "pr")
        XCTAssertEqual(result.converted, 2)
        let pack = try PackCompiler.compile(try RawPack.decode(yaml: result.packYAML, file: "pr.yaml"))
        XCTAssertEqual(pack.detectors.map(\.entity.name), ["ZIP", "TITLE"])
        XCTAssertNotNil(pack.detectors[0].context)
        XCTAssertEqual(pack.detectors[0].confidence, 0.3, accuracy: 0.001)
    }

    func testBrokenTOMLNamesTheLine() {
        XCTAssertThrowsError(try GitleaksImport.convert(toml: "[[rules]]\nid = \"x\nregex = 'a'\n")) { e in
            XCTAssertEqual((e as? GitleaksImport.TOMLError)?.line, 2)
        }
    }
}
