#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a run's regex time goes, per detector: PCRE2 calls, their matches and their time.
/// Off unless a benchmark sets `DetectionEngine.profile` (the check is one nil test per call);
/// `caviar-bench profile` prints it, so that pack and trigger work goes where the time goes.
public final class DetectorProfile {
    /// Per detector index of the engine: calls, calls that matched, nanoseconds in them.
    public private(set) var calls: [Int]
    public private(set) var matches: [Int]
    public private(set) var nanoseconds: [UInt64]
    /// Nanoseconds in the prefilter's scans, and in the text detectors (dictionaries, names).
    public internal(set) var prefilterNanoseconds: UInt64 = 0
    /// Nanoseconds in `DetectionEngine.scan` altogether (the rest is the driver's: reading,
    /// resolving, numbering, writing).
    public internal(set) var scanNanoseconds: UInt64 = 0
    /// Nanoseconds judging matches (validators, allow-lists, context words).
    public internal(set) var evaluateNanoseconds: UInt64 = 0
    public internal(set) var textNanoseconds: UInt64 = 0

    public init(detectorCount: Int) {
        calls = [Int](repeating: 0, count: detectorCount)
        matches = [Int](repeating: 0, count: detectorCount)
        nanoseconds = [UInt64](repeating: 0, count: detectorCount)
    }

    @inline(__always) static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    func record(_ detector: Int, since start: UInt64, matched: Bool) {
        calls[detector] += 1
        if matched { matches[detector] += 1 }
        nanoseconds[detector] &+= Self.now() &- start
    }
}
