import CaviarCore
import CaviarDetection
import CaviarPCRE
import Foundation

/// A binary cache of decoded and validated packs, so that a run does not parse YAML or compile
/// regexes it will not use: start-up is what a clipboard hotkey feels.
///
/// Each entry is keyed by the pack file's path, size and a 64-bit FNV-1a hash of its bytes, and
/// remembers the file's stat stamp (device, inode, size, modification and change times in
/// nanoseconds): a file whose stamp is unchanged is not read at all. Editing a file changes its
/// change time, which no tool can set back, so an edit is always seen; a file whose stamp changed
/// but whose bytes did not (a `touch`) is recognised by the hash. The file carries the cache
/// format and PCRE2 version. Only packs that compiled completely are cached, with each
/// detector's compiled bytecode (`CompiledPattern.serialize`, checksummed), which is decoded on
/// first use instead of compiled. A missing, stale, foreign or damaged cache is
/// ignored and rewritten (0600, temp file + rename).
public struct PackCache {
    public let path: String
    static let magic = Array("CAVPACK7".utf8)

    public init(path: String) { self.path = path }

    /// `$XDG_CACHE_HOME/caviar/packs.bin`, else `~/.cache/caviar/packs.bin`; nil without a home.
    public static var defaultPath: String? {
        if Environment.value("CAVIAR_NO_PACK_CACHE") != nil { return nil }
        if let x = Environment.value("XDG_CACHE_HOME"), !x.isEmpty { return x + "/caviar/packs.bin" }
        if let h = Environment.value("HOME"), !h.isEmpty { return h + "/.cache/caviar/packs.bin" }
        return nil
    }

    struct Entry {
        var file: String
        var size: Int
        var hash: UInt64
        var stamp: FileStamp
        var raw: RawPack
        /// Per detector: what compiling found (pattern sources, trigger, capture counts).
        var prepared: [PreparedDetector]
    }

    /// The cached entries by file. Unless `complete`, what only pack tests and a rewrite of the
    /// cache need is skipped, not decoded: examples, pattern texts before substitution (the
    /// detectors run the prepared sources), fragments and descriptions. They are most of the
    /// cache's strings.
    func read(complete: Bool = true) -> [String: Entry] {
        guard let data = PackCache.readWholeFile(path) else { return [:] }
        var r = BinaryReader(data: data)
        r.skipsRawText = !complete
        guard r.bytes(PackCache.magic.count) == PackCache.magic, r.string() == PCRE2Library.version else { return [:] }
        var out: [String: Entry] = [:]
        let n = r.int()
        guard n >= 0 && n < 10_000 else { return [:] }
        for _ in 0..<n {
            let file = r.string(), size = r.int(), hash = r.uint64(), stamp = r.stamp()
            let raw = r.rawPack()
            let m = r.int()
            guard m >= 0 && m < 100_000 else { return [:] }
            var prepared: [PreparedDetector] = []
            for _ in 0..<m where !r.failed {
                let captures = r.int(), lookbehind = r.int(), sources = r.strings()
                let trigger = r.trigger(depth: 0)
                prepared.append(PreparedDetector(maxCaptureCount: captures, maxLookbehind: lookbehind, sources: sources,
                                                 trigger: trigger, serialized: r.slice()))
            }
            if r.failed { return [:] }
            out[file] = Entry(file: file, size: size, hash: hash, stamp: stamp, raw: raw, prepared: prepared)
        }
        return r.failed ? [:] : out
    }

    /// The file's bytes, read with read(2) straight into the array (Foundation's `Data` and the
    /// copy into an array were a tenth of start-up once the cache held bytecode); nil on error.
    static func readWholeFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size > 0, st.st_size < 1 << 30 else { return nil }
        let size = Int(st.st_size)
        var complete = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var offset = 0
            while offset < size {
                let n = Foundation.read(fd, buffer.baseAddress.map { $0 + offset }, size - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                offset += n
            }
            // Bytes past a short read are never looked at: the array is dropped below.
            initialized = offset
            complete = offset == size
        }
        return complete ? bytes : nil
    }

    func write(_ entries: [Entry]) {
        var w = BinaryWriter()
        w.bytes(PackCache.magic)
        w.string(PCRE2Library.version)
        w.int(entries.count)
        for e in entries {
            w.string(e.file); w.int(e.size); w.uint64(e.hash); w.stamp(e.stamp)
            w.rawPack(e.raw)
            w.int(e.prepared.count)
            for p in e.prepared {
                w.int(p.maxCaptureCount); w.int(p.maxLookbehind); w.strings(p.sources); w.trigger(p.trigger)
                w.slice(p.serialized)
            }
        }
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        var ok = true
        w.out.withUnsafeBytes { p in
            var off = 0
            while off < p.count {
                let k = Foundation.write(fd, p.baseAddress.map { $0 + off }, p.count - off)
                if k <= 0 { ok = false; break }
                off += k
            }
        }
        close(fd)
        if ok { rename(tmp, path) } else { unlink(tmp) }
    }
}

extension PackLibrary {
    /// Loads pack files through the cache: unchanged files come from it (regexes compiled on
    /// first use), changed files are decoded and compiled in full and the cache is rewritten.
    /// - Parameter complete: whether the raw packs must be complete (`PackSelfTest` needs the
    ///   examples); without, packs from the cache carry no examples, pattern texts (the
    ///   prepared sources are there), fragments or descriptions.
    public mutating func load(files: [String], cache: PackCache?, complete: Bool = true) throws {
        guard let cache else {
            for f in files { try load(file: f) }
            return
        }
        var cached = cache.read(complete: complete)
        var stamps: [FileStamp?] = files.map(FileStamp.init(path:))
        var unchanged = cached.count == files.count
            && zip(files, stamps).allSatisfy { file, stamp in stamp != nil && cached[file]?.stamp == stamp }
        if !unchanged && !complete {
            // The cache will be rewritten: its entries must stay complete.
            cached = cache.read(complete: true)
        }
        if unchanged {
            for file in files {
                guard let e = cached[file], e.prepared.count == e.raw.detectors.count else { unchanged = false; break }
                try add(try PackCompiler.compile(e.raw, prepared: e.prepared))
            }
            if unchanged { return }
            // A damaged entry: start again without the cache's help.
            self = PackLibrary()
            cached = [:]
            stamps = files.map(FileStamp.init(path:))
        }
        var entries: [PackCache.Entry] = []
        var changed = cached.count != files.count
        for (file, stamp) in zip(files, stamps) {
            guard let data = FileManager.default.contents(atPath: file), let stamp else {
                throw PackError(file: file, line: nil, message: "cannot read the file")
            }
            let hash = data.withUnsafeBytes(FNV1a.hash)
            if var e = cached[file], e.size == data.count, e.hash == hash, e.prepared.count == e.raw.detectors.count {
                try add(try PackCompiler.compile(e.raw, prepared: e.prepared))
                if e.stamp != stamp { e.stamp = stamp; changed = true }
                entries.append(e)
            } else {
                guard let text = String(data: data, encoding: .utf8) else {
                    throw PackError(file: file, line: nil, message: "the file is not valid UTF-8")
                }
                let raw = try RawPack.decode(yaml: text, file: file)
                let pack = try PackCompiler.compile(raw)
                try add(pack)
                entries.append(PackCache.Entry(file: file, size: data.count, hash: hash, stamp: stamp, raw: raw,
                                               prepared: pack.detectors.map(PreparedDetector.init)))
                changed = true
            }
        }
        if changed { cache.write(entries) }
    }
}

/// What `stat(2)` says about a file that changes when its content may have: device, inode,
/// size, and modification and status-change times to the nanosecond.
struct FileStamp: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var changed: Int64

    init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
        (self.device, self.inode, self.size, self.modified, self.changed) = (device, inode, size, modified, changed)
    }

    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        #if canImport(Darwin)
        let m = st.st_mtimespec, c = st.st_ctimespec
        #else
        let m = st.st_mtim, c = st.st_ctim
        #endif
        self.init(device: UInt64(truncatingIfNeeded: st.st_dev), inode: UInt64(truncatingIfNeeded: st.st_ino), size: Int64(st.st_size),
                  modified: Int64(m.tv_sec) &* 1_000_000_000 &+ Int64(m.tv_nsec),
                  changed: Int64(c.tv_sec) &* 1_000_000_000 &+ Int64(c.tv_nsec))
    }
}

/// Little-endian binary encoding for the cache.
struct BinaryWriter {
    var out: [UInt8] = []
    mutating func bytes(_ b: [UInt8]) { out += b }
    mutating func uint64(_ v: UInt64) { for i in 0..<8 { out.append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) } }
    mutating func int(_ v: Int) { uint64(UInt64(bitPattern: Int64(v))) }
    mutating func optInt(_ v: Int?) { int(v.map { $0 } ?? Int.min) }
    mutating func double(_ v: Double) { uint64(v.bitPattern) }
    mutating func bool(_ v: Bool) { out.append(v ? 1 : 0) }
    mutating func string(_ s: String) { let b = Array(s.utf8); int(b.count); out += b }
    mutating func optString(_ s: String?) { bool(s != nil); if let s { string(s) } }
    mutating func strings(_ a: [String]) { int(a.count); a.forEach { string($0) } }
    mutating func slice(_ b: ArraySlice<UInt8>) { int(b.count); out += b }
    mutating func stamp(_ s: FileStamp) {
        uint64(s.device); uint64(s.inode); int(Int(s.size)); int(Int(s.modified)); int(Int(s.changed))
    }

    /// A parsed trigger, so that start-up does not parse the long keyword lists again.
    mutating func trigger(_ t: Trigger?) {
        guard let t else { out.append(0); return }
        switch t {
        case .literal(let b): out.append(1); int(b.count); out += b
        case .keyword(let b): out.append(2); int(b.count); out += b
        case .wordStart(let inner): out.append(3); trigger(inner)
        case .digits(let n): out.append(4); int(n)
        case .upper(let n): out.append(5); int(n)
        case .contiguousDigits(let n): out.append(8); int(n)
        case .all(let ts): out.append(6); int(ts.count); ts.forEach { trigger($0) }
        case .any(let ts): out.append(7); int(ts.count); ts.forEach { trigger($0) }
        }
    }

    mutating func rawPack(_ p: RawPack) {
        string(p.file); string(p.id); string(p.description); bool(p.isEnabledByDefault)
        int(p.fragments.count)
        for (k, v) in p.fragments.sorted(by: { $0.key < $1.key }) { string(k); string(v) }
        int(p.detectors.count)
        for d in p.detectors { detector(d) }
    }

    mutating func detector(_ d: RawDetector) {
        string(d.id); optInt(d.line); string(d.entity); optString(d.description)
        int(d.patterns.count)
        for p in d.patterns { string(p.text); optInt(p.line) }
        bool(d.isCaseless); int(d.group); optString(d.trigger); optInt(d.lead)
        int(d.validators.count)
        for v in d.validators {
            string(v.name); optInt(v.line)
            int(v.parameters.count)
            for (k, value) in v.parameters.sorted(by: { $0.key < $1.key }) {
                string(k)
                switch value {
                case .scalar(let s): bool(false); string(s)
                case .list(let l): bool(true); strings(l)
                }
            }
        }
        double(d.confidence)
        int(d.contextWords.count)
        for (k, v) in d.contextWords.sorted(by: { $0.key < $1.key }) { string(k); strings(v) }
        int(d.contextBefore); int(d.contextAfter); double(d.contextBoost); bool(d.contextRequired)
        int(d.priority); optString(d.policy); optString(d.operatorName); optInt(d.maxExtent)
        strings(d.allowValues); strings(d.allowRegexes)
        for list in [d.matchExamples, d.noMatchExamples] {
            int(list.count)
            for e in list { string(e.text); optInt(e.line) }
        }
    }
}

struct BinaryReader {
    let data: [UInt8]
    var i = 0
    var failed = false
    /// Skip what run time does not need (see `PackCache.read(complete:)`): it comes out empty.
    var skipsRawText = false

    init(data: [UInt8]) { self.data = data }

    mutating func bytes(_ n: Int) -> [UInt8] {
        guard n >= 0, i + n <= data.count else { failed = true; return [] }
        defer { i += n }
        return Array(data[i..<(i + n)])
    }
    mutating func uint64() -> UInt64 {
        guard i + 8 <= data.count else { failed = true; return 0 }
        let v = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: i, as: UInt64.self)) }
        i += 8
        return v
    }
    mutating func int() -> Int { Int(Int64(bitPattern: uint64())) }
    mutating func optInt() -> Int? { let v = int(); return v == Int.min ? nil : v }
    mutating func double() -> Double { Double(bitPattern: uint64()) }
    mutating func bool() -> Bool { guard i < data.count else { failed = true; return false }; i += 1; return data[i - 1] != 0 }
    mutating func string() -> String {
        String(decoding: data[run(limit: 1 << 24)], as: UTF8.self)
    }
    mutating func optString() -> String? { bool() ? string() : nil }
    mutating func count() -> Int { let n = int(); if n < 0 || n > 1 << 20 { failed = true; return 0 }; return n }
    mutating func strings() -> [String] { (0..<count()).map { _ in string() } }
    mutating func stamp() -> FileStamp {
        FileStamp(device: uint64(), inode: uint64(), size: Int64(int()), modified: Int64(int()), changed: Int64(int()))
    }
    /// A length-prefixed run of bytes, sharing the cache buffer (no copy).
    mutating func slice() -> ArraySlice<UInt8> { data[run(limit: 1 << 28)] }
    /// Moves past a string without decoding it.
    mutating func skipString() { _ = run(limit: 1 << 24) }
    /// Reads a length (below `limit`) and steps over that many bytes; their range, or an empty
    /// one (and `failed`) when the length is bad.
    private mutating func run(limit: Int) -> Range<Int> {
        let n = int()
        guard n >= 0, n < limit, i + n <= data.count else { failed = true; return i..<i }
        defer { i += n }
        return i..<(i + n)
    }

    mutating func trigger(depth: Int) -> Trigger? {
        guard depth < 16, i < data.count else { failed = true; return nil }
        let tag = data[i]
        i += 1
        switch tag {
        case 0: return nil
        case 1, 2:
            let n = count()
            guard i + n <= data.count else { failed = true; return nil }
            defer { i += n }
            let b = Array(data[i..<(i + n)])
            return tag == 1 ? .literal(b) : .keyword(b)
        case 3: return trigger(depth: depth + 1).map { .wordStart($0) }
        case 4: return .digits(int())
        case 5: return .upper(int())
        case 8: return .contiguousDigits(int())
        case 6, 7:
            var ts: [Trigger] = []
            for _ in 0..<count() where !failed {
                guard let t = trigger(depth: depth + 1) else { failed = true; return nil }
                ts.append(t)
            }
            return tag == 6 ? .all(ts) : .any(ts)
        default:
            failed = true
            return nil
        }
    }

    /// A string that run time does not need: empty when `skipsRawText`.
    mutating func rawText() -> String {
        if skipsRawText { skipString(); return "" }
        return string()
    }
    mutating func optRawText() -> String? { bool() ? rawText() : nil }

    mutating func rawPack() -> RawPack {
        let file = string(), id = string(), description = rawText(), enabled = bool()
        var fragments: [String: String] = [:]
        for _ in 0..<count() {
            let k = rawText(), v = rawText()
            if !skipsRawText { fragments[k] = v }
        }
        var detectors: [RawDetector] = []
        for _ in 0..<count() where !failed { detectors.append(detector()) }
        return RawPack(file: file, id: id, description: description, isEnabledByDefault: enabled, fragments: fragments, detectors: detectors)
    }

    mutating func detector() -> RawDetector {
        let id = string(), line = optInt(), entity = string(), description = optRawText()
        var patterns: [(text: String, line: Int?)] = []
        for _ in 0..<count() { let t = rawText(); patterns.append((t, optInt())) }
        let caseless = bool(), group = int(), trigger = optRawText(), lead = optInt()
        var validators: [RawValidator] = []
        for _ in 0..<count() {
            let name = string(), vline = optInt()
            var params: [String: ValidatorParameterValue] = [:]
            for _ in 0..<count() {
                let k = string()
                params[k] = bool() ? .list(strings()) : .scalar(string())
            }
            validators.append(RawValidator(name: name, parameters: params, line: vline))
        }
        let confidence = double()
        var words: [String: [String]] = [:]
        for _ in 0..<count() { let k = string(); words[k] = strings() }
        let before = int(), after = int(), boost = double(), required = bool()
        let priority = int(), policy = optString(), op = optString(), extent = optInt()
        let allowValues = strings(), allowRegexes = strings()
        var examples: [[RawExample]] = []
        for _ in 0..<2 {
            var list: [RawExample] = []
            for _ in 0..<count() where !failed {
                if skipsRawText { skipString(); _ = optInt(); continue }
                let t = string()
                list.append(RawExample(text: t, line: optInt()))
            }
            examples.append(list)
        }
        return RawDetector(id: id, line: line, entity: entity, description: description, patterns: patterns, isCaseless: caseless,
                           group: group, trigger: trigger, lead: lead, validators: validators, confidence: confidence,
                           contextWords: words, contextBefore: before, contextAfter: after, contextBoost: boost,
                           contextRequired: required, priority: priority, policy: policy, operatorName: op, maxExtent: extent,
                           allowValues: allowValues, allowRegexes: allowRegexes, matchExamples: examples[0],
                           noMatchExamples: examples.count > 1 ? examples[1] : [])
    }
}
