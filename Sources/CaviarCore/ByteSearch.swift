/// Byte search helpers, on bytes rather than `String` (no Foundation search on hot paths).
public enum ByteSearch {
    /// ASCII lower case of one byte; other bytes unchanged.
    @inline(__always) public static func lower(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b + 32 : b }

    /// Whether `needle` occurs in `haystack`, ignoring ASCII letter case.
    public static func containsIgnoringASCIICase(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
        let first = lower(needle[0])
        for start in 0...(haystack.count - needle.count) where lower(haystack[start]) == first {
            var matches = true
            for offset in 1..<needle.count where lower(haystack[start + offset]) != lower(needle[offset]) {
                matches = false
                break
            }
            if matches { return true }
        }
        return false
    }
}
