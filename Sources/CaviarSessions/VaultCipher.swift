import Crypto
import Foundation

/// The on-disk format of every vault file: a versioned header, then AES-256-GCM.
///
/// ```
/// offset  size  field
///      0     8  magic "CAVIARVT"
///      8     1  format version (1)
///      9     8  key id: first 8 bytes of HMAC-SHA256(key, "caviar vault key id v1")
///     17    12  nonce (random per save)
///     29     n  ciphertext
///   29+n    16  GCM tag
/// ```
/// The 29 header bytes and a context string (the session name) are authenticated as associated
/// data, so a file renamed to another session or with an edited header fails to open. The key id
/// tells "wrong key" apart from "corrupted" without trying to decrypt.
public enum VaultCipher {
    static let magic: [UInt8] = Array("CAVIARVT".utf8)
    static let version: UInt8 = 1
    static let headerSize = 8 + 1 + 8 + 12
    static let tagSize = 16

    /// The 8-byte identifier of a key, stored in file headers.
    static func keyID(_ key: SymmetricKey) -> [UInt8] {
        let code = HMAC<SHA256>.authenticationCode(for: Array("caviar vault key id v1".utf8), using: key)
        return Array(Array(code).prefix(8))
    }

    /// Encrypts `plaintext` into a complete vault file.
    static func seal(_ plaintext: [UInt8], key: SymmetricKey, context: String) throws -> [UInt8] {
        let nonce = AES.GCM.Nonce()
        var header = magic
        header.append(version)
        header.append(contentsOf: keyID(key))
        header.append(contentsOf: Array(nonce))
        let box = try AES.GCM.seal(plaintext, using: key, nonce: nonce, authenticating: header + Array(context.utf8))
        return header + Array(box.ciphertext) + Array(box.tag)
    }

    /// Decrypts a vault file, telling a foreign, truncated, newer, wrongly keyed and corrupted
    /// file apart.
    static func open(_ file: [UInt8], key: SymmetricKey, context: String, path: String) throws -> [UInt8] {
        if file.count < magic.count || Array(file.prefix(magic.count)) != magic {
            if file.count < magic.count, Array(magic.prefix(file.count)) == file { throw VaultError.truncated(path: path) }
            throw VaultError.foreignFile(path: path)
        }
        if file.count < headerSize + tagSize { throw VaultError.truncated(path: path) }
        let fileVersion = file[8]
        if fileVersion != version { throw VaultError.unsupportedVersion(path: path, version: Int(fileVersion)) }
        if Array(file[9..<17]) != keyID(key) { throw VaultError.wrongKey(path: path) }
        let header = Array(file[0..<headerSize])
        do {
            let nonce = try AES.GCM.Nonce(data: Array(file[17..<headerSize]))
            let box = try AES.GCM.SealedBox(
                nonce: nonce, ciphertext: file[headerSize..<(file.count - tagSize)], tag: file[(file.count - tagSize)...])
            return Array(try AES.GCM.open(box, using: key, authenticating: header + Array(context.utf8)))
        } catch {
            throw VaultError.corrupted(path: path, reason: "authentication failed: the file was truncated or altered")
        }
    }
}
