import Foundation

// caviar-bench: benchmarks, never tests. Build in release mode:
//   scripts/build-release.sh && .build/release/caviar-bench [--size 100]
//   .build/release/caviar-bench dict [...]
//   .build/release/caviar-bench detectors [--mb 2] [--top 30] [--corpus FILE]   (cost of each detector alone)
//   .build/release/caviar-bench profile [--mb 20] [--top 40] [--corpus FILE]    (PCRE2 calls and time per detector, all together)
let args = Array(CommandLine.arguments.dropFirst())
do {
    if args.first == "dict" {
        try BenchDispatch.dictionary(Array(args.dropFirst()))
    } else if args.first == "detectors" || args.first == "profile" {
        let isProfile = args.first == "profile"
        var mb = isProfile ? 20 : 2, top = isProfile ? 40 : 30, i = 1
        var corpus = ".build/bench/corpus-100MB.txt"
        while i < args.count {
            switch args[i] {
            case "--mb" where i + 1 < args.count: i += 1; mb = Int(args[i]) ?? mb
            case "--top" where i + 1 < args.count: i += 1; top = Int(args[i]) ?? top
            case "--corpus" where i + 1 < args.count: i += 1; corpus = args[i]
            default: throw BenchError("unknown argument \(args[i]); usage: caviar-bench \(args[0]) [--mb N] [--top N] [--corpus FILE]")
            }
            i += 1
        }
        if !FileManager.default.fileExists(atPath: corpus) {
            try FileManager.default.createDirectory(atPath: ".build/bench", withIntermediateDirectories: true)
            var gen = CorpusGenerator()
            try gen.write(bytes: 100 << 20, to: corpus)
        }
        if isProfile {
            try EngineBench.profile(path: corpus, limitMB: mb, top: top)
        } else {
            try EngineBench.perDetector(path: corpus, limitMB: mb, top: top)
        }
    } else {
        try EngineBench.run(arguments: args)
    }
} catch {
    FileHandle.standardError.write(Data("caviar-bench: \(error)\n".utf8))
    exit(1)
}
