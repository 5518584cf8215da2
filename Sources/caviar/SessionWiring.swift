import CaviarCore
import CaviarRedaction
import CaviarSessions
import CaviarStreaming

/// Saves a session's new mappings once per emitted region, before the region is written.
final class SessionNumbering: NumberingTransaction {
    let session: Session
    init(_ session: Session) { self.session = session }
    func reserve(in text: [UInt8]) throws { try session.reserveLiteralPlaceholders(in: text) }
    func perform(_ body: () throws -> Void) throws { try session.transaction(body) }
}

/// Surrogates recorded in the session, so restore can put the originals back.
final class SessionSurrogates: SurrogateProvider {
    let session: Session
    init(_ session: Session) { self.session = session }
    func surrogate(for identity: [UInt8], entity: EntityType, original: [UInt8]) throws -> [UInt8] {
        try session.surrogate(for: identity, entity: entity, original: original)
    }
}
