import CaviarSpawn
import Foundation
import XCTest
@testable import CaviarMail

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".eml") || $0.hasSuffix(".patch") }.sorted()
    }
}

/// One MIME entity as Python's email package decodes it (fixtures/decode.py).
struct OracleEntity: Decodable {
    var type: String
    var headers: [[String]]
    var filename: String
    var text: String
}

enum Oracle {
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") }

    /// Decodes `message` with Python's email package (an implementation independent of ours).
    static func decode(_ message: [UInt8]) throws -> [OracleEntity] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("caviar-mail-\(UUID().uuidString).eml")
        try Data(message).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let script = Fixtures.directory.appendingPathComponent("decode.py").path
        let result = try Spawn.run("/usr/bin/python3", arguments: [script, path.path], timeout: 60)
        guard result.status == 0 else { throw NSError(domain: "oracle", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderrText]) }
        return try JSONDecoder().decode([OracleEntity].self, from: Data(result.stdout))
    }
}

/// The entities of a parsed message in walk order (children, then encapsulated messages).
func walkOrder(_ e: MIMEEntity) -> [MIMEEntity] {
    var out = [e]
    for c in e.children { out += walkOrder(c) }
    if let m = e.encapsulated { out += walkOrder(m) }
    return out
}

func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    bytes.split(separator: 10, omittingEmptySubsequences: false)
}
