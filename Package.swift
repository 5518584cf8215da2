// swift-tools-version: 6.0
// caviar: a local, offline filter that redacts personal, secret and institutional data.
// Layers (dependencies point down only; see DESIGN.md):
//   CPCRE2 -> CaviarPCRE            C binding and the safe PCRE2 wrapper (uses CaviarCore's FNV1a)
//   DictionaryAutomaton             generic folded word-trie / Aho-Corasick
//   CaviarCore                      vocabulary: spans, entities, detections, protocols
//   CaviarValidators                named check-digit algorithms
//   CaviarDetection                 regex + dictionary detectors, prefilter, context, resolver
//   CaviarPacks                     YAML pattern packs: raw decode, compile, self-test
//   CaviarRedaction                 operators and placeholder numbering
//   CaviarSessions                  encrypted session vault, restore, surrogates
//   CaviarStreaming                 read(2)/write(2) driver, hold-back, sinks
//   CaviarSpawn, CaviarMail, CaviarClipboard, caviar   front ends
import PackageDescription

// The hot path (prefilter, engine, streaming) is checked for exclusive access at compile time;
// the run-time check of class properties cost ~8% of CPU in the benchmark, so release builds
// of these targets leave it out. Debug builds (and so the tests) keep it.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "caviar",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "caviar", targets: ["caviar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2", pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]),
        .target(name: "CaviarPCRE", dependencies: ["CPCRE2", "CaviarCore"], swiftSettings: hotPath),
        .target(name: "DictionaryAutomaton", swiftSettings: hotPath),
        .target(name: "CaviarCore", swiftSettings: hotPath),
        .target(name: "CaviarValidators", dependencies: ["CaviarCore"]),
        .target(
            name: "CaviarDetection",
            dependencies: ["CaviarCore", "CaviarPCRE", "CaviarValidators", "DictionaryAutomaton"], swiftSettings: hotPath),
        .target(
            name: "CaviarPacks",
            dependencies: ["CaviarCore", "CaviarDetection", "CaviarValidators", .product(name: "Yams", package: "Yams")]),
        .target(name: "CaviarRedaction", dependencies: ["CaviarCore", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "CaviarSessions",
            dependencies: ["CaviarCore", "CaviarSpawn", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "CaviarStreaming", dependencies: ["CaviarCore", "CaviarDetection", "CaviarRedaction"], swiftSettings: hotPath),
        .target(name: "CaviarSpawn"),
        .target(name: "CaviarMail", dependencies: ["CaviarCore", "CaviarSpawn"]),
        .target(name: "CaviarClipboard", dependencies: ["CaviarCore", "CaviarSpawn"]),
        .executableTarget(
            name: "caviar",
            dependencies: [
                "CaviarCore", "CaviarDetection", "CaviarPacks", "CaviarPCRE", "CaviarRedaction", "CaviarSessions",
                "CaviarStreaming", "CaviarMail", "CaviarClipboard", "CaviarSpawn", "DictionaryAutomaton",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "caviar-bench",
            dependencies: ["CaviarCore", "CaviarDetection", "CaviarPacks", "CaviarRedaction", "CaviarStreaming", "CaviarSpawn", "DictionaryAutomaton"]),
        .testTarget(name: "CaviarPCRETests", dependencies: ["CaviarPCRE"]),
        .testTarget(name: "DictionaryAutomatonTests", dependencies: ["DictionaryAutomaton"]),
        .testTarget(name: "CaviarValidatorsTests", dependencies: ["CaviarValidators"], exclude: ["vectors"]),
        .testTarget(name: "CaviarDetectionTests", dependencies: ["CaviarDetection", "CaviarPacks"]),
        .testTarget(name: "CaviarPacksTests", dependencies: ["CaviarPacks"]),
        .testTarget(name: "CaviarRedactionTests", dependencies: ["CaviarRedaction"]),
        .testTarget(name: "CaviarSessionsTests", dependencies: ["CaviarSessions"]),
        .testTarget(name: "CaviarStreamingTests", dependencies: ["CaviarStreaming", "CaviarPacks"]),
        .testTarget(name: "CaviarMailTests", dependencies: ["CaviarMail"], exclude: ["fixtures"]),
        .testTarget(name: "CaviarClipboardTests", dependencies: ["CaviarClipboard"]),
        .testTarget(name: "CaviarCLITests", dependencies: []),
    ]
)
