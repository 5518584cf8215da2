/// A pack or config file is invalid. Always names the file, the line and, when known, the
/// detector; never a value from the user's text.
public struct PackError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let detectorID: String?
    public let message: String

    public init(file: String, line: Int?, detectorID: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.detectorID = detectorID
        self.message = message
    }

    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let detectorID { s += ": detector \(detectorID)" }
        return s + ": " + message
    }
}
