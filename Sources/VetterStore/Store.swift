public import Foundation
public import VetterCore

/// Where Vetter keeps list versions and everything derived from them.
///
/// The protocol is what the rest of Vetter sees, so that SQLite (``SQLiteStore``) and, later, PostgreSQL can
/// stand behind it without touching callers. Every method is `async` for that reason. Versions are immutable:
/// nothing here changes or deletes a version once written.
public protocol Store: Sendable {
    /// Writes one new version for every source in `files` whose content differs from that source's current
    /// version, in one transaction: either all of them are stored or none is. When any version is written, the
    /// same transaction records a ``RescreenJob`` owed for them, so that a crash before the re-screen loses no
    /// alert.
    ///
    /// `prepared` are the files' lists as ``Recording/prepare(_:)`` made them (encoded and hashed before any write).
    func importLists(
        prepared: [Recording.PreparedList], files: [ListFile], importedAt: Date, actor: String
    ) async throws -> ImportOutcome

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

    /// Entry id → content hash of every entry of a version.
    func entryHashes(versionID: Int64) async throws -> [String: String]

    /// The entries of one version with these ids.
    func entries(versionID: Int64, ids: [String]) async throws -> [ListEntry]

    // MARK: Ownership data

    /// Stores `content` (an ownership file's bytes, as text) as a new ownership version, with an `ownership_imported`
    /// event in the audit chain in the same transaction, unless the newest version has the same SHA-256; returns
    /// the new version, or `nil` when nothing changed. `version.id` is assigned here.
    func importOwnership(_ version: OwnershipVersion, content: String) async throws -> OwnershipVersion?

    /// Every ownership version, newest first (without content).
    func ownershipVersions() async throws -> [OwnershipVersion]

    /// The file of one ownership version, as imported.
    func ownershipContent(versionID: Int64) async throws -> String?

    /// The ownership findings of watched parties as last evaluated.
    func watchOwnership() async throws -> [OwnershipHit]

    /// Replaces the ownership findings of every watched party.
    func replaceWatchOwnership(_ hits: [OwnershipHit]) async throws

    // MARK: Watched parties and alerts

    /// Adds or replaces watched parties (by id).
    func saveWatchedParties(_ parties: [WatchedParty]) async throws

    /// All watched parties, by id.
    func watchedParties() async throws -> [WatchedParty]

    /// Removes a watched party and its hits; `false` when there was none.
    func removeWatchedParty(id: String) async throws -> Bool

    /// The current hits of every watched party.
    func watchHits() async throws -> [WatchHit]

    /// Re-screens owed by imports and not yet recorded, oldest first.
    func pendingRescreens() async throws -> [RescreenJob]

    /// Replaces the hits of these parties and appends the alerts, in one transaction; every new alert is queued
    /// for every webhook, and the re-screen jobs `completing` are deleted. Returns the alerts with their ids, or
    /// `nil`, recording nothing, when any of those jobs was already completed (by another process).
    func recordScreening(
        parties: [String], hits: [WatchHit], alerts: [Alert], completing: [Int64]
    ) async throws -> [Alert]?

    /// Alerts created at or after `since` (all when `nil`), oldest first.
    func alerts(since: Date?) async throws -> [Alert]

    // MARK: Webhooks

    /// Registers a webhook; returns its id.
    func addWebhook(url: String, secret: String) async throws -> Int64

    /// Registered webhooks: id, URL, secret.
    func webhooks() async throws -> [(id: Int64, url: String, secret: String)]

    /// Deliveries due at `now`: outbox id, webhook, alert, attempts so far.
    func dueDeliveries(now: Date) async throws -> [Delivery]

    /// Claims the deliveries due at `now` for one sender until `leaseUntil`: no other process (or server) sees them
    /// due before then, unless this one marks them delivered or failed first. A sender that dies leaves its claim
    /// to expire, so that a delivery is retried, not lost.
    func claimDeliveries(now: Date, leaseUntil: Date) async throws -> [Delivery]

    /// Marks a delivery done.
    func markDelivered(_ deliveryID: Int64, at: Date) async throws

    /// Records a failed attempt and when to try again.
    func recordFailedAttempt(_ deliveryID: Int64, error: String, retryAt: Date) async throws

    // MARK: API keys

    /// Stores an API key by the SHA-256 of its secret; returns its id.
    func addAPIKey(name: String, role: String, secretSHA256: String) async throws -> Int64

    /// The key with this secret hash, unless revoked: its id, name and role.
    func apiKey(secretSHA256: String) async throws -> (id: Int64, name: String, role: String)?

    /// How many API keys exist and are not revoked.
    func apiKeyCount() async throws -> Int

    /// Every key ever created, revoked ones included, without their hashes.
    func apiKeys() async throws -> [APIKeyRecord]

    /// Revokes a key for good (it stays listed, with the time). False when no unrevoked key has this id.
    func revokeAPIKey(id: Int64, at: Date) async throws -> Bool

    /// Calls `handler` when another process changes the lists or the keys, until the task is cancelled; returns at
    /// once, `false`, where the store cannot tell (SQLite: the server polls instead).
    func followChanges(_ handler: @escaping @Sendable (StoreChange) async -> Void) async throws -> Bool

    /// Folds the write-ahead log back into the database file.
    func checkpoint() async throws

    // MARK: Web sessions

    /// Opens a session for the unrevoked key with this secret hash, known by the SHA-256 of its id; `nil` when the
    /// key is unknown.
    func openSession(idSHA256: String, keySHA256: String, at: Date, expiresAt: Date) async throws -> Bool

    /// The key behind an open session: unexpired, not closed, its key not revoked.
    func session(idSHA256: String, at: Date) async throws -> (id: Int64, name: String, role: String)?

    /// Closes a session for good.
    func closeSession(idSHA256: String, at: Date) async throws

    // MARK: The system of record

    /// Appends one event to the audit chain; returns its sequence number.
    func appendAudit(kind: String, actor: String, subject: String, body: String, at: Date) async throws -> Int64

    /// Records the screenings of several callers in the chain and applies their hits to cases (``CaseRules``) in
    /// one transaction; returns the review of every match, per group and per record.
    func recordScreenings(_ groups: [ScreeningGroup], at: Date) async throws -> [[[HitReview]]]

    /// A reviewer's decision: a new event on the case, in the chain.
    func decideCase(
        id: Int64, action: CaseEvent.Action, reason: ClearReason?, note: String?, actor: String, at: Date
    ) async throws -> CaseEvent

    /// Cases, open first then the most recently changed.
    func cases(_ filter: CaseFilter, limit: Int, offset: Int) async throws -> [ReviewCase]

    /// How many cases stand in each state.
    func caseCounts() async throws -> [CaseState: Int]

    func reviewCase(id: Int64) async throws -> ReviewCase?

    func caseEvents(caseID: Int64) async throws -> [CaseEvent]

    /// Screenings, newest first, from records of one screening and from chunks of many (``ScreeningChunk``).
    func screenings(partyKey: String?, since: Date?, limit: Int, offset: Int) async throws -> [LoggedScreening]

    /// Every chunk of screenings: its record, time and party hashes (nil once pruned), in order.
    func screeningChunks() async throws -> [(seq: Int64, at: Int64, parties: [UInt8]?)]

    /// Audit records after `after`, in order.
    func auditRecords(after: Int64, limit: Int) async throws -> [AuditRecord]

    /// Audit records by sequence number, in order.
    func auditRecords(seqs: [Int64]) async throws -> [AuditRecord]

    /// The stored entry with this content hash.
    func entry(hash: String) async throws -> ListEntry?

    /// Every case event with the body of its audit record.
    func caseEventsWithAudit() async throws -> [(event: CaseEvent, body: String?)]

    /// Blanks the bodies of `seqs` (hashes stay) and appends a `pruned` record with `summary` as its body.
    func prune(_ seqs: [Int64], actor: String, at: Date, summary: String) async throws -> Int64
}

/// What maintenance and the tests that prove what the schema forbids reach below the protocol.
package protocol MaintainableStore: Store {
    /// Number of distinct stored entries (content-addressed blobs).
    func blobCount() async throws -> Int
    /// Runs statements as they are.
    func execute(_ sql: String) async throws
}

/// A re-screen of watched parties owed after an import created these versions.
public struct RescreenJob: Sendable, Hashable {
    public var id: Int64
    public var createdAt: Date
    public var versionIDs: [Int64]

    public init(id: Int64, createdAt: Date, versionIDs: [Int64]) {
        self.id = id
        self.createdAt = createdAt
        self.versionIDs = versionIDs
    }
}

/// One alert to POST to one webhook: a row of the outbox.
public struct Delivery: Sendable {
    public var id: Int64
    public var url: String
    public var secret: String
    public var alert: Alert
    public var attempts: Int

    public init(id: Int64, url: String, secret: String, alert: Alert, attempts: Int) {
        self.id = id
        self.url = url
        self.secret = secret
        self.alert = alert
        self.attempts = attempts
    }
}

/// One caller's screenings, recorded as its actor's.
public struct ScreeningGroup: Sendable {
    public var records: [ScreeningRecord]
    public var actor: String

    public init(records: [ScreeningRecord], actor: String) {
        self.records = records
        self.actor = actor
    }
}

extension Store {
    /// Records one caller's screenings (``recordScreenings(_:at:)``); returns the review of every match, per record.
    public func recordScreenings(
        _ records: [ScreeningRecord], actor: String, at: Date
    ) async throws -> [[HitReview]] {
        try await recordScreenings([ScreeningGroup(records: records, actor: actor)], at: at)[0]
    }

    /// ``importLists(prepared:files:importedAt:actor:)`` of files not prepared yet.
    public func importLists(_ files: [ListFile], importedAt: Date, actor: String) async throws -> ImportOutcome {
        try await importLists(prepared: Recording.prepare(files), files: files, importedAt: importedAt, actor: actor)
    }

    /// ``importLists(_:importedAt:actor:)`` of one file.
    public func importList(_ file: ListFile, importedAt: Date, actor: String = "system") async throws -> ImportOutcome {
        try await importLists([file], importedAt: importedAt, actor: actor)
    }

    /// The versions in force on `date`: per source, the newest whose data date (or, without one, import date)
    /// is on or before `date`; where no version is that old, the oldest one, whose entries the caller filters by
    /// their own start and end dates.
    public func versionsInForce(on date: LocalDate) async throws -> [ListVersion] {
        let all = try await versions(source: nil)
        var chosen: [ListSource: ListVersion] = [:]
        for version in all.sorted(by: { $0.id < $1.id }) {
            let effective = version.dataDate ?? LocalDate(version.importedAt)
            if effective <= date || chosen[version.source] == nil { chosen[version.source] = version }
        }
        return chosen.values.sorted { $0.source < $1.source }
    }

    /// How a source changed between two versions (default: the two newest).
    public func diff(source: ListSource, from: Int64? = nil, to: Int64? = nil) async throws -> ListDiff {
        let versions = try await versions(source: source)
        guard versions.count >= 1 else { throw StoreError(.notFound, "no version of \(source.code) is loaded") }
        func find(_ id: Int64) throws -> ListVersion {
            guard let version = versions.first(where: { $0.id == id }) else {
                throw StoreError(.notFound, "version \(id) is not a version of \(source.code)")
            }
            return version
        }
        let newer = try to.map(find) ?? versions[0]
        guard let older = try from.map(find) ?? versions.first(where: { $0.id < newer.id }) else {
            throw StoreError(.notFound, "\(source.code) has no version older than \(newer.id) to compare with")
        }
        let before = try await entryHashes(versionID: older.id)
        let after = try await entryHashes(versionID: newer.id)
        let addedIDs = after.keys.filter { before[$0] == nil }.sorted()
        let removedIDs = before.keys.filter { after[$0] == nil }.sorted()
        let changedIDs = after.keys.filter { before[$0] != nil && before[$0] != after[$0] }.sorted()
        let added = try await entries(versionID: newer.id, ids: addedIDs)
        let removed = try await entries(versionID: older.id, ids: removedIDs)
        let oldChanged = Dictionary(
            try await entries(versionID: older.id, ids: changedIDs).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }
        )
        var changes: [ListDiff.Change] = []
        for entry in try await entries(versionID: newer.id, ids: changedIDs) {
            guard let old = oldChanged[entry.id] else { continue }
            changes.append(
                ListDiff.Change(entryID: entry.id, name: entry.name, fields: Recording.changedFields(old, entry)))
        }
        return ListDiff(source: source, from: older, to: newer, added: added, removed: removed, changed: changes)
    }
}
