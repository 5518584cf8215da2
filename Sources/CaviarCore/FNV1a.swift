/// 64-bit FNV-1a: a fast, non-cryptographic checksum for detecting change or damage in files
/// caviar wrote itself (the pack cache), never for anything an attacker chooses.
public enum FNV1a {
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }
}
