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
/// format and PCRE2 version. Only packs that compiled completely are cached.
///
/// Layout: a header section (checksummed) with, per detector, what the engine needs to gate and
/// run it (id, entity, trigger, lead, counts), then blobs: per detector its complete raw form
/// with its final pattern sources (checksummed), and its PCRE2 bytecode
/// (`CompiledPattern.serialize`, which carries its own checksum). A run reads the header alone;
/// a detector reads its blobs with pread(2) when it first runs or first matches. A missing,
/// stale, foreign or damaged cache is ignored and rewritten (0600, temp file + rename, so a file
/// in use is never changed under a reader).
public struct PackCache {
    public let path: String
    static let magic = Array("CAVPACK19".utf8)

    public init(path: String) { self.path = path }

    /// `$XDG_CACHE_HOME/caviar/packs.bin`, else `~/.cache/caviar/packs.bin`; nil without a home.
    public static var defaultPath: String? {
        if Environment.value("CAVIAR_NO_PACK_CACHE") != nil { return nil }
        if let x = Environment.value("XDG_CACHE_HOME"), !x.isEmpty { return x + "/caviar/packs.bin" }
        if let h = Environment.value("HOME"), !h.isEmpty { return h + "/.cache/caviar/packs.bin" }
        return nil
    }

    /// A pack in complete form: what a rewrite of the cache and the pack tests need.
    struct Entry {
        var file: String
        var size: Int
        var hash: UInt64
        var stamp: FileStamp
        var raw: RawPack
        /// Per detector: what compiling found (pattern sources, trigger, capture counts).
        var prepared: [PreparedDetector]
    }

    /// Where a blob lies: offset from the start of the blob area, length, and (for detector
    /// bodies) the FNV-1a checksum of its bytes.
    struct BlobRef {
        var offset: Int
        var length: Int
        var checksum: UInt64
    }

    /// One detector as the header section describes it.
    struct HeaderDetector {
        var id: String
        var entity: String
        var line: Int?
        var group: Int
        var lead: Int?
        var leadCharacters: Int?
        var maxExtent: Int?
        var priority: Int
        var policy: String?
        var maxCaptureCount: Int
        var maxLookbehind: Int
        var patternCount: Int
        var sourceBytes: Int
        var trigger: Trigger?
        var patternTriggers: [Trigger]?
        var body: BlobRef
        var bytecode: BlobRef
    }

    struct HeaderEntry {
        var file: String
        var size: Int
        var hash: UInt64
        var stamp: FileStamp
        var packID: String
        var enabled: Bool
        var pack: BlobRef
        var detectors: [HeaderDetector]
    }

    /// The open cache file: its header section decoded, blobs read on demand.
    final class OpenFile {
        let fd: Int32
        /// File offset of the blob area.
        let blobBase: Int
        let entries: [HeaderEntry]

        init?(path: String) {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            self.fd = fd
            // Magic, PCRE2 version, header length and checksum: the first read takes them and the
            // whole header section of the shipped packs (74 KB).
            var st = stat()
            guard fstat(fd, &st) == 0, st.st_size > 0, st.st_size < 1 << 30,
                  let first = OpenFile.pread(fd, offset: 0, length: min(Int(st.st_size), 1 << 17)) else {
                close(fd)
                return nil
            }
            var prefix = first
            var r = BinaryReader(bytes: prefix)
            guard r.bytes(PackCache.magic.count) == PackCache.magic, r.string() == PCRE2Library.version else { close(fd); return nil }
            let length = r.int(), checksum = r.uint64()
            let start = r.i
            guard !r.failed, length > 0, start + length <= Int(st.st_size) else { close(fd); return nil }
            if start + length > prefix.count {
                guard let all = OpenFile.pread(fd, offset: 0, length: start + length) else { close(fd); return nil }
                prefix = all
            }
            prefix.removeLast(prefix.count - (start + length))
            guard prefix[start...].withUnsafeBytes(FNV1a.hash) == checksum else { close(fd); return nil }
            var h = BinaryReader(bytes: prefix)
            h.i = start
            let entries = h.headerEntries()
            guard !h.failed, h.atEnd else { close(fd); return nil }
            self.entries = entries
            self.blobBase = start + length
        }

        deinit { close(fd) }

        /// Exactly `length` bytes at `offset`, or nil.
        static func pread(_ fd: Int32, offset: Int, length: Int) -> [UInt8]? {
            guard length >= 0 else { return nil }
            var complete = false
            let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
                var done = 0
                while done < length {
                    let n = Foundation.pread(fd, buffer.baseAddress.map { $0 + done }, length - done, off_t(offset + done))
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    done += n
                }
                // Bytes past a short read are never looked at: the array is dropped below.
                initialized = done
                complete = done == length
            }
            return complete ? bytes : nil
        }

        func blob(_ ref: BlobRef) -> [UInt8]? {
            OpenFile.pread(fd, offset: blobBase + ref.offset, length: ref.length)
        }

        /// A detector's complete raw form and final sources, checked against its checksum.
        func body(_ ref: BlobRef, skipsRawText: Bool) -> (raw: RawDetector, sources: [String])? {
            guard let bytes = blob(ref), bytes.withUnsafeBytes(FNV1a.hash) == ref.checksum else { return nil }
            var r = BinaryReader(bytes: bytes)
            r.skipsRawText = skipsRawText
            let raw = r.detector(), sources = r.strings()
            return r.failed || !r.atEnd ? nil : (raw, sources)
        }

        func bytecode(_ ref: BlobRef) -> ArraySlice<UInt8>? {
            guard ref.length > 0, let bytes = blob(ref) else { return nil }
            return bytes[...]
        }
    }

    /// The packs of `files`, in order, for a run: detectors decode their bodies and bytecode on
    /// first use. Nil unless the cache holds exactly these files with these stamps.
    func runtimePacks(files: [String], stamps: [FileStamp?]) -> [CompiledPack]? {
        guard let cache = OpenFile(path: path), cache.entries.count == files.count else { return nil }
        var packs: [CompiledPack] = []
        packs.reserveCapacity(files.count)
        for (i, e) in cache.entries.enumerated() {
            guard e.file == files[i], let stamp = stamps[i], e.stamp == stamp else { return nil }
            var detectors: [RegexDetector] = []
            detectors.reserveCapacity(e.detectors.count)
            for h in e.detectors {
                guard let policy = h.policy.map(DetectorPolicy.init(rawValue:)) ?? .redact else { return nil }
                let file = e.file, body = h.body, bytecode = h.bytecode
                let storage = DetectorStorage(
                    body: {
                        guard let (raw, sources) = cache.body(body, skipsRawText: true) else {
                            throw PackCacheDamage(path: self.path)
                        }
                        return try PackCompiler.makeBody(raw, sources: sources, file: file, deferCompile: true)
                    },
                    bytecode: { cache.bytecode(bytecode) })
                let detector = RegexDetector(
                    storage: storage, patternCount: h.patternCount, sourceBytes: h.sourceBytes, maxCaptureCount: h.maxCaptureCount,
                    maxLookbehind: h.maxLookbehind, id: h.id, entity: EntityType(h.entity), group: h.group, trigger: h.trigger,
                    lead: h.leadCharacters.map { 4 * $0 } ?? h.lead ?? 32, priority: h.priority, policy: policy, maxExtent: h.maxExtent,
                    origin: file + ":" + String(h.line ?? 0), packID: e.packID)
                detector.leadCharacters = h.leadCharacters
                detector.patternTriggers = h.patternTriggers
                detectors.append(detector)
            }
            let raw = RawPack(file: e.file, id: e.packID, description: "", isEnabledByDefault: e.enabled, fragments: [:], detectors: [])
            packs.append(CompiledPack(raw: raw, detectors: detectors))
        }
        return packs
    }

    /// Every entry in complete form (examples, raw pattern texts, bytecode), by file; empty when
    /// the cache is missing, foreign or damaged.
    func read() -> [String: Entry] {
        guard let cache = OpenFile(path: path) else { return [:] }
        var out: [String: Entry] = [:]
        for e in cache.entries {
            guard let packBytes = cache.blob(e.pack), packBytes.withUnsafeBytes(FNV1a.hash) == e.pack.checksum else { return [:] }
            var r = BinaryReader(bytes: packBytes)
            let description = r.string()
            var fragments: [String: String] = [:]
            for _ in 0..<r.count() where !r.failed { let k = r.string(); fragments[k] = r.string() }
            guard !r.failed else { return [:] }
            var raws: [RawDetector] = []
            var prepared: [PreparedDetector] = []
            for h in e.detectors {
                guard let (raw, sources) = cache.body(h.body, skipsRawText: false) else { return [:] }
                raws.append(raw)
                prepared.append(PreparedDetector(maxCaptureCount: h.maxCaptureCount, maxLookbehind: h.maxLookbehind, sources: sources,
                                                 trigger: h.trigger, patternTriggers: h.patternTriggers,
                                                 serialized: cache.bytecode(h.bytecode) ?? []))
            }
            let raw = RawPack(file: e.file, id: e.packID, description: description, isEnabledByDefault: e.enabled,
                              fragments: fragments, detectors: raws)
            out[e.file] = Entry(file: e.file, size: e.size, hash: e.hash, stamp: e.stamp, raw: raw, prepared: prepared)
        }
        return out
    }

    func write(_ entries: [Entry]) {
        var header = BinaryWriter(), blobs = BinaryWriter()
        func blob(_ bytes: [UInt8]) -> BlobRef {
            let ref = BlobRef(offset: blobs.out.count, length: bytes.count, checksum: bytes.withUnsafeBytes(FNV1a.hash))
            blobs.out += bytes
            return ref
        }
        header.int(entries.count)
        for e in entries {
            header.string(e.file); header.int(e.size); header.uint64(e.hash); header.stamp(e.stamp)
            header.string(e.raw.id); header.bool(e.raw.isEnabledByDefault)
            var pack = BinaryWriter()
            pack.string(e.raw.description)
            pack.int(e.raw.fragments.count)
            for (k, v) in e.raw.fragments.sorted(by: { $0.key < $1.key }) { pack.string(k); pack.string(v) }
            header.ref(blob(pack.out))
            header.int(e.prepared.count)
            for (d, p) in zip(e.raw.detectors, e.prepared) {
                header.string(d.id); header.string(d.entity); header.optInt(d.line); header.int(d.group); header.optInt(d.lead)
                header.optInt(d.leadCharacters); header.optInt(d.maxExtent); header.int(d.priority); header.optString(d.policy)
                header.int(p.maxCaptureCount); header.int(p.maxLookbehind); header.int(p.sources.count)
                header.int(p.sources.reduce(0) { $0 + $1.utf8.count }); header.trigger(p.trigger)
                header.int(p.patternTriggers?.count ?? 0)
                for t in p.patternTriggers ?? [] { header.trigger(t) }
                var body = BinaryWriter()
                body.detector(d)
                body.strings(p.sources)
                header.ref(blob(body.out))
                header.ref(blob(Array(p.serialized)))
            }
        }
        var w = BinaryWriter()
        w.bytes(PackCache.magic)
        w.string(PCRE2Library.version)
        w.int(header.out.count)
        w.uint64(header.out.withUnsafeBytes(FNV1a.hash))
        w.out += header.out
        w.out += blobs.out
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

/// A detector's entry in the pack cache did not read back as written.
struct PackCacheDamage: Error, CustomStringConvertible {
    let path: String
    var description: String { "\(path) does not read back as written" }
}

extension PackLibrary {
    /// Loads pack files through the cache: unchanged files come from it (regexes decoded from
    /// their bytecode on first use), changed files are decoded and compiled in full and the
    /// cache is rewritten.
    /// - Parameter complete: whether the raw packs must be complete (`PackSelfTest` needs the
    ///   examples). Without, a run whose files all match the cache reads its header section
    ///   alone: the packs carry no raw detectors, and each detector reads its body and bytecode
    ///   on first use.
    public mutating func load(files: [String], cache: PackCache?, complete: Bool = true) throws {
        guard let cache else {
            for f in files { try load(file: f) }
            return
        }
        let stamps: [FileStamp?] = files.map(FileStamp.init(path:))
        if !complete, let packs = cache.runtimePacks(files: files, stamps: stamps) {
            for p in packs { try add(p) }
            return
        }
        // `read` returns only entries whose every blob read back as written.
        let cached = cache.read()
        let unchanged = zip(files, stamps).compactMap { file, stamp in stamp != nil && cached[file]?.stamp == stamp ? cached[file] : nil }
        if cached.count == files.count && unchanged.count == files.count {
            for e in unchanged { try add(try PackCompiler.compile(e.raw, prepared: e.prepared)) }
            return
        }
        var entries: [PackCache.Entry] = []
        var changed = cached.count != files.count
        for (file, stamp) in zip(files, stamps) {
            guard let data = FileManager.default.contents(atPath: file), let stamp else {
                throw PackError(file: file, line: nil, message: "cannot read the file")
            }
            let hash = data.withUnsafeBytes(FNV1a.hash)
            if var e = cached[file], e.size == data.count, e.hash == hash {
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
    mutating func ref(_ r: PackCache.BlobRef) { int(r.offset); int(r.length); uint64(r.checksum) }
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
        case .stretches(let inner, let mask, let initial): out.append(9); uint64(mask); bool(initial); trigger(inner)
        case .segments(let inner, let segments):
            out.append(11)
            int(segments.segments.count)
            for segment in segments.segments {
                int(segment.count)
                for s in segment { int(s.min); int(s.max); bool(s.isExact) }
            }
            trigger(inner)
        case .run(let inner, let condition):
            out.append(10)
            switch condition {
            case .beginsLine(let within): out.append(0); int(within)
            case .holdsSeparator(let mask): out.append(1); int(Int(mask))
            case .followedBy(let bytes): out.append(2); int(bytes.count); out += bytes
            case .next(let sequence): out.append(3); int(sequence.source.utf8.count); out += sequence.source.utf8
            case .previous(let sequence): out.append(4); int(sequence.source.utf8.count); out += sequence.source.utf8
            }
            trigger(inner)
        case .all(let ts): out.append(6); int(ts.count); ts.forEach { trigger($0) }
        case .any(let ts): out.append(7); int(ts.count); ts.forEach { trigger($0) }
        }
    }

    mutating func detector(_ d: RawDetector) {
        string(d.id); optInt(d.line); string(d.entity); optString(d.description)
        int(d.patterns.count)
        for p in d.patterns { string(p.text); optInt(p.line) }
        bool(d.isCaseless); int(d.group); optString(d.trigger); optInt(d.lead); optInt(d.leadCharacters)
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
    /// Skip what run time does not need (examples, raw pattern texts, descriptions): it comes out empty.
    var skipsRawText = false
    /// Trigger conditions decoded so far, by their text.
    var bytePatterns: [String: BytePattern] = [:]

    init(bytes: [UInt8]) { self.data = bytes }

    var atEnd: Bool { i == data.count }

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
    mutating func ref() -> PackCache.BlobRef {
        let offset = int(), length = int(), checksum = uint64()
        if offset < 0 || length < 0 || length > 1 << 28 { failed = true }
        return PackCache.BlobRef(offset: offset, length: length, checksum: checksum)
    }
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
        case 9:
            let mask = uint64(), initial = bool()
            return trigger(depth: depth + 1).map { .stretches($0, mask, initialOnly: initial) }
        case 10:
            guard i < data.count else { failed = true; return nil }
            let kind = data[i]
            i += 1
            let condition: RunCondition
            switch kind {
            case 0: condition = .beginsLine(within: int())
            case 1: condition = .holdsSeparator(mask: UInt8(truncatingIfNeeded: int()))
            case 2:
                let n = count()
                guard i + n <= data.count else { failed = true; return nil }
                condition = .followedBy(bytes: Array(data[i..<(i + n)]))
                i += n
            case 3, 4:
                let n = count()
                guard i + n <= data.count else { failed = true; return nil }
                // Packs put one condition on many cue words: each distinct text is parsed once.
                let source = String(decoding: data[i..<(i + n)], as: UTF8.self)
                let parsed = bytePatterns[source] ?? (try? BytePattern(source))
                guard let sequence = parsed else { failed = true; return nil }
                bytePatterns[source] = sequence
                condition = kind == 3 ? .next(sequence) : .previous(sequence)
                i += n
            default:
                failed = true
                return nil
            }
            return trigger(depth: depth + 1).map { .run($0, condition) }
        case 11:
            var segments: [[DigitSegments.Stretch]] = []
            for _ in 0..<count() where !failed {
                var segment: [DigitSegments.Stretch] = []
                for _ in 0..<count() where !failed {
                    let low = int(), high = int()
                    segment.append(DigitSegments.Stretch(min: low, max: high, isExact: bool()))
                }
                // An empty segment or list would not come from the compiler (and would stop the
                // detector from waking): the cache is not ours.
                if segment.isEmpty { failed = true }
                segments.append(segment)
            }
            guard !failed, !segments.isEmpty else { failed = true; return nil }
            return trigger(depth: depth + 1).map { .segments($0, DigitSegments(normalized: segments)) }
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

    /// The header section of the cache (see `PackCache`).
    mutating func headerEntries() -> [PackCache.HeaderEntry] {
        var entries: [PackCache.HeaderEntry] = []
        let n = count()
        entries.reserveCapacity(n)
        for _ in 0..<n where !failed {
            let file = string(), size = int(), hash = uint64(), stamp = stamp()
            let packID = string(), enabled = bool(), pack = ref()
            let m = count()
            var detectors: [PackCache.HeaderDetector] = []
            detectors.reserveCapacity(m)
            for _ in 0..<m where !failed {
                let id = string(), entity = string(), line = optInt(), group = int(), lead = optInt(), leadCharacters = optInt(), maxExtent = optInt()
                let priority = int(), policy = optString(), captures = int(), lookbehind = int(), patterns = count()
                let sourceBytes = int(), trigger = trigger(depth: 0)
                var patternTriggers: [Trigger] = []
                for _ in 0..<count() where !failed {
                    guard let t = self.trigger(depth: 0) else { failed = true; break }
                    patternTriggers.append(t)
                }
                let body = ref(), bytecode = ref()
                detectors.append(PackCache.HeaderDetector(
                    id: id, entity: entity, line: line, group: group, lead: lead, leadCharacters: leadCharacters, maxExtent: maxExtent, priority: priority, policy: policy,
                    maxCaptureCount: captures, maxLookbehind: lookbehind, patternCount: patterns, sourceBytes: sourceBytes,
                    trigger: trigger, patternTriggers: patternTriggers.isEmpty ? nil : patternTriggers, body: body, bytecode: bytecode))
            }
            entries.append(PackCache.HeaderEntry(file: file, size: size, hash: hash, stamp: stamp, packID: packID, enabled: enabled,
                                                 pack: pack, detectors: detectors))
        }
        return entries
    }

    mutating func detector() -> RawDetector {
        let id = string(), line = optInt(), entity = string(), description = optRawText()
        var patterns: [(text: String, line: Int?)] = []
        for _ in 0..<count() { let t = rawText(); patterns.append((t, optInt())) }
        let caseless = bool(), group = int(), trigger = optRawText(), lead = optInt(), leadCharacters = optInt()
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
                           group: group, trigger: trigger, lead: lead, leadCharacters: leadCharacters, validators: validators, confidence: confidence,
                           contextWords: words, contextBefore: before, contextAfter: after, contextBoost: boost,
                           contextRequired: required, priority: priority, policy: policy, operatorName: op, maxExtent: extent,
                           allowValues: allowValues, allowRegexes: allowRegexes, matchExamples: examples[0],
                           noMatchExamples: examples.count > 1 ? examples[1] : [])
    }
}
