import CaviarSpawn

/// Windows clipboard from WSL through `powershell.exe`.
///
/// Text crosses the Windows/Linux boundary as base64 of its UTF-8 bytes, in both directions, so
/// neither the console code page nor the command-line quoting of WSL interop can mangle it.
/// Line endings are kept as they are (Windows text usually comes with CRLF; a redact/restore
/// round trip gives back exactly the bytes it read). `Get-Clipboard -Raw` returns one string
/// rather than an array of lines.
public struct WindowsClipboardBackend: ClipboardBackend {
    public let name: String
    public var supportsPrimary: Bool { false }
    let runner: HelperRunner
    let tool: String

    /// Where `powershell.exe` lives when WSL interop has not put it on PATH.
    public static let wslPowerShellPath = "/mnt/c/Windows/System32/WindowsPowerShell/v1.0/powershell.exe"

    public init(tool: String? = nil, timeout: Double = 20, environment: [String: String]? = nil, name: String = "windows") {
        self.name = name
        self.tool = tool ?? (Spawn.which("powershell.exe") ?? Self.wslPowerShellPath)
        self.runner = HelperRunner(backend: name, environmentOverrides: [:], timeout: timeout, baseEnvironment: environment)
    }

    static let readScript = """
        $ErrorActionPreference = 'Stop'
        $t = Get-Clipboard -Raw
        if ($t) { [Console]::Out.Write([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($t))) }
        """

    static let writeScript = """
        $ErrorActionPreference = 'Stop'
        $b = [Console]::In.ReadToEnd().Trim()
        $t = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($b))
        if ($t.Length -eq 0) { Add-Type -AssemblyName System.Windows.Forms; [Windows.Forms.Clipboard]::Clear() }
        else { Set-Clipboard -Value $t }
        """

    public func read(_ selection: ClipboardSelection) throws -> [UInt8] {
        try requireSelection(selection)
        let result = try runner.read(tool, Self.arguments(Self.readScript))
        guard result.isSuccess else {
            throw ClipboardError.readFailed(backend: name, detail: runner.failure(tool, result))
        }
        guard let bytes = Base64.decode(result.stdout) else {
            throw ClipboardError.readFailed(backend: name, detail: "powershell.exe returned malformed base64")
        }
        return bytes
    }

    public func write(_ bytes: [UInt8], to selection: ClipboardSelection, concealed: Bool) throws {
        // Set-Clipboard cannot set ExcludeClipboardContentFromMonitorProcessing: no secret hint.
        try requireSelection(selection)
        let result = try runner.writeCapturingErrors(tool, Self.arguments(Self.writeScript), input: Base64.encode(bytes))
        guard result.isSuccess else {
            throw ClipboardError.writeFailed(backend: name, detail: runner.failure(tool, result))
        }
    }

    /// `-EncodedCommand` takes base64 of UTF-16LE: no quoting survives WSL interop otherwise.
    static func arguments(_ script: String) -> [String] {
        var utf16LE: [UInt8] = []
        for unit in script.utf16 { utf16LE.append(UInt8(unit & 0xff)); utf16LE.append(UInt8(unit >> 8)) }
        let encoded = String(decoding: Base64.encode(utf16LE), as: UTF8.self)
        return ["-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand", encoded]
    }
}

/// Standard base64 (RFC 4648), enough for the PowerShell bridge.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((value >> UInt32(shift)) & 63)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            var value = UInt32(bytes[index]) << 16
            if rest == 2 { value |= UInt32(bytes[index + 1]) << 8 }
            out.append(alphabet[Int((value >> 18) & 63)])
            out.append(alphabet[Int((value >> 12) & 63)])
            out.append(rest == 2 ? alphabet[Int((value >> 6) & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return out
    }

    /// Decodes, ignoring ASCII whitespace; `nil` on any other non-alphabet byte.
    static func decode(_ text: [UInt8]) -> [UInt8]? {
        var table = [Int16](repeating: -1, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = Int16(index) }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3)
        var accumulator: UInt32 = 0
        var bits = 0
        var sawPadding = false
        for byte in text {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                continue
            case UInt8(ascii: "="):
                sawPadding = true
                continue
            default:
                let value = table[Int(byte)]
                if value < 0 || sawPadding { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8((accumulator >> UInt32(bits)) & 0xff))
                }
            }
        }
        return out
    }
}
