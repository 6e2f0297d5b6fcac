public import Foundation
import NIOCore
import PostgresNIO
public import VetterCore
public import VetterStore

/// Audit records made inside a transaction that holds the chain's lock, inserted together.
struct AuditRows {
    var seq: [Int64] = []
    var at: [Int64] = []
    var kind: [String] = []
    var actor: [String] = []
    var subject: [String] = []
    var body: [String] = []
    var content: [String] = []
    var hash: [String] = []
    /// Empty for a record without party hashes (only chunks of screenings have them).
    var parties: [ByteBuffer] = []

    mutating func append(
        _ head: inout Recording.ChainHead, atMilliseconds: Int64, kind: String, actor: String, subject: String,
        body: String, content: String, parties: [UInt8]?
    ) -> Int64 {
        let (seq, hash) = head.next(content: content)
        self.seq.append(seq)
        at.append(atMilliseconds)
        self.kind.append(kind)
        self.actor.append(actor)
        self.subject.append(subject)
        self.body.append(body)
        self.content.append(content)
        self.hash.append(hash)
        self.parties.append(ByteBuffer(bytes: parties ?? []))
        return seq
    }

    @discardableResult
    mutating func append(
        _ head: inout Recording.ChainHead, at: Date, kind: String, actor: String, subject: String, body: String
    ) -> Int64 {
        let milliseconds = Recording.milliseconds(at)
        return append(
            &head, atMilliseconds: milliseconds, kind: kind, actor: actor, subject: subject, body: body,
            content: AuditRecord.content(
                atMilliseconds: milliseconds, kind: kind, actor: actor, subject: subject, body: body),
            parties: nil)
    }

    func insert(into connection: PostgresConnection, store: PostgresStore) async throws {
        // In slices of a few thousand, so that no message grows past what the server takes at once.
        for start in stride(from: 0, to: seq.count, by: 2000) {
            let range = start..<min(seq.count, start + 2000)
            _ = try await store.rows(
                """
                INSERT INTO audit_record (seq, at, kind, actor, subject, body, content_hash, hash, parties)
                SELECT s, a, k, ac, su, b, c, h, NULLIF(p, ''::bytea)
                FROM UNNEST(\(Array(seq[range]))::int8[], \(Array(at[range]))::int8[], \(Array(kind[range]))::text[],
                    \(Array(actor[range]))::text[], \(Array(subject[range]))::text[], \(Array(body[range]))::text[],
                    \(Array(content[range]))::text[], \(Array(hash[range]))::text[],
                    \(Array(parties[range]))::bytea[]) AS r (s, a, k, ac, su, b, c, h, p)
                """, on: connection)
        }
    }
}

/// The case steps of a recording, made by ``Recording/apply(_:_:prepared:cases:actor:atMilliseconds:at:)`` in
/// memory under the chain's lock, then written in a few statements. Case ids are numbered under that lock too
/// (cases are opened nowhere else).
struct CaseRows: Recording.CaseWriter {
    var head: Recording.ChainHead
    var audit = AuditRows()
    let atMilliseconds: Int64
    var nextCaseID: Int64
    var opened: [ReviewCase] = []
    var reopened: [ReviewCase] = []
    var events: [CaseEvent] = []
    /// Stored entries' bodies, by hash, that a reopening may compare.
    let bodies: [String: Data]

    mutating func append(
        kind: String, actor: String, subject: String, body: String, content: String, parties: [UInt8]?
    ) throws -> Int64 {
        audit.append(
            &head, atMilliseconds: atMilliseconds, kind: kind, actor: actor, subject: subject, body: body,
            content: content, parties: parties)
    }

    mutating func openCase(_ reviewCase: ReviewCase) throws -> Int64 {
        nextCaseID += 1
        var stored = reviewCase
        stored.id = nextCaseID
        opened.append(stored)
        return nextCaseID
    }

    mutating func reopenCase(_ reviewCase: ReviewCase) throws {
        // A case opened in this same call is written as it ends up; one read from the table is updated.
        if let position = opened.firstIndex(where: { $0.id == reviewCase.id }) {
            opened[position] = reviewCase
        } else {
            reopened.append(reviewCase)
        }
    }

    func changedFields(from old: String, to new: String) throws -> String? {
        Recording.changedFields(bodies[old], bodies[new])
    }

    mutating func insertEvent(_ event: CaseEvent) throws { events.append(event) }

    func write(into connection: PostgresConnection, store: PostgresStore) async throws {
        try await audit.insert(into: connection, store: store)
        for start in stride(from: 0, to: opened.count, by: 2000) {
            let part = Array(opened[start..<min(opened.count, start + 2000)])
            _ = try await store.rows(
                """
                INSERT INTO review_case (id, party_key, party_name, party_data_hash, source, entry_id, entry_hash,
                    entry_name, score, state, opened_at, updated_at)
                SELECT * FROM UNNEST(\(part.map(\.id))::int8[], \(part.map(\.partyKey))::text[],
                    \(part.map(\.partyName))::text[], \(part.map(\.partyDataHash))::text[], \(part.map(\.source))::text[],
                    \(part.map(\.entryID))::text[], \(part.map(\.entryHash))::text[], \(part.map(\.entryName))::text[],
                    \(part.map(\.score))::float8[], \(part.map(\.state.rawValue))::text[],
                    \(part.map(\.openedAt.timeIntervalSince1970))::float8[],
                    \(part.map(\.updatedAt.timeIntervalSince1970))::float8[])
                """, on: connection)
        }
        for reviewCase in reopened {
            _ = try await store.rows(
                """
                UPDATE review_case SET state = 'open', entry_hash = \(reviewCase.entryHash),
                    party_data_hash = \(reviewCase.partyDataHash), party_name = \(reviewCase.partyName),
                    entry_name = \(reviewCase.entryName), score = \(reviewCase.score),
                    updated_at = \(reviewCase.updatedAt.timeIntervalSince1970)
                WHERE id = \(reviewCase.id)
                """, on: connection)
        }
        try await PostgresStore.insertEvents(events, on: connection, store: store)
    }
}

extension PostgresStore {
    static func insertEvents(
        _ events: [CaseEvent], on connection: PostgresConnection, store: PostgresStore
    )
        async throws
    {
        for start in stride(from: 0, to: events.count, by: 2000) {
            let part = Array(events[start..<min(events.count, start + 2000)])
            // Arrays cannot hold nulls here: a flag says which reasons and notes are present.
            _ = try await store.rows(
                """
                INSERT INTO case_event (case_id, at, actor, action, reason, note, audit_seq)
                SELECT c, a, ac, ad, CASE WHEN hr THEN r END, CASE WHEN hn THEN n END, s
                FROM UNNEST(\(part.map(\.caseID))::int8[], \(part.map(\.at.timeIntervalSince1970))::float8[],
                    \(part.map(\.actor))::text[], \(part.map(\.action.rawValue))::text[],
                    \(part.map { $0.reason != nil })::bool[], \(part.map { $0.reason?.rawValue ?? "" })::text[],
                    \(part.map { $0.note != nil })::bool[], \(part.map { $0.note ?? "" })::text[],
                    \(part.map(\.auditSeq))::int8[]) AS e (c, a, ac, ad, hr, r, hn, n, s)
                ORDER BY s
                """, on: connection)
        }
    }

    public func appendAudit(
        kind: String, actor: String, subject: String, body: String, at: Date
    ) async throws
        -> Int64
    {
        try await transaction { connection in
            var head = try await self.lockChain(connection)
            var records = AuditRows()
            let seq = records.append(&head, at: at, kind: kind, actor: actor, subject: subject, body: body)
            try await records.insert(into: connection, store: self)
            return seq
        }
    }

    public func recordScreenings(_ groups: [ScreeningGroup], at: Date) async throws -> [[[HitReview]]] {
        let milliseconds = Recording.milliseconds(at)
        // Bodies and content hashes are made before the transaction, and the cases read before the lock is
        // taken are read again under it (another server may have opened one meanwhile).
        let prepared = groups.map { Recording.prepare($0.records, atMilliseconds: milliseconds, actor: $0.actor) }
        return try await transaction { connection in
            let head = try await self.lockChain(connection)
            let nextCaseID =
                try await self.rows("SELECT COALESCE(MAX(id), 0) FROM review_case", on: connection).first?.decode(
                    Int64.self) ?? 0
            var writer = CaseRows(
                head: head, atMilliseconds: milliseconds, nextCaseID: nextCaseID, bodies: [:])
            var reviews: [[[HitReview]]] = []
            for (group, prepared) in zip(groups, prepared) {
                guard !group.records.isEmpty else {
                    reviews.append([])
                    continue
                }
                var cases = try await self.cases(keys: prepared.keysWithHits(group.records), on: connection)
                // Cases this call opened for an earlier group are known in memory, not yet in the table.
                for opened in writer.opened + writer.reopened {
                    cases[opened.partyKey, default: [:]][opened.source + "|" + opened.entryID] = opened
                }
                let hashes = Recording.reopeningHashes(group.records, keys: prepared.keys, cases: cases)
                var bodies = writer.bodies
                if !hashes.isEmpty {
                    for row in try await self.rows(
                        "SELECT hash, body FROM entry_blob WHERE hash = ANY(\(Array(hashes)))", on: connection)
                    {
                        let (hash, body) = try row.decode((String, ByteBuffer).self)
                        bodies[hash] = Data(body.readableBytesView)
                    }
                }
                var groupWriter = CaseRows(
                    head: writer.head, audit: writer.audit, atMilliseconds: milliseconds,
                    nextCaseID: writer.nextCaseID, opened: writer.opened, reopened: writer.reopened,
                    events: writer.events, bodies: bodies)
                reviews.append(
                    try Recording.apply(
                        &groupWriter, group.records, prepared: prepared, cases: cases, actor: group.actor,
                        atMilliseconds: milliseconds, at: at))
                writer = groupWriter
            }
            try await writer.write(into: connection, store: self)
            return reviews
        }
    }

    /// The cases of these parties, by key and `source|entry`.
    func cases(keys: [String], on connection: PostgresConnection) async throws -> [String: [String: ReviewCase]] {
        var cases: [String: [String: ReviewCase]] = [:]
        for start in stride(from: 0, to: keys.count, by: 5000) {
            let part = Array(keys[start..<min(keys.count, start + 5000)])
            for row in try await rows(
                "SELECT \(unescaped: Self.caseColumns) FROM review_case WHERE party_key = ANY(\(part))",
                on: connection)
            {
                let found = try Self.reviewCase(row)
                cases[found.partyKey, default: [:]][found.source + "|" + found.entryID] = found
            }
        }
        return cases
    }

    static let caseColumns = """
        id, party_key, party_name, party_data_hash, source, entry_id, entry_hash, entry_name, score, state, \
        opened_at, updated_at
        """

    static func reviewCase(_ row: PostgresRow) throws -> ReviewCase {
        let (id, key, name, dataHash, source, entryID, entryHash, entryName, score, state, opened, updated) =
            try row.decode(
                (Int64, String, String, String, String, String, String, String, Double, String, Double, Double).self)
        return ReviewCase(
            id: id, partyKey: key, partyName: name, partyDataHash: dataHash, source: source, entryID: entryID,
            entryHash: entryHash, entryName: entryName, score: score, state: CaseState(rawValue: state) ?? .open,
            openedAt: Date(timeIntervalSince1970: opened), updatedAt: Date(timeIntervalSince1970: updated))
    }

    public func decideCase(
        id: Int64, action: CaseEvent.Action, reason: ClearReason?, note: String?, actor: String, at: Date
    ) async throws -> CaseEvent {
        try await transaction { connection in
            var head = try await self.lockChain(connection)
            guard
                let row = try await self.rows(
                    "SELECT \(unescaped: Self.caseColumns) FROM review_case WHERE id = \(id) FOR UPDATE",
                    on: connection
                ).first
            else { throw StoreError(.notFound, "no case with id \(id)") }
            let current = try Self.reviewCase(row)
            let (state, body) = Recording.decision(on: current, action: action, reason: reason, note: note)
            _ = try await self.rows(
                """
                UPDATE review_case SET state = \(state.rawValue), updated_at = \(at.timeIntervalSince1970)
                WHERE id = \(id)
                """, on: connection)
            var records = AuditRows()
            let auditSeq = records.append(
                &head, at: at, kind: "case_" + action.rawValue, actor: actor, subject: current.partyKey, body: body)
            try await records.insert(into: connection, store: self)
            let event = CaseEvent(
                caseID: id, at: at, actor: actor, action: action, reason: reason, note: note, auditSeq: auditSeq)
            try await Self.insertEvents([event], on: connection, store: self)
            return event
        }
    }

    // MARK: Reading

    public func cases(_ filter: CaseFilter, limit: Int, offset: Int) async throws -> [ReviewCase] {
        // Absent filters are bound as null and match everything.
        let pattern = filter.partyContains.map(Recording.containsPattern)
        return try await rows(
            """
            SELECT \(unescaped: Self.caseColumns) FROM review_case
            WHERE (\(filter.state?.rawValue)::text IS NULL OR state = \(filter.state?.rawValue))
                AND (\(filter.partyKey)::text IS NULL OR party_key = \(filter.partyKey))
                AND (\(pattern)::text IS NULL OR party_key LIKE \(pattern) ESCAPE '\\')
            ORDER BY state = 'open' DESC, updated_at DESC, id DESC LIMIT \(Int64(limit)) OFFSET \(Int64(offset))
            """
        ).map(Self.reviewCase)
    }

    public func caseCounts() async throws -> [CaseState: Int] {
        var counts: [CaseState: Int] = [:]
        for row in try await rows("SELECT state, count(*) FROM review_case GROUP BY state") {
            let (state, count) = try row.decode((String, Int64).self)
            if let state = CaseState(rawValue: state) { counts[state] = Int(count) }
        }
        return counts
    }

    public func reviewCase(id: Int64) async throws -> ReviewCase? {
        try await rows("SELECT \(unescaped: Self.caseColumns) FROM review_case WHERE id = \(id)").first.map(
            Self.reviewCase)
    }

    static let eventColumns = "case_id, at, actor, action, reason, note, audit_seq"

    static func caseEvent(_ row: PostgresRow) throws -> CaseEvent {
        let (caseID, at, actor, action, reason, note, auditSeq) = try row.decode(
            (Int64, Double, String, String, String?, String?, Int64).self)
        return CaseEvent(
            caseID: caseID, at: Date(timeIntervalSince1970: at), actor: actor,
            action: CaseEvent.Action(rawValue: action) ?? .opened, reason: reason.flatMap(ClearReason.init(rawValue:)),
            note: note, auditSeq: auditSeq)
    }

    public func caseEvents(caseID: Int64) async throws -> [CaseEvent] {
        try await rows("SELECT \(unescaped: Self.eventColumns) FROM case_event WHERE case_id = \(caseID) ORDER BY id")
            .map(Self.caseEvent)
    }

    public func screenings(
        partyKey: String?, since: Date?, limit: Int, offset: Int
    ) async throws -> [LoggedScreening] {
        let wanted = offset + limit
        let after = since.map(Recording.milliseconds) ?? Int64.min
        var found: [LoggedScreening] = []
        if let partyKey {
            found = try await rows(
                """
                SELECT seq, at, actor, body FROM audit_record
                WHERE subject = \(partyKey) AND kind = 'screening' AND at >= \(after) ORDER BY seq DESC
                LIMIT \(Int64(wanted))
                """
            ).map { row in
                let (seq, at, actor, body) = try row.decode((Int64, Int64, String, String?).self)
                return Recording.single(seq: seq, atMilliseconds: at, actor: actor, body: body)
            }
            // The chunks' party hashes first, newest first; a body is read only for a chunk that holds the party.
            let hash = PartyRecord.hash(key: partyKey)
            var fromChunks = 0
            var before = Int64.max
            scan: while fromChunks < wanted {
                let page = try await rows(
                    """
                    SELECT seq, parties FROM audit_record
                    WHERE kind = 'screenings' AND at >= \(after) AND seq < \(before) ORDER BY seq DESC LIMIT 1000
                    """)
                guard !page.isEmpty else { break }
                for row in page {
                    let (seq, parties) = try row.decode((Int64, ByteBuffer?).self)
                    before = seq
                    guard let parties, ScreeningChunk.contains(Array(buffer: parties), hash) else { continue }
                    guard
                        let chunk = try await rows(
                            "SELECT at, actor, body FROM audit_record WHERE seq = \(seq)"
                        ).first
                    else { continue }
                    let (at, actor, body) = try chunk.decode((Int64, String, String?).self)
                    let matching = Recording.rows(
                        seq: seq, atMilliseconds: at, actor: actor, body: body, party: partyKey)
                    found += matching
                    fromChunks += matching.count
                    if fromChunks >= wanted { break scan }
                }
            }
        } else {
            var before = Int64.max
            while found.count < wanted {
                let page = try await rows(
                    """
                    SELECT seq, at, actor, kind, body FROM audit_record
                    WHERE kind IN ('screening', 'screenings') AND at >= \(after) AND seq < \(before)
                    ORDER BY seq DESC LIMIT 20
                    """)
                guard !page.isEmpty else { break }
                for row in page where found.count < wanted {
                    let (seq, at, actor, kind, body) = try row.decode((Int64, Int64, String, String, String?).self)
                    before = seq
                    found +=
                        kind == "screening"
                        ? [Recording.single(seq: seq, atMilliseconds: at, actor: actor, body: body)]
                        : Recording.rows(seq: seq, atMilliseconds: at, actor: actor, body: body, party: nil)
                }
            }
        }
        found.sort { ($0.seq, $0.position ?? 0) > ($1.seq, $1.position ?? 0) }
        return Array(found.dropFirst(offset).prefix(limit))
    }

    public func screeningChunks() async throws -> [(seq: Int64, at: Int64, parties: [UInt8]?)] {
        try await rows("SELECT seq, at, parties FROM audit_record WHERE kind = 'screenings' ORDER BY seq").map { row in
            let (seq, at, parties) = try row.decode((Int64, Int64, ByteBuffer?).self)
            return (seq, at, parties.map { Array(buffer: $0) })
        }
    }

    static let auditColumns = "seq, at, kind, actor, subject, body, content_hash, hash"

    static func auditRecord(_ row: PostgresRow) throws -> AuditRecord {
        let (seq, at, kind, actor, subject, body, content, hash) = try row.decode(
            (Int64, Int64, String, String, String, String?, String, String).self)
        return AuditRecord(
            seq: seq, atMilliseconds: at, kind: kind, actor: actor, subject: subject, body: body,
            contentHash: content, hash: hash)
    }

    public func auditRecords(after: Int64, limit: Int) async throws -> [AuditRecord] {
        try await rows(
            """
            SELECT \(unescaped: Self.auditColumns) FROM audit_record WHERE seq > \(after) ORDER BY seq
            LIMIT \(Int64(limit))
            """
        ).map(Self.auditRecord)
    }

    public func auditRecords(seqs: [Int64]) async throws -> [AuditRecord] {
        guard !seqs.isEmpty else { return [] }
        let found = Dictionary(
            try await rows(
                "SELECT \(unescaped: Self.auditColumns) FROM audit_record WHERE seq = ANY(\(seqs))"
            ).map(Self.auditRecord).map { ($0.seq, $0) }, uniquingKeysWith: { a, _ in a })
        return seqs.compactMap { found[$0] }
    }

    public func entry(hash: String) async throws -> ListEntry? {
        try await bodies("SELECT body FROM entry_blob WHERE hash = \(hash)").first
    }

    public func caseEventsWithAudit() async throws -> [(event: CaseEvent, body: String?)] {
        try await rows(
            """
            SELECT e.case_id, e.at, e.actor, e.action, e.reason, e.note, e.audit_seq, r.body FROM case_event e
            LEFT JOIN audit_record r ON r.seq = e.audit_seq ORDER BY e.id
            """
        ).map { row in
            let random = row.makeRandomAccess()
            return (try Self.caseEvent(row), try random[7].decode(String?.self))
        }
    }

    public func prune(_ seqs: [Int64], actor: String, at: Date, summary: String) async throws -> Int64 {
        try await transaction { connection in
            var head = try await self.lockChain(connection)
            for start in stride(from: 0, to: seqs.count, by: 10_000) {
                let part = Array(seqs[start..<min(seqs.count, start + 10_000)])
                _ = try await self.rows(
                    "UPDATE audit_record SET body = NULL, parties = NULL WHERE seq = ANY(\(part))", on: connection)
            }
            var records = AuditRows()
            let seq = records.append(&head, at: at, kind: "pruned", actor: actor, subject: "", body: summary)
            try await records.insert(into: connection, store: self)
            return seq
        }
    }
}
