import Foundation

// caviar-bench: benchmarks, never tests. Build in release mode:
//   swift build -c release && .build/release/caviar-bench [--size 100]
//   .build/release/caviar-bench dict [...]
let args = Array(CommandLine.arguments.dropFirst())
do {
    if args.first == "dict" {
        try BenchDispatch.dictionary(Array(args.dropFirst()))
    } else {
        try EngineBench.run(arguments: args)
    }
} catch {
    FileHandle.standardError.write(Data("caviar-bench: \(error)\n".utf8))
    exit(1)
}
