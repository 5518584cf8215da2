import CaviarCore
import CaviarDetection
import Foundation

/// Finds, decodes and compiles packs from directories. Detector ids must be unique across all
/// loaded packs.
public struct PackLibrary {
    public private(set) var packs: [CompiledPack] = []
    /// Every detector id of `packs` (rebuilding it per pack added was quadratic).
    private var detectorIDs: Set<String> = []

    public init() {}

    /// The shipped `patterns/` directory: `$CAVIAR_PATTERNS`, else `share/caviar/patterns` next to
    /// the executable's prefix, else a `patterns/` directory beside a `Package.swift` above the
    /// executable (a development build).
    public static func bundledDirectory(executablePath: String = CommandLine.arguments.first ?? "") -> String? {
        if let env = Environment.value("CAVIAR_PATTERNS"), !env.isEmpty { return env }
        var exe = executablePath
        if !executablePath.contains("/"), let path = Environment.value("PATH") {
            for dir in path.split(separator: ":") where access(dir + "/" + executablePath, X_OK) == 0 {
                exe = dir + "/" + executablePath
                break
            }
        }
        // realpath(3): absolute, symbolic links resolved (Foundation's URL resolution of the same
        // was a thirtieth of start-up).
        var absolute = exe
        if let resolved = realpath(exe, nil) {
            absolute = String(cString: resolved)
            free(resolved)
        } else if !exe.hasPrefix("/"), let cwd = getcwd(nil, 0) {
            absolute = String(cString: cwd) + "/" + exe
            free(cwd)
        }
        var dir = PackLibrary.parent(absolute)
        let share = PackLibrary.parent(dir) + "/share/caviar/patterns"
        if access(share, F_OK) == 0 { return share }
        for _ in 0..<6 {
            if access(dir + "/Package.swift", F_OK) == 0 && access(dir + "/patterns", F_OK) == 0 { return dir + "/patterns" }
            if dir == "/" || dir.isEmpty { break }
            dir = PackLibrary.parent(dir)
        }
        return nil
    }

    /// The directory part of an absolute path ("/" for "/x").
    static func parent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        let head = String(path[..<slash])
        return head.isEmpty ? "/" : head
    }

    /// The `.yaml`/`.yml` files directly inside `directory`, sorted by name.
    public static func packFiles(in directory: String) throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw PackError(file: directory, line: nil, message: "cannot read pack directory: \(error.localizedDescription)")
        }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { directory + "/" + $0 }
    }

    /// Stage one for a file.
    public static func decode(file: String) throws -> RawPack {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PackError(file: file, line: nil, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PackError(file: file, line: nil, message: "the file is not valid UTF-8")
        }
        return try RawPack.decode(yaml: text, file: file)
    }

    /// Loads and compiles one pack file and adds it.
    public mutating func load(file: String) throws {
        try add(try PackCompiler.compile(try PackLibrary.decode(file: file)))
    }

    /// Adds a compiled pack; pack and detector ids must be new.
    public mutating func add(_ pack: CompiledPack) throws {
        let file = pack.raw.file
        if let other = packs.first(where: { $0.id == pack.id }) {
            throw PackError(file: file, line: nil, message: "pack id '\(pack.id)' is already used by \(other.raw.file)")
        }
        var ids = detectorIDs
        for d in pack.detectors where !ids.insert(d.id).inserted {
            throw PackError(file: file, line: nil, detectorID: d.id, message: "detector id is already defined by another pack")
        }
        detectorIDs = ids
        packs.append(pack)
    }

    /// Loads every pack file in `directory` (through `cache` when given; see `load(files:cache:complete:)`).
    public mutating func load(directory: String, cache: PackCache? = nil, complete: Bool = true) throws {
        try load(files: try PackLibrary.packFiles(in: directory), cache: cache, complete: complete)
    }

    /// All detectors of the packs that are enabled: by default those with `enabled: true`,
    /// changed by `enable`/`disable` lists of pack ids.
    public func detectors(enable: Set<String> = [], disable: Set<String> = []) -> [RegexDetector] {
        packs.filter { ($0.raw.isEnabledByDefault || enable.contains($0.id)) && !disable.contains($0.id) }.flatMap(\.detectors)
    }
}
