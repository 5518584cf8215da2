#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
#endif

/// The digits and upper-case ASCII letters among 64 bytes, one bit per byte (bit k: byte
/// `start + k`): the prefilter's run scans jump from one to the next instead of testing every
/// byte of the text in between.
struct ByteClassBlock {
    /// ASCII digits `0`-`9`.
    var digits: UInt64 = 0
    /// ASCII upper-case letters `A`-`Z`.
    var uppers: UInt64 = 0

    /// Bytes a block reads from its first on.
    static let width = 64

    init(digits: UInt64, uppers: UInt64) {
        self.digits = digits
        self.uppers = uppers
    }

    /// Classifies the 64 bytes at `base + start` (all readable): with SSE2 on x86-64, sixteen
    /// bytes a step, else eight at a time in 64-bit words.
    @inline(__always)
    init(_ base: UnsafePointer<UInt8>, at start: Int) {
        #if arch(x86_64) && canImport(_Builtin_intrinsics)
        // x is a digit when x − '0' ≤ 9 and upper-case when x − 'A' ≤ 25, unsigned (min, then
        // equal: SSE2 has no unsigned compare); bytes ≥ 0x80 are neither.
        let digitBase = _mm_set1_epi8(0x30), lastDigit = _mm_set1_epi8(9)
        let upperBase = _mm_set1_epi8(0x41), lastUpper = _mm_set1_epi8(25)
        let bytes = UnsafeRawPointer(base + start)
        for lane in 0..<4 {
            let chunk = _mm_loadu_si128(bytes.advanced(by: 16 &* lane).assumingMemoryBound(to: __m128i.self))
            let digit = _mm_sub_epi8(chunk, digitBase)
            let isDigit = _mm_cmpeq_epi8(_mm_min_epu8(digit, lastDigit), digit)
            let upper = _mm_sub_epi8(chunk, upperBase)
            let isUpper = _mm_cmpeq_epi8(_mm_min_epu8(upper, lastUpper), upper)
            let shift = UInt64(16 &* lane)
            digits |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(isDigit))) &<< shift
            uppers |= UInt64(UInt16(truncatingIfNeeded: _mm_movemask_epi8(isUpper))) &<< shift
        }
        #else
        self = Self.portable(base, at: start)
        #endif
    }

    /// The same classification in 64-bit words (any architecture; the tests compare both).
    @inline(__always)
    static func portable(_ base: UnsafePointer<UInt8>, at start: Int) -> ByteClassBlock {
        var block = ByteClassBlock(digits: 0, uppers: 0)
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        for lane in 0..<8 {
            let chunk = UInt64(littleEndian: UnsafeRawPointer(base + (start &+ 8 &* lane)).loadUnaligned(as: UInt64.self))
            // Seven bits a byte, so that no addition carries into the next byte; bit 7 of
            // (x + 0x80 − bound) is then set exactly when x >= bound. Bytes ≥ 0x80 are taken out.
            let low = chunk & ~high
            let digits = (low &+ (0x80 - 0x30) &* ones) & ~(low &+ (0x80 - 0x3A) &* ones) & ~chunk & high
            let uppers = (low &+ (0x80 - 0x41) &* ones) & ~(low &+ (0x80 - 0x5B) &* ones) & ~chunk & high
            block.digits |= gather(digits) &<< UInt64(8 &* lane)
            block.uppers |= gather(uppers) &<< UInt64(8 &* lane)
        }
        return block
    }

    /// Bit 7 of each byte of `lanes` (the others clear) to bit `byte index` of the result.
    @inline(__always)
    static func gather(_ lanes: UInt64) -> UInt64 {
        ((lanes >> 7) &* 0x0102_0408_1020_4080) >> 56
    }
}
