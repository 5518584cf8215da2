import Dispatch

/// Runs `first` and `second` at the same time, on two threads, and returns both results (a
/// build's independent stages; a machine with one free core runs them one after the other).
/// Each closure writes only its own slot, and both have returned when this returns.
public func concurrently<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
    withoutActuallyEscaping(first) { first in
        withoutActuallyEscaping(second) { second in
            let work = PairOfWork(first: first, second: second)
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                if index == 0 { work.firstResult = work.first() } else { work.secondResult = work.second() }
            }
            // Both slots are set: `concurrentPerform` returns once every iteration has.
            guard let a = work.firstResult, let b = work.secondResult else { preconditionFailure("a stage of a concurrent build did not run") }
            return (a, b)
        }
    }
}

/// The closures of `concurrently` and their results: each slot written by one thread only.
private final class PairOfWork<A, B>: @unchecked Sendable {
    let first: () -> A
    let second: () -> B
    var firstResult: A?
    var secondResult: B?

    init(first: @escaping () -> A, second: @escaping () -> B) {
        self.first = first
        self.second = second
    }
}
