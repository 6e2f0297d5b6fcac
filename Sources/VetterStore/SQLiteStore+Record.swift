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

    /// Appends records inside a write transaction, each chained to the head; `contents` are their content hashes.
    static func append(
        _ db: Database, kind: String, actor: String, subject: String, bodies: [String], at: Date
    ) throws -> [Int64] {
        let milliseconds = Int64((at.timeIntervalSince1970 * 1000).rounded())
        var chain = try Chain(db)
        return try bodies.map { body in
            try chain.append(
                db, atMilliseconds: milliseconds, kind: kind, actor: actor, subject: subject, body: body,
                content: AuditRecord.content(
                    atMilliseconds: milliseconds, kind: kind, actor: actor, subject: subject, body: body))
        }
    }

    /// The head of the chain inside a write transaction, and the appending of records after it.
    struct Chain {
        var seq: Int64
        var previous: String
        let insert: Statement

        init(_ db: Database) throws {
            let head = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1"))
            seq = head?["seq"] ?? 0
            previous = head?["hash"] ?? AuditRecord.genesis
            insert = try db.cachedStatement(
                sql: """
                    INSERT INTO audit_record (seq, at, kind, actor, subject, body, content_hash, hash, parties)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
        }

        mutating func append(
            _ db: Database, atMilliseconds: Int64, kind: String, actor: String, subject: String, body: String,
            content: String, parties: [UInt8]? = nil
        ) throws -> Int64 {
            seq += 1
            previous = AuditRecord.chain(previous: previous, seq: seq, content: content)
            try insert.execute(arguments: [
                seq, atMilliseconds, kind, actor, subject, body, content, previous, parties.map { Data($0) },
            ])
            return seq
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
        let milliseconds = Int64((at.timeIntervalSince1970 * 1000).rounded())
        // The bodies and their content hashes are made on every core before the write lock is taken.
        let prepared = groups.map { Self.prepare($0.records, atMilliseconds: milliseconds, actor: $0.actor) }
        return try await pool.write { db in
            var chain = try Chain(db)
            return try zip(groups, prepared).map { group, prepared in
                guard !group.records.isEmpty else { return [] }
                return try Self.apply(
                    db, chain: &chain, group.records, prepared: prepared, actor: group.actor,
                    atMilliseconds: milliseconds, at: at)
            }
        }
    }

    /// Appends one caller's prepared screenings to the chain and applies their hits to cases, inside the write.
    static func apply(
        _ db: Database, chain: inout Chain, _ records: [ScreeningRecord], prepared: PreparedScreenings,
        actor: String, atMilliseconds milliseconds: Int64, at: Date
    ) throws -> [[HitReview]] {
        func append(kind: String, subject: String, body: String) throws -> Int64 {
            try chain.append(
                db, atMilliseconds: milliseconds, kind: kind, actor: actor, subject: subject, body: body,
                content: AuditRecord.content(
                    atMilliseconds: milliseconds, kind: kind, actor: actor, subject: subject, body: body))
        }
        for made in prepared.records {
            _ = try chain.append(
                db, atMilliseconds: milliseconds, kind: made.kind, actor: actor, subject: made.subject,
                body: made.body, content: made.content, parties: made.parties)
        }
        // The cases of every party with a hit, read at once (in groups of 500 keys): most have none or a few.
        // Kept up to date below, as a party can stand on several rows of one call.
        var cases: [String: [String: ReviewCase]] = [:]
        let hitKeys = Array(Set(zip(records, prepared.keys).filter { !$0.0.matches.isEmpty }.map(\.1)))
        for start in stride(from: 0, to: hitKeys.count, by: 500) {
            let keys = hitKeys[start..<min(hitKeys.count, start + 500)]
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT * FROM review_case WHERE party_key IN (\(keys.map { _ in "?" }.joined(separator: ",")))"
                ),
                arguments: StatementArguments(Array(keys)))
            for row in rows {
                let found = Self.reviewCase(row)
                cases[found.partyKey, default: [:]][found.source + "|" + found.entryID] = found
            }
        }
        var reviews: [[HitReview]] = []
        reviews.reserveCapacity(records.count)
        for (record, key) in zip(records, prepared.keys) {
            var recordReviews: [HitReview] = []
            guard !record.matches.isEmpty else {
                reviews.append([])
                continue
            }
            let dataHash = record.party.dataHash
            for match in record.matches {
                let pair = match.source + "|" + match.entryID
                let existing = cases[key]?[pair]
                switch CaseRules.apply(to: existing, entryHash: match.entryHash, partyDataHash: dataHash) {
                case .unchanged:
                    if let existing { recordReviews.append(HitReview(caseID: existing.id, state: existing.state)) }
                case .open:
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO review_case (party_key, party_name, party_data_hash, source, entry_id,
                                entry_hash, entry_name, score, state, opened_at, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
                            """
                    ).execute(
                        arguments: [
                            key, record.party.name, dataHash, match.source, match.entryID, match.entryHash,
                            match.entryName, match.score, at.timeIntervalSince1970, at.timeIntervalSince1970,
                        ])
                    let id = db.lastInsertedRowID
                    cases[key, default: [:]][pair] = ReviewCase(
                        id: id, partyKey: key, partyName: record.party.name, partyDataHash: dataHash,
                        source: match.source, entryID: match.entryID, entryHash: match.entryHash,
                        entryName: match.entryName, score: match.score, state: .open, openedAt: at, updatedAt: at)
                    let body = Self.caseBody(
                        id: id, action: .opened, key: key, match: match, reason: nil, note: nil)
                    let auditSeq = try append(kind: "case_opened", subject: key, body: body)
                    try Self.insertEvent(
                        db,
                        CaseEvent(
                            caseID: id, at: at, actor: actor, action: .opened, reason: nil, note: nil,
                            auditSeq: auditSeq))
                    recordReviews.append(HitReview(caseID: id, state: .open))
                case .reopen(var note):
                    guard let existing else { continue }
                    if existing.entryHash != match.entryHash,
                        let fields = try Self.changedFields(db, from: existing.entryHash, to: match.entryHash)
                    {
                        note = note.replacingOccurrences(
                            of: "the listed entry changed", with: "the listed entry changed (\(fields))")
                    }
                    try db.cachedStatement(
                        sql: """
                            UPDATE review_case SET state = 'open', entry_hash = ?, party_data_hash = ?,
                                party_name = ?, entry_name = ?, score = ?, updated_at = ? WHERE id = ?
                            """
                    ).execute(
                        arguments: [
                            match.entryHash, dataHash, record.party.name, match.entryName, match.score,
                            at.timeIntervalSince1970, existing.id,
                        ])
                    var reopened = existing
                    reopened.state = .open
                    reopened.entryHash = match.entryHash
                    reopened.partyDataHash = dataHash
                    cases[key, default: [:]][pair] = reopened
                    let body = Self.caseBody(
                        id: existing.id, action: .reopened, key: key, match: match, reason: nil, note: note)
                    let auditSeq = try append(kind: "case_reopened", subject: key, body: body)
                    try Self.insertEvent(
                        db,
                        CaseEvent(
                            caseID: existing.id, at: at, actor: actor, action: .reopened, reason: nil,
                            note: note, auditSeq: auditSeq))
                    recordReviews.append(HitReview(caseID: existing.id, state: .open))
                }
            }
            reviews.append(recordReviews)
        }
        return reviews
    }

    /// Audit records ready to append: their canonical bodies and content hashes, made before the write lock.
    struct PreparedScreenings {
        struct Record {
            var kind: String
            var subject: String
            var body: String
            var content: String
            var parties: [UInt8]?
        }

        var records: [Record]
        /// Each screening's party key, in order.
        var keys: [String]
    }

    /// One record for one screening; one chunk (``ScreeningChunk``) for each run of up to
    /// ``ScreeningChunk/maximumRows`` that share their channel, threshold and list versions; the rows' bodies,
    /// keys and key hashes made on every core.
    static func prepare(
        _ records: [ScreeningRecord], atMilliseconds: Int64, actor: String
    ) -> PreparedScreenings {
        var runs: [Range<Int>] = []
        var start = 0
        for position in records.indices.dropFirst() {
            let first = records[start], record = records[position]
            if position - start == ScreeningChunk.maximumRows || record.versionIDs != first.versionIDs
                || record.channel != first.channel || record.threshold != first.threshold
            {
                runs.append(start..<position)
                start = position
            }
        }
        runs.append(start..<records.count)
        var inChunk = [Bool](repeating: false, count: records.count)
        for run in runs where run.count > 1 { for position in run { inChunk[position] = true } }
        let shared = inChunk
        var rows = [(key: String, body: [UInt8], hash: UInt64)](repeating: ("", [], 0), count: records.count)
        let workers = records.count < 256 ? 1 : max(1, ProcessInfo.processInfo.activeProcessorCount)
        let share = (records.count + workers - 1) / workers
        rows.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for position in (worker * share)..<min(records.count, (worker + 1) * share) {
                    let key = records[position].party.key
                    out[position] = (
                        key, CanonicalJSON.screening(records[position], shared: shared[position]),
                        shared[position] ? PartyRecord.hash(key: key) : 0
                    )
                }
            }
        }
        let prepared: [PreparedScreenings.Record] = runs.map { run in
            let first = records[run.lowerBound]
            guard run.count > 1 else {
                let row = rows[run.lowerBound]
                let body = String(decoding: row.body, as: UTF8.self)
                return .init(
                    kind: "screening", subject: row.key, body: body,
                    content: AuditRecord.content(
                        atMilliseconds: atMilliseconds, kind: "screening", actor: actor, subject: row.key, body: body))
            }
            let parties = ScreeningChunk.partyHashes(rows[run].map(\.hash))
            let body = ScreeningChunk.body(
                parties: parties, rows: rows[run].map(\.body), channel: first.channel, threshold: first.threshold,
                versionIDs: first.versionIDs)
            let content = body.withUnsafeBufferPointer {
                AuditRecord.content(
                    atMilliseconds: atMilliseconds, kind: ScreeningChunk.kind, actor: actor, subject: "", body: $0)
            }
            return .init(
                kind: ScreeningChunk.kind, subject: "", body: String(decoding: body, as: UTF8.self), content: content,
                parties: parties)
        }
        return PreparedScreenings(records: prepared, keys: rows.map(\.key))
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
            let state: CaseState = action == .cleared ? .cleared : .confirmed
            try db.execute(
                sql: "UPDATE review_case SET state = ?, updated_at = ? WHERE id = ?",
                arguments: [state.rawValue, at.timeIntervalSince1970, id])
            let match = ScreeningRecord.Match(
                source: current.source, entryID: current.entryID, entryHash: current.entryHash,
                score: current.score, entryName: current.entryName)
            let body = Self.caseBody(
                id: id, action: action, key: current.partyKey, match: match, reason: reason, note: note)
            let auditSeq = try Self.append(
                db, kind: "case_" + action.rawValue, actor: actor, subject: current.partyKey, bodies: [body], at: at)[0]
            let event = CaseEvent(
                caseID: id, at: at, actor: actor, action: action, reason: reason, note: note, auditSeq: auditSeq)
            try Self.insertEvent(db, event)
            return event
        }
    }

    /// The fields that differ between two stored entries, by their content hashes (`aliases, addresses`).
    static func changedFields(_ db: Database, from old: String, to new: String) throws -> String? {
        let fetch = { (hash: String) throws -> ListEntry? in
            guard let body = try Data.fetchOne(db, sql: "SELECT body FROM entry_blob WHERE hash = ?", arguments: [hash])
            else { return nil }
            return try? JSONDecoder().decode(ListEntry.self, from: body)
        }
        guard let before = try fetch(old), let after = try fetch(new) else { return nil }
        let fields = changedFields(before, after)
        return fields.isEmpty ? nil : fields.joined(separator: ", ")
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

    /// The audit body of a case event: what a verifier compares the `case_event` row with.
    static func caseBody(
        id: Int64, action: CaseEvent.Action, key: String, match: ScreeningRecord.Match, reason: ClearReason?,
        note: String?
    ) -> String {
        var fields = [
            "\"action\":" + CanonicalJSON.string(action.rawValue), "\"case_id\":" + String(id),
            "\"entry_hash\":" + CanonicalJSON.string(match.entryHash),
            "\"entry_id\":" + CanonicalJSON.string(match.entryID),
        ]
        if let note { fields.append("\"note\":" + CanonicalJSON.string(note)) }
        fields.append("\"party_key\":" + CanonicalJSON.string(key))
        if let reason { fields.append("\"reason\":" + CanonicalJSON.string(reason.rawValue)) }
        fields.append("\"source\":" + CanonicalJSON.string(match.source))
        return "{" + fields.joined(separator: ",") + "}"
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
                // The key is folded to lower case; the text's own % and _ are taken literally.
                let escaped = text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                conditions.append("party_key LIKE ? ESCAPE '\\'")
                arguments.append("%" + escaped + "%")
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
            let after = since.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? Int64.min
            var found: [LoggedScreening] = []
            func single(_ row: Row) -> LoggedScreening {
                LoggedScreening(
                    seq: row["seq"], at: Date(timeIntervalSince1970: Double(row["at"] as Int64) / 1000),
                    actor: row["actor"],
                    screening: (row["body"] as String?).flatMap {
                        try? JSONDecoder().decode(ScreeningRecord.self, from: Data($0.utf8))
                    })
            }
            func rows(of row: Row, party: String?) -> [LoggedScreening] {
                let at = Date(timeIntervalSince1970: Double(row["at"] as Int64) / 1000)
                guard let body = row["body"] as String?, let screenings = ScreeningChunk.rows(of: body) else {
                    return party == nil
                        ? [LoggedScreening(seq: row["seq"], at: at, actor: row["actor"], screening: nil)] : []
                }
                return screenings.indices.reversed().compactMap { position in
                    guard party == nil || screenings[position].party.key == party else { return nil }
                    return LoggedScreening(
                        seq: row["seq"], position: position, at: at, actor: row["actor"],
                        screening: screenings[position])
                }
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
