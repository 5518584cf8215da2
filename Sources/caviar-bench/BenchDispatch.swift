import Foundation

enum BenchDispatch {
    /// The dictionary benchmark (DictionaryBench.swift) when present.
    static func dictionary(_ args: [String]) throws {
        try runDictionaryBench(arguments: args)
    }
}
