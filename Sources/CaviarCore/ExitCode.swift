/// Exit codes shared by every command (DESIGN.md).
public enum CaviarExit: Int32, Sendable {
    case success = 0
    /// Check modes: something sensitive was found.
    case findings = 1
    /// Usage or configuration error (bad flag, invalid pack, unknown config key).
    case usage = 2
    /// Refused by policy (for example a classification marking in block mode).
    case refused = 3
    /// Runtime failure (I/O, match limit, vault).
    case failure = 4
}
