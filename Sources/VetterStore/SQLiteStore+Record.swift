public import Foundation
import GRDB
public import VetterCore

/// The system of record in SQLite: the audit chain, the screening log (screening records of the chain), cases and
/// their events.
///
/// Appending takes SQLite's write lock for the whole transaction (GRDB's `write` begins `IMMEDIATE`), so two
/// processes appending at once queue, and each reads the head the other left: the chain never forks.
extension SQLiteStore {
    static func registerRecordMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7: screening log, cases, audit chain") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_record (
                        seq INTEGER PRIMARY KEY,
                        at INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        body TEXT,
                        content_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX audit_record_subject ON audit_record (subject, seq);
                    -- Records are never changed, only pruned (their body removed, their hashes kept) past retention.
                    CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_record
                    BEGIN SELECT RAISE(ABORT, 'audit records are never deleted'); END;
                    CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record
                    WHEN NOT (NEW.body IS NULL AND OLD.body IS NOT NULL AND NEW.seq = OLD.seq AND NEW.at = OLD.at
                        AND NEW.kind = OLD.kind AND NEW.content_hash = OLD.content_hash AND NEW.hash = OLD.hash)
                    BEGIN SELECT RAISE(ABORT, 'audit records are never changed'); END;
                    CREATE TABLE review_case (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        party_key TEXT NOT NULL,
                        party_name TEXT NOT NULL,
                        party_data_hash TEXT NOT NULL,
                        source TEXT NOT NULL,
                        entry_id TEXT NOT NULL,
                        entry_hash TEXT NOT NULL,
                        entry_name TEXT NOT NULL,
                        score REAL NOT NULL,
                        state TEXT NOT NULL,
                        opened_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        UNIQUE (party_key, source, entry_id)
                    );
                    CREATE INDEX review_case_state ON review_case (state, updated_at);
                    CREATE TABLE case_event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        case_id INTEGER NOT NULL REFERENCES review_case (id),
                        at REAL NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        reason TEXT,
                        note TEXT,
                        audit_seq INTEGER NOT NULL
                    );
                    CREATE INDEX case_event_case ON case_event (case_id, id);
                    CREATE TRIGGER case_event_no_update BEFORE UPDATE ON case_event
                    BEGIN SELECT RAISE(ABORT, 'case decisions are never edited: record a new one'); END;
                    """)
        }
    }

    static func registerChunkMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9: chunks of screenings") { db in
            // A chunk (kind `screenings`) lists its parties' 64-bit key hashes, sorted, for the log's search; a
            // prune blanks them with the body. The update trigger now also holds actor and subject.
            try db.execute(
                sql: """
                    ALTER TABLE audit_record ADD COLUMN parties BLOB;
                    CREATE INDEX audit_record_chunk ON audit_record (seq) WHERE kind = 'screenings';
                    DROP TRIGGER audit_record_no_update;
                    CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_record
                    WHEN NOT (NEW.body IS NULL AND OLD.body IS NOT NULL AND NEW.parties IS NULL
                        AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.kind = OLD.kind AND NEW.actor = OLD.actor
                        AND NEW.subject = OLD.subject AND NEW.content_hash = OLD.content_hash AND NEW.hash = OLD.hash)
                    BEGIN SELECT RAISE(ABORT, 'audit records are never changed'); END;
                    """)
        }
    }

    static func registerSessionMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8: web sessions") { db in
            // Only the SHA-256 of a session id is stored: a copy of the database opens no session.
            try db.execute(
                sql: """
                    CREATE TABLE web_session (
                        id_sha256 TEXT PRIMARY KEY,
                        key_id INTEGER NOT NULL REFERENCES api_key (id),
                        created_at REAL NOT NULL,
                        expires_at REAL NOT NULL,
                        closed_at REAL
                    );
                    """)
        }
    }

    public func openSession(idSHA256: String, keySHA256: String, at: Date, expiresAt: Date) async throws -> Bool {
        try await pool.write { db in
            guard
                let keyID = try Int64.fetchOne(
                    db, sql: "SELECT id FROM api_key WHERE secret_sha256 = ? AND revoked_at IS NULL",
                    arguments: [keySHA256])
            else { return false }
            // Expired and closed sessions are kept a day for the record, then dropped.
            try db.execute(
                sql: "DELETE FROM web_session WHERE expires_at < ?", arguments: [at.timeIntervalSince1970 - 86_400])
            try db.execute(
                sql: "INSERT INTO web_session (id_sha256, key_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [idSHA256, keyID, at.timeIntervalSince1970, expiresAt.timeIntervalSince1970])
            return true
        }
    }

    public func session(idSHA256: String, at: Date) async throws -> (id: Int64, name: String, role: String)? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT api_key.id, api_key.name, api_key.role FROM web_session
                    JOIN api_key ON api_key.id = web_session.key_id
                    WHERE web_session.id_sha256 = ? AND web_session.closed_at IS NULL AND web_session.expires_at > ?
                        AND api_key.revoked_at IS NULL
                    """,
                arguments: [idSHA256, at.timeIntervalSince1970]
            ).map { ($0["id"], $0["name"], $0["role"]) }
        }
    }

    public func closeSession(idSHA256: String, at: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE web_session SET closed_at = ? WHERE id_sha256 = ? AND closed_at IS NULL",
                arguments: [at.timeIntervalSince1970, idSHA256])
        }
    }

    public func checkpoint() async throws {
        _ = try await pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
    }

    // MARK: Appending

    /// Appends records inside a write transaction, each chained to the head.
    static func append(
        _ db: Database, kind: String, actor: String, subject: String, bodies: [String], at: Date
    ) throws -> [Int64] {
        let milliseconds = Recording.milliseconds(at)
        var chain = try Chain(db, atMilliseconds: milliseconds)
        return try bodies.map { body in
            try chain.append(
                kind: kind, actor: actor, subject: subject, body: body,
                content: AuditRecord.content(
                    atMilliseconds: milliseconds, kind: kind, actor: actor, subject: subject, body: body),
                parties: nil)
        }
    }

    /// The chain and the cases as SQLite writes them inside a write transaction, for ``Recording``.
    struct Chain: Recording.CaseWriter {
        let db: Database
        let atMilliseconds: Int64
        var head: Recording.ChainHead
        let insert: Statement

        init(_ db: Database, atMilliseconds: Int64) throws {
            self.db = db
            self.atMilliseconds = atMilliseconds
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1"))
            head = Recording.ChainHead(seq: row?["seq"], hash: row?["hash"])
            insert = try db.cachedStatement(
                sql: """
                    INSERT INTO audit_record (seq, at, kind, actor, subject, body, content_hash, hash, parties)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
        }

        mutating func append(
            kind: String, actor: String, subject: String, body: String, content: String, parties: [UInt8]?
        ) throws -> Int64 {
            let (seq, hash) = head.next(content: content)
            try insert.execute(arguments: [
                seq, atMilliseconds, kind, actor, subject, body, content, hash, parties.map { Data($0) },
            ])
            return seq
        }

        mutating func openCase(_ opened: ReviewCase) throws -> Int64 {
            try db.cachedStatement(
                sql: """
                    INSERT INTO review_case (party_key, party_name, party_data_hash, source, entry_id,
                        entry_hash, entry_name, score, state, opened_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
                    """
            ).execute(
                arguments: [
                    opened.partyKey, opened.partyName, opened.partyDataHash, opened.source, opened.entryID,
                    opened.entryHash, opened.entryName, opened.score, opened.openedAt.timeIntervalSince1970,
                    opened.updatedAt.timeIntervalSince1970,
                ])
            return db.lastInsertedRowID
        }

        mutating func reopenCase(_ reopened: ReviewCase) throws {
            try db.cachedStatement(
                sql: """
                    UPDATE review_case SET state = 'open', entry_hash = ?, party_data_hash = ?,
                        party_name = ?, entry_name = ?, score = ?, updated_at = ? WHERE id = ?
                    """
            ).execute(
                arguments: [
                    reopened.entryHash, reopened.partyDataHash, reopened.partyName, reopened.entryName,
                    reopened.score, reopened.updatedAt.timeIntervalSince1970, reopened.id,
                ])
        }

        func changedFields(from old: String, to new: String) throws -> String? {
            let statement = try db.cachedStatement(sql: "SELECT body FROM entry_blob WHERE hash = ?")
            return Recording.changedFields(
                try Data.fetchOne(statement, arguments: [old]), try Data.fetchOne(statement, arguments: [new]))
        }

        mutating func insertEvent(_ event: CaseEvent) throws {
            try SQLiteStore.insertEvent(db, event)
        }
    }

    public func appendAudit(
        kind: String, actor: String, subject: String, body: String, at: Date
    ) async throws
        -> Int64
    {
        try await pool.write { db in
            try Self.append(db, kind: kind, actor: actor, subject: subject, bodies: [body], at: at)[0]
        }
    }

    /// Records the screenings of several callers and applies their hits to cases (``CaseRules``), all in one
    /// transaction: the service gathers concurrent callers into one write (``ScreeningGroup``). Returns, per group
    /// and per record, the review of each match (its case and where it stands).
    public func recordScreenings(_ groups: [ScreeningGroup], at: Date) async throws -> [[[HitReview]]] {
        let milliseconds = Recording.milliseconds(at)
        // The bodies and their content hashes are made on every core before the write lock is taken.
        let prepared = groups.map { Recording.prepare($0.records, atMilliseconds: milliseconds, actor: $0.actor) }
        return try await pool.write { db in
            var chain = try Chain(db, atMilliseconds: milliseconds)
            return try zip(groups, prepared).map { group, prepared in
                guard !group.records.isEmpty else { return [] }
                return try Recording.apply(
                    &chain, group.records, prepared: prepared,
                    cases: try Self.cases(db, keys: prepared.keysWithHits(group.records)), actor: group.actor,
                    atMilliseconds: milliseconds, at: at)
            }
        }
    }

    /// The cases of these parties, read at once (in groups of 500 keys), by key and `source|entry`.
    static func cases(_ db: Database, keys: [String]) throws -> [String: [String: ReviewCase]] {
        var cases: [String: [String: ReviewCase]] = [:]
        for start in stride(from: 0, to: keys.count, by: 500) {
            let part = keys[start..<min(keys.count, start + 500)]
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT * FROM review_case WHERE party_key IN (\(part.map { _ in "?" }.joined(separator: ",")))"
                ),
                arguments: StatementArguments(Array(part)))
            for row in rows {
                let found = Self.reviewCase(row)
                cases[found.partyKey, default: [:]][found.source + "|" + found.entryID] = found
            }
        }
        return cases
    }

    /// A reviewer's decision on a case: a new event, never an edit of an old one.
    public func decideCase(
        id: Int64, action: CaseEvent.Action, reason: ClearReason?, note: String?, actor: String, at: Date
    ) async throws -> CaseEvent {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM review_case WHERE id = ?", arguments: [id]) else {
                throw StoreError(.notFound, "no case with id \(id)")
            }
            let current = Self.reviewCase(row)
            let (state, body) = Recording.decision(on: current, action: action, reason: reason, note: note)
            try db.execute(
                sql: "UPDATE review_case SET state = ?, updated_at = ? WHERE id = ?",
                arguments: [state.rawValue, at.timeIntervalSince1970, id])
            let auditSeq = try Self.append(
                db, kind: "case_" + action.rawValue, actor: actor, subject: current.partyKey, bodies: [body], at: at)[0]
            let event = CaseEvent(
                caseID: id, at: at, actor: actor, action: action, reason: reason, note: note, auditSeq: auditSeq)
            try Self.insertEvent(db, event)
            return event
        }
    }

    static func insertEvent(_ db: Database, _ event: CaseEvent) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO case_event (case_id, at, actor, action, reason, note, audit_seq)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                event.caseID, event.at.timeIntervalSince1970, event.actor, event.action.rawValue,
                event.reason?.rawValue, event.note, event.auditSeq,
            ])
    }

    static func reviewCase(_ row: Row) -> ReviewCase {
        ReviewCase(
            id: row["id"], partyKey: row["party_key"], partyName: row["party_name"],
            partyDataHash: row["party_data_hash"], source: row["source"], entryID: row["entry_id"],
            entryHash: row["entry_hash"], entryName: row["entry_name"], score: row["score"],
            state: CaseState(rawValue: row["state"]) ?? .open,
            openedAt: Date(timeIntervalSince1970: row["opened_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    static func auditRecord(_ row: Row) -> AuditRecord {
        AuditRecord(
            seq: row["seq"], atMilliseconds: row["at"], kind: row["kind"], actor: row["actor"],
            subject: row["subject"], body: row["body"], contentHash: row["content_hash"], hash: row["hash"])
    }

    // MARK: Reading

    public func cases(_ filter: CaseFilter, limit: Int, offset: Int) async throws -> [ReviewCase] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let state = filter.state {
                conditions.append("state = ?")
                arguments.append(state.rawValue)
            }
            if let partyKey = filter.partyKey {
                conditions.append("party_key = ?")
                arguments.append(partyKey)
            }
            if let text = filter.partyContains {
                conditions.append("party_key LIKE ? ESCAPE '\\'")
                arguments.append(Recording.containsPattern(text))
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            // Open cases first, then the most recently changed.
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM review_case \(filter)
                    ORDER BY state = 'open' DESC, updated_at DESC, id DESC LIMIT ? OFFSET ?
                    """,
                arguments: StatementArguments(arguments + [limit, offset])
            ).map(Self.reviewCase)
        }
    }

    public func caseCounts() async throws -> [CaseState: Int] {
        try await pool.read { db in
            var counts: [CaseState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM review_case GROUP BY state") {
                if let state = CaseState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    public func reviewCase(id: Int64) async throws -> ReviewCase? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM review_case WHERE id = ?", arguments: [id]).map(Self.reviewCase)
        }
    }

    public func caseEvents(caseID: Int64) async throws -> [CaseEvent] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM case_event WHERE case_id = ? ORDER BY id", arguments: [caseID])
                .map(Self.caseEvent)
        }
    }

    static func caseEvent(_ row: Row) -> CaseEvent {
        CaseEvent(
            caseID: row["case_id"], at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"],
            action: CaseEvent.Action(rawValue: row["action"]) ?? .opened,
            reason: (row["reason"] as String?).flatMap(ClearReason.init(rawValue:)), note: row["note"],
            auditSeq: row["audit_seq"])
    }

    /// Screenings, newest first: of one party (by key), and since a time, when given. A party's rows in chunks
    /// are found through each chunk's party hashes, then read from its body.
    public func screenings(
        partyKey: String?, since: Date?, limit: Int, offset: Int
    ) async throws -> [LoggedScreening] {
        try await pool.read { db in
            let wanted = offset + limit
            let after = since.map(Recording.milliseconds) ?? Int64.min
            var found: [LoggedScreening] = []
            func single(_ row: Row) -> LoggedScreening {
                Recording.single(seq: row["seq"], atMilliseconds: row["at"], actor: row["actor"], body: row["body"])
            }
            func rows(of row: Row, party: String?) -> [LoggedScreening] {
                Recording.rows(
                    seq: row["seq"], atMilliseconds: row["at"], actor: row["actor"], body: row["body"], party: party)
            }
            if let partyKey {
                found = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT seq, at, actor, body FROM audit_record
                        WHERE subject = ? AND kind = 'screening' AND at >= ? ORDER BY seq DESC LIMIT ?
                        """,
                    arguments: [partyKey, after, wanted]
                ).map(single)
                let hash = PartyRecord.hash(key: partyKey)
                let chunks = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT seq, at, actor, body, parties FROM audit_record
                        WHERE kind = 'screenings' AND at >= ? ORDER BY seq DESC
                        """,
                    arguments: [after])
                var fromChunks = 0
                while fromChunks < wanted, let row = try chunks.next() {
                    guard let parties = row["parties"] as Data?, ScreeningChunk.contains(Array(parties), hash) else {
                        continue
                    }
                    let matching = rows(of: row, party: partyKey)
                    found += matching
                    fromChunks += matching.count
                }
            } else {
                let records = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT seq, at, actor, kind, body FROM audit_record
                        WHERE kind IN ('screening', 'screenings') AND at >= ? ORDER BY seq DESC
                        """,
                    arguments: [after])
                while found.count < wanted, let row = try records.next() {
                    found += row["kind"] == "screening" ? [single(row)] : rows(of: row, party: nil)
                }
            }
            found.sort { ($0.seq, $0.position ?? 0) > ($1.seq, $1.position ?? 0) }
            return Array(found.dropFirst(offset).prefix(limit))
        }
    }

    public func screeningChunks() async throws -> [(seq: Int64, at: Int64, parties: [UInt8]?)] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, at, parties FROM audit_record WHERE kind = 'screenings' ORDER BY seq"
            ).map { row in (row["seq"], row["at"], (row["parties"] as Data?).map { Array($0) }) }
        }
    }

    /// Audit records with `seq` greater than `after`, in order, at most `limit`.
    public func auditRecords(after: Int64, limit: Int) async throws -> [AuditRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM audit_record WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit]
            ).map(Self.auditRecord)
        }
    }

    public func auditRecords(seqs: [Int64]) async throws -> [AuditRecord] {
        try await pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT * FROM audit_record WHERE seq = ?")
            return try seqs.compactMap { try Row.fetchOne(statement, arguments: [$0]).map(Self.auditRecord) }
        }
    }

    public func entry(hash: String) async throws -> ListEntry? {
        try await pool.read { db in
            guard let body = try Data.fetchOne(db, sql: "SELECT body FROM entry_blob WHERE hash = ?", arguments: [hash])
            else { return nil }
            return try JSONDecoder().decode(ListEntry.self, from: body)
        }
    }

    /// Every case event with the audit record it names, for the verifier.
    public func caseEventsWithAudit() async throws -> [(event: CaseEvent, body: String?)] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT case_event.*, audit_record.body AS audit_body FROM case_event
                    LEFT JOIN audit_record ON audit_record.seq = case_event.audit_seq ORDER BY case_event.id
                    """
            ).map { (Self.caseEvent($0), $0["audit_body"]) }
        }
    }

    /// Removes the bodies of `seqs` (their hashes stay, so the chain still verifies) and appends a record that
    /// names them, in one transaction.
    public func prune(_ seqs: [Int64], actor: String, at: Date, summary: String) async throws -> Int64 {
        try await pool.write { db in
            let blank = try db.makeStatement(sql: "UPDATE audit_record SET body = NULL, parties = NULL WHERE seq = ?")
            for seq in seqs { try blank.execute(arguments: [seq]) }
            return try Self.append(db, kind: "pruned", actor: actor, subject: "", bodies: [summary], at: at)[0]
        }
    }
}
