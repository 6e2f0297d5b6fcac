public import Foundation
import GRDB
public import VetterCore

/// The SQLite implementation of ``Store``, through GRDB, in WAL mode so that several processes can share one file.
///
/// Entries are content-addressed: `entry_blob` holds each distinct entry once, keyed by the SHA-256 of its
/// canonical JSON, and `version_entry` lists which entries make up a version. An entry unchanged across a hundred
/// versions is stored once.
public final class SQLiteStore: Store {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating when needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError(.cannotOpen, "cannot open the database at \(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: list versions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE list_version (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        source TEXT NOT NULL,
                        imported_at REAL NOT NULL,
                        data_date TEXT,
                        file_sha256 TEXT NOT NULL,
                        content_sha256 TEXT NOT NULL,
                        file_name TEXT NOT NULL,
                        format TEXT NOT NULL,
                        entry_count INTEGER NOT NULL
                    );
                    CREATE INDEX list_version_by_source ON list_version(source, id);
                    CREATE TABLE entry_blob (
                        id INTEGER PRIMARY KEY,
                        hash TEXT NOT NULL UNIQUE,
                        body BLOB NOT NULL
                    );
                    CREATE TABLE version_entry (
                        version_id INTEGER NOT NULL REFERENCES list_version(id),
                        entry_id TEXT NOT NULL,
                        hash TEXT NOT NULL REFERENCES entry_blob(hash),
                        PRIMARY KEY (version_id, entry_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX version_entry_by_entry ON version_entry(entry_id);
                    CREATE TRIGGER list_version_immutable BEFORE UPDATE ON list_version
                        BEGIN SELECT RAISE(ABORT, 'list versions are immutable'); END;
                    CREATE TRIGGER version_entry_immutable BEFORE UPDATE ON version_entry
                        BEGIN SELECT RAISE(ABORT, 'list versions are immutable'); END;
                    """)
        }
        migrator.registerMigration("v2: watched parties, alerts, webhooks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE watched_party (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        country TEXT,
                        type TEXT,
                        address TEXT
                    );
                    CREATE TABLE watch_hit (
                        party_id TEXT NOT NULL REFERENCES watched_party(id) ON DELETE CASCADE,
                        source TEXT NOT NULL,
                        entry_id TEXT NOT NULL,
                        entry_hash TEXT NOT NULL,
                        entry_name TEXT NOT NULL,
                        score REAL NOT NULL,
                        PRIMARY KEY (party_id, source, entry_id)
                    );
                    CREATE TABLE alert (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        party_id TEXT NOT NULL,
                        party_name TEXT NOT NULL,
                        source TEXT NOT NULL,
                        entry_id TEXT NOT NULL,
                        entry_name TEXT NOT NULL,
                        score REAL NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE INDEX alert_by_time ON alert(created_at);
                    CREATE TRIGGER alert_no_update BEFORE UPDATE ON alert
                        BEGIN SELECT RAISE(ABORT, 'alerts are append-only'); END;
                    CREATE TRIGGER alert_no_delete BEFORE DELETE ON alert
                        BEGIN SELECT RAISE(ABORT, 'alerts are append-only'); END;
                    CREATE TABLE webhook (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        url TEXT NOT NULL,
                        secret TEXT NOT NULL
                    );
                    CREATE TABLE outbox (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        webhook_id INTEGER NOT NULL REFERENCES webhook(id),
                        alert_id INTEGER NOT NULL REFERENCES alert(id),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        delivered_at REAL,
                        last_error TEXT,
                        UNIQUE (webhook_id, alert_id)
                    );
                    CREATE INDEX outbox_due ON outbox(delivered_at, next_attempt_at);
                    """)
        }
        migrator.registerMigration("v3: API keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_key (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL,
                        role TEXT NOT NULL,
                        secret_sha256 TEXT NOT NULL UNIQUE,
                        created_at REAL NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v4: API key revocation") { db in
            try db.execute(sql: "ALTER TABLE api_key ADD COLUMN revoked_at REAL")
        }
        migrator.registerMigration("v5: re-screens owed after an import") { db in
            // Written in the import's transaction and deleted in the re-screen's: a row left over is a re-screen
            // a crash interrupted, done again before anything reads alerts.
            try db.execute(
                sql: """
                    CREATE TABLE rescreen_job (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        created_at REAL NOT NULL,
                        version_ids TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v6: the canonical schema of entry hashes") { db in
            // Every hash so far is of canonical form 1 (the keys ListEntry.CodingKeys now spells out): the column
            // says so, and a later form can re-hash once, version by version, without raising alerts.
            try db.execute(sql: "ALTER TABLE list_version ADD COLUMN entry_schema INTEGER NOT NULL DEFAULT 1")
        }
        registerRecordMigration(&migrator)
        registerSessionMigration(&migrator)
        registerChunkMigration(&migrator)
        migrator.registerMigration("v10: versions and stored entries never deleted") { db in
            // As on PostgreSQL: a version, its entries and their content are refused a delete as well as an edit.
            try db.execute(
                sql: """
                    CREATE TRIGGER list_version_no_delete BEFORE DELETE ON list_version
                        BEGIN SELECT RAISE(ABORT, 'list versions are immutable'); END;
                    CREATE TRIGGER version_entry_no_delete BEFORE DELETE ON version_entry
                        BEGIN SELECT RAISE(ABORT, 'list versions are immutable'); END;
                    CREATE TRIGGER entry_blob_immutable BEFORE UPDATE ON entry_blob
                        BEGIN SELECT RAISE(ABORT, 'stored entries are immutable'); END;
                    CREATE TRIGGER entry_blob_no_delete BEFORE DELETE ON entry_blob
                        BEGIN SELECT RAISE(ABORT, 'stored entries are immutable'); END;
                    """)
        }
        migrator.registerMigration("v11: ownership versions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ownership_version (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        imported_at REAL NOT NULL,
                        file_name TEXT NOT NULL,
                        file_sha256 TEXT NOT NULL,
                        edge_count INTEGER NOT NULL,
                        party_count INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        content TEXT NOT NULL
                    );
                    CREATE TRIGGER ownership_version_immutable BEFORE UPDATE ON ownership_version
                        BEGIN SELECT RAISE(ABORT, 'ownership versions are immutable'); END;
                    CREATE TRIGGER ownership_version_no_delete BEFORE DELETE ON ownership_version
                        BEGIN SELECT RAISE(ABORT, 'ownership versions are immutable'); END;
                    CREATE TABLE watch_ownership (
                        party_id TEXT NOT NULL REFERENCES watched_party(id) ON DELETE CASCADE,
                        rule TEXT NOT NULL,
                        source TEXT NOT NULL,
                        entry_id TEXT NOT NULL,
                        entry_name TEXT NOT NULL,
                        state TEXT NOT NULL,
                        share REAL NOT NULL,
                        PRIMARY KEY (party_id, rule, source, entry_id)
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }

    public func importOwnership(_ version: OwnershipVersion, content: String) async throws -> OwnershipVersion? {
        try await pool.write { db in
            let newest = try String.fetchOne(
                db, sql: "SELECT file_sha256 FROM ownership_version ORDER BY id DESC LIMIT 1")
            guard newest != version.fileSHA256 else { return nil }
            try db.execute(
                sql: """
                    INSERT INTO ownership_version
                        (imported_at, file_name, file_sha256, edge_count, party_count, actor, content)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    version.importedAt.timeIntervalSince1970, version.fileName, version.fileSHA256,
                    version.edgeCount, version.partyCount, version.actor, content,
                ])
            var stored = version
            stored.id = db.lastInsertedRowID
            _ = try Self.append(
                db, kind: "ownership_imported", actor: version.actor, subject: "ownership:\(stored.id)",
                bodies: [Recording.ownershipAuditBody(stored)], at: version.importedAt)
            return stored
        }
    }

    public func watchOwnership() async throws -> [OwnershipHit] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM watch_ownership ORDER BY party_id, rule, source, entry_id")
                .compactMap { row in
                    guard let source = ListSource(rawValue: row["source"]) else { return nil }
                    return OwnershipHit(
                        partyID: row["party_id"], rule: row["rule"], source: source, entryID: row["entry_id"],
                        entryName: row["entry_name"], state: row["state"], share: row["share"])
                }
        }
    }

    public func replaceWatchOwnership(_ hits: [OwnershipHit]) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM watch_ownership")
            let parties = Set(try String.fetchAll(db, sql: "SELECT id FROM watched_party"))
            for hit in hits where parties.contains(hit.partyID) {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO watch_ownership
                            (party_id, rule, source, entry_id, entry_name, state, share)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        hit.partyID, hit.rule, hit.source.code, hit.entryID, hit.entryName, hit.state, hit.share,
                    ])
            }
        }
    }

    public func ownershipVersions() async throws -> [OwnershipVersion] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, imported_at, file_name, file_sha256, edge_count, party_count, actor
                    FROM ownership_version ORDER BY id DESC
                    """
            ).map { row in
                OwnershipVersion(
                    id: row["id"], importedAt: Date(timeIntervalSince1970: row["imported_at"]),
                    fileName: row["file_name"], fileSHA256: row["file_sha256"], edgeCount: row["edge_count"],
                    partyCount: row["party_count"], actor: row["actor"])
            }
        }
    }

    public func ownershipContent(versionID: Int64) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT content FROM ownership_version WHERE id = ?", arguments: [versionID])
        }
    }

    public func importLists(
        prepared batches: [Recording.PreparedList], files: [ListFile], importedAt: Date, actor: String
    ) async throws -> ImportOutcome {
        // Encoding and hashing happened before the write transaction, so the lock is held only to write.
        let outcome = try await pool.write { db in
            var created: [ListVersion] = []
            var unchanged: [ListSource] = []
            for item in batches {
                let current = try String.fetchOne(
                    db,
                    sql: """
                        SELECT content_sha256 FROM list_version WHERE source = ? ORDER BY id DESC LIMIT 1
                        """, arguments: [item.source.code])
                if current == item.content {
                    unchanged.append(item.source)
                    continue
                }
                let version = Recording.version(item, id: 0, importedAt: importedAt)
                try db.execute(
                    sql: """
                        INSERT INTO list_version (source, imported_at, data_date, file_sha256, content_sha256, file_name,
                            format, entry_count, entry_schema) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        version.source.code, importedAt.timeIntervalSince1970, version.dataDate?.description,
                        version.fileSHA256, version.contentSHA256, version.fileName, version.format,
                        version.entryCount, ListEntry.canonicalSchema,
                    ])
                let versionID = db.lastInsertedRowID
                let blob = try db.makeStatement(sql: "INSERT OR IGNORE INTO entry_blob (hash, body) VALUES (?, ?)")
                let link = try db.makeStatement(
                    sql: "INSERT INTO version_entry (version_id, entry_id, hash) VALUES (?, ?, ?)")
                for row in item.rows {
                    try blob.execute(arguments: [row.hash, row.body])
                    try link.execute(arguments: [versionID, row.id, row.hash])
                }
                created.append(Recording.version(item, id: versionID, importedAt: importedAt))
            }
            if !created.isEmpty {
                try db.execute(
                    sql: "INSERT INTO rescreen_job (created_at, version_ids) VALUES (?, ?)",
                    arguments: [
                        importedAt.timeIntervalSince1970, created.map { String($0.id) }.joined(separator: ","),
                    ])
                // The import is in the audit chain with the versions it made, in the same transaction.
                _ = try Self.append(
                    db, kind: "import", actor: actor, subject: created.map(\.source.code).joined(separator: ","),
                    bodies: [Recording.importBody(created: created, files: files)], at: importedAt)
            }
            return ImportOutcome(created: created, unchanged: unchanged)
        }
        // A large import fills the write-ahead log; fold it back so the file stays its real size.
        _ = try? await pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        return outcome
    }

    public func versions(source: ListSource?) async throws -> [ListVersion] {
        try await pool.read { db in
            if let source {
                return try Self.fetchVersions(db, where: "WHERE source = ?", arguments: [source.code])
            }
            return try Self.fetchVersions(db, where: "", arguments: [])
        }
    }

    public func currentVersions() async throws -> [ListVersion] {
        try await pool.read { db in
            try Self.fetchVersions(
                db, where: "WHERE id IN (SELECT MAX(id) FROM list_version GROUP BY source)", arguments: [])
        }
    }

    public func entries(versionIDs: [Int64]) async throws -> [ListEntry] {
        guard !versionIDs.isEmpty else { return [] }
        return try await pool.read { db in
            let placeholders = Array(repeating: "?", count: versionIDs.count).joined(separator: ",")
            let bodies = try Data.fetchAll(
                db,
                sql: """
                    SELECT b.body FROM version_entry v JOIN entry_blob b ON b.hash = v.hash
                    WHERE v.version_id IN (\(placeholders)) ORDER BY v.version_id, v.entry_id
                    """, arguments: StatementArguments(versionIDs))
            return try Recording.decode(bodies)
        }
    }

    public func entries(id: String, versionIDs: [Int64]) async throws -> [ListEntry] {
        guard !versionIDs.isEmpty else { return [] }
        return try await pool.read { db in
            let placeholders = Array(repeating: "?", count: versionIDs.count).joined(separator: ",")
            let bodies = try Data.fetchAll(
                db,
                sql: """
                    SELECT b.body FROM version_entry v JOIN entry_blob b ON b.hash = v.hash
                    WHERE v.entry_id = ? AND v.version_id IN (\(placeholders)) ORDER BY v.version_id
                    """, arguments: StatementArguments([id] + versionIDs.map { String($0) }))
            return try Recording.decode(bodies)
        }
    }

    /// Number of distinct stored entries (content-addressed blobs).
    public func blobCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entry_blob") ?? 0 }
    }

    /// SQLite's own consistency check: `ok` when the file is sound.
    public func integrityCheck() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
    }

    /// Runs a statement: for maintenance and for tests that prove what the schema forbids.
    public func execute(_ sql: String) async throws {
        try await pool.write { db in try db.execute(sql: sql) }
    }

    public func entryHashes(versionID: Int64) async throws -> [String: String] {
        try await pool.read { db in
            var result: [String: String] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT entry_id, hash FROM version_entry WHERE version_id = ?", arguments: [versionID])
            while let row = try rows.next() { result[row[0]] = row[1] }
            return result
        }
    }

    public func entries(versionID: Int64, ids: [String]) async throws -> [ListEntry] {
        guard !ids.isEmpty else { return [] }
        return try await pool.read { db in
            var bodies: [Data] = []
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let part = Array(ids[chunk..<min(ids.count, chunk + 500)])
                let placeholders = Array(repeating: "?", count: part.count).joined(separator: ",")
                bodies += try Data.fetchAll(
                    db,
                    sql: """
                        SELECT b.body FROM version_entry v JOIN entry_blob b ON b.hash = v.hash
                        WHERE v.version_id = ? AND v.entry_id IN (\(placeholders)) ORDER BY v.entry_id
                        """, arguments: StatementArguments([String(versionID)] + part))
            }
            return try Recording.decode(bodies)
        }
    }

    public func saveWatchedParties(_ parties: [WatchedParty]) async throws {
        try await pool.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO watched_party (id, name, country, type, address) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, country = excluded.country,
                        type = excluded.type, address = excluded.address
                    """)
            for party in parties {
                try statement.execute(arguments: [
                    party.id, party.name, party.country, party.type?.rawValue, party.address,
                ])
            }
        }
    }

    public func watchedParties() async throws -> [WatchedParty] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM watched_party ORDER BY id").map { row in
                let type: String? = row["type"]
                return WatchedParty(
                    id: row["id"], name: row["name"], country: row["country"],
                    type: type.flatMap(PartyType.init(rawValue:)), address: row["address"])
            }
        }
    }

    public func removeWatchedParty(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM watched_party WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func watchHits() async throws -> [WatchHit] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM watch_hit ORDER BY party_id, source, entry_id").compactMap { row in
                guard let source = ListSource(rawValue: row["source"]) else { return nil }
                return WatchHit(
                    partyID: row["party_id"], source: source, entryID: row["entry_id"], entryHash: row["entry_hash"],
                    entryName: row["entry_name"], score: row["score"])
            }
        }
    }

    public func pendingRescreens() async throws -> [RescreenJob] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, created_at, version_ids FROM rescreen_job ORDER BY id").map { row in
                RescreenJob(
                    id: row["id"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    versionIDs: (row["version_ids"] as String).split(separator: ",").compactMap { Int64($0) })
            }
        }
    }

    public func recordScreening(
        parties: [String], hits: [WatchHit], alerts: [Alert], completing jobs: [Int64]
    ) async throws -> [Alert]? {
        try await pool.write { db -> [Alert]? in
            if !jobs.isEmpty {
                // Another process finished one of these re-screens first: its alerts are recorded; record nothing.
                let list = jobs.map { String($0) }.joined(separator: ",")
                let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rescreen_job WHERE id IN (\(list))")
                guard open == jobs.count else { return nil }
                try db.execute(sql: "DELETE FROM rescreen_job WHERE id IN (\(list))")
            }
            let clear = try db.makeStatement(sql: "DELETE FROM watch_hit WHERE party_id = ?")
            for party in parties { try clear.execute(arguments: [party]) }
            let insertHit = try db.makeStatement(
                sql: """
                    INSERT OR REPLACE INTO watch_hit (party_id, source, entry_id, entry_hash, entry_name, score)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
            for hit in hits {
                try insertHit.execute(
                    arguments: [hit.partyID, hit.source.code, hit.entryID, hit.entryHash, hit.entryName, hit.score])
            }
            let insertAlert = try db.makeStatement(
                sql: """
                    INSERT INTO alert (kind, party_id, party_name, source, entry_id, entry_name, score, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let webhooks = try Int64.fetchAll(db, sql: "SELECT id FROM webhook")
            let queue = try db.makeStatement(
                sql: "INSERT INTO outbox (webhook_id, alert_id, next_attempt_at) VALUES (?, ?, ?)")
            var stored: [Alert] = []
            for var alert in alerts {
                try insertAlert.execute(
                    arguments: [
                        alert.kind.rawValue, alert.partyID, alert.partyName, alert.source.code, alert.entryID,
                        alert.entryName, alert.score, alert.createdAt.timeIntervalSince1970,
                    ])
                alert.id = db.lastInsertedRowID
                for webhook in webhooks {
                    try queue.execute(arguments: [webhook, alert.id, alert.createdAt.timeIntervalSince1970])
                }
                stored.append(alert)
            }
            return stored
        }
    }

    public func alerts(since: Date?) async throws -> [Alert] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM alert WHERE created_at >= ? ORDER BY id",
                arguments: [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude]
            ).compactMap(Self.alert)
        }
    }

    static func alert(_ row: Row) -> Alert? {
        guard let kind = Alert.Kind(rawValue: row["kind"]), let source = ListSource(rawValue: row["source"]) else {
            return nil
        }
        return Alert(
            id: row["id"], kind: kind, partyID: row["party_id"], partyName: row["party_name"], source: source,
            entryID: row["entry_id"], entryName: row["entry_name"], score: row["score"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    public func addWebhook(url: String, secret: String) async throws -> Int64 {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO webhook (url, secret) VALUES (?, ?)", arguments: [url, secret])
            return db.lastInsertedRowID
        }
    }

    public func webhooks() async throws -> [(id: Int64, url: String, secret: String)] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook ORDER BY id").map { ($0["id"], $0["url"], $0["secret"]) }
        }
    }

    public func dueDeliveries(now: Date) async throws -> [Delivery] {
        try await pool.read { db in try Self.deliveries(db, now: now) }
    }

    static func deliveries(_ db: Database, now: Date) throws -> [Delivery] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT o.id AS outbox_id, o.attempts, w.url, w.secret, a.*
                FROM outbox o JOIN webhook w ON w.id = o.webhook_id JOIN alert a ON a.id = o.alert_id
                WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ? ORDER BY o.id
                """, arguments: [now.timeIntervalSince1970]
        ).compactMap { row in
            guard let alert = Self.alert(row) else { return nil }
            return Delivery(
                id: row["outbox_id"], url: row["url"], secret: row["secret"], alert: alert,
                attempts: row["attempts"])
        }
    }

    public func claimDeliveries(now: Date, leaseUntil: Date) async throws -> [Delivery] {
        // The write lock makes read-and-claim one step for every process on the file.
        try await pool.write { db in
            let due = try Self.deliveries(db, now: now)
            let claim = try db.makeStatement(sql: "UPDATE outbox SET next_attempt_at = ? WHERE id = ?")
            for delivery in due { try claim.execute(arguments: [leaseUntil.timeIntervalSince1970, delivery.id]) }
            return due
        }
    }

    public func followChanges(_ handler: @escaping @Sendable (StoreChange) async -> Void) async throws -> Bool {
        false
    }

    public func markDelivered(_ deliveryID: Int64, at: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                arguments: [at.timeIntervalSince1970, deliveryID])
        }
    }

    public func recordFailedAttempt(_ deliveryID: Int64, error: String, retryAt: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                arguments: [error, retryAt.timeIntervalSince1970, deliveryID])
        }
    }

    public func addAPIKey(name: String, role: String, secretSHA256: String) async throws -> Int64 {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO api_key (name, role, secret_sha256, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, role, secretSHA256, Date().timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    public func apiKey(secretSHA256: String) async throws -> (id: Int64, name: String, role: String)? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT id, name, role FROM api_key WHERE secret_sha256 = ? AND revoked_at IS NULL",
                arguments: [secretSHA256]
            )
            .map { ($0["id"], $0["name"], $0["role"]) }
        }
    }

    public func apiKeyCount() async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_key WHERE revoked_at IS NULL") ?? 0
        }
    }

    public func apiKeys() async throws -> [APIKeyRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, role, created_at, revoked_at FROM api_key ORDER BY id").map {
                row in
                APIKeyRecord(
                    id: row["id"], name: row["name"], role: row["role"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func revokeAPIKey(id: Int64, at date: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [date.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    public func isEmpty() async throws -> Bool {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM list_version") == 0 }
    }

    static func fetchVersions(
        _ db: Database, where clause: String, arguments: StatementArguments
    ) throws -> [ListVersion] {
        try Row.fetchAll(db, sql: "SELECT * FROM list_version \(clause) ORDER BY id DESC", arguments: arguments).map {
            row in
            guard let source = ListSource(rawValue: row["source"]) else {
                throw StoreError(.corrupt, "list_version \(row["id"] as Int64) names an unknown source")
            }
            let dataDate: String? = row["data_date"]
            return ListVersion(
                id: row["id"], source: source, importedAt: Date(timeIntervalSince1970: row["imported_at"]),
                dataDate: dataDate.flatMap(LocalDate.init(parsing:)), fileSHA256: row["file_sha256"],
                contentSHA256: row["content_sha256"], fileName: row["file_name"], format: row["format"],
                entryCount: row["entry_count"])
        }
    }
}

extension SQLiteStore: MaintainableStore {}

/// A value of a row as it is copied between stores (`vetter migrate`).
package enum CopyValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLiteStore {
    /// A page of a table's rows, in a stable order, as plain values.
    package func copyPage(
        table: String, columns: [String], orderBy: String, limit: Int, offset: Int
    ) async throws -> [[CopyValue]] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(columns.map { "\"\($0)\"" }.joined(separator: ", ")) FROM \(table)
                    ORDER BY \(orderBy) LIMIT ? OFFSET ?
                    """, arguments: [limit, offset]
            ).map { row in
                (0..<columns.count).map { position -> CopyValue in
                    switch (row[position] as DatabaseValue).storage {
                    case .null: .null
                    case .int64(let value): .integer(value)
                    case .double(let value): .real(value)
                    case .string(let value): .text(value)
                    case .blob(let value): .blob([UInt8](value))
                    }
                }
            }
        }
    }

    /// How many rows a table holds.
    package func rowCount(table: String) async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}
