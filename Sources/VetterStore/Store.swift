public import Foundation
public import VetterCore

/// Where Vetter keeps list versions and everything derived from them.
///
/// The protocol is what the rest of Vetter sees, so that SQLite (``SQLiteStore``) and, later, PostgreSQL can
/// stand behind it without touching callers. Every method is `async` for that reason. Versions are immutable:
/// nothing here changes or deletes a version once written.
public protocol Store: Sendable {
    /// Writes one new version for every source in `file` whose content differs from that source's current
    /// version, in one transaction: either all of them are stored or none is.
    func importList(_ file: ListFile, importedAt: Date) async throws -> ImportOutcome

    /// All versions, newest first, optionally of one source.
    func versions(source: ListSource?) async throws -> [ListVersion]

    /// The newest version of each source: what screening uses.
    func currentVersions() async throws -> [ListVersion]

    /// Every entry of the given versions.
    func entries(versionIDs: [Int64]) async throws -> [ListEntry]

    /// The entries with this id in the given versions (several when one id is on several lists).
    func entries(id: String, versionIDs: [Int64]) async throws -> [ListEntry]

    /// Whether the store holds no version at all.
    func isEmpty() async throws -> Bool
}

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
