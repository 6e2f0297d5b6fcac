public import Foundation
import NIOCore
import PostgresNIO
public import VetterCore
public import VetterStore

/// What `vetter migrate --to` copied and checked.
public struct CopyReport: Sendable, Codable {
    public struct Table: Sendable, Codable {
        public var name: String
        public var rows: Int
    }

    public var tables: [Table]
    /// Versions whose content hash was recomputed from the copied entries, and matched.
    public var versionsChecked: Int
    /// Stored entries whose SHA-256 was recomputed from the copied body, and matched.
    public var entriesChecked: Int
    public var seconds: Double
}

extension PostgresStore {
    /// The tables in the order their references need, each with the SQLite order that pages it stably.
    static let copyOrder: [(table: String, order: String)] = [
        ("list_version", "id"), ("entry_blob", "hash"), ("version_entry", "version_id, entry_id"),
        ("watched_party", "id"), ("watch_hit", "party_id, source, entry_id"), ("alert", "id"), ("webhook", "id"),
        ("outbox", "id"), ("api_key", "id"), ("rescreen_job", "id"), ("web_session", "id_sha256"),
        ("audit_record", "seq"), ("review_case", "id"), ("case_event", "id"),
        ("ownership_version", "id"), ("watch_ownership", "party_id, rule, source, entry_id"),
    ]

    /// Copies a whole SQLite store into this empty database in one transaction, then checks the copy: the row
    /// count of every table, every version's content hash recomputed from its copied entries, every entry's hash
    /// from its copied body. (The caller verifies the audit chain on the copy.) Refuses a database that already
    /// holds lists or records.
    public func copy(
        from source: SQLiteStore, progress: @Sendable (String, Int, Int) -> Void = { _, _, _ in }
    ) async throws -> CopyReport {
        let start = Date()
        let occupied = try await rows(
            "SELECT EXISTS (SELECT 1 FROM list_version) OR EXISTS (SELECT 1 FROM audit_record)"
        ).first?.decode(Bool.self)
        guard occupied == false else {
            throw StoreError(
                .invalidRequest, "\(address) already holds lists or records: migrate copies into an empty database only"
            )
        }
        var tables: [CopyReport.Table] = []
        try await transaction { connection in
            _ = try await self.lockChain(connection)
            for (table, order) in Self.copyOrder {
                let columns = try await self.rows(
                    """
                    SELECT column_name::text, data_type::text FROM information_schema.columns
                    WHERE table_name = \(table) AND table_schema = current_schema() ORDER BY ordinal_position
                    """, on: connection
                ).map { try $0.decode((String, String).self) }
                let total = try await source.rowCount(table: table)
                let perStatement = max(1, 30_000 / max(1, columns.count))
                var copied = 0
                while copied < total {
                    let page = try await source.copyPage(
                        table: table, columns: columns.map(\.0), orderBy: order, limit: perStatement, offset: copied)
                    guard !page.isEmpty else { break }
                    var bindings = PostgresBindings(capacity: page.count * columns.count)
                    var values: [String] = []
                    for row in page {
                        var placeholders: [String] = []
                        for (value, column) in zip(row, columns) {
                            switch value {
                            case .null: bindings.appendNull()
                            case .integer(let number): bindings.append(number)
                            case .real(let number): bindings.append(number)
                            case .text(let text): bindings.append(text)
                            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
                            }
                            placeholders.append("$\(bindings.count)::\(column.1)")
                        }
                        values.append("(" + placeholders.joined(separator: ", ") + ")")
                    }
                    let names = columns.map { "\"\($0.0)\"" }.joined(separator: ", ")
                    _ = try await self.rows(
                        PostgresQuery(
                            unsafeSQL: "INSERT INTO \(table) (\(names)) VALUES " + values.joined(separator: ", "),
                            binds: bindings), on: connection)
                    copied += page.count
                    progress(table, copied, total)
                }
                if columns.contains(where: { $0.0 == "id" && $0.1 == "bigint" }) {
                    // Serial ids continue after the copied ones.
                    _ = try await self.rows(
                        PostgresQuery(
                            unsafeSQL: """
                                SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE(MAX(id), 1),
                                    MAX(id) IS NOT NULL) FROM \(table) WHERE pg_get_serial_sequence('\(table)', 'id') IS NOT NULL
                                """), on: connection)
                }
                tables.append(CopyReport.Table(name: table, rows: copied))
            }
            _ = try await self.rows("SELECT pg_notify('vetter_lists', '')", on: connection)
        }
        // The checks read what was committed.
        for table in tables {
            let count = try await rows(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(table.name)")).first?.decode(
                Int64.self)
            let expected = try await source.rowCount(table: table.name)
            guard count == Int64(expected) else {
                throw StoreError(.corrupt, "the copy of \(table.name) holds \(count ?? 0) rows, the source \(expected)")
            }
        }
        let versions = try await self.versions(source: nil)
        for version in versions {
            let hashes = try await entryHashes(versionID: version.id)
            var hasher = SHA256()
            for (id, hash) in hashes.sorted(by: { $0.key < $1.key }) { hasher.update(Array("\(id)=\(hash)\n".utf8)) }
            guard hasher.finalizeHex() == version.contentSHA256 else {
                throw StoreError(.corrupt, "version \(version.id) of \(version.source.code) does not hash as it did")
            }
        }
        var entries = 0
        for row in try await rows("SELECT hash, body FROM entry_blob") {
            let (hash, body) = try row.decode((String, ByteBuffer).self)
            guard SHA256.hex(Data(body.readableBytesView)) == hash else {
                throw StoreError(.corrupt, "the stored entry \(hash) does not hash as it did")
            }
            entries += 1
        }
        return CopyReport(
            tables: tables, versionsChecked: versions.count, entriesChecked: entries,
            seconds: Date().timeIntervalSince(start))
    }
}
