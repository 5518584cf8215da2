import XCTest
@testable import CaviarMail

/// Broken and hostile messages: a clear error, never a crash, never output.
final class MalformedMessageTests: XCTestCase {
    private func assertRejected(_ message: [UInt8], mentions: String, file: StaticString = #filePath, line: UInt = #line) {
        for mode in ["check", "redact"] {
            let filter = MailFilter(redactor: TestRedactor())
            XCTAssertThrowsError(try { if mode == "check" { _ = try filter.check(message) } else { _ = try filter.redact(message) } }(), file: file, line: line) { error in
                XCTAssertTrue(error is MailError, "\(mode): \(type(of: error))", file: file, line: line)
                XCTAssertTrue("\(error)".contains(mentions), "\(mode): \(error)", file: file, line: line)
            }
        }
    }

    func testMissingBoundary() {
        assertRejected(Array("Content-Type: multipart/mixed\n\n--x\n\nhi\n--x--\n".utf8), mentions: "no boundary parameter")
        assertRejected(Array("Content-Type: multipart/mixed; boundary=zz\n\n--x\n\nhi\n--x--\n".utf8), mentions: "never appears")
        assertRejected(Array("Content-Type: multipart/mixed; boundary=x\n\n--x\n\nJean Martin\n".utf8), mentions: "no closing boundary")
    }

    func testTruncatedBase64() {
        let msg = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nSUJBTiBGUjc2IDMwMDAg\nNjAw\nMA\n"
        assertRejected(Array(msg.utf8), mentions: "base64 body is truncated")
    }

    func testBadEncodedWord() {
        assertRejected(Array("Subject: =?utf-8?B?#not-base64#?=\n\nhi\n".utf8), mentions: "header Subject: encoded-word 1 has invalid base64")
    }

    func testUnknownCharsetIsRefused() {
        assertRejected(Array("Content-Type: text/plain; charset=koi8-r\n\nhi\n".utf8), mentions: "charset 'koi8-r' is not supported")
    }

    func testTenMegabyteHeaderLine() {
        var msg = Array("Subject: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 10 << 20)
        msg += Array("\n\nbody\n".utf8)
        assertRejected(msg, mentions: "line 1 of the message header is 10485769 bytes long, over the limit")
    }

    func testTwoHundredNestedMultiparts() {
        var msg = ""
        for i in 0..<200 { msg += "Content-Type: multipart/mixed; boundary=b\(i)\n\n--b\(i)\n" }
        msg += "Content-Type: text/plain\n\nJean Martin\n"
        for i in (0..<200).reversed() { msg += "--b\(i)--\n" }
        assertRejected(Array(msg.utf8), mentions: "MIME nesting deeper than 64 levels")
    }

    func testNotAHeader() {
        assertRejected(Array("this is not a header\n\nbody\n".utf8), mentions: "is not a header field")
    }

    func testEmptyMessage() {
        assertRejected([], mentions: "message is empty")
    }
}
