public import Foundation
import VetterCore
import VetterPostgres
import VetterStore

/// What `vetter migrate --to` did: the copy, its checks, and the audit chain verified on both sides.
public struct MigrationReport: Sendable, Encodable {
    public struct Table: Sendable, Encodable {
        public var name: String
        public var rows: Int
    }

    public var target: String
    public var tables: [Table]
    public var versionsChecked: Int
    public var entriesChecked: Int
    /// The audit chain verified on the source and on the copy: the same head.
    public var source: AuditVerification
    public var copy: AuditVerification
    public var seconds: Double
}

extension Vetter {
    /// Copies this SQLite store whole into the empty PostgreSQL database at `address` (versions, entries, watched
    /// parties, alerts, webhooks and their outbox, keys, sessions, cases, the audit chain with every screening)
    /// and checks the copy: row counts, every version's content hash and every entry's hash recomputed from the
    /// copied rows, and the audit chain verified on the copy to the same head as here. `progress` gets the table,
    /// rows copied and rows in all.
    public func migrate(
        to address: String, poolSize: Int = 4, progress: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in }
    ) async throws -> MigrationReport {
        guard let source = store as? SQLiteStore else {
            throw StoreError(.invalidRequest, "migrate copies from a SQLite store (--db FILE) into PostgreSQL")
        }
        guard PostgresAddress.isAddress(address) else {
            throw StoreError(.invalidRequest, "--to must be a PostgreSQL address (postgres://user@host:port/database)")
        }
        let start = Date()
        let before = try await verifyAudit()
        guard before.isIntact else {
            throw StoreError(
                .corrupt, "the audit chain here does not verify (\(before.problem ?? "")): fix that before moving it")
        }
        let target = try await PostgresStore(address: address, poolSize: poolSize)
        let copied = try await target.copy(from: source, progress: progress)
        let after = try await Vetter(store: target).verifyAudit()
        guard after.isIntact, after.head == before.head, after.records == before.records else {
            throw StoreError(
                .corrupt,
                "the copied audit chain does not verify to the same head: \(after.problem ?? "head \(after.head ?? "none")")"
            )
        }
        return MigrationReport(
            target: target.address.description, tables: copied.tables.map { .init(name: $0.name, rows: $0.rows) },
            versionsChecked: copied.versionsChecked, entriesChecked: copied.entriesChecked, source: before,
            copy: after, seconds: Date().timeIntervalSince(start))
    }
}
