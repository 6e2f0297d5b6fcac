public import Foundation
public import VetterCore
import VetterLists
import VetterMatch
import VetterStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What a re-screening of watched parties did.
public struct RescreenReport: Sendable, Codable {
    /// `full` (every party) or `delta` (only those whose result can change).
    public var mode: String
    public var watched: Int
    public var screened: Int
    public var alerts: [Alert]
    public var seconds: Double
}

extension Vetter {
    /// Reads watched parties from a CSV with the columns `id,name[,country][,type][,address]` (``PartyCSVReader``:
    /// every row checked, ids required and unique).
    public static func readWatchedParties(path: String) throws -> [WatchedParty] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ListReadError(.unreadable, file: path, "the file cannot be read")
        }
        return try PartyCSVReader.rows([UInt8](data), file: path, requireID: true).map {
            WatchedParty(id: $0.id ?? "", name: $0.name, country: $0.country, type: $0.type, address: $0.address)
        }
    }

    /// Adds (or replaces) watched parties and screens them; their hits are stored. No alerts: the command
    /// reports the hits directly.
    public func watch(_ parties: [WatchedParty], actor: String = Vetter.commandLineActor) async throws -> [WatchHit] {
        try await store.saveWatchedParties(parties)
        let (index, versions) = try await currentIndex()
        let hits = try await screen(parties, with: index)
        _ = try await recordMonitoring(parties, hits: hits, versions: versions, actor: actor)
        _ = try await store.recordScreening(parties: parties.map(\.id), hits: hits, alerts: [], completing: [])
        _ = try await evaluateOwnership(raisingAlerts: false)
        return hits
    }

    /// Records monitoring screenings in the log and applies their hits to cases; returns the review of each
    /// (party id, source, entry id).
    func recordMonitoring(
        _ parties: [WatchedParty], hits: [WatchHit], versions: [ListVersion], actor: String
    ) async throws -> [String: HitReview] {
        let byParty = Dictionary(grouping: hits, by: \.partyID)
        let versionIDs = versions.map(\.id).sorted()
        let records = parties.map { party in
            ScreeningRecord(
                channel: "monitoring",
                party: PartyRecord(
                    id: party.id, name: party.name, country: party.country, type: party.type, address: party.address),
                threshold: ScreeningIndex.defaultThreshold, versionIDs: versionIDs,
                matches: (byParty[party.id] ?? []).map {
                    .init(
                        source: $0.source.code, entryID: $0.entryID, entryHash: $0.entryHash,
                        score: ($0.score * 1_000_000).rounded() / 1_000_000, entryName: $0.entryName)
                })
        }
        let reviews = try await record(records, actor: actor)
        var result: [String: HitReview] = [:]
        for (record, recordReviews) in zip(records, reviews) {
            for (match, review) in zip(record.matches, recordReviews) {
                result[(record.party.id ?? "") + "|" + match.source + "|" + match.entryID] = review
            }
        }
        return result
    }

    /// The watched parties.
    public func watchedParties() async throws -> [WatchedParty] { try await store.watchedParties() }

    /// Stops watching a party; `false` when no party has that id.
    public func unwatch(id: String) async throws -> Bool { try await store.removeWatchedParty(id: id) }

    /// Every watched party's hits, as last screened.
    public func watchHits() async throws -> [WatchHit] { try await store.watchHits() }

    /// Alerts raised since `since` (all when nil), oldest first.
    public func alerts(since: Date? = nil) async throws -> [Alert] { try await store.alerts(since: since) }

    /// Registers a webhook: every later alert is POSTed to `url`, signed with `secret`.
    public func addWebhook(url: String, secret: String, actor: String = Vetter.commandLineActor) async throws -> Int64 {
        let id = try await store.addWebhook(url: url, secret: secret)
        struct Added: Encodable {
            var id: Int64
            var url: String
        }
        try await audit(kind: "webhook_added", actor: actor, subject: "webhook:\(id)", body: Added(id: id, url: url))
        return id
    }

    public func webhooks() async throws -> [(id: Int64, url: String, secret: String)] { try await store.webhooks() }

    /// Deliveries in the outbox, due now or later.
    public func pendingDeliveryCount() async throws -> Int { try await store.dueDeliveries(now: .distantFuture).count }

    /// Screens parties and turns their matches into hits, each with the entry's current content hash.
    func screen(_ parties: [WatchedParty], with index: ScreeningIndex) async throws -> [WatchHit] {
        var hashes: [ListSource: [String: String]] = [:]
        for version in try await store.currentVersions() {
            hashes[version.source] = try await store.entryHashes(versionID: version.id)
        }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = (parties.count + workers - 1) / workers
        let results = UnsafeMutableBufferPointer<[ScreeningMatch]>.allocate(capacity: parties.count)
        results.initialize(repeating: [])
        defer { results.deallocate() }
        nonisolated(unsafe) let shared = results
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let session = ScreeningIndex.Session()
            for position in (worker * chunk)..<min(parties.count, (worker + 1) * chunk) {
                let party = parties[position]
                shared[position] = index.screen(
                    ScreeningQuery(
                        name: party.name, country: party.country, type: party.type, limit: 1_000, explain: false),
                    session: session)
            }
        }
        var hits: [WatchHit] = []
        for (position, party) in parties.enumerated() {
            for match in results[position] {
                hits.append(
                    WatchHit(
                        partyID: party.id, source: match.entry.source, entryID: match.entry.id,
                        entryHash: hashes[match.entry.source]?[match.entry.id] ?? "", entryName: match.entry.name,
                        score: match.score))
            }
        }
        return hits
    }

    /// Re-screens watched parties after new list versions and records the alerts.
    ///
    /// In delta mode only the parties whose result can change are screened: those with a hit on an entry of a
    /// changed source that was removed or amended, and those whose key word (``ScreeningIndex/keyWord(of:session:)``)
    /// is, or nearly is, a word of an added or amended entry. Full mode screens everyone. Both record the same
    /// alerts, bar two cases the delta cannot see: a party written as two words where the new entry writes one
    /// ("Hik Vision" / "Hikvision"), and a party whose score sits at the threshold and crosses it only because
    /// word weights shifted with the new version.
    ///
    /// - Parameter completing: the re-screen jobs (``RescreenJob``) this settles; its alerts are recorded in the
    ///   same transaction that deletes them, or not at all when another process settled one of them first.
    public func rescreen(
        after created: [ListVersion], full: Bool = false, now: Date = Date(), completing jobs: [Int64] = []
    ) async throws -> RescreenReport {
        let start = Date()
        var marks: [(String, Date)] = [("start", start)]
        func mark(_ label: String) { marks.append((label, Date())) }
        defer {
            if ProcessInfo.processInfo.environment["VETTER_TRACE"] != nil {
                for (previous, next) in zip(marks, marks.dropFirst()) {
                    FileHandle.standardError.write(
                        Data("rescreen \(next.0): \(Int(next.1.timeIntervalSince(previous.1) * 1000)) ms\n".utf8))
                }
            }
        }
        let parties = try await store.watchedParties()
        guard !parties.isEmpty else {
            _ = try await store.recordScreening(parties: [], hits: [], alerts: [], completing: jobs)
            return RescreenReport(mode: full ? "full" : "delta", watched: 0, screened: 0, alerts: [], seconds: 0)
        }
        let previous = try await store.watchHits()
        mark("read parties and hits")
        let index = try await loadIndex()
        mark("load index")
        var selected: [WatchedParty] = parties
        if !full {
            var ids = Set<String>()
            var changedEntries: [ListEntry] = []
            for version in created {
                let versions = try await store.versions(source: version.source)
                guard let older = versions.first(where: { $0.id < version.id }) else {
                    changedEntries += try await store.entries(versionIDs: [version.id])
                    continue
                }
                let diff = try await store.diff(source: version.source, from: older.id, to: version.id)
                changedEntries += diff.added
                changedEntries += try await store.entries(versionID: version.id, ids: diff.changed.map(\.entryID))
                let touched = Set(diff.removed.map(\.id) + diff.changed.map(\.entryID))
                for hit in previous where hit.source == version.source && touched.contains(hit.entryID) {
                    ids.insert(hit.partyID)
                }
            }
            if !changedEntries.isEmpty {
                // A party can only newly match a changed entry if its key word (the word without which it
                // cannot reach the threshold) is, or nearly is, a word of that entry. Parties whose key word
                // carries too little of their weight to be decisive are always re-screened.
                let changedIndex = ScreeningIndex(entries: changedEntries)
                // A match needs an aligned share of at least √(threshold − country bonus) of the party's weight.
                let needed = 1 - (ScreeningIndex.defaultThreshold - index.parameters.countryMatchBonus).squareRoot()
                let keys = Self.keyWords(of: parties, index: index)
                var verdict: [String: Bool] = [:]
                for (position, key) in keys.enumerated() {
                    guard let key, key.share > needed + 0.05 else {
                        ids.insert(parties[position].id)
                        continue
                    }
                    if verdict[key.word] == nil { verdict[key.word] = changedIndex.containsSimilarWord(key.word) }
                    if verdict[key.word] == true || changedIndex.alignsJoined(parties[position].name) {
                        ids.insert(parties[position].id)
                    }
                }
            }
            selected = parties.filter { ids.contains($0.id) }
            mark("select parties")
        }
        let hits = try await screen(selected, with: index)
        mark("screen")
        let reviews = try await recordMonitoring(
            selected, hits: hits, versions: try await store.currentVersions(), actor: "monitoring")
        // A cleared pair whose entry and party are unchanged raises nothing: the reviewer accepted it. A change
        // reopened its case, and the alert stands.
        let selectedIDs = Set(selected.map(\.id))
        let alerts = Self.alerts(
            parties: selected, before: previous.filter { selectedIDs.contains($0.partyID) }, after: hits, now: now
        ).filter { alert in
            reviews[alert.partyID + "|" + alert.source.code + "|" + alert.entryID]?.state != .cleared
        }
        var stored =
            try await store.recordScreening(
                parties: selected.map(\.id), hits: hits, alerts: alerts, completing: jobs) ?? []
        mark("record")
        // The lists decide which owners are listed: the ownership findings of every watched party are evaluated again.
        stored += try await evaluateOwnership(now: now)
        mark("ownership")
        return RescreenReport(
            mode: full ? "full" : "delta", watched: parties.count, screened: selected.count, alerts: stored,
            seconds: Date().timeIntervalSince(start))
    }

    /// Every party's key word under `index`, on all cores.
    static func keyWords(of parties: [WatchedParty], index: ScreeningIndex) -> [(word: String, share: Double)?] {
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = (parties.count + workers - 1) / workers
        let results = UnsafeMutableBufferPointer<(word: String, share: Double)?>.allocate(capacity: parties.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        nonisolated(unsafe) let shared = results
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let session = ScreeningIndex.Session()
            for position in (worker * chunk)..<min(parties.count, (worker + 1) * chunk) {
                shared[position] = index.keyWord(of: parties[position].name, session: session)
            }
        }
        return Array(results)
    }

    /// New hits, hits gone, hits whose entry changed.
    static func alerts(parties: [WatchedParty], before: [WatchHit], after: [WatchHit], now: Date) -> [Alert] {
        let names = Dictionary(parties.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        func key(_ hit: WatchHit) -> String { "\(hit.partyID)\u{1F}\(hit.source.code)\u{1F}\(hit.entryID)" }
        let old = Dictionary(before.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let new = Dictionary(after.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        var alerts: [Alert] = []
        func alert(_ kind: Alert.Kind, _ hit: WatchHit) -> Alert {
            Alert(
                kind: kind, partyID: hit.partyID, partyName: names[hit.partyID] ?? hit.partyID, source: hit.source,
                entryID: hit.entryID, entryName: hit.entryName, score: hit.score, createdAt: now)
        }
        for (key, hit) in new.sorted(by: { $0.key < $1.key }) {
            if let earlier = old[key] {
                if earlier.entryHash != hit.entryHash { alerts.append(alert(.hitChanged, hit)) }
            } else {
                alerts.append(alert(.newHit, hit))
            }
        }
        for (key, hit) in old.sorted(by: { $0.key < $1.key }) where new[key] == nil {
            alerts.append(alert(.hitRemoved, hit))
        }
        return alerts
    }

    // MARK: Webhooks

    /// POSTs every due alert to every webhook: JSON body, `X-Vetter-Signature: sha256=<HMAC of the body>`,
    /// `X-Vetter-Delivery: <id>` for de-duplication. A failure is retried later with exponential back-off
    /// (`baseDelay` × 2^attempts, at most an hour); nothing is dropped. Returns (delivered, failed) counts.
    public func deliverWebhooks(baseDelay: TimeInterval = 30, now: Date = Date()) async throws -> (Int, Int) {
        var delivered = 0, failed = 0
        // Claimed for five minutes: a second server delivering at the same time sees none of them.
        for delivery in try await store.claimDeliveries(now: now, leaseUntil: now.addingTimeInterval(300)) {
            let body = try Wire.encode(delivery.alert)
            var request = URLRequest(url: URL(string: delivery.url)!)
            request.httpMethod = "POST"
            request.httpBody = body
            request.timeoutInterval = 10
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(
                "sha256=" + HMAC.sha256(key: Array(delivery.secret.utf8), message: [UInt8](body)),
                forHTTPHeaderField: "X-Vetter-Signature")
            request.setValue(String(delivery.id), forHTTPHeaderField: "X-Vetter-Delivery")
            var problem: String?
            do {
                let (_, response) = try await URLSession.shared.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if !(200..<300).contains(status) { problem = "HTTP \(status)" }
            } catch {
                problem = "\(error.localizedDescription)"
            }
            if let problem {
                let delay = min(3600, baseDelay * pow(2, Double(delivery.attempts)))
                try await store.recordFailedAttempt(delivery.id, error: problem, retryAt: now.addingTimeInterval(delay))
                failed += 1
            } else {
                try await store.markDelivered(delivery.id, at: now)
                delivered += 1
            }
        }
        return (delivered, failed)
    }
}
