public import Foundation
import Logging
import NIOCore
public import PostgresNIO
public import VetterCore
public import VetterStore

/// The PostgreSQL implementation of ``Store``, on postgres-nio's connection pool: what several Vetter servers
/// share. The same semantics as ``SQLiteStore``: versions and audit records refused a change by the database's own
/// triggers, all-or-nothing imports, content-addressed entries, one audit chain that several writers append to
/// without forking (every appending transaction first takes one advisory lock, then reads the head).
///
/// Commits that others must see at once announce themselves: an import sends `NOTIFY vetter_lists`, a revoked key
/// or a closed session `NOTIFY vetter_keys` (``followChanges(_:)``).
public final class PostgresStore: Store {
    let client: PostgresClient
    let logger: Logger
    let runner: Task<Void, Never>
    public let address: PostgresAddress

    /// Connects (a pool of at most `poolSize` connections) and brings the schema up to date.
    public init(address text: String, poolSize: Int = 10) async throws {
        address = try PostgresAddress(text)
        var configuration = address.configuration
        configuration.options.maximumConnections = max(2, poolSize)
        configuration.options.connectTimeout = .seconds(10)
        var logger = Logger(label: "vetter.postgres")
        logger.logLevel = .critical
        self.logger = logger
        // One connection first, for a clear and quick answer where the server is not there or refuses us (the
        // pool would retry for a minute and then report only that it gave up).
        do {
            let probe = try await PostgresConnection.connect(
                configuration: address.connection, id: 0, logger: logger)
            try await probe.close()
        } catch {
            throw StoreError(.cannotOpen, "cannot open the database at \(address): \(Self.describe(error))")
        }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        do {
            try await migrate()
        } catch {
            runner.cancel()
            throw StoreError(.cannotOpen, "cannot open the database at \(address): \(Self.describe(error))")
        }
    }

    deinit { runner.cancel() }

    /// A PostgreSQL error as one line: the server's message and detail where it sent them.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                return message + (error.serverInfo?[.detail].map { " (\($0))" } ?? "")
            }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        if let error = error as? PostgresTransactionError {
            return describe(error.closureError ?? error.commitError ?? error.beginError ?? error)
        }
        return "\(error)"
    }

    /// Runs `body`, turning the driver's errors into ``StoreError``s that say what the server said.
    func guarded<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError as? StoreError { throw inner }
            throw StoreError(.corrupt, "PostgreSQL: \(Self.describe(error))")
        } catch let error as PSQLError {
            throw StoreError(.corrupt, "PostgreSQL: \(Self.describe(error))")
        }
    }

    /// All rows of a query, read from the pool.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await guarded {
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row) }
            return rows
        }
    }

    /// All rows of a query on a connection (inside a transaction).
    func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
        return rows
    }

    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await guarded { try await client.withTransaction(logger: logger) { try await body($0) } }
    }

    /// Takes the chain's lock for the rest of the transaction and returns its head.
    func lockChain(_ connection: PostgresConnection) async throws -> Recording.ChainHead {
        try await rows("SELECT pg_advisory_xact_lock(\(PostgresSchema.chainLock))", on: connection)
        let head = try await rows("SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1", on: connection)
        let row = try head.first?.decode((Int64, String).self)
        return Recording.ChainHead(seq: row?.0, hash: row?.1)
    }

    func migrate() async throws {
        try await client.withConnection { connection in
            _ = try await self.rows(
                "SELECT pg_advisory_lock(\(PostgresSchema.migrationLock))", on: connection)
            do {
                _ = try await self.rows(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migration (
                        version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                    """, on: connection)
                let applied = Set(
                    try await self.rows("SELECT version FROM schema_migration", on: connection).map {
                        try $0.decode(Int64.self)
                    })
                for migration in PostgresSchema.migrations where !applied.contains(Int64(migration.version)) {
                    try await connection.withTransaction(logger: self.logger) { connection in
                        for statement in PostgresSchema.statements(migration.sql) {
                            _ = try await self.rows(PostgresQuery(unsafeSQL: statement), on: connection)
                        }
                        _ = try await self.rows(
                            "INSERT INTO schema_migration (version, name) VALUES (\(Int64(migration.version)), \(migration.name))",
                            on: connection)
                    }
                }
            } catch {
                _ = try? await self.rows(
                    "SELECT pg_advisory_unlock(\(PostgresSchema.migrationLock))", on: connection)
                throw error
            }
            _ = try await self.rows("SELECT pg_advisory_unlock(\(PostgresSchema.migrationLock))", on: connection)
        }
    }

    // MARK: Lists

    public func importLists(
        prepared batches: [Recording.PreparedList], files: [ListFile], importedAt: Date, actor: String
    ) async throws -> ImportOutcome {
        let seconds = importedAt.timeIntervalSince1970
        return try await transaction { connection in
            // The chain's lock first: imports queue behind each other, so two of the same file make one version.
            var head = try await self.lockChain(connection)
            var created: [ListVersion] = []
            var unchanged: [ListSource] = []
            for item in batches {
                let current = try await self.rows(
                    "SELECT content_sha256 FROM list_version WHERE source = \(item.source.code) ORDER BY id DESC LIMIT 1",
                    on: connection
                ).first?.decode(String.self)
                if current == item.content {
                    unchanged.append(item.source)
                    continue
                }
                let version = Recording.version(item, id: 0, importedAt: importedAt)
                let id = try await self.rows(
                    """
                    INSERT INTO list_version (source, imported_at, data_date, file_sha256, content_sha256, file_name,
                        format, entry_count, entry_schema)
                    VALUES (\(version.source.code), \(seconds), \(version.dataDate?.description), \(version.fileSHA256),
                        \(version.contentSHA256), \(version.fileName), \(version.format), \(Int64(version.entryCount)),
                        \(Int64(ListEntry.canonicalSchema)))
                    RETURNING id
                    """, on: connection
                ).first!.decode(Int64.self)
                for start in stride(from: 0, to: item.rows.count, by: 5000) {
                    let part = item.rows[start..<min(item.rows.count, start + 5000)]
                    let hashes = part.map(\.hash), ids = part.map(\.id)
                    let bodies = part.map { ByteBuffer(bytes: $0.body) }
                    _ = try await self.rows(
                        """
                        INSERT INTO entry_blob (hash, body) SELECT * FROM UNNEST(\(hashes)::text[], \(bodies)::bytea[])
                        ON CONFLICT (hash) DO NOTHING
                        """, on: connection)
                    _ = try await self.rows(
                        """
                        INSERT INTO version_entry (version_id, entry_id, hash)
                        SELECT \(id), * FROM UNNEST(\(ids)::text[], \(hashes)::text[])
                        """, on: connection)
                }
                created.append(Recording.version(item, id: id, importedAt: importedAt))
            }
            if !created.isEmpty {
                let ids = created.map { String($0.id) }.joined(separator: ",")
                _ = try await self.rows(
                    "INSERT INTO rescreen_job (created_at, version_ids) VALUES (\(seconds), \(ids))", on: connection)
                var records = AuditRows()
                records.append(
                    &head, at: importedAt, kind: "import", actor: actor,
                    subject: created.map(\.source.code).joined(separator: ","),
                    body: Recording.importBody(created: created, files: files))
                try await records.insert(into: connection, store: self)
                // Delivered to every listening server when this transaction commits, not before.
                _ = try await self.rows("SELECT pg_notify('vetter_lists', \(ids))", on: connection)
            }
            return ImportOutcome(created: created, unchanged: unchanged)
        }
    }

    static let versionColumns =
        "id, source, imported_at, data_date, file_sha256, content_sha256, file_name, format, entry_count"

    func fetchVersions(_ query: PostgresQuery) async throws -> [ListVersion] {
        try await rows(query).map { row in
            let (id, code, importedAt, dataDate, fileSHA, contentSHA, fileName, format, count) = try row.decode(
                (Int64, String, Double, String?, String, String, String, String, Int64).self)
            guard let source = ListSource(rawValue: code) else {
                throw StoreError(.corrupt, "list_version \(id) names an unknown source")
            }
            return ListVersion(
                id: id, source: source, importedAt: Date(timeIntervalSince1970: importedAt),
                dataDate: dataDate.flatMap(LocalDate.init(parsing:)), fileSHA256: fileSHA, contentSHA256: contentSHA,
                fileName: fileName, format: format, entryCount: Int(count))
        }
    }

    public func versions(source: ListSource?) async throws -> [ListVersion] {
        if let source {
            return try await fetchVersions(
                "SELECT \(unescaped: Self.versionColumns) FROM list_version WHERE source = \(source.code) ORDER BY id DESC"
            )
        }
        return try await fetchVersions("SELECT \(unescaped: Self.versionColumns) FROM list_version ORDER BY id DESC")
    }

    public func currentVersions() async throws -> [ListVersion] {
        try await fetchVersions(
            """
            SELECT \(unescaped: Self.versionColumns) FROM list_version
            WHERE id IN (SELECT MAX(id) FROM list_version GROUP BY source) ORDER BY id DESC
            """)
    }

    func bodies(_ query: PostgresQuery) async throws -> [ListEntry] {
        try Recording.decode(try await rows(query).map { Data(try $0.decode(ByteBuffer.self).readableBytesView) })
    }

    public func entries(versionIDs: [Int64]) async throws -> [ListEntry] {
        guard !versionIDs.isEmpty else { return [] }
        return try await bodies(
            """
            SELECT b.body FROM version_entry v JOIN entry_blob b ON b.hash = v.hash
            WHERE v.version_id = ANY(\(versionIDs)) ORDER BY v.version_id, v.entry_id
            """)
    }

    public func entries(id: String, versionIDs: [Int64]) async throws -> [ListEntry] {
        guard !versionIDs.isEmpty else { return [] }
        return try await bodies(
            """
            SELECT b.body FROM version_entry v JOIN entry_blob b ON b.hash = v.hash
            WHERE v.entry_id = \(id) AND v.version_id = ANY(\(versionIDs)) ORDER BY v.version_id
            """)
    }

    public func isEmpty() async throws -> Bool {
        try await rows("SELECT EXISTS (SELECT 1 FROM list_version)").first?.decode(Bool.self) != true
    }

    public func entryHashes(versionID: Int64) async throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try await rows("SELECT entry_id, hash FROM version_entry WHERE version_id = \(versionID)") {
            let (id, hash) = try row.decode((String, String).self)
            result[id] = hash
        }
        return result
    }

    public func entries(versionID: Int64, ids: [String]) async throws -> [ListEntry] {
        guard !ids.isEmpty else { return [] }
        return try await bodies(
            """
            SELECT b.body FROM version_entry v JOIN entry_blob b ON b.hash = v.hash
            WHERE v.version_id = \(versionID) AND v.entry_id = ANY(\(ids)) ORDER BY v.entry_id
            """)
    }

    /// Number of distinct stored entries (content-addressed blobs).
    public func blobCount() async throws -> Int {
        Int(try await rows("SELECT COUNT(*) FROM entry_blob").first?.decode(Int64.self) ?? 0)
    }

    /// Runs statements: for maintenance and for tests that prove what the schema forbids.
    public func execute(_ sql: String) async throws {
        try await guarded {
            try await client.withConnection { connection in
                for statement in PostgresSchema.statements(sql) {
                    _ = try await self.rows(PostgresQuery(unsafeSQL: statement), on: connection)
                }
            }
        }
    }

    // MARK: Watched parties and alerts

    public func saveWatchedParties(_ parties: [WatchedParty]) async throws {
        try await transaction { connection in
            for start in stride(from: 0, to: parties.count, by: 5000) {
                let part = parties[start..<min(parties.count, start + 5000)]
                // Empty strings stand for "none" in the arrays; no stored field is ever an empty string.
                let ids = part.map(\.id), names = part.map(\.name), countries = part.map { $0.country ?? "" }
                let types = part.map { $0.type?.rawValue ?? "" }, addresses = part.map { $0.address ?? "" }
                _ = try await self.rows(
                    """
                    INSERT INTO watched_party (id, name, country, type, address)
                    SELECT i, n, NULLIF(c, ''), NULLIF(t, ''), NULLIF(a, '')
                    FROM UNNEST(\(ids)::text[], \(names)::text[], \(countries)::text[], \(types)::text[],
                        \(addresses)::text[]) AS p (i, n, c, t, a)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, country = excluded.country,
                        type = excluded.type, address = excluded.address
                    """, on: connection)
            }
        }
    }

    public func watchedParties() async throws -> [WatchedParty] {
        try await rows("SELECT id, name, country, type, address FROM watched_party ORDER BY id").map { row in
            let (id, name, country, type, address) = try row.decode((String, String, String?, String?, String?).self)
            return WatchedParty(
                id: id, name: name, country: country, type: type.flatMap(PartyType.init(rawValue:)), address: address)
        }
    }

    public func removeWatchedParty(id: String) async throws -> Bool {
        !(try await rows("DELETE FROM watched_party WHERE id = \(id) RETURNING id")).isEmpty
    }

    public func watchHits() async throws -> [WatchHit] {
        try await rows(
            """
            SELECT party_id, source, entry_id, entry_hash, entry_name, score FROM watch_hit
            ORDER BY party_id, source, entry_id
            """
        ).compactMap { row in
            let (party, code, entry, hash, name, score) = try row.decode(
                (String, String, String, String, String, Double).self)
            guard let source = ListSource(rawValue: code) else { return nil }
            return WatchHit(
                partyID: party, source: source, entryID: entry, entryHash: hash, entryName: name, score: score)
        }
    }

    public func pendingRescreens() async throws -> [RescreenJob] {
        try await rows("SELECT id, created_at, version_ids FROM rescreen_job ORDER BY id").map { row in
            let (id, created, ids) = try row.decode((Int64, Double, String).self)
            return RescreenJob(
                id: id, createdAt: Date(timeIntervalSince1970: created),
                versionIDs: ids.split(separator: ",").compactMap { Int64($0) })
        }
    }

    public func recordScreening(
        parties: [String], hits: [WatchHit], alerts: [Alert], completing jobs: [Int64]
    ) async throws -> [Alert]? {
        try await transaction { connection -> [Alert]? in
            if !jobs.isEmpty {
                // Locked, then deleted: a second server finishing the same re-screen waits here, then finds the
                // jobs gone and records nothing.
                let open = try await self.rows(
                    "SELECT id FROM rescreen_job WHERE id = ANY(\(jobs)) FOR UPDATE", on: connection)
                guard open.count == jobs.count else { return nil }
                _ = try await self.rows("DELETE FROM rescreen_job WHERE id = ANY(\(jobs))", on: connection)
            }
            if !parties.isEmpty {
                _ = try await self.rows("DELETE FROM watch_hit WHERE party_id = ANY(\(parties))", on: connection)
            }
            for start in stride(from: 0, to: hits.count, by: 5000) {
                let part = hits[start..<min(hits.count, start + 5000)]
                _ = try await self.rows(
                    """
                    INSERT INTO watch_hit (party_id, source, entry_id, entry_hash, entry_name, score)
                    SELECT * FROM UNNEST(\(part.map(\.partyID))::text[], \(part.map(\.source.code))::text[],
                        \(part.map(\.entryID))::text[], \(part.map(\.entryHash))::text[],
                        \(part.map(\.entryName))::text[], \(part.map(\.score))::float8[])
                    ON CONFLICT (party_id, source, entry_id) DO UPDATE SET entry_hash = excluded.entry_hash,
                        entry_name = excluded.entry_name, score = excluded.score
                    """, on: connection)
            }
            var stored: [Alert] = []
            for var alert in alerts {
                let created = alert.createdAt.timeIntervalSince1970
                alert.id = try await self.rows(
                    """
                    INSERT INTO alert (kind, party_id, party_name, source, entry_id, entry_name, score, created_at)
                    VALUES (\(alert.kind.rawValue), \(alert.partyID), \(alert.partyName), \(alert.source.code),
                        \(alert.entryID), \(alert.entryName), \(alert.score), \(created))
                    RETURNING id
                    """, on: connection
                ).first!.decode(Int64.self)
                _ = try await self.rows(
                    """
                    INSERT INTO outbox (webhook_id, alert_id, next_attempt_at)
                    SELECT id, \(alert.id), \(created) FROM webhook
                    """, on: connection)
                stored.append(alert)
            }
            return stored
        }
    }

    static let alertColumns =
        "a.id, a.kind, a.party_id, a.party_name, a.source, a.entry_id, a.entry_name, a.score, a.created_at"

    static func alert(_ row: PostgresRandomAccessRow, offset: Int = 0) throws -> Alert? {
        let kindName = try row[offset + 1].decode(String.self), code = try row[offset + 4].decode(String.self)
        guard let kind = Alert.Kind(rawValue: kindName), let source = ListSource(rawValue: code) else { return nil }
        return Alert(
            id: try row[offset].decode(Int64.self), kind: kind, partyID: try row[offset + 2].decode(String.self),
            partyName: try row[offset + 3].decode(String.self), source: source,
            entryID: try row[offset + 5].decode(String.self), entryName: try row[offset + 6].decode(String.self),
            score: try row[offset + 7].decode(Double.self),
            createdAt: Date(timeIntervalSince1970: try row[offset + 8].decode(Double.self)))
    }

    public func alerts(since: Date?) async throws -> [Alert] {
        let after = since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude
        return try await rows(
            "SELECT \(unescaped: Self.alertColumns) FROM alert a WHERE a.created_at >= \(after) ORDER BY a.id"
        ).compactMap { try Self.alert($0.makeRandomAccess()) }
    }

    // MARK: Webhooks

    public func addWebhook(url: String, secret: String) async throws -> Int64 {
        try await rows("INSERT INTO webhook (url, secret) VALUES (\(url), \(secret)) RETURNING id").first!.decode(
            Int64.self)
    }

    public func webhooks() async throws -> [(id: Int64, url: String, secret: String)] {
        try await rows("SELECT id, url, secret FROM webhook ORDER BY id").map {
            let (id, url, secret) = try $0.decode((Int64, String, String).self)
            return (id, url, secret)
        }
    }

    func deliveries(_ rows: [PostgresRow]) throws -> [Delivery] {
        try rows.compactMap { row in
            let row = row.makeRandomAccess()
            guard let alert = try Self.alert(row, offset: 4) else { return nil }
            return Delivery(
                id: try row[0].decode(Int64.self), url: try row[2].decode(String.self),
                secret: try row[3].decode(String.self), alert: alert, attempts: Int(try row[1].decode(Int64.self)))
        }
    }

    public func dueDeliveries(now: Date) async throws -> [Delivery] {
        try deliveries(
            try await rows(
                """
                SELECT o.id, o.attempts, w.url, w.secret, \(unescaped: Self.alertColumns)
                FROM outbox o JOIN webhook w ON w.id = o.webhook_id JOIN alert a ON a.id = o.alert_id
                WHERE o.delivered_at IS NULL AND o.next_attempt_at <= \(now.timeIntervalSince1970) ORDER BY o.id
                """))
    }

    public func claimDeliveries(now: Date, leaseUntil: Date) async throws -> [Delivery] {
        // Rows another server is claiming right now are skipped, not waited for; claimed ones are not due again
        // until the lease ends.
        try deliveries(
            try await rows(
                """
                WITH claimed AS (
                    UPDATE outbox SET next_attempt_at = \(leaseUntil.timeIntervalSince1970)
                    WHERE id IN (
                        SELECT id FROM outbox
                        WHERE delivered_at IS NULL AND next_attempt_at <= \(now.timeIntervalSince1970)
                        ORDER BY id FOR UPDATE SKIP LOCKED)
                    RETURNING id, attempts, webhook_id, alert_id)
                SELECT o.id, o.attempts, w.url, w.secret, \(unescaped: Self.alertColumns)
                FROM claimed o JOIN webhook w ON w.id = o.webhook_id JOIN alert a ON a.id = o.alert_id ORDER BY o.id
                """))
    }

    public func markDelivered(_ deliveryID: Int64, at: Date) async throws {
        _ = try await rows(
            """
            UPDATE outbox SET delivered_at = \(at.timeIntervalSince1970), attempts = attempts + 1, last_error = NULL
            WHERE id = \(deliveryID)
            """)
    }

    public func recordFailedAttempt(_ deliveryID: Int64, error: String, retryAt: Date) async throws {
        _ = try await rows(
            """
            UPDATE outbox SET attempts = attempts + 1, last_error = \(error),
                next_attempt_at = \(retryAt.timeIntervalSince1970) WHERE id = \(deliveryID)
            """)
    }

    // MARK: API keys and sessions

    public func importOwnership(_ version: OwnershipVersion, content: String) async throws -> OwnershipVersion? {
        try await transaction { connection in
            // The chain's lock also orders ownership imports: two servers importing at once cannot both see "changed".
            var head = try await self.lockChain(connection)
            let newest = try await self.rows(
                "SELECT file_sha256 FROM ownership_version ORDER BY id DESC LIMIT 1", on: connection
            ).first?.decode(String.self)
            guard newest != version.fileSHA256 else { return nil }
            var stored = version
            stored.id = try await self.rows(
                """
                INSERT INTO ownership_version
                    (imported_at, file_name, file_sha256, edge_count, party_count, actor, content)
                VALUES (\(version.importedAt.timeIntervalSince1970), \(version.fileName), \(version.fileSHA256),
                    \(Int64(version.edgeCount)), \(Int64(version.partyCount)), \(version.actor), \(content))
                RETURNING id
                """, on: connection
            ).first!.decode(Int64.self)
            var records = AuditRows()
            _ = records.append(
                &head, at: version.importedAt, kind: "ownership_imported", actor: version.actor,
                subject: "ownership:\(stored.id)", body: Recording.ownershipAuditBody(stored))
            try await records.insert(into: connection, store: self)
            return stored
        }
    }

    public func watchOwnership() async throws -> [OwnershipHit] {
        try await rows(
            """
            SELECT party_id, rule, source, entry_id, entry_name, state, share FROM watch_ownership
            ORDER BY party_id, rule, source, entry_id
            """
        ).compactMap { row in
            let (party, rule, code, entry, name, state, share) = try row.decode(
                (String, String, String, String, String, String, Double).self)
            guard let source = ListSource(rawValue: code) else { return nil }
            return OwnershipHit(
                partyID: party, rule: rule, source: source, entryID: entry, entryName: name, state: state, share: share)
        }
    }

    public func replaceWatchOwnership(_ hits: [OwnershipHit]) async throws {
        try await transaction { connection in
            // One evaluation at a time: a second server's waits, then replaces the whole set in its turn.
            _ = try await self.rows("LOCK TABLE watch_ownership IN EXCLUSIVE MODE", on: connection)
            _ = try await self.rows("DELETE FROM watch_ownership", on: connection)
            let parties = Set(
                try await self.rows("SELECT id FROM watched_party", on: connection).map { try $0.decode(String.self) })
            for hit in hits where parties.contains(hit.partyID) {
                _ = try await self.rows(
                    """
                    INSERT INTO watch_ownership (party_id, rule, source, entry_id, entry_name, state, share)
                    VALUES (\(hit.partyID), \(hit.rule), \(hit.source.code), \(hit.entryID), \(hit.entryName),
                        \(hit.state), \(hit.share))
                    ON CONFLICT (party_id, rule, source, entry_id) DO NOTHING
                    """, on: connection)
            }
        }
    }

    public func ownershipVersions() async throws -> [OwnershipVersion] {
        try await rows(
            """
            SELECT id, imported_at, file_name, file_sha256, edge_count, party_count, actor
            FROM ownership_version ORDER BY id DESC
            """
        ).map { row in
            let (id, at, name, sha, edges, parties, actor) = try row.decode(
                (Int64, Double, String, String, Int64, Int64, String).self)
            return OwnershipVersion(
                id: id, importedAt: Date(timeIntervalSince1970: at), fileName: name, fileSHA256: sha,
                edgeCount: Int(edges), partyCount: Int(parties), actor: actor)
        }
    }

    public func ownershipContent(versionID: Int64) async throws -> String? {
        try await rows("SELECT content FROM ownership_version WHERE id = \(versionID)").first?.decode(String.self)
    }

    public func addAPIKey(name: String, role: String, secretSHA256: String) async throws -> Int64 {
        try await rows(
            """
            INSERT INTO api_key (name, role, secret_sha256, created_at)
            VALUES (\(name), \(role), \(secretSHA256), \(Date().timeIntervalSince1970)) RETURNING id
            """
        ).first!.decode(Int64.self)
    }

    public func apiKey(secretSHA256: String) async throws -> (id: Int64, name: String, role: String)? {
        try await rows(
            "SELECT id, name, role FROM api_key WHERE secret_sha256 = \(secretSHA256) AND revoked_at IS NULL"
        ).first.map {
            let (id, name, role) = try $0.decode((Int64, String, String).self)
            return (id, name, role)
        }
    }

    public func apiKeyCount() async throws -> Int {
        Int(try await rows("SELECT COUNT(*) FROM api_key WHERE revoked_at IS NULL").first?.decode(Int64.self) ?? 0)
    }

    public func apiKeys() async throws -> [APIKeyRecord] {
        try await rows("SELECT id, name, role, created_at, revoked_at FROM api_key ORDER BY id").map { row in
            let (id, name, role, created, revoked) = try row.decode((Int64, String, String, Double, Double?).self)
            return APIKeyRecord(
                id: id, name: name, role: role, createdAt: Date(timeIntervalSince1970: created),
                revokedAt: revoked.map(Date.init(timeIntervalSince1970:)))
        }
    }

    public func revokeAPIKey(id: Int64, at date: Date) async throws -> Bool {
        try await transaction { connection in
            let revoked = try await self.rows(
                """
                UPDATE api_key SET revoked_at = \(date.timeIntervalSince1970) WHERE id = \(id) AND revoked_at IS NULL
                RETURNING id
                """, on: connection)
            // Every server forgets the keys it had found once this commits.
            if !revoked.isEmpty { _ = try await self.rows("SELECT pg_notify('vetter_keys', '')", on: connection) }
            return !revoked.isEmpty
        }
    }

    public func openSession(idSHA256: String, keySHA256: String, at: Date, expiresAt: Date) async throws -> Bool {
        try await transaction { connection in
            guard
                let keyID = try await self.rows(
                    "SELECT id FROM api_key WHERE secret_sha256 = \(keySHA256) AND revoked_at IS NULL",
                    on: connection
                ).first?.decode(Int64.self)
            else { return false }
            // Expired and closed sessions are kept a day for the record, then dropped.
            _ = try await self.rows(
                "DELETE FROM web_session WHERE expires_at < \(at.timeIntervalSince1970 - 86_400)", on: connection)
            _ = try await self.rows(
                """
                INSERT INTO web_session (id_sha256, key_id, created_at, expires_at)
                VALUES (\(idSHA256), \(keyID), \(at.timeIntervalSince1970), \(expiresAt.timeIntervalSince1970))
                """, on: connection)
            return true
        }
    }

    public func session(idSHA256: String, at: Date) async throws -> (id: Int64, name: String, role: String)? {
        try await rows(
            """
            SELECT api_key.id, api_key.name, api_key.role FROM web_session
            JOIN api_key ON api_key.id = web_session.key_id
            WHERE web_session.id_sha256 = \(idSHA256) AND web_session.closed_at IS NULL
                AND web_session.expires_at > \(at.timeIntervalSince1970) AND api_key.revoked_at IS NULL
            """
        ).first.map {
            let (id, name, role) = try $0.decode((Int64, String, String).self)
            return (id, name, role)
        }
    }

    public func closeSession(idSHA256: String, at: Date) async throws {
        _ = try await rows(
            """
            UPDATE web_session SET closed_at = \(at.timeIntervalSince1970)
            WHERE id_sha256 = \(idSHA256) AND closed_at IS NULL
            """)
    }

    /// Nothing to fold: PostgreSQL checkpoints by itself.
    public func checkpoint() async throws {}

    // MARK: Changes made elsewhere

    public func followChanges(_ handler: @escaping @Sendable (StoreChange) async -> Void) async throws -> Bool {
        // One connection of its own, held while listening; a lost connection is opened again after a pause,
        // and the handler told of both kinds of change, as anything may have happened meanwhile.
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: "vetter_keys") { keys in
                        try await connection.listen(on: "vetter_lists") { lists in
                            await handler(.lists)
                            await handler(.keys)
                            try await withThrowingTaskGroup(of: Void.self) { group in
                                group.addTask { for try await _ in keys { await handler(.keys) } }
                                group.addTask { for try await _ in lists { await handler(.lists) } }
                                try await group.next()
                                group.cancelAll()
                            }
                        }
                    }
                }
            } catch is CancellationError {
                break
            } catch {
                logger.error("listening for changes failed", metadata: ["error": "\(Self.describe(error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
        return true
    }
}

extension PostgresStore: MaintainableStore {}
