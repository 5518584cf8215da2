import ArgumentParser
import CaviarCore
import CaviarDetection
import CaviarRedaction
import CaviarStreaming
import Foundation

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "List what would be redacted, with positions; values are masked.",
        discussion: """
        Prints one finding per line: line:column, entity, detector, confidence, masked value. \
        --json prints JSON lines with entity, detector, offset (bytes), length, line, column, \
        confidence, policy and the masked value.

        EXAMPLES
          caviar scan notes.txt
          caviar scan --json < ticket.txt | jq .entity
          caviar scan --show-values --only IBAN statement.txt
        """)

    @OptionGroup var engine: EngineOptions

    @Flag(name: .long, help: "Print JSON lines instead of a table.")
    var json = false

    @Flag(name: .long, help: "Show values in clear (they are masked like ****1234 by default).")
    var showValues = false

    @Argument(help: "Files to scan; '-' or none for stdin.")
    var files: [String] = []

    func run() throws {
        _ = try ScanRun.scan(engine: engine, files: files, json: json, showValues: showValues, quiet: false)
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Exit 0 when nothing would be redacted, 1 otherwise (for hooks).",
        discussion: """
        Prints a summary on stderr (entity, line, column; never values). Exit 3 when a blocking \
        marking is found.

        EXAMPLES
          caviar check draft.txt || echo "draft contains personal data"
          git diff --cached | caviar check --only SECRET
        """)

    @OptionGroup var engine: EngineOptions

    @Argument(help: "Files to check; '-' or none for stdin.")
    var files: [String] = []

    func run() throws {
        let count = try ScanRun.scan(engine: engine, files: files, json: false, showValues: false, quiet: true)
        if count > 0 {
            Diagnostics.note("\(count) finding(s) would be redacted")
            throw ExitCode(CaviarExit.findings.rawValue)
        }
    }
}

enum ScanRun {
    /// Scans, printing findings (or a stderr summary when `quiet`); returns the number of findings that would be redacted.
    static func scan(engine options: EngineOptions, files: [String], json: Bool, showValues: Bool, quiet: Bool) throws -> Int {
        let config = try options.loadConfig()
        let engine = try options.makeEngine(config: config)
        let redactor = try options.makeRedactor(config: config)
        let printer = FindingPrinter(json: json, showValues: showValues, quiet: quiet)
        try InputFiles.each(files) { fd, name in
            printer.source = name
            let driver = StreamRedactor(engine: engine, redactor: redactor, sink: nil)
            driver.findings = printer
            try driver.run(fd: fd)
            try printer.flush()
        }
        return printer.redactCount
    }
}

/// Renders findings as a table or JSON lines.
final class FindingPrinter: FindingSink {
    let json: Bool
    let showValues: Bool
    let quiet: Bool
    var source = ""
    var pending = ""
    var redactCount = 0

    init(json: Bool, showValues: Bool, quiet: Bool) {
        self.json = json
        self.showValues = showValues
        self.quiet = quiet
    }

    static func mask(_ value: [UInt8]) -> String {
        let s = String(decoding: value, as: UTF8.self)
        let chars = Array(s)
        if chars.count >= 10 { return "****" + String(chars.suffix(4)) }
        return String(repeating: "*", count: max(chars.count, 4))
    }

    func found(_ finding: Finding, value: [UInt8], policy: DetectorPolicy, line: Int, column: Int) {
        if policy == .redact || policy == .block { redactCount += 1 }
        let shown = showValues ? String(decoding: value, as: UTF8.self) : FindingPrinter.mask(value)
        if quiet {
            if policy == .redact || policy == .block {
                Diagnostics.note("\(source):\(line):\(column): \(finding.entity.name) (\(finding.detectorID))")
            }
            return
        }
        if json {
            let object: [String: Any] = [
                "source": source, "entity": finding.entity.name, "detector": finding.detectorID,
                "offset": finding.span.lowerBound, "length": finding.span.count, "line": line, "column": column,
                "confidence": (finding.confidence * 100).rounded() / 100, "policy": policy.rawValue, "value": shown,
            ]
            if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
                pending += String(decoding: data, as: UTF8.self) + "\n"
            }
        } else {
            let conf = String(format: "%.2f", finding.confidence)
            pending += "\(source):\(line):\(column)\t\(finding.entity.name)\t\(finding.detectorID)\t\(conf)\t\(policy.rawValue)\t\(shown)\n"
        }
        if pending.utf8.count > 1 << 16 { try? flush() }
    }

    func flush() throws {
        if !pending.isEmpty { try StandardOutput.write(pending); pending = "" }
    }
}
