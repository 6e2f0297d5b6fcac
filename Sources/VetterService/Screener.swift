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
    }

    private struct DatedKey: Hashable {
        var day: LocalDate
        var filterEntries: Bool
    }

    static let datedIndexLimit = 2

    public let vetter: Vetter
    private let state: Mutex<State>
    private let refreshing = Mutex(false)

    /// Loads the index over the lists in force (from its cache when it is current).
    public init(vetter: Vetter) async throws {
        self.vetter = vetter
        let (index, versions) = try await vetter.currentIndex()
        state = Mutex(State(index: index, versions: versions, key: Vetter.listsKey(versions)))
    }

    /// The index in use.
    public var index: ScreeningIndex { state.withLock { $0.index } }

    /// The evidence of an answer given now from the index in use.
    public var evidence: Evidence { Evidence(versions: state.withLock { $0.versions }) }

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
    /// entries, and the evidence of the answer.
    public func screen(
        _ query: ScreeningQuery, asOf day: LocalDate? = nil
    ) async throws -> (matches: [ScreeningMatch], evidence: Evidence) {
        if let day {
            let (index, versions) = try await dated(DatedKey(day: day, filterEntries: true))
            return (await Compute.run { index.screen(query) }, Evidence(versions: versions))
        }
        let (index, versions) = state.withLock { ($0.index, $0.versions) }
        let matches = try await completed(await Compute.run { index.screen(query) }, from: index)
        return (matches, Evidence(versions: versions))
    }

    /// The answer to one screen, as `vetter screen --json` and `POST /v1/screen` give it.
    public func report(_ query: ScreeningQuery, asOf day: LocalDate? = nil) async throws -> ScreeningReport {
        let (matches, evidence) = try await screen(query, asOf: day)
        return ScreeningReport(query: query, matches: matches, explain: query.explain, asOf: day, evidence: evidence)
    }

    /// A batch screened on the index in use now, whatever replaces it meanwhile.
    public func batch(workers: Int = 1) -> BatchScreening {
        let (index, versions) = state.withLock { ($0.index, $0.versions) }
        return BatchScreening(index: index, evidence: Evidence(versions: versions), workers: workers)
    }

    /// Screens each party of `transaction` and decides what its listings mean for each item, on the
    /// transaction's date: a past date is answered from the list versions in force that day (the decider then
    /// reports the entries whose own start date was later).
    public func check(
        _ transaction: Transaction, threshold: Double = ScreeningIndex.defaultThreshold
    ) async throws -> CheckResult {
        let today = LocalDate(Date())
        let date = transaction.date ?? today
        var parties: [PartyCheck] = []
        var versionsUsed: [ListVersion] = []
        for party in transaction.parties {
            let query = ScreeningQuery(
                name: party.name, country: party.country, type: party.type, threshold: threshold, limit: 25)
            let matches: [ScreeningMatch]
            if date < today {
                let (index, versions) = try await dated(DatedKey(day: date, filterEntries: false))
                matches = await Compute.run { index.screen(query) }
                versionsUsed = versions
            } else {
                let (index, versions) = state.withLock { ($0.index, $0.versions) }
                matches = try await completed(await Compute.run { index.screen(query) }, from: index)
                versionsUsed = versions
            }
            parties.append(LicenceDecider.check(party: party, matches: matches, items: transaction.items, date: date))
        }
        if transaction.parties.isEmpty { versionsUsed = state.withLock { $0.versions } }
        var result = LicenceDecider.combine(parties, items: transaction.items, date: date)
        result.attach(Evidence(versions: versionsUsed))
        return result
    }

    /// Matches of `index` with their full entries: a summary index's are read from the store once, then kept.
    private func completed(_ input: [ScreeningMatch], from index: ScreeningIndex) async throws -> [ScreeningMatch] {
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

    init(index: ScreeningIndex, evidence: Evidence, workers: Int) {
        self.index = index
        self.evidence = evidence
        sessions = (0..<max(1, workers)).map { _ in ScreeningIndex.Session() }
    }

    /// The matches of each query, in order. Entries are summaries when the index is (ids, names, sources and
    /// scores are all a batch line needs).
    public func screen(_ queries: [ScreeningQuery]) -> [[ScreeningMatch]] {
        var results = [[ScreeningMatch]](repeating: [], count: queries.count)
        let workers = sessions.count
        let chunk = (queries.count + workers - 1) / max(1, workers)
        guard chunk > 0 else { return results }
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let start = worker * chunk
                let end = min(queries.count, start + chunk)
                guard start < end else { return }
                for position in start..<end {
                    out[position] = index.screen(queries[position], session: sessions[worker])
                }
            }
        }
        return results
    }

    /// One JSON line per party (``BatchLine``).
    public func lines(_ rows: [(id: String, query: ScreeningQuery)]) -> String {
        zip(rows, screen(rows.map(\.query))).map { row, matches in
            BatchLine.json(id: row.id, matches: matches, evidence: evidence)
        }.joined()
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
