import ArgumentParser
import CaviarCore
import CaviarDetection
import CaviarPacks
import Foundation

struct PatternsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "List detectors and run the packs' own examples.",
        subcommands: [ListPatterns.self, TestPatterns.self, ImportPatterns.self])
}

struct ListPatterns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every detector: pack, id, entity, trigger (or 'ungated'), validators, policy.",
        discussion: "EXAMPLES\n  caviar patterns list\n  caviar patterns list --packs ~/my-packs")

    @OptionGroup var engine: EngineOptions

    func run() throws {
        let config = try engine.loadConfig()
        // Complete: every detector's body is read and checked now, so a damaged pack cache is
        // rewritten here rather than listed with empty columns.
        let library = try engine.settings.loadLibrary(config: config, complete: true)
        var out = "pack\tdetector\tentity\ttrigger\tvalidators\tpolicy\tenabled\n"
        for pack in library.packs {
            let enabled = (pack.raw.isEnabledByDefault || config.enablePacks.contains(pack.id)) && !config.disablePacks.contains(pack.id)
            for d in pack.detectors {
                let trigger = d.trigger.map(\.description) ?? "ungated"
                let validators = d.validators.map(\.name).joined(separator: ",")
                out += "\(pack.id)\t\(d.id)\t\(d.entity.name)\t\(trigger)\t\(validators.isEmpty ? "-" : validators)\t\(d.policy.rawValue)\t\(enabled ? "yes" : "no")\n"
            }
        }
        try StandardOutput.write(out)
    }
}

struct TestPatterns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the match and no_match examples of packs (all loaded packs, or the given files).",
        discussion: """
        A match example passes when every ⟦marked⟧ span is found exactly by its detector; a \
        no_match example passes when its detector finds nothing. Exit 1 when any example fails.

        EXAMPLES
          caviar patterns test
          caviar patterns test patterns/eu-be.yaml ~/my-packs/acme.yaml
        """)

    @OptionGroup var engine: EngineOptions

    @Argument(help: "Pack files to test (default: every loaded pack).")
    var files: [String] = []

    func run() throws {
        var packs: [CompiledPack] = []
        if files.isEmpty {
            packs = try engine.settings.loadLibrary(config: try engine.loadConfig(), complete: true).packs
        } else {
            for f in files { packs.append(try PackCompiler.compile(try PackLibrary.decode(file: f))) }
        }
        var total = 0, failed = 0, detectors = 0
        var out = ""
        for pack in packs {
            let report = try PackSelfTest.run(pack)
            total += report.examples
            failed += report.failures.count
            detectors += pack.detectors.count
            for f in report.failures { out += "FAIL \(f.description)\n" }
            for d in report.detectorsWithoutExamples { out += "FAIL \(pack.raw.file): detector \(d): needs at least one match and one no_match example\n"; failed += 1 }
        }
        out += "\(packs.count) packs, \(detectors) detectors, \(total) examples, \(failed) failures\n"
        try StandardOutput.write(out)
        if failed > 0 { throw ExitCode(1) }
    }
}

struct ImportPatterns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert gitleaks (TOML) or Presidio (YAML) rules into a caviar pack.",
        discussion: """
        Regexes, keywords (as triggers), secret groups, entropy thresholds, allow-lists, \
        stopwords, context words and deny-lists are converted; what cannot be converted is listed \
        on stderr. The pack is compiled before it is written, so a rule PCRE2 rejects is reported \
        with its line. Add examples, then run `caviar patterns test` on it.

        EXAMPLES
          caviar patterns import --gitleaks gitleaks.toml -o ~/.config/caviar/packs/gitleaks.yaml
          caviar patterns import --presidio recognizers.yaml -o packs/presidio.yaml
        """)

    @Option(name: .long, help: ArgumentHelp("A gitleaks config (TOML).", valueName: "FILE"))
    var gitleaks: String?

    @Option(name: .long, help: ArgumentHelp("Presidio ad-hoc recognizers (YAML).", valueName: "FILE"))
    var presidio: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Where to write the pack (default: stdout).", valueName: "FILE"))
    var output: String?

    @Option(name: .long, help: "Pack id of the result.")
    var pack: String?

    func validate() throws {
        if (gitleaks == nil) == (presidio == nil) { throw ValidationError("give exactly one of --gitleaks FILE or --presidio FILE") }
    }

    func run() throws {
        let source = gitleaks ?? presidio ?? ""
        guard let data = FileManager.default.contents(atPath: source), let text = String(data: data, encoding: .utf8) else {
            throw CaviarFailure("cannot read \(source) as UTF-8 text", code: .usage)
        }
        let result: ImportResult
        if gitleaks != nil {
            do { result = try GitleaksImport.convert(toml: text, packID: pack ?? "imported-gitleaks") } catch let e as GitleaksImport.TOMLError {
                throw CaviarFailure("\(source):\(e.line): \(e.message)", code: .usage)
            }
        } else {
            result = try PresidioImport.convert(yaml: text, file: source, packID: pack ?? "imported-presidio")
        }
        let target = output ?? "<stdout>"
        _ = try PackCompiler.compile(try RawPack.decode(yaml: result.packYAML, file: target))
        for note in result.notes { Diagnostics.note("import: \(note)") }
        Diagnostics.note("import: \(result.converted) rule(s) converted")
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(result.packYAML.utf8)) else {
                throw CaviarFailure("cannot write \(output)")
            }
        } else {
            try StandardOutput.write(result.packYAML)
        }
    }
}
