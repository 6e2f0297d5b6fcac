public import Foundation
import Synchronization
public import VetterCore
public import VetterMatch
public import VetterRules
import VetterStore

/// Screens parties and checks transactions: owns the index over the lists in force, the indexes over past days'
/// lists, and the full entries that matches of a cached (summary) index needed.
///
/// One per process: the CLI makes one per command, the server one for its life. ``refreshIfChanged()`` notices
/// when the lists in force changed — by an import here or in any other process on the same database, by content
/// hash — and swaps in a new index; requests in flight finish on the index they started with.
public final class Screener: Sendable {
    private struct State {
        var index: ScreeningIndex
        /// The versions the index was built from, and their ``Vetter/listsKey(_:)``.
        var versions: [ListVersion]
        var key: String
        /// Full entries of matches, when the index holds summaries (at most every listed entry, a few tens of MB).
        var entries: [String: ListEntry] = [:]
        /// Indexes over the lists in force on past days, built on request; a few at most (each holds its entries).
        var dated: [DatedKey: (ScreeningIndex, [ListVersion])] = [:]
        /// The content hash of every entry of ``versions`` (`source|id`), read when the first screening is recorded.
        var hashes: [String: String]?
    }

    private struct DatedKey: Hashable {
        var day: LocalDate
        var filterEntries: Bool
    }

    static let datedIndexLimit = 2

    public let vetter: Vetter
    private let state: Mutex<State>
    private let refreshing = Mutex(false)
    /// The stored ownership data of the last day asked, resolved against the lists (``storedOwnership(on:rule:)``).
    let ownershipCache = Mutex<OwnershipContext?>(nil)
    let ownershipProbeCache = Mutex<OwnershipProbe?>(nil)

    /// The key of the lists the index is built from.
    var currentListsKey: String { state.withLock { $0.key } }

    /// Loads the index over the lists in force (from its cache when it is current).
    public init(vetter: Vetter) async throws {
        self.vetter = vetter
        let (index, versions) = try await vetter.currentIndex()
        state = Mutex(State(index: index, versions: versions, key: Vetter.listsKey(versions)))
    }

    /// The index in use.
    public var index: ScreeningIndex { state.withLock { $0.index } }

    /// The evidence of an answer given now from the index in use.
    public var evidence: Evidence { Evidence(versions: versions) }

    /// The list versions the index in use was built from.
    public var versions: [ListVersion] { state.withLock { $0.versions } }

    /// Replaces the index when the lists in force changed since it was built; returns whether it did. One
    /// refresh runs at a time: a call during another waits for it, then looks again.
    ///
    /// - Parameter waitingForCache: how long to wait for the importing process to cache the new index before
    ///   building it here (``Vetter/currentIndex(waitingForCache:)``); zero after an import by this process.
    @discardableResult
    public func refreshIfChanged(waitingForCache wait: Duration = .seconds(30)) async throws -> Bool {
        while true {
            let key = Vetter.listsKey(try await vetter.store.currentVersions())
            guard state.withLock({ $0.key }) != key else { return false }
            let mine = refreshing.withLock { (busy: inout Bool) -> Bool in
                if busy { return false }
                busy = true
                return true
            }
            guard mine else {
                try await Task.sleep(for: .milliseconds(50))
                continue
            }
            defer { refreshing.withLock { $0 = false } }
            let (index, versions) = try await vetter.currentIndex(waitingForCache: wait)
            state.withLock { $0 = State(index: index, versions: versions, key: Vetter.listsKey(versions)) }
            return true
        }
    }

    /// Screens `query` against the lists in force on `day` (today's when nil): its matches with their full
    /// entries, the evidence of the answer, and — when `actor` is given — the screening recorded in the log, with
    /// each match's case (``CaseRules``: a new hit opens one, a cleared pair stays cleared until something changes).
    public func screen(
        _ query: ScreeningQuery, asOf day: LocalDate? = nil, actor: String? = nil, channel: String = "api",
        party: PartyRecord? = nil
    ) async throws -> (matches: [ScreeningMatch], evidence: Evidence, reviews: [HitReview?]) {
        let (matches, versions) = try await matches(
            of: query, in: day.map { DatedKey(day: $0, filterEntries: true) })
        var reviews = [HitReview?](repeating: nil, count: matches.count)
        if let actor {
            let given =
                party
                ?? PartyRecord(
                    name: query.name, country: query.country, type: query.type, dateOfBirth: query.dateOfBirth,
                    identifiers: query.identifiers)
            reviews = try await record(
                [(given, query.threshold, matches)], versions: versions, dated: day != nil, actor: actor,
                channel: channel)[0]
        }
        return (matches, Evidence(versions: versions), reviews)
    }

    /// The matches of `query` on a past day's index (`day`) or on the index in use (with full entries), and the
    /// versions they came from.
    private func matches(
        of query: ScreeningQuery, in day: DatedKey?
    ) async throws -> (matches: [ScreeningMatch], versions: [ListVersion]) {
        if let day {
            let (index, versions) = try await dated(day)
            return (await Compute.run { index.screen(query) }, versions)
        }
        let (index, versions) = state.withLock { ($0.index, $0.versions) }
        return (try await completed(await Compute.run { index.screen(query) }, from: index), versions)
    }

    /// The answer to one screen, as `vetter screen --json` and `POST /v1/screen` give it, recorded as `actor`'s.
    public func report(
        _ query: ScreeningQuery, asOf day: LocalDate? = nil, actor: String, channel: String
    ) async throws -> ScreeningReport {
        let (matches, evidence, reviews) = try await screen(query, asOf: day, actor: actor, channel: channel)
        var report = ScreeningReport(
            query: query, matches: matches, explain: query.explain, asOf: day, evidence: evidence, reviews: reviews)
        report.ownedBy = try await ownershipGrounds(for: query.name, on: day ?? LocalDate(Date()))
        return report
    }

    /// Records screenings of the index's versions (or a past day's) and returns each match's review, in order.
    func record(
        _ screenings: [(party: PartyRecord, threshold: Double, matches: [ScreeningMatch])], versions: [ListVersion],
        dated: Bool, actor: String, channel: String
    ) async throws -> [[HitReview?]] {
        let hashes = try await entryHashes(for: versions, dated: dated)
        let versionIDs = versions.map(\.id).sorted()
        let records = screenings.map { screening in
            ScreeningRecord(
                channel: channel, party: screening.party, threshold: screening.threshold, versionIDs: versionIDs,
                matches: screening.matches.map { match in
                    ScreeningRecord.Match(
                        source: match.entry.source.code, entryID: match.entry.id,
                        entryHash: hashes[match.entry.source.code + "|" + match.entry.id] ?? "",
                        score: (match.score * 1_000_000).rounded() / 1_000_000, entryName: match.entry.name)
                })
        }
        let reviews = try await vetter.record(records, actor: actor)
        // The store reviews every match; keep the positions of the caller's matches.
        return zip(records, reviews).map { record, reviewed in
            record.matches.indices.map { $0 < reviewed.count ? reviewed[$0] : nil }
        }
    }

    /// Entry hashes of the versions in use (kept for the index's life), or of a past day's versions.
    private func entryHashes(for versions: [ListVersion], dated: Bool) async throws -> [String: String] {
        if !dated, let known = state.withLock({ state in state.versions == versions ? state.hashes : nil }) {
            return known
        }
        let hashes = try await vetter.entryHashes(of: versions)
        if !dated { state.withLock { state in if state.versions == versions { state.hashes = hashes } } }
        return hashes
    }

    /// A batch screened on the index in use now, whatever replaces it meanwhile; each row recorded as `actor`'s.
    public func batch(workers: Int = 1, actor: String) -> BatchScreening {
        let (index, versions) = state.withLock { ($0.index, $0.versions) }
        return BatchScreening(
            index: index, evidence: Evidence(versions: versions), workers: workers, screener: self, versions: versions,
            actor: actor)
    }

    /// Screens each party of `transaction` and decides what its listings mean for each item, on the
    /// transaction's date: a past date is answered from the list versions in force that day (the decider then
    /// reports the entries whose own start date was later).
    public func check(
        _ transaction: Transaction, threshold: Double = ScreeningIndex.defaultThreshold, actor: String
    ) async throws -> CheckResult {
        let today = LocalDate(Date())
        let date = transaction.date ?? today
        var parties: [PartyCheck] = []
        var versionsUsed: [ListVersion] = []
        for party in transaction.parties {
            let query = ScreeningQuery(
                name: party.name, country: party.country, type: party.type, threshold: threshold, limit: 25)
            let (matches, versions) = try await matches(
                of: query, in: date < today ? DatedKey(day: date, filterEntries: false) : nil)
            versionsUsed = versions
            let reviews = try await record(
                [(PartyRecord(name: party.name, country: party.country, type: party.type), threshold, matches)],
                versions: versionsUsed, dated: date < today, actor: actor, channel: "check")[0]
            var checked = LicenceDecider.check(party: party, matches: matches, items: transaction.items, date: date)
            checked.attach(reviews: zip(matches, reviews).map { ($0.entry.source.code, $0.entry.id, $1) })
            if let ownership = try await storedOwnership(on: date) {
                let (grounds, owners) = ownership.grounds(for: party.name)
                LicenceDecider.apply(grounds, owners: owners, to: &checked, items: transaction.items, date: date)
            }
            parties.append(checked)
        }
        if transaction.parties.isEmpty { versionsUsed = state.withLock { $0.versions } }
        var result = LicenceDecider.combine(parties, items: transaction.items, date: date)
        result.attach(Evidence(versions: versionsUsed))
        return result
    }

    /// Matches of `index` with their full entries: a summary index's are read from the store once, then kept.
    func completed(_ input: [ScreeningMatch], from index: ScreeningIndex) async throws -> [ScreeningMatch] {
        guard index.isSummary, !input.isEmpty else { return input }
        var matches = input
        var missing: [Int] = []
        state.withLock { state in
            guard state.index === index else { return missing = Array(matches.indices) }
            for position in matches.indices {
                if let entry = state.entries[Self.key(matches[position].entry)] {
                    matches[position].entry = entry
                } else {
                    missing.append(position)
                }
            }
        }
        guard !missing.isEmpty else { return matches }
        let completed = try await vetter.complete(missing.map { matches[$0] }, from: index)
        state.withLock { state in
            for (position, match) in zip(missing, completed) {
                matches[position] = match
                if state.index === index { state.entries[Self.key(match.entry)] = match.entry }
            }
        }
        return matches
    }

    /// The index over the lists in force on a past day, built once.
    private func dated(_ key: DatedKey) async throws -> (ScreeningIndex, [ListVersion]) {
        let (current, cached) = state.withLock { ($0.index, $0.dated[key]) }
        if let cached { return cached }
        let built = try await vetter.loadIndex(asOf: key.day, filterEntries: key.filterEntries)
        state.withLock { state in
            // An import while this one was built made it stale for later requests: keep it only if none happened.
            guard state.index === current else { return }
            if state.dated.count >= Self.datedIndexLimit { state.dated.removeAll() }
            state.dated[key] = built
        }
        return built
    }

    private static func key(_ entry: ListEntry) -> String { entry.source.code + "|" + entry.id }
}

/// A batch of parties screened on one index, in parallel over `workers` threads, each with its own scratch
/// space. Not for use by two threads at once.
public final class BatchScreening: @unchecked Sendable {
    public let evidence: Evidence
    let index: ScreeningIndex
    let sessions: [ScreeningIndex.Session]
    let screener: Screener
    let versions: [ListVersion]
    let actor: String

    init(
        index: ScreeningIndex, evidence: Evidence, workers: Int, screener: Screener, versions: [ListVersion],
        actor: String
    ) {
        self.index = index
        self.evidence = evidence
        self.screener = screener
        self.versions = versions
        self.actor = actor
        sessions = (0..<max(1, workers)).map { _ in ScreeningIndex.Session() }
    }

    /// The matches of each query, in order. Entries are summaries when the index is (ids, names, sources and
    /// scores are all a batch line needs).
    public func screen(_ queries: [ScreeningQuery]) -> [[ScreeningMatch]] {
        index.screen(queries, sessions: sessions)
    }

    /// Records screened rows in the log (channel `batch`), with their cases.
    public func record(
        _ rows: [(id: String, query: ScreeningQuery)], matches: [[ScreeningMatch]]
    ) async throws {
        let screenings = zip(rows, matches).map { row, found in
            (
                PartyRecord(
                    id: row.id, name: row.query.name, country: row.query.country, type: row.query.type,
                    dateOfBirth: row.query.dateOfBirth, identifiers: row.query.identifiers),
                row.query.threshold, found
            )
        }
        _ = try await screener.record(screenings, versions: versions, dated: false, actor: actor, channel: "batch")
    }

    /// One JSON line per party (``BatchLine``).
    public func lines(_ rows: [(id: String, query: ScreeningQuery)], matches: [[ScreeningMatch]]) -> String {
        zip(rows, matches).map { row, found in BatchLine.json(id: row.id, matches: found, evidence: evidence) }
            .joined()
    }
}

/// Runs CPU-bound work (screening) on threads of its own, not on the tasks' executor that also serves a server's
/// requests: however heavy the screens in flight, a `/healthz` or a sign-in is answered at once.
public enum Compute {
    static let queue = DispatchQueue(label: "vetter.compute", attributes: .concurrent)

    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
