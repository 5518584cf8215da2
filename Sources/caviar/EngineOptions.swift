import ArgumentParser
import CaviarCore
import CaviarDetection
import CaviarPacks
import CaviarRedaction
import Foundation

/// Options shared by every command that detects: config, packs, entity filters, threshold.
struct EngineOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Config file (default: $XDG_CONFIG_HOME/caviar/config.yaml when it exists).", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Add a pack directory or pack file (repeatable).", valueName: "DIR|FILE"))
    var packs: [String] = []

    @Flag(name: .long, help: "Do not load the shipped packs (only --packs and config pack_dirs).")
    var noDefaultPacks = false

    @Option(name: .long, help: ArgumentHelp("Only these entity types, comma-separated (e.g. EMAIL,IBAN).", valueName: "ENTITY,..."))
    var only: String?

    @Option(name: .long, help: ArgumentHelp("All but these entity types, comma-separated.", valueName: "ENTITY,..."))
    var except: String?

    @Option(name: .long, help: ArgumentHelp("Redact detections at or above this confidence (0-1, default 0.5).", valueName: "X"))
    var minConfidence: Double?

    @Flag(name: .long, help: "Detect person names without a list (bundled EU first names + cues); also `names: {enabled: true}` in the config.")
    var names = false

    @Option(name: .long, help: ArgumentHelp("Add a dictionary for this run: a term list or a compiled .dict file (repeatable). See `caviar dict build`.", valueName: "FILE"))
    var dict: [String] = []

    func validate() throws {
        if let m = minConfidence, !(0...1).contains(m) { throw ValidationError("--min-confidence must be between 0 and 1") }
    }

    /// The parsed options as plain values, which is what the commands work with.
    var settings: EngineSettings {
        EngineSettings(config: config, packs: packs, noDefaultPacks: noDefaultPacks, only: only, except: except,
                       minConfidence: minConfidence, names: names, dict: dict)
    }

    func loadConfig() throws -> CaviarConfig { try settings.loadConfig() }
    func makeEngine(config: CaviarConfig) throws -> DetectionEngine { try settings.makeEngine(config: config) }
    func makeRedactor(config: CaviarConfig, book: any PlaceholderBook = InMemoryPlaceholderBook()) throws -> Redactor {
        try settings.makeRedactor(config: config, book: book)
    }
}

/// What `EngineOptions` holds, without the command-line parser: `caviar` run without arguments
/// (a pipe, a hotkey) starts from the defaults here and never reflects over the option types,
/// which was a tenth of its start-up.
struct EngineSettings {
    var config: String?
    var packs: [String] = []
    var noDefaultPacks = false
    var only: String?
    var except: String?
    var minConfidence: Double?
    var names = false
    var dict: [String] = []

    /// The config: `--config`, else the default path when it exists, else empty.
    func loadConfig() throws -> CaviarConfig {
        if let config { return try CaviarConfig.load(file: config) }
        let path = CaviarConfig.defaultPath
        if FileManager.default.fileExists(atPath: path) { return try CaviarConfig.load(file: path) }
        return CaviarConfig()
    }

    /// Loads every pack that applies; complete raw packs (examples) only when `complete` (pack tests).
    func loadLibrary(config: CaviarConfig, complete: Bool = false) throws -> PackLibrary {
        var library = PackLibrary()
        if !noDefaultPacks {
            guard let dir = PackLibrary.bundledDirectory() else {
                throw CaviarFailure("cannot find the shipped patterns directory; set CAVIAR_PATTERNS=/path/to/patterns or use --no-default-packs --packs DIR", code: .usage)
            }
            try library.load(directory: dir, cache: PackCache.defaultPath.map(PackCache.init), complete: complete)
        }
        for dir in config.packDirectories + packs {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else {
                throw PackError(file: dir, line: nil, message: "no such pack file or directory")
            }
            if isDir.boolValue { try library.load(directory: dir) } else { try library.load(file: dir) }
        }
        return library
    }

    static func entityList(_ text: String?) -> Set<String>? {
        guard let text else { return nil }
        return Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty })
    }

    /// The detection engine for this run.
    func makeEngine(config: CaviarConfig) throws -> DetectionEngine {
        let library = try loadLibrary(config: config)
        var detectors = library.detectors(enable: config.enablePacks, disable: config.disablePacks)
        if let only = EngineSettings.entityList(only) { detectors = detectors.filter { only.contains($0.entity.name) } }
        if let except = EngineSettings.entityList(except) { detectors = detectors.filter { !except.contains($0.entity.name) } }
        for d in detectors {
            if let p = config.policies[d.id] ?? config.policies[d.entity.name], let policy = DetectorPolicy(rawValue: p) {
                d.policy = policy
            }
        }
        let allow: AllowList?
        do {
            let a = try AllowList(values: config.allowValues, regexes: config.allowRegexes)
            allow = a.isEmpty ? nil : a
        } catch {
            throw PackError(file: config.file ?? "config", line: nil, message: "invalid allow regex: \(error)")
        }
        let engine = try DetectionEngine(detectors: detectors, minConfidence: minConfidence ?? config.minConfidence ?? Confidence.defaultThreshold,
                                         globalAllow: allow)
        // Person names: bundled first names and cues (patterns/names), configured by `names:`.
        let wantsNames = EngineSettings.entityList(only).map { $0.contains("PERSON") } ?? true
            && !(EngineSettings.entityList(except)?.contains("PERSON") ?? false)
        if wantsNames, !noDefaultPacks, let dir = PackLibrary.bundledDirectory() {
            let names: PersonNameDetector.Configuration
            do { names = try PersonNameDetector.Configuration(settings: config.sections["names"] ?? [:]) } catch {
                throw CaviarFailure("\(config.file ?? "config"): names: \(error)", code: .usage)
            }
            // Off unless asked for: name heuristics change far more of a text than the
            // pattern packs, so a user opts in (flag or config) until their recall and
            // precision meet the targets (README, "Measured").
            let asked = self.names || (config.sections["names"]?["enabled"] != nil && names.enabled)
            if asked {
                do { engine.addTextDetector(try PersonNameDetector.makeDefault(patternsDirectory: dir, configuration: names)) } catch {
                    throw CaviarFailure("person names (\(dir)/names): \(error)", code: .usage)
                }
            }
        }
        for path in config.dictionaries + dict {
            do {
                let detector = try DictionaryDetector.open(path: path)
                detector.warnings.forEach { Diagnostics.warning($0.description) }
                if let only = EngineSettings.entityList(only), !detector.entities.contains(where: { only.contains($0.name) }) { continue }
                engine.addTextDetector(detector)
            } catch {
                throw CaviarFailure("dictionary \(path): \(error)", code: .usage)
            }
        }
        return engine
    }

    /// Operators from the config.
    func makeRedactor(config: CaviarConfig, book: any PlaceholderBook = InMemoryPlaceholderBook()) throws -> Redactor {
        var key: [UInt8]?
        if let file = config.hashKeyFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CaviarFailure("cannot read hash_key_file \(file)", code: .usage)
            }
            key = Array(data)
        }
        let redactor = Redactor(book: book)
        for (name, setting) in config.operators {
            let op: RedactionOperator
            do {
                op = try RedactionOperator.named(setting.name, maskCharacter: setting.maskCharacter, keepLast: setting.keepLast, hashKey: key)
            } catch let e as OperatorError {
                throw PackError(file: config.file ?? "config", line: nil, message: "operators.\(name): \(e.message)")
            }
            if name == "default" { redactor.defaultOperator = op } else { redactor.entityOperators[EntityType(name)] = op }
        }
        return redactor
    }
}
