public import Foundation
public import VetterCore
import VetterStore

/// History: the lists in force, every version of a source, what changed between two, an entry by id.
extension Vetter {
    /// The current version of every source, by source.
    public func currentLists() async throws -> [ListVersion] {
        try await store.currentVersions().sorted { $0.source < $1.source }
    }

    /// Every version of `source` (or of every source), newest first.
    public func versions(source: ListSource? = nil) async throws -> [ListVersion] {
        try await store.versions(source: source)
    }

    /// How `source`'s content differs between two versions (by default its previous and current).
    public func diff(source: ListSource, from: Int64? = nil, to: Int64? = nil) async throws -> ListDiff {
        try await store.diff(source: source, from: from, to: to)
    }

    /// The entries with this id in the current versions.
    public func entries(id: String) async throws -> [ListEntry] {
        let versions = try await store.currentVersions()
        return try await store.entries(id: id, versionIDs: versions.map(\.id))
    }
}

/// API keys: only a key's SHA-256 is stored; the secret is shown once, when it is made.
extension Vetter {
    /// A new key: returns its secret. The audit trail records who made it (never the secret).
    public func createKey(role: String, name: String, actor: String = Vetter.commandLineActor) async throws -> String {
        let secret = "vk_" + (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let id = try await store.addAPIKey(name: name, role: role, secretSHA256: SHA256.hex(secret))
        struct Made: Encodable {
            var id: Int64
            var name: String
            var role: String
        }
        try await audit(
            kind: "key_created", actor: actor, subject: "key:\(id)", body: Made(id: id, name: name, role: role))
        return secret
    }

    /// The unrevoked key with this secret.
    public func key(secret: String) async throws -> (id: Int64, name: String, role: String)? {
        try await store.apiKey(secretSHA256: SHA256.hex(secret))
    }

    public func keyCount() async throws -> Int { try await store.apiKeyCount() }

    public func keys() async throws -> [APIKeyRecord] { try await store.apiKeys() }

    /// Revokes the key; `false` when there is no unrevoked key with that id.
    public func revokeKey(
        id: Int64, at date: Date = Date(), actor: String = Vetter.commandLineActor
    ) async throws
        -> Bool
    {
        guard try await store.revokeAPIKey(id: id, at: date) else { return false }
        struct Revoked: Encodable { var id: Int64 }
        try await audit(kind: "key_revoked", actor: actor, subject: "key:\(id)", body: Revoked(id: id))
        return true
    }
}

/// Web sessions: the reviewers' pages keep an opaque, random session id in their cookie, never the API key.
extension Vetter {
    /// How long a web session lasts.
    public static let sessionLifetime: TimeInterval = 12 * 3600

    /// Opens a session for the key with this secret: returns the session id (shown once, stored only as its
    /// SHA-256), or `nil` when the key is unknown or revoked.
    public func openSession(secret: String, at date: Date = Date()) async throws -> String? {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let opened = try await store.openSession(
            idSHA256: SHA256.hex(id), keySHA256: SHA256.hex(secret), at: date,
            expiresAt: date.addingTimeInterval(Self.sessionLifetime))
        return opened ? id : nil
    }

    /// The key behind an open session id.
    public func session(id: String, at date: Date = Date()) async throws -> (name: String, role: String)? {
        try await store.session(idSHA256: SHA256.hex(id), at: date).map { ($0.name, $0.role) }
    }

    /// Signs a session out for good.
    public func closeSession(id: String, at date: Date = Date()) async throws {
        try await store.closeSession(idSHA256: SHA256.hex(id), at: date)
    }
}
