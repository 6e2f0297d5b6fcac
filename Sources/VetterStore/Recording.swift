public import Foundation
public import VetterCore

/// What both stores do the same way around their own SQL: the import's prepared versions and its audit body, the
/// head of the audit chain, the screenings' records, and the rules that turn a recorded hit into a case step.
/// A store reads and writes; the decisions are made here once, so that SQLite and PostgreSQL cannot drift apart.
public enum Recording {
    // MARK: Imports

    /// One source's entries of one file, encoded and hashed before any write begins.
    public struct PreparedList: Sendable {
        package var file: ListFile
        package var source: ListSource
        /// Entry id, content hash, canonical JSON: sorted by id.
        package var rows: [(id: String, hash: String, body: Data)]
        /// The version's content hash: SHA-256 of `id=hash\n` for every entry, by id.
        package var content: String
        package var dataDate: LocalDate?
    }

    /// Every source of every file, encoded on all cores and hashed.
    package static func prepare(_ files: [ListFile]) throws -> [PreparedList] {
        var prepared: [PreparedList] = []
        for file in files {
            for (source, entries) in file.entriesBySource {
                var rows = try encode(entries)
                rows.sort { $0.id < $1.id }
                var hasher = SHA256()
                for row in rows { hasher.update(Array("\(row.id)=\(row.hash)\n".utf8)) }
                prepared.append(
                    PreparedList(
                        file: file, source: source, rows: rows, content: hasher.finalizeHex(),
                        dataDate: file.dataDate(for: source)))
            }
        }
        return prepared
    }

    /// The canonical JSON (``ListEntry/canonicalJSON()``) and its SHA-256 for every entry, on all cores.
    static func encode(_ entries: [ListEntry]) throws -> [(id: String, hash: String, body: Data)] {
        let workers = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        let chunk = (entries.count + workers - 1) / max(workers, 1)
        var parts = [Result<[(id: String, hash: String, body: Data)], any Error>](
            repeating: .success([]), count: workers)
        parts.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                out[worker] = Result {
                    var rows: [(id: String, hash: String, body: Data)] = []
                    for entry in entries[min(entries.count, worker * chunk)..<min(entries.count, (worker + 1) * chunk)]
                    {
                        let body = try entry.canonicalJSON()
                        rows.append((entry.id, SHA256.hex(body), body))
                    }
                    return rows
                }
            }
        }
        return try parts.flatMap { try $0.get() }
    }

    /// The version a prepared list becomes once stored under `id`.
    package static func version(_ item: PreparedList, id: Int64, importedAt: Date) -> ListVersion {
        ListVersion(
            id: id, source: item.source, importedAt: importedAt, dataDate: item.dataDate,
            fileSHA256: item.file.fileSHA256, contentSHA256: item.content,
            fileName: (item.file.fileName as NSString).lastPathComponent, format: item.file.format.rawValue,
            entryCount: item.rows.count)
    }

    /// The body of an import's audit record: the versions it made and the files it read.
    package static func importBody(created: [ListVersion], files: [ListFile]) -> String {
        let versions = created.map { version in
            "{\"content_sha256\":" + CanonicalJSON.string(version.contentSHA256) + ",\"entry_count\":"
                + String(version.entryCount) + ",\"file_sha256\":" + CanonicalJSON.string(version.fileSHA256)
                + ",\"source\":" + CanonicalJSON.string(version.source.code) + ",\"version_id\":"
                + String(version.id) + "}"
        }
        let names = files.map { CanonicalJSON.string(($0.fileName as NSString).lastPathComponent) }
        return "{\"created\":[" + versions.joined(separator: ",") + "],\"files\":[" + names.joined(separator: ",")
            + "]}"
    }

    /// The body of an ownership import's audit record: the version, its file's hash and size.
    package static func ownershipAuditBody(_ version: OwnershipVersion) -> String {
        "{\"edge_count\":" + String(version.edgeCount) + ",\"file\":"
            + CanonicalJSON.string((version.fileName as NSString).lastPathComponent) + ",\"file_sha256\":"
            + CanonicalJSON.string(version.fileSHA256) + ",\"party_count\":" + String(version.partyCount)
            + ",\"version_id\":" + String(version.id) + "}"
    }

    // MARK: The chain

    /// The head of the audit chain inside a writing transaction: each record appended after it gets the next
    /// sequence number and a hash over the previous one.
    package struct ChainHead: Sendable {
        package var seq: Int64
        package var previous: String

        package init(seq: Int64?, hash: String?) {
            self.seq = seq ?? 0
            previous = hash ?? AuditRecord.genesis
        }

        /// The next record's sequence number and hash.
        package mutating func next(content: String) -> (seq: Int64, hash: String) {
            seq += 1
            previous = AuditRecord.chain(previous: previous, seq: seq, content: content)
            return (seq, previous)
        }
    }

    /// Milliseconds since 1970: how audit records keep their time, on every store.
    package static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    // MARK: Screenings

    /// Audit records ready to append: their canonical bodies and content hashes, made before the write lock.
    package struct PreparedScreenings: Sendable {
        package struct Record: Sendable {
            package var kind: String
            package var subject: String
            package var body: String
            package var content: String
            package var parties: [UInt8]?
        }

        package var records: [Record]
        /// Each screening's party key, in order.
        package var keys: [String]

        /// The keys of the parties with a hit: whose cases the write reads.
        package func keysWithHits(_ screenings: [ScreeningRecord]) -> [String] {
            Array(Set(zip(screenings, keys).filter { !$0.0.matches.isEmpty }.map(\.1)))
        }
    }

    /// One record for one screening; one chunk (``ScreeningChunk``) for each run of up to
    /// ``ScreeningChunk/maximumRows`` that share their channel, threshold and list versions; the rows' bodies,
    /// keys and key hashes made on every core.
    package static func prepare(
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
        let prepared: [PreparedScreenings.Record] =
            records.isEmpty
            ? []
            : runs.map { run in
                let first = records[run.lowerBound]
                guard run.count > 1 else {
                    let row = rows[run.lowerBound]
                    let body = String(decoding: row.body, as: UTF8.self)
                    return .init(
                        kind: "screening", subject: row.key, body: body,
                        content: AuditRecord.content(
                            atMilliseconds: atMilliseconds, kind: "screening", actor: actor, subject: row.key,
                            body: body))
                }
                let parties = ScreeningChunk.partyHashes(rows[run].map(\.hash))
                let body = ScreeningChunk.body(
                    parties: parties, rows: rows[run].map(\.body), channel: first.channel,
                    threshold: first.threshold, versionIDs: first.versionIDs)
                let content = body.withUnsafeBufferPointer {
                    AuditRecord.content(
                        atMilliseconds: atMilliseconds, kind: ScreeningChunk.kind, actor: actor, subject: "", body: $0)
                }
                return .init(
                    kind: ScreeningChunk.kind, subject: "", body: String(decoding: body, as: UTF8.self),
                    content: content, parties: parties)
            }
        return PreparedScreenings(records: prepared, keys: rows.map(\.key))
    }

    /// A screening as the log shows it, from one record of kind `screening`.
    package static func single(seq: Int64, atMilliseconds: Int64, actor: String, body: String?) -> LoggedScreening {
        LoggedScreening(
            seq: seq, at: Date(timeIntervalSince1970: Double(atMilliseconds) / 1000), actor: actor,
            screening: body.flatMap { try? JSONDecoder().decode(ScreeningRecord.self, from: Data($0.utf8)) })
    }

    /// The screenings of a chunk, newest (last) first; only `party`'s when given. A pruned chunk shows as one row
    /// without a screening, unless a party is asked for.
    package static func rows(
        seq: Int64, atMilliseconds: Int64, actor: String, body: String?, party: String?
    ) -> [LoggedScreening] {
        let at = Date(timeIntervalSince1970: Double(atMilliseconds) / 1000)
        guard let body, let screenings = ScreeningChunk.rows(of: body) else {
            return party == nil ? [LoggedScreening(seq: seq, at: at, actor: actor, screening: nil)] : []
        }
        return screenings.indices.reversed().compactMap { position in
            guard party == nil || screenings[position].party.key == party else { return nil }
            return LoggedScreening(
                seq: seq, position: position, at: at, actor: actor, screening: screenings[position])
        }
    }

    // MARK: Cases

    /// A store's writes for ``apply(_:_:prepared:cases:actor:atMilliseconds:at:)``, inside its transaction.
    package protocol CaseWriter {
        /// Appends one record to the chain; returns its sequence number.
        mutating func append(
            kind: String, actor: String, subject: String, body: String, content: String, parties: [UInt8]?
        ) throws -> Int64
        /// Stores a new open case; returns its id.
        mutating func openCase(_ reviewCase: ReviewCase) throws -> Int64
        /// Reopens a case with the hit as now found.
        mutating func reopenCase(_ reviewCase: ReviewCase) throws
        /// The names of the fields that differ between two stored entries (`aliases, addresses`), if known.
        func changedFields(from old: String, to new: String) throws -> String?
        mutating func insertEvent(_ event: CaseEvent) throws
    }

    /// Appends one caller's prepared screenings to the chain and applies their hits to cases (``CaseRules``):
    /// a new hit opens a case, a cleared one whose entry or party changed reopens with the change named. `cases`
    /// holds the existing cases of every party with a hit, by key, then by `source|entry`.
    package static func apply<Writer: CaseWriter>(
        _ writer: inout Writer, _ records: [ScreeningRecord], prepared: PreparedScreenings,
        cases: [String: [String: ReviewCase]], actor: String, atMilliseconds milliseconds: Int64, at: Date
    ) throws -> [[HitReview]] {
        var cases = cases
        func append(kind: String, subject: String, body: String) throws -> Int64 {
            try writer.append(
                kind: kind, actor: actor, subject: subject, body: body,
                content: AuditRecord.content(
                    atMilliseconds: milliseconds, kind: kind, actor: actor, subject: subject, body: body),
                parties: nil)
        }
        for made in prepared.records {
            _ = try writer.append(
                kind: made.kind, actor: actor, subject: made.subject, body: made.body, content: made.content,
                parties: made.parties)
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
                    var opened = ReviewCase(
                        id: 0, partyKey: key, partyName: record.party.name, partyDataHash: dataHash,
                        source: match.source, entryID: match.entryID, entryHash: match.entryHash,
                        entryName: match.entryName, score: match.score, state: .open, openedAt: at, updatedAt: at)
                    opened.id = try writer.openCase(opened)
                    cases[key, default: [:]][pair] = opened
                    let body = caseBody(id: opened.id, action: .opened, key: key, match: match, reason: nil, note: nil)
                    let auditSeq = try append(kind: "case_opened", subject: key, body: body)
                    try writer.insertEvent(
                        CaseEvent(
                            caseID: opened.id, at: at, actor: actor, action: .opened, reason: nil, note: nil,
                            auditSeq: auditSeq))
                    recordReviews.append(HitReview(caseID: opened.id, state: .open))
                case .reopen(var note):
                    guard let existing else { continue }
                    if existing.entryHash != match.entryHash,
                        let fields = try writer.changedFields(from: existing.entryHash, to: match.entryHash)
                    {
                        note = note.replacingOccurrences(
                            of: "the listed entry changed", with: "the listed entry changed (\(fields))")
                    }
                    var reopened = existing
                    reopened.state = .open
                    reopened.entryHash = match.entryHash
                    reopened.partyDataHash = dataHash
                    reopened.partyName = record.party.name
                    reopened.entryName = match.entryName
                    reopened.score = match.score
                    reopened.updatedAt = at
                    try writer.reopenCase(reopened)
                    cases[key, default: [:]][pair] = reopened
                    let body = caseBody(
                        id: existing.id, action: .reopened, key: key, match: match, reason: nil, note: note)
                    let auditSeq = try append(kind: "case_reopened", subject: key, body: body)
                    try writer.insertEvent(
                        CaseEvent(
                            caseID: existing.id, at: at, actor: actor, action: .reopened, reason: nil, note: note,
                            auditSeq: auditSeq))
                    recordReviews.append(HitReview(caseID: existing.id, state: .open))
                }
            }
            reviews.append(recordReviews)
        }
        return reviews
    }

    /// The entry hashes whose entries a reopening may compare: the cases' hashes and the hits' new ones.
    package static func reopeningHashes(
        _ records: [ScreeningRecord], keys: [String], cases: [String: [String: ReviewCase]]
    ) -> Set<String> {
        var hashes: Set<String> = []
        for (record, key) in zip(records, keys) {
            for match in record.matches {
                guard let existing = cases[key]?[match.source + "|" + match.entryID],
                    existing.entryHash != match.entryHash
                else { continue }
                hashes.insert(existing.entryHash)
                hashes.insert(match.entryHash)
            }
        }
        return hashes
    }

    /// A reviewer's decision as a case event and its audit body, given the case as it stands.
    package static func decision(
        on current: ReviewCase, action: CaseEvent.Action, reason: ClearReason?, note: String?
    ) -> (state: CaseState, body: String) {
        let match = ScreeningRecord.Match(
            source: current.source, entryID: current.entryID, entryHash: current.entryHash, score: current.score,
            entryName: current.entryName)
        return (
            action == .cleared ? .cleared : .confirmed,
            caseBody(id: current.id, action: action, key: current.partyKey, match: match, reason: reason, note: note)
        )
    }

    /// The audit body of a case event: what a verifier compares the `case_event` row with.
    package static func caseBody(
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

    /// The fields that differ between two stored entries' bodies, joined (`aliases, addresses`).
    package static func changedFields(_ old: Data?, _ new: Data?) -> String? {
        let decoder = JSONDecoder()
        guard let old, let new, let before = try? decoder.decode(ListEntry.self, from: old),
            let after = try? decoder.decode(ListEntry.self, from: new)
        else { return nil }
        let fields = changedFields(before, after)
        return fields.isEmpty ? nil : fields.joined(separator: ", ")
    }

    /// The names of the fields that differ between two versions of an entry, as the wire format names them
    /// (`aliases`, `license_policy` …).
    package static func changedFields(_ old: ListEntry, _ new: ListEntry) -> [String] {
        let encoder = Wire.encoder()
        func fields(_ entry: ListEntry) -> [String: String] {
            guard let data = try? encoder.encode(entry),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return [:] }
            var result: [String: String] = [:]
            for (key, value) in object {
                let encoded =
                    (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]))
                    ?? Data()
                result[key] = String(decoding: encoded, as: UTF8.self)
            }
            return result
        }
        let a = fields(old), b = fields(new)
        return Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    /// A `LIKE` pattern for "party key contains": folded to lower case, its own `%`, `_` and `\` taken literally.
    package static func containsPattern(_ text: String) -> String {
        let escaped = text.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return "%" + escaped + "%"
    }

    /// Entry bodies decoded; a body that cannot be is a corrupt store.
    package static func decode(_ bodies: [Data]) throws -> [ListEntry] {
        let decoder = JSONDecoder()
        do {
            return try bodies.map { try decoder.decode(ListEntry.self, from: $0) }
        } catch {
            throw StoreError(.corrupt, "a stored entry cannot be decoded: \(error)")
        }
    }
}
