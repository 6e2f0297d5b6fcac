public import Foundation

/// What an import did, per source.
public struct ImportOutcome: Sendable, Codable {
    /// Versions written, one per changed source.
    public var created: [ListVersion]
    /// Sources whose content was identical to their current version: nothing written.
    public var unchanged: [ListSource]

    public init(created: [ListVersion], unchanged: [ListSource]) {
        self.created = created
        self.unchanged = unchanged
    }
}

/// An API key as listed: never its secret or hash.
public struct APIKeyRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var name: String
    public var role: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: Int64, name: String, role: String, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// What another process changed, as a store that shares its database announces it.
public enum StoreChange: Sendable, Hashable {
    /// A list import committed.
    case lists
    /// A key was revoked or a session closed.
    case keys
}
