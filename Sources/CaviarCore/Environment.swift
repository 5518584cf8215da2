#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Environment variables read one at a time with getenv(3). `ProcessInfo.environment` copies
/// the whole environment into a new dictionary on every call, and start-up asked it five times.
public enum Environment {
    /// The variable's value, or nil when it is not set.
    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
