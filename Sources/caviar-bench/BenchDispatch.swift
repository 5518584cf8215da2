import Foundation

enum BenchDispatch {
    /// The dictionary benchmark (DictionaryBench.swift) when present.
    static func dictionary(_ args: [String]) throws {
        throw BenchError("the dictionary benchmark is not built into this binary yet")
    }
}
