// The dictionary benchmark: `caviar-bench dict [--terms 100000,1000000] [--text-mb 64] [--dir DIR] [--no-hashed]`;
// `caviar-bench dict --scan-child DICT TEXT OUT [ROUNDS [READ_KIB]]` runs the scan part alone (to compare
// builds: ROUNDS of each kind, default 3, the best counts; reads of READ_KIB KiB, default 1024).
// Generates deterministic term lists and a text, then reports compile time, load time, scan
// throughput with folding (one core) and peak RSS of a streaming scan (in a child process,
// so the build's memory is not counted). Build in release mode first.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CaviarCore
import CaviarDetection
import DictionaryAutomaton

/// Runs the dictionary benchmark (see the comment at the top of DictionaryBench.swift).
func runDictionaryBench(arguments: [String]) throws {
    if arguments.first == "--scan-child" {
        try DictionaryBench.scanChild(Array(arguments.dropFirst()))
        return
    }
    var termCounts = [100_000, 1_000_000]
    var textMegabytes = 64
    var directory = "/tmp/caviar-dict-bench"
    var measuresHashed = true
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        let value = index + 1 < arguments.count ? arguments[index + 1] : ""
        switch argument {
        case "--terms": termCounts = value.split(separator: ",").compactMap { Int($0) }; index += 1
        case "--text-mb": textMegabytes = Int(value) ?? textMegabytes; index += 1
        case "--dir": directory = value; index += 1
        case "--no-hashed": measuresHashed = false
        default:
            throw DictionaryError(.invalidInput, "caviar-bench dict: unknown argument \(argument) (use --terms N,M --text-mb MB --dir DIR --no-hashed)")
        }
        index += 1
    }
    mkdir(directory, 0o755)
    let bench = DictionaryBench(directory: directory)
    bench.say("caviar-bench dict: \(termCounts.map(String.init).joined(separator: ", ")) terms, \(textMegabytes) MB text, files in \(directory)")
    bench.say("times: wall / CPU seconds (CPU time approximates one idle core on a busy machine)")
    for count in termCounts {
        let terms = DictionaryBench.terms(count)
        let list = "\(directory)/terms-\(count).txt"
        try bench.writeList(terms, to: list)
        let textPath = "\(directory)/text-\(count)-\(textMegabytes)mb.txt"
        let textBytes = try bench.writeText(terms: terms, megabytes: textMegabytes, to: textPath)
        for hashed in measuresHashed ? [false, true] : [false] {
            if hashed && count > 100_000 { continue }
            let label = "\(count) terms\(hashed ? " hashed" : "")"
            let compiled = "\(directory)/terms-\(count)\(hashed ? "-hashed" : "").dict"
            var options = DictionaryBuildOptions(defaultEntity: EntityType("ORGANISATION_TERM"))
            if hashed {
                let salt = "\(directory)/salt"
                try bench.writeBytes((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }, to: salt)
                options.saltPath = salt
            }
            let (wall, cpu, report) = try bench.measure { try DictionaryCompiler.build(sources: [list], output: compiled, options: options) }
            bench.say("\(label): compile \(DictionaryBench.format(wall)) / \(DictionaryBench.format(cpu)) s, \(report.spellings) spellings, file \(report.byteCount / 1_048_576) MiB")
            var loads: [Double] = []
            for _ in 0..<15 {
                let start = DictionaryBench.wallClock()
                let automaton = try DictionaryAutomaton(contentsOf: compiled)
                loads.append(DictionaryBench.wallClock() - start)
                _ = automaton.nodeCount
            }
            loads.sort()
            bench.say("\(label): load median \(DictionaryBench.format(loads[loads.count / 2] * 1000, digits: 3)) ms (mmap + header checks)")
            let child = try bench.runScanChild(dictionary: compiled, text: textPath)
            bench.say("\(label): scan \(textBytes / 1_000_000) MB streamed in 1 MiB reads: \(child)")
        }
    }
}

/// Helpers of the dictionary benchmark.
struct DictionaryBench {
    let directory: String

    func say(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }

    static func wallClock() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func cpuClock() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func format(_ value: Double, digits: Int = 2) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return "\(rounded)"
    }

    func measure<T>(_ body: () throws -> T) rethrows -> (wall: Double, cpu: Double, result: T) {
        let wall = Self.wallClock()
        let cpu = Self.cpuClock()
        let result = try body()
        return (Self.wallClock() - wall, Self.cpuClock() - cpu, result)
    }

    /// A deterministic linear congruential generator.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let syllables = ["ma", "ri", "el", "an", "to", "ni", "lu", "ca", "be", "ne", "dé", "ço", "mü", "ller", "son", "ski",
                            "ova", "ez", "ber", "gö", "sch", "wa", "ła", "ør", "ka", "ti", "no", "ra", "lé", "vre", "du",
                            "pont", "jean", "ha", "rt", "ing", "vic", "ström", "ko", "lo", "va", "zé", "ku", "pe", "sa"]

    static func name(_ parts: Int, _ generator: inout Generator) -> String {
        var text = ""
        for _ in 0..<parts { text += syllables[generator.next(syllables.count)] }
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// `count` distinct terms: 80 % "First Last", 10 % surnames, 5 % three-part names, 5 %
    /// institution names, with diacritics. The 100 k list is a prefix of the 1 M one.
    static func terms(_ count: Int) -> [String] {
        var generator = Generator(state: 0xCA71A2)
        var seen = Set<String>()
        var result: [String] = []
        result.reserveCapacity(count)
        while result.count < count {
            let kind = generator.next(100)
            let term: String
            if kind < 80 {
                term = name(2 + generator.next(2), &generator) + " " + name(2 + generator.next(2), &generator)
            } else if kind < 90 {
                term = name(3 + generator.next(2), &generator)
            } else if kind < 95 {
                term = name(2, &generator) + " " + name(2, &generator) + " " + name(3, &generator)
            } else {
                term = ["Ministry of ", "Ministère de ", "Bundesamt für ", "Projet "][generator.next(4)] + name(3, &generator)
            }
            if seen.insert(term).inserted { result.append(term) }
        }
        return result
    }

    static let prose = """
        the of and to in is that for it as was with be by on not he this are or his from at which but have an they you \
        were her she there one all we their been has more if will would when who no out so said what up its about than \
        into them can only other new some could time these two may then do first any my now such like our over even most \
        made after also did many before must through back years where much your way well down should because each just \
        people how little state good very make world still own see work long get here between both life being under never \
        day same another know while last might great old year off come since against go came right used take three house \
        meeting budget report project minutes agenda Monday Tuesday review draft contract invoice team office email call \
        le la les des du et est un une pour dans que qui sur pas plus par avec ce il elle nous vous sont été être avoir fait \
        comme mais donc réunion projet rapport budget déjà ça très où der die das und ist nicht ein eine zu den von mit sich \
        auf für im dem wird auch es als bei oder nach aus wie noch über wenn nur vor Straße Bericht Besprechung Müller \
        el los las en por con para una del se lo como más pero sus al ya muy también fue di che non sono della nel alla \
        anche più dei delle questo Ministry Ministère 2024 12 17:30 n° € 3,5 %
        """.split(separator: " ").map(String.init)

    func writeList(_ terms: [String], to path: String) throws {
        var text = "# generated by caviar-bench dict\n"
        for (index, term) in terms.enumerated() {
            text += index % 5 == 4 ? term + "\n" : "PERSON\t" + term + "\n"
        }
        try writeBytes(Array(text.utf8), to: path)
    }

    /// Prose with about 2 dictionary terms per KB and 10 capitalised non-terms per KB, with
    /// punctuation, line breaks and case variants. Written in 1 MiB pieces.
    func writeText(terms: [String], megabytes: Int, to path: String) throws -> Int {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw DictionaryError(.io, "cannot create \(path)") }
        defer { close(descriptor) }
        var generator = Generator(state: 0x7E47)
        var total = 0
        var piece: [UInt8] = []
        piece.reserveCapacity(1 << 20 + 4096)
        while total < megabytes * 1_000_000 {
            let roll = generator.next(1000)
            if roll < 12 {
                var term = terms[generator.next(terms.count)]
                if generator.next(4) == 0 { term = term.uppercased() }
                piece += Array(term.utf8)
            } else if roll < 70 {
                piece += Array(Self.name(2, &generator).utf8)
            } else {
                piece += Array(Self.prose[generator.next(Self.prose.count)].utf8)
            }
            let separator = generator.next(40)
            piece += separator == 0 ? [0x2C, 0x20] : separator == 1 ? [0x2E, 0x0A] : separator == 2 ? [0x27, 0x73, 0x20] : [0x20]
            if piece.count >= 1 << 20 {
                total += piece.count
                try writeAll(piece, to: descriptor, path: path)
                piece.removeAll(keepingCapacity: true)
            }
        }
        total += piece.count
        try writeAll(piece, to: descriptor, path: path)
        return total
    }

    func writeBytes(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw DictionaryError(.io, "cannot create \(path)") }
        defer { close(descriptor) }
        try writeAll(bytes, to: descriptor, path: path)
    }

    func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw DictionaryError(.io, "cannot write \(path)") }
            offset += written
        }
    }

    /// Runs `caviar-bench dict --scan-child DICT TEXT OUT` and returns its one-line result.
    func runScanChild(dictionary: String, text: String) throws -> String {
        let output = "\(directory)/scan-result.txt"
        unlink(output)
        let executable = CommandLine.arguments[0]
        let argv = [executable, "dict", "--scan-child", dictionary, text, output]
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, nil, nil, &cArguments, environ)
        guard spawned == 0 else { throw DictionaryError(.io, "cannot run \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let bytes = (try? DictionaryCompiler.readFile(output)) ?? []
        return bytes.isEmpty ? "scan child failed (status \(status))" : String(decoding: bytes, as: UTF8.self)
    }

    /// The child: map the dictionary, stream the text through the detector in 1 MiB reads cut
    /// at the last newline, report throughput and memory. (The engine's `StreamRedactor` reads
    /// 64 KiB at a time and scans up to the last newline: READ_KIB 64 reproduces it; on the
    /// 100 k-term benchmark it measured within 2 % of 1 MiB reads.)
    static func scanChild(_ arguments: [String]) throws {
        guard (3...5).contains(arguments.count) else { throw DictionaryError(.invalidInput, "--scan-child DICT TEXT OUT [ROUNDS [READ_KIB]]") }
        // Rounds of each kind (the best counts): more of them on a busy machine.
        let rounds = arguments.count >= 4 ? max(1, Int(arguments[3]) ?? 3) : 3
        let capacity = arguments.count >= 5 ? max(4, Int(arguments[4]) ?? 1024) << 10 : 1 << 20
        let detector = try DictionaryDetector.open(path: arguments[0], stalePolicy: .ignore)
        var best = (wall: Double.infinity, cpu: Double.infinity)
        var bestAlone = Double.infinity
        var detections = 0
        var bytes = 0
        let folder = TextFolder()
        // Odd rounds: the detector (Detection values, as the engine sees them); even rounds: the
        // automaton alone (matches counted), to tell the scan from the detector's share.
        for round in 0..<(2 * rounds) {
            let isAlone = round % 2 == 1
            let descriptor = open(arguments[1], O_RDONLY)
            guard descriptor >= 0 else { throw DictionaryError(.io, "cannot open \(arguments[1])") }
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + 65_536)
            defer { buffer.deallocate(); close(descriptor) }
            var held = 0
            var results: [Detection] = []
            detections = 0
            bytes = 0
            let wall = wallClock()
            let cpu = cpuClock()
            while true {
                let got = read(descriptor, buffer + held, capacity - held)
                if got < 0 && errno == EINTR { continue }
                let isEnd = got <= 0
                held += max(0, got)
                var cut = held
                if !isEnd {
                    while cut > 0 && buffer[cut - 1] != 0x0A { cut -= 1 }
                    if cut == 0 { cut = held }
                }
                let text = UnsafeBufferPointer(start: buffer, count: cut)
                if isAlone {
                    var found = 0
                    detector.automaton.matches(in: text, range: 0..<cut, folder: folder) { _ in found += 1 }
                    detections += found
                } else {
                    results.removeAll(keepingCapacity: true)
                    detector.detect(in: text, range: 0..<cut, into: &results)
                    detections += results.count
                }
                bytes += cut
                memmove(buffer, buffer + cut, held - cut)
                held -= cut
                if isEnd { break }
            }
            if isAlone {
                bestAlone = min(bestAlone, cpuClock() - cpu)
            } else {
                best = (min(best.wall, wallClock() - wall), min(best.cpu, cpuClock() - cpu))
            }
        }
        let status = (try? DictionaryCompiler.readFile("/proc/self/status")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        func field(_ name: String) -> String {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }.map { $0.dropFirst(name.count + 1).split(separator: " ").joined(separator: " ") } ?? "?"
        }
        let line = "\(format(Double(bytes) / best.wall / 1e6, digits: 1)) MB/s wall, \(format(Double(bytes) / best.cpu / 1e6, digits: 1)) MB/s CPU, "
            + "\(detections) detections (automaton alone \(format(Double(bytes) / bestAlone / 1e6, digits: 1)) MB/s CPU); peak RSS \(field("VmHWM")) (anonymous now \(field("RssAnon")), mapped file \(field("RssFile")))"
        let out = open(arguments[2], O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard out >= 0 else { throw DictionaryError(.io, "cannot write \(arguments[2])") }
        _ = Array(line.utf8).withUnsafeBytes { write(out, $0.baseAddress, $0.count) }
        close(out)
    }
}
