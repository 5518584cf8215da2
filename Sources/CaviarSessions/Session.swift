import CaviarCore

/// One named session: the `PlaceholderBook` that numbers values consistently across caviar
/// invocations, backed by the encrypted vault.
///
/// The same identity under the same entity always gets the same number; a new identity always
/// gets a number never handed out before in this session. A new mapping is saved (under the
/// vault lock, atomically) before the number is returned, so output never refers to a mapping
/// that was not saved: if saving fails (disk full…) the call throws and the caller fails closed.
/// Wrap the numbering of one chunk or text in `transaction(_:)` to save once instead of once per
/// new value.
///
/// Not thread-safe: use one `Session` per thread (each may come from its own `SessionVault`).
public final class Session: PlaceholderBook {
    /// The session's name.
    public let name: String
    let vault: SessionVault
    private var state: SessionState
    /// The file version our `state` corresponds to (nil: not on disk yet).
    private var version: [Int]?
    private var isInTransaction = false
    private var isDirty = false

    init(name: String, vault: SessionVault, state: SessionState, version: [Int]?) {
        self.name = name
        self.vault = vault
        self.state = state
        self.version = version
    }

    // MARK: PlaceholderBook

    /// The number for `value` under `entity` (the value is both identity and original).
    public func number(for value: [UInt8], entity: EntityType) throws -> Int {
        try number(for: value, entity: entity, original: value)
    }

    /// The number for `identity` under `entity`; `original` is what restore writes back for it
    /// (the first original recorded for an identity is kept).
    ///
    /// Use it when a detection carries an identity (`Detection.identity`) different from the
    /// span's bytes: `number(for: detection.identity ?? spanBytes, entity: …, original: spanBytes)`.
    public func number(for identity: [UInt8], entity: EntityType, original: [UInt8]) throws -> Int {
        if let known = state.number(identity: identity, entity: entity) { return known }
        return try transaction {
            if let known = state.number(identity: identity, entity: entity) { return known }
            isDirty = true
            return state.allocate(identity: identity, entity: entity, original: original)
        }
    }

    /// The placeholder text `[ENTITY_N]` for a value, numbering it if new.
    public func placeholder(for identity: [UInt8], entity: EntityType, original: [UInt8]) throws -> [UInt8] {
        let number = try number(for: identity, entity: entity, original: original)
        return Placeholder.bytes(entity: entity, number: number)
    }

    // MARK: Surrogates

    /// A realistic fake value to write instead of `original` (see `SurrogateFactory`), recorded in
    /// the session so that the same value gets the same surrogate in every invocation and restore
    /// puts the original back.
    ///
    /// - Parameters:
    ///   - identity: what is numbered (as for `number(for:entity:original:)`).
    ///   - original: the bytes being replaced; their shape and locale guide the surrogate.
    ///   - text: the whole text being redacted: a new surrogate never occurs in it, never equals
    ///     another recorded value, and never equals another surrogate.
    /// - Returns: the surrogate bytes, or the placeholder `[ENTITY_N]` when no distinct surrogate
    ///   could be made (a value without letters or digits, for instance).
    public func surrogate(for identity: [UInt8], entity: EntityType, original: [UInt8], avoiding text: [UInt8] = []) throws -> [UInt8] {
        if let entry = state.entry(identity: identity, entity: entity), let existing = entry.s { return Array(existing) }
        return try transaction {
            let number: Int
            if let entry = state.entry(identity: identity, entity: entity) {
                if let existing = entry.s { return Array(existing) }
                number = entry.n
            } else {
                isDirty = true
                number = state.allocate(identity: identity, entity: entity, original: original)
            }
            let factory = SurrogateFactory(seed: state.seed)
            for attempt in 0..<64 {
                guard let candidate = factory.surrogate(for: original, entity: entity, attempt: attempt) else { break }
                if candidate == original || state.isTaken(candidate) { continue }
                if !text.isEmpty, ByteSearch.containsIgnoringASCIICase(text, candidate) { continue }
                isDirty = true
                state.setSurrogate(candidate, entity: entity, number: number)
                return candidate
            }
            return Placeholder.bytes(entity: entity, number: number)
        }
    }

    // MARK: Literal placeholders in the input

    /// Reserves the numbers of caviar-shaped placeholders that are already in `text` (for example
    /// an input that itself contains `[EMAIL_3]`), so that no value is ever given that number and
    /// restore leaves those tokens as they are. Call it on each input before numbering its values.
    /// A token whose number already belongs to a value cannot be reserved (restore will turn it
    /// into that value): returns how many such conflicts there were.
    @discardableResult
    public func reserveLiteralPlaceholders(in text: [UInt8]) throws -> Int {
        let scanner = PlaceholderScanner(knownEntities: PlaceholderScanner.vocabulary.union(mappings.entityNames))
        let tokens = scanner.tokens(in: text).filter { $0.isRestorable }
        if tokens.isEmpty { return 0 }
        return try transaction {
            var conflicts = 0
            for token in tokens {
                let entity = EntityType(token.entity)
                if let entry = state.entry(entity: entity, number: token.number) {
                    if entry.lit != true { conflicts += 1 }
                    continue
                }
                isDirty = true
                _ = state.reserveLiteral(Array(text[token.range]), entity: entity, number: token.number)
            }
            return conflicts
        }
    }

    // MARK: Transactions and views

    /// Runs `body` holding the vault lock, with the session reloaded first when another process
    /// changed it; new mappings made inside are saved once at the end. If the save fails, the
    /// new mappings are discarded and the error is thrown: the caller must not emit output that
    /// refers to them.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        return try vault.withLock {
            try reloadIfChanged()
            let before = state
            isInTransaction = true
            isDirty = false
            defer { isInTransaction = false }
            do {
                let result = try body()
                if isDirty {
                    state.touch(now: vault.configuration.now())
                    version = try vault.save(state)
                    isDirty = false
                }
                return result
            } catch {
                state = before
                isDirty = false
                throw error
            }
        }
    }

    private func reloadIfChanged() throws {
        let current = try vault.fileVersion(name)
        if current == version, current != nil { return }
        if let (loaded, loadedVersion) = try vault.load(name) {
            state = loaded
            version = loadedVersion
        } else if version != nil {
            // The session was forgotten or purged by another process meanwhile: start afresh.
            state = .fresh(name: name, now: vault.configuration.now(), timeToLive: vault.configuration.timeToLive)
            version = nil
        }
    }

    /// A read-only copy of the mappings (for `Restorer`).
    public var mappings: SessionMappings { state.mappings() }

    /// How many values the session holds (placeholder-shaped input literals excluded).
    public var valueCount: Int { state.record.entities.values.reduce(0) { $0 + $1.entries.filter { $0.lit != true }.count } }

    /// When the session expires, in seconds since 1970.
    public var expiresAt: Double { state.record.expiresAt() }

    /// A restorer for this session's current mappings.
    public func restorer(options: Restorer.Options = Restorer.Options()) -> Restorer {
        Restorer(mappings: mappings, options: options)
    }
}
