@testable import CaviarStreaming
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The spool hands its target every byte in order, whether it stayed in memory or spilled.
final class SpoolSinkTests: XCTestCase {
    /// Writes of varied sizes (empty ones included) through a spool of `limit` bytes into `target`.
    func spool(into target: any ByteSink, limit: Int) throws -> [UInt8] {
        let spool = SpoolSink(target: target, memoryLimit: limit)
        var expected: [UInt8] = []
        for i in 0..<200 {
            let bytes = (0..<(i * 37) % 301).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) }
            try spool.write(bytes)
            expected += bytes
        }
        try spool.finish()
        return expected
    }

    func testMemoryTargetReceivesEverythingInOrder() throws {
        for limit in [0, 1, 1000, 1 << 20] {
            let target = MemorySink()
            let expected = try spool(into: target, limit: limit)
            XCTAssertEqual(target.bytes, expected, "limit \(limit)")
        }
    }

    /// A file-descriptor target gets the spilled part from the kernel (sendfile), then the rest.
    func testFileTargetReceivesEverythingInOrder() throws {
        for limit in [0, 1000, 1 << 20] {
            var template = Array("/tmp/caviar-spool-test-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            XCTAssertGreaterThanOrEqual(fd, 0)
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            defer { close(fd) }
            let expected = try spool(into: FileDescriptorSink(fd: fd), limit: limit)
            XCTAssertEqual(lseek(fd, 0, SEEK_SET), 0)
            var got = [UInt8](repeating: 0, count: expected.count + 16)
            let n = got.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            XCTAssertEqual(Array(got[0..<max(n, 0)]), expected, "limit \(limit)")
        }
    }
}
