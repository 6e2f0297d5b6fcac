public import Foundation
import Synchronization
public import VetterCore
import VetterStore

/// A case with its history, every event in order.
public struct CaseDetail: Sendable, Encodable {
    public var reviewCase: ReviewCase
    public var events: [CaseEvent]

    enum CodingKeys: String, CodingKey {
        case reviewCase = "case"
        case events
    }
}

/// What `vetter audit verify` found.
public struct AuditVerification: Sendable, Encodable {
    /// Records read.
    public var records: Int
    /// The hash of the last record: keep it elsewhere, verify against it later.
    public var head: String?
    public var headSeq: Int64?
    /// Records whose bodies were pruned past retention (their hashes still verify).
    public var pruned: Int
    /// The first problem, naming its record; `nil` when the whole chain verifies.
    public var problem: String?
    public var seconds: Double

    public var isIntact: Bool { problem == nil }
}

/// What `vetter audit prune` removed.
public struct PruneReport: Sendable, Encodable {
    public var cutoff: Date
    public var pruned: Int
    public var record: Int64?
}

extension Vetter {
    /// Who acts from the command line: the operating-system user.
    public static var commandLineActor: String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.environment["LOGNAME"]
        return "cli:" + (user.flatMap { $0.isEmpty ? nil : $0 } ?? NSUserName())
    }

    /// How long records are kept from the latest event they belong to: five years (15 CFR 762.6).
    public static let retentionYears = 5

    /// Every entry's content hash in these versions, keyed `source|id`.
    func entryHashes(of versions: [ListVersion]) async throws -> [String: String] {
        var hashes: [String: String] = [:]
        for version in versions {
            for (id, hash) in try await store.entryHashes(versionID: version.id) {
                hashes[version.source.code + "|" + id] = hash
            }
        }
        return hashes
    }

    /// Folds the write-ahead log into the database file (for measuring its size).
    package func checkpoint() async throws { try await store.checkpoint() }

    /// Records screenings and applies their hits to cases, with those of concurrent callers; returns each
    /// match's review.
    func record(_ records: [ScreeningRecord], actor: String) async throws -> [[HitReview]] {
        try await recordQueue.record(records, actor: actor)
    }

    /// The screening log, newest first: of one party (name and country as screened), since a time.
    public func screeningLog(
        name: String? = nil, country: String? = nil, since: Date? = nil, limit: Int = 50, offset: Int = 0
    ) async throws -> [LoggedScreening] {
        try await screeningLog(
            partyKey: name.map { PartyRecord(name: $0, country: country).key }, since: since, limit: limit,
            offset: offset)
    }

    /// The screening log, newest first: of one party (by its ``PartyRecord/key``), since a time.
    public func screeningLog(
        partyKey: String?, since: Date? = nil, limit: Int = 50, offset: Int = 0
    ) async throws -> [LoggedScreening] {
        try await store.screenings(partyKey: partyKey, since: since, limit: limit, offset: offset)
    }

    // MARK: Cases

    /// Cases of one party (name and country as screened), open first then the most recently changed.
    public func cases(
        state: CaseState? = nil, name: String? = nil, country: String? = nil, limit: Int = 50, offset: Int = 0
    ) async throws -> [ReviewCase] {
        try await cases(
            CaseFilter(state: state, partyKey: name.map { PartyRecord(name: $0, country: country).key }),
            limit: limit, offset: offset)
    }

    public func cases(_ filter: CaseFilter, limit: Int = 50, offset: Int = 0) async throws -> [ReviewCase] {
        try await store.cases(filter, limit: limit, offset: offset)
    }

    /// How many cases stand in each state.
    public func caseCounts() async throws -> [CaseState: Int] { try await store.caseCounts() }

    /// A stored entry by its content hash: the listing as it stood when a screening or a case named it.
    public func entry(hash: String) async throws -> ListEntry? { try await store.entry(hash: hash) }

    public func caseDetail(id: Int64) async throws -> CaseDetail? {
        guard let found = try await store.reviewCase(id: id) else { return nil }
        return CaseDetail(reviewCase: found, events: try await store.caseEvents(caseID: id))
    }

    /// Clears a case as a false positive: the pair is accepted until the entry or the party changes.
    public func clearCase(id: Int64, reason: ClearReason, note: String?, actor: String) async throws -> CaseDetail {
        _ = try await store.decideCase(id: id, action: .cleared, reason: reason, note: note, actor: actor, at: Date())
        ownershipChanges.add(1, ordering: .relaxed)
        return try await caseDetail(id: id)!
    }

    /// Confirms a case as a true match: the party is blocked on every later screen and check.
    public func confirmCase(id: Int64, note: String?, actor: String) async throws -> CaseDetail {
        _ = try await store.decideCase(id: id, action: .confirmed, reason: nil, note: note, actor: actor, at: Date())
        ownershipChanges.add(1, ordering: .relaxed)
        return try await caseDetail(id: id)!
    }

    // MARK: The audit trail

    /// Appends an event other than a screening or a case step (an import, a key made or revoked, a webhook).
    @discardableResult
    func audit(kind: String, actor: String, subject: String, body: some Encodable) async throws -> Int64 {
        let text = String(decoding: try Wire.encode(body), as: UTF8.self)
        return try await store.appendAudit(kind: kind, actor: actor, subject: subject, body: text, at: Date())
    }

    /// The newest audit record.
    public func auditHead() async throws -> AuditRecord? {
        var last: AuditRecord?
        var after: Int64 = 0
        while true {
            let page = try await store.auditRecords(after: after, limit: 100_000)
            guard let tail = page.last else { return last }
            last = tail
            after = tail.seq
        }
    }

    /// Checks the whole chain: every record's content against its hash, every hash against the one before,
    /// the sequence without gaps, every pruned record named by a later prune, and every case decision against the
    /// record that holds it. Names the first record that fails.
    public func verifyAudit() async throws -> AuditVerification {
        let start = Date()
        var previous = AuditRecord.genesis
        var expected: Int64 = 1
        var count = 0
        var pruned: [Int64] = []
        var prunedByRecords = Set<Int64>()
        var head: AuditRecord?
        var problem: String?
        // A chunk's `parties` column is a copy of what its hashed body states: checked against it.
        var chunkParties: [Int64: [UInt8]?] = [:]
        for chunk in try await store.screeningChunks() { chunkParties[chunk.seq] = chunk.parties }
        scan: while true {
            let page = try await store.auditRecords(after: expected - 1, limit: 50_000)
            if page.isEmpty { break }
            for record in page {
                if record.seq != expected {
                    problem =
                        record.seq > expected
                        ? "record \(expected) is missing: deleted (the next one is \(record.seq))"
                        : "record \(record.seq) is out of order"
                    break scan
                }
                if let body = record.body {
                    let content = AuditRecord.content(
                        atMilliseconds: record.atMilliseconds, kind: record.kind, actor: record.actor,
                        subject: record.subject, body: body)
                    if content != record.contentHash {
                        problem =
                            "record \(record.seq) (\(record.kind)) was edited: its content does not match its hash"
                        break scan
                    }
                    // The column must hold what the hashed body states.
                    if record.kind == ScreeningChunk.kind {
                        let column = chunkParties[record.seq].flatMap { $0 }.map(ScreeningChunk.hex)
                        if column == nil || column != ScreeningChunk.statedParties(body) {
                            problem =
                                "record \(record.seq) (\(record.kind)): its list of parties does not match its rows: it was edited"
                            break scan
                        }
                    }
                    if record.kind == "pruned", let data = body.data(using: .utf8),
                        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                        let seqs = object["seqs"] as? [Int]
                    {
                        prunedByRecords.formUnion(seqs.map(Int64.init))
                    }
                } else {
                    pruned.append(record.seq)
                }
                if AuditRecord.chain(previous: previous, seq: record.seq, content: record.contentHash) != record.hash {
                    problem =
                        "record \(record.seq) (\(record.kind)) does not follow record \(record.seq - 1): a record was inserted, replaced or reordered"
                    break scan
                }
                previous = record.hash
                expected += 1
                count += 1
                head = record
            }
        }
        if problem == nil, let unnamed = pruned.first(where: { !prunedByRecords.contains($0) }) {
            problem = "record \(unnamed) has lost its body, and no prune record names it"
        }
        if problem == nil {
            problem = try await verifyCaseEvents()
        }
        return AuditVerification(
            records: count, head: head?.hash, headSeq: head?.seq, pruned: pruned.count, problem: problem,
            seconds: Date().timeIntervalSince(start))
    }

    /// Every case event must say what its audit record says.
    private func verifyCaseEvents() async throws -> String? {
        for (event, body) in try await store.caseEventsWithAudit() {
            guard let body else {
                return
                    "the \(event.action.rawValue) decision on case \(event.caseID) has no audit record \(event.auditSeq)"
            }
            // The body is canonical JSON (sorted keys, one spelling of each value): the event's fields, written
            // the same way with their delimiters, must each stand in it, and a field the event lacks must not.
            let bytes = Array(body.utf8)
            func holds(_ text: String) -> Bool {
                let needle = Array(text.utf8)
                guard needle.count <= bytes.count else { return false }
                return bytes.withUnsafeBufferPointer { haystack in
                    needle.withUnsafeBufferPointer { needle in
                        (0...(haystack.count - needle.count)).contains { start in
                            haystack[start] == needle[0]
                                && memcmp(haystack.baseAddress! + start, needle.baseAddress!, needle.count) == 0
                        }
                    }
                }
            }
            func field(_ name: String, _ value: String?) -> Bool {
                let key = "\"" + name + "\":"
                guard let value else { return !holds(key) }
                return holds(key + value + ",") || holds(key + value + "}")
            }
            if !body.hasPrefix("{") || !field("case_id", String(event.caseID))
                || !field("action", CanonicalJSON.string(event.action.rawValue))
                || !field("reason", event.reason.map { CanonicalJSON.string($0.rawValue) })
                || !field("note", event.note.map(CanonicalJSON.string))
            {
                return
                    "the \(event.action.rawValue) decision on case \(event.caseID) differs from audit record \(event.auditSeq): it was edited"
            }
        }
        return nil
    }

    /// Removes the bodies of records past retention: screenings and case steps whose party's latest event is
    /// more than ``retentionYears`` before `now`. Their hashes stay, so the chain still verifies; a `pruned`
    /// record names them. Records of a party with a newer event are kept, however old.
    public func pruneAudit(now: Date = Date(), actor: String) async throws -> PruneReport {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let cutoff = calendar.date(byAdding: .year, value: -Self.retentionYears, to: now)!
        let cutoffMilliseconds = Int64((cutoff.timeIntervalSince1970 * 1000).rounded())
        // Parties by their key hash (``PartyRecord/keyHash``): the latest event of each, from records of one
        // screening or case step (their subject is the party's key) and from chunks (their party hashes).
        var latest: [UInt64: Int64] = [:]
        var candidates: [(seq: Int64, parties: [UInt64])] = []
        var after: Int64 = 0
        while true {
            let page = try await store.auditRecords(after: after, limit: 50_000)
            guard let tail = page.last else { break }
            after = tail.seq
            for record in page where record.kind == "screening" || record.kind.hasPrefix("case_") {
                let party = PartyRecord.hash(key: record.subject)
                latest[party] = max(latest[party] ?? 0, record.atMilliseconds)
                if record.body != nil { candidates.append((record.seq, [party])) }
            }
        }
        for chunk in try await store.screeningChunks() {
            guard let bytes = chunk.parties else { continue }
            let parties = ScreeningChunk.hashes(bytes)
            for party in parties { latest[party] = max(latest[party] ?? 0, chunk.at) }
            candidates.append((chunk.seq, parties))
        }
        let expired = candidates.filter { candidate in
            candidate.parties.allSatisfy { (latest[$0] ?? 0) < cutoffMilliseconds }
        }.map(\.seq).sorted()
        guard !expired.isEmpty else { return PruneReport(cutoff: cutoff, pruned: 0, record: nil) }
        struct Summary: Encodable {
            var cutoff: Date
            var seqs: [Int64]
        }
        let body = String(decoding: try Wire.encode(Summary(cutoff: cutoff, seqs: expired)), as: UTF8.self)
        let seq = try await store.prune(expired, actor: actor, at: now, summary: body)
        return PruneReport(cutoff: cutoff, pruned: expired.count, record: seq)
    }
}
