import ArgumentParser
import CaviarCore
import CaviarDetection
import CaviarPacks
import Foundation

struct PatternsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "List detectors and run the packs' own examples.",
        subcommands: [ListPatterns.self, TestPatterns.self])
}

struct ListPatterns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every detector: pack, id, entity, trigger (or 'ungated'), validators, policy.",
        discussion: "EXAMPLES\n  caviar patterns list\n  caviar patterns list --packs ~/my-packs")

    @OptionGroup var engine: EngineOptions

    func run() throws {
        let config = try engine.loadConfig()
        let library = try engine.loadLibrary(config: config)
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
            packs = try engine.loadLibrary(config: try engine.loadConfig()).packs
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
