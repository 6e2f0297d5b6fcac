public import Foundation
import Synchronization
public import VetterCore
import VetterMatch
public import VetterOwnership
public import VetterRules
import VetterStore

/// What the ownership data says of every party it names, on a day: under OFAC's 50 percent rule (blocked persons:
/// SDN entries) and BIS's Affiliates rule (Entity List, MEU List, and SDN entries whose programmes carry an EAR
/// licence requirement), with the chain behind each restriction and the Affiliates rule's state that day.
public struct OwnershipReport: Sendable, Encodable {
    /// A party of the file found on a list: by its `SOURCE:ID` reference, or by screening its name.
    public struct Resolution: Sendable, Encodable {
        public var party: String
        public var source: String
        public var entryID: String
        public var listedName: String
        /// 1 for a `SOURCE:ID` reference; the screening score otherwise (a reviewer should confirm it).
        public var score: Double
        /// The case of the match, where a reviewer confirms it (or clears it, and the owner is then not listed).
        public var caseID: Int64?
        public var caseState: CaseState?

        enum CodingKeys: String, CodingKey {
            case party, source, entryID = "entry_id", listedName = "listed_name", score, caseID = "case_id"
            case caseState = "case_state"
        }
    }

    public struct RuleResult: Sendable, Encodable {
        /// Restricted under the rule (for the Affiliates rule: only while it is in force that day).
        public var restricted: Bool
        public var listed: Bool
        /// The share restricted owners hold, summed.
        public var restrictedShare: Double
        /// From a listed party down to this one, through the largest holding at each step.
        public var chain: [String]
        /// A restricted owner whose share is not known (KYC Red Flag 29): resolve it or apply for a licence.
        public var redFlag29: Bool
        public var unknownShareOwners: [String]

        enum CodingKeys: String, CodingKey {
            case restricted, listed, restrictedShare = "restricted_share", chain, redFlag29 = "red_flag_29"
            case unknownShareOwners = "unknown_share_owners"
        }
    }

    public struct Party: Sendable, Encodable {
        public var party: String
        public var ofac: RuleResult
        public var affiliates: RuleResult
    }

    public var date: LocalDate
    /// The stored ownership version the report is of (none for a file given directly).
    public var version: OwnershipVersion?
    public var affiliatesRule: AffiliatesRule.Determination
    public var resolutions: [Resolution]
    public var parties: [Party]
    /// Parties that own each other round a cycle (computed through, and reported).
    public var cycles: [[String]]

    enum CodingKeys: String, CodingKey {
        case date, version, affiliatesRule = "affiliates_rule", resolutions, parties, cycles
    }
}

/// What `vetter ownership import` did: the version now in force, and whether the file changed it.
public struct OwnershipImportOutcome: Sendable, Encodable {
    public var version: OwnershipVersion
    public var changed: Bool
    /// Alerts raised for watched parties whose ownership findings changed.
    public var alerts: [Alert] = []
}

/// The holdings one ownership version adds, drops or changes against another.
public struct OwnershipDiff: Sendable, Encodable {
    public struct Change: Sendable, Encodable {
        public var before: OwnershipEdge
        public var after: OwnershipEdge
    }

    public var from: OwnershipVersion
    public var to: OwnershipVersion
    public var added: [OwnershipEdge]
    public var removed: [OwnershipEdge]
    public var changed: [Change]
}

extension Vetter {
    /// Reads the ownership file at `path` (all or nothing, errors by line and field) and stores it as a new
    /// ownership version unless it is the same file as the newest; the import is in the audit chain.
    public func importOwnership(
        path: String, actor: String = Vetter.commandLineActor, now: Date = Date()
    ) async throws -> OwnershipImportOutcome {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ListReadError(.unreadable, file: path, "the file cannot be read")
        }
        let edges = try OwnershipFile.read(bytes: [UInt8](data), file: path)
        let parties = Set(edges.flatMap { [$0.owner, $0.owned] }).count
        let version = OwnershipVersion(
            id: 0, importedAt: now, fileName: (path as NSString).lastPathComponent, fileSHA256: SHA256.hex(data),
            edgeCount: edges.count, partyCount: parties, actor: actor)
        if let stored = try await store.importOwnership(version, content: String(decoding: data, as: UTF8.self)) {
            ownershipChanges.add(1, ordering: .relaxed)
            let alerts = try await evaluateOwnership(now: max(now, Date()))
            return OwnershipImportOutcome(version: stored, changed: true, alerts: alerts)
        }
        let newest = try await store.ownershipVersions().first ?? version
        return OwnershipImportOutcome(version: newest, changed: false)
    }

    /// Evaluates every watched party against the stored ownership data in force today and the current lists, stores
    /// the findings, and (unless told not to) raises an alert for each finding that appeared or changed
    /// (`ownership_restricted`) or went (`ownership_lifted`), queued for the webhooks like any alert. Run after an
    /// ownership import and after every re-screen; returns the alerts raised.
    @discardableResult
    public func evaluateOwnership(raisingAlerts: Bool = true, now: Date = Date()) async throws -> [Alert] {
        let parties = try await store.watchedParties()
        let previous = try await store.watchOwnership()
        guard !parties.isEmpty, try await ownershipVersion(inForceOn: LocalDate(now)) != nil || !previous.isEmpty
        else { return [] }
        let screener = try await Screener(vetter: self)
        var findings: [OwnershipHit] = []
        if let context = try await screener.storedOwnership(on: LocalDate(now)) {
            for party in parties {
                for ground in context.grounds(for: party.name).grounds where ground.restricted || ground.redFlag29 {
                    var seen = Set<String>()
                    for owner in ground.listedOwners where seen.insert(owner.source + "|" + owner.entryID).inserted {
                        guard let source = ListSource(rawValue: owner.source) else { continue }
                        findings.append(
                            OwnershipHit(
                                partyID: party.id, rule: ground.rule.rawValue, source: source, entryID: owner.entryID,
                                entryName: owner.name, state: ground.restricted ? "restricted" : "red_flag_29",
                                share: ground.restrictedShare))
                    }
                }
            }
        }
        func key(_ hit: OwnershipHit) -> String {
            [hit.partyID, hit.rule, hit.source.code, hit.entryID].joined(separator: "\u{1F}")
        }
        let old = Dictionary(previous.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(findings.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let names = Dictionary(parties.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        func alert(_ kind: Alert.Kind, _ hit: OwnershipHit) -> Alert {
            Alert(
                kind: kind, partyID: hit.partyID, partyName: names[hit.partyID] ?? hit.partyID, source: hit.source,
                entryID: hit.entryID, entryName: hit.entryName, score: min(1, hit.share / 100), createdAt: now)
        }
        var alerts: [Alert] = []
        for (key, hit) in new.sorted(by: { $0.key < $1.key }) where old[key] != hit {
            alerts.append(alert(.ownershipRestricted, hit))
        }
        for (key, hit) in old.sorted(by: { $0.key < $1.key }) where new[key] == nil {
            alerts.append(alert(.ownershipLifted, hit))
        }
        // Alerts first: a crash between the two writes repeats an alert rather than losing one.
        var stored: [Alert] = []
        if raisingAlerts && !alerts.isEmpty {
            stored = try await store.recordScreening(parties: [], hits: [], alerts: alerts, completing: []) ?? []
        }
        if old != new { try await store.replaceWatchOwnership(findings) }
        return stored
    }

    /// Every ownership version, newest first.
    public func ownershipVersions() async throws -> [OwnershipVersion] {
        try await store.ownershipVersions()
    }

    /// The ownership version in force on `day`: the newest imported by the end of that day (UTC).
    public func ownershipVersion(inForceOn day: LocalDate) async throws -> OwnershipVersion? {
        Self.inForce(try await store.ownershipVersions(), on: day)
    }

    /// Of `versions` (newest first), the one in force on `day`: the newest imported by the end of that day (UTC).
    static func inForce(_ versions: [OwnershipVersion], on day: LocalDate) -> OwnershipVersion? {
        let end = day.startUTC.addingTimeInterval(86_400)
        return versions.first { $0.importedAt < end }
    }

    /// The holdings of a stored version, read again from its file.
    public func ownershipEdges(_ version: OwnershipVersion) async throws -> [OwnershipEdge] {
        guard let content = try await store.ownershipContent(versionID: version.id) else {
            throw StoreError(.notFound, "there is no ownership version \(version.id)")
        }
        return try OwnershipFile.read(bytes: Array(content.utf8), file: "ownership version \(version.id)")
    }

    /// What changed from ownership version `from` to `to` (by owner, owned and relationship).
    public func ownershipDiff(from: Int64, to: Int64) async throws -> OwnershipDiff {
        let versions = try await store.ownershipVersions()
        guard let old = versions.first(where: { $0.id == from }) else {
            throw StoreError(.notFound, "there is no ownership version \(from)")
        }
        guard let new = versions.first(where: { $0.id == to }) else {
            throw StoreError(.notFound, "there is no ownership version \(to)")
        }
        func keyed(_ edges: [OwnershipEdge]) -> [String: OwnershipEdge] {
            Dictionary(
                edges.map { ("\($0.owner)\u{1F}\($0.owned)\u{1F}\($0.relationship.rawValue)", $0) },
                uniquingKeysWith: { _, last in last })
        }
        let before = keyed(try await ownershipEdges(old))
        let after = keyed(try await ownershipEdges(new))
        let order: (OwnershipEdge, OwnershipEdge) -> Bool = { ($0.owned, $0.owner) < ($1.owned, $1.owner) }
        return OwnershipDiff(
            from: old, to: new,
            added: after.filter { before[$0.key] == nil }.map(\.value).sorted(by: order),
            removed: before.filter { after[$0.key] == nil }.map(\.value).sorted(by: order),
            changed: after.compactMap { key, edge in
                guard let previous = before[key], previous != edge else { return nil }
                return OwnershipDiff.Change(before: previous, after: edge)
            }.sorted { order($0.after, $1.after) })
    }
}

extension Screener {
    /// The ownership report for the ownership file at `path` (``OwnershipFile``) on `day`.
    public func ownership(file path: String, on day: LocalDate) async throws -> OwnershipReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ListReadError(.unreadable, file: path, "the file cannot be read")
        }
        return try await ownership(OwnershipFile.read(bytes: [UInt8](data), file: path), on: day)
    }

    /// The ownership report for `edges` on `day`, resolving each party against the lists in force that day.
    public func ownership(
        _ edges: [OwnershipEdge], on day: LocalDate, rule: AffiliatesRule? = nil
    ) async throws -> OwnershipReport {
        try await ownershipContext(edges, on: day, rule: rule ?? vetter.affiliatesRule).report(version: nil)
    }

    /// The ownership report from the stored ownership data in force on `day` (the newest version imported by the
    /// end of that day); `nil` when none was imported by then.
    public func ownership(on day: LocalDate, rule: AffiliatesRule? = nil) async throws -> OwnershipReport? {
        guard let context = try await storedOwnership(on: day, rule: rule) else { return nil }
        return context.report(version: context.version)
    }

    /// What the stored ownership data in force on `day` makes of the party named `name` (found by its name, case,
    /// accents and punctuation aside): a ground per rule that bears on it; empty when the data does not name it,
    /// names it as listed itself, or gives it no listed owner.
    public func ownershipGrounds(for name: String, on day: LocalDate) async throws -> [OwnershipGround] {
        guard let context = try await storedOwnership(on: day) else { return [] }
        return context.grounds(for: name).grounds.filter(\.matters)
    }

    /// The stored ownership data in force on `day`, with every party resolved and both rules computed: built once
    /// per ownership version, day and lists, then kept.
    func storedOwnership(on day: LocalDate, rule: AffiliatesRule? = nil) async throws -> OwnershipContext? {
        let rule = rule ?? vetter.affiliatesRule
        let probe = try await ownershipProbe()
        guard let version = Vetter.inForce(probe.versions, on: day) else { return nil }
        // A reviewer's decision on a case can confirm or clear an owner's resolution: decisions are part of the key.
        let key = "\(version.id)|\(day)|\(currentListsKey)|\(rule.rows.hashValue)|\(probe.decided)"
        if let cached = ownershipCache.withLock({ $0 }), cached.key == key { return cached }
        var context = try await ownershipContext(try await vetter.ownershipEdges(version), on: day, rule: rule)
        context.version = version
        context.key = key
        let built = context
        ownershipCache.withLock { $0 = built }
        return built
    }

    /// The stored ownership versions and the number of decided cases, read at most every 2 seconds (every screen
    /// asks), and at once after an ownership import or a case decision through this process; another process's
    /// show within those 2 seconds.
    func ownershipProbe() async throws -> OwnershipProbe {
        let generation = vetter.ownershipChanges.load(ordering: .relaxed)
        if let probe = ownershipProbeCache.withLock({ $0 }), probe.generation == generation,
            ContinuousClock.now - probe.at < .seconds(2)
        {
            return probe
        }
        let versions = try await vetter.store.ownershipVersions()
        let decided =
            versions.isEmpty ? 0 : try await vetter.store.caseCounts().filter { $0.key != .open }.values.reduce(0, +)
        let probe = OwnershipProbe(at: .now, generation: generation, versions: versions, decided: decided)
        ownershipProbeCache.withLock { $0 = probe }
        return probe
    }

    func ownershipContext(
        _ edges: [OwnershipEdge], on day: LocalDate, rule: AffiliatesRule
    ) async throws -> OwnershipContext {
        let graph = OwnershipGraph(edges)
        var context = OwnershipContext(graph: graph, day: day, state: rule.state(on: day))
        var ofacListed: [String: String] = [:]
        var affiliatesListed: [String: String] = [:]
        let parties = graph.parties.sorted()
        let resolved = try await resolveAll(parties, on: day)
        for party in parties {
            context.byName[OwnershipContext.nameKey(party), default: []].append(party)
            for (entry, score, matched, review) in resolved[party] ?? [] {
                context.resolutions.append(
                    .init(
                        party: party, source: entry.source.code, entryID: entry.id, listedName: entry.name,
                        score: score, caseID: review?.caseID, caseState: review?.state))
                let label =
                    "\(entry.source.code) \(entry.id) \(entry.name)"
                    + (score < 1 ? " (matched \"\(matched)\", score \(score))" : "")
                if entry.source == .sdn {
                    ofacListed[party] = ofacListed[party] ?? label
                    context.ofacEntries[party, default: []].append(entry)
                }
                if entry.source == .entityList || entry.source == .militaryEndUser
                    || ListEffect.carriesEARRequirement(entry)
                {
                    affiliatesListed[party] = affiliatesListed[party] ?? label
                    context.affiliatesEntries[party, default: []].append(entry)
                }
            }
        }
        context.ofac = graph.restricted(listed: ofacListed)
        context.affiliates = graph.restricted(listed: affiliatesListed)
        return context
    }

    /// ``resolve(_:on:)`` for every party of a file: today's names screened on all cores and recorded in pieces of
    /// 5,000 (a past day's one by one, on that day's lists).
    func resolveAll(
        _ parties: [String], on day: LocalDate
    ) async throws -> [String: [(ListEntry, Double, String, HitReview?)]] {
        var result: [String: [(ListEntry, Double, String, HitReview?)]] = [:]
        var names: [String] = []
        for party in parties {
            if Self.reference(party) != nil || day < LocalDate(Date()) {
                result[party] = try await resolve(party, on: day)
            } else {
                names.append(party)
            }
        }
        guard !names.isEmpty else { return result }
        let batch = batch(workers: max(1, ProcessInfo.processInfo.activeProcessorCount), actor: "ownership")
        let queries = names.map { ScreeningQuery(name: $0, explain: false) }
        let found = await Compute.run { batch.screen(queries) }
        for start in stride(from: 0, to: names.count, by: 5_000) {
            let range = start..<min(names.count, start + 5_000)
            let reviews = try await record(
                range.map { (PartyRecord(name: names[$0]), ScreeningIndex.defaultThreshold, found[$0]) },
                versions: batch.versions, dated: false, actor: "ownership", channel: "ownership")
            for (offset, position) in range.enumerated() {
                let standing = zip(found[position], reviews[offset]).filter { $0.1?.state != .cleared }
                guard let best = standing.first?.0.score else { continue }
                // The best-scoring listings (a party on several lists scores the same on each).
                let top = standing.filter { $0.0.score >= best - 0.000_1 }
                let complete = try await completed(top.map(\.0), from: batch.index)
                result[names[position]] = zip(complete, top).map { ($0.entry, $0.score, $0.matchedName, $1.1) }
            }
        }
        return result
    }

    /// `SOURCE:ID`: a listed entry named by its list and id.
    static func reference(_ party: String) -> (ListSource, String)? {
        let parts = party.split(separator: ":", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let source = ListSource(lenient: parts[0]) else { return nil }
        return (source, parts[1])
    }

    /// The list entries a party of an ownership file stands for: `SOURCE:ID` names one; a name is screened, and
    /// the screening recorded (channel `ownership`) so that each match is a case a reviewer can confirm or clear:
    /// a match cleared as a different party no longer makes the owner listed.
    func resolve(_ party: String, on day: LocalDate) async throws -> [(ListEntry, Double, String, HitReview?)] {
        if let (source, id) = Self.reference(party) {
            let entries = try await vetter.entries(id: id).filter { $0.source == source }
            return entries.map { ($0, 1.0, party, nil) }
        }
        let (matches, _, reviews) = try await screen(
            ScreeningQuery(name: party, explain: false), asOf: day < LocalDate(Date()) ? day : nil,
            actor: "ownership", channel: "ownership")
        let standing = zip(matches, reviews).filter { $0.1?.state != .cleared }
        guard let best = standing.first?.0.score else { return [] }
        // The best-scoring listings (a party on several lists scores the same on each).
        return standing.filter { $0.0.score >= best - 0.000_1 }.map { ($0.0.entry, $0.0.score, $0.0.matchedName, $0.1) }
    }
}

extension Benchmark {
    /// Times both ownership rules over a random graph: `parties` parties and `edges` holdings, each party's owners
    /// holding between 50 and 100 % of it in all (shares drawn at random; one holding in twenty of unknown share),
    /// one party in a hundred listed; then every party's finding and the cycles. Prints figures.
    public static func ownership(parties: Int, edges: Int, seed: UInt64, print: (String) -> Void) {
        var random = SeededRandom(seed: seed)
        let names = (0..<parties).map { "P\($0)" }
        var owners = [[Int]](repeating: [], count: parties)
        for _ in 0..<edges {
            owners[Int.random(in: 0..<parties, using: &random)].append(Int.random(in: 0..<parties, using: &random))
        }
        var holdings: [OwnershipEdge] = []
        holdings.reserveCapacity(edges)
        for (owned, those) in owners.enumerated() where !those.isEmpty {
            let weights = those.map { _ in Double.random(in: 0.05...1, using: &random) }
            let total = Double.random(in: 50...100, using: &random) / weights.reduce(0, +)
            for (owner, weight) in zip(those, weights) {
                let unknown = Int.random(in: 0..<20, using: &random) == 0
                holdings.append(
                    OwnershipEdge(
                        owner: names[owner], owned: names[owned],
                        percent: unknown ? nil : (weight * total * 100).rounded() / 100))
            }
        }
        let listed = Dictionary(
            (0..<(parties / 100)).map { _ in (names[Int.random(in: 0..<parties, using: &random)], "SDN listed") },
            uniquingKeysWith: { first, _ in first })
        let clock = ContinuousClock()
        var graph: OwnershipGraph?
        let built = clock.measure { graph = OwnershipGraph(holdings) }
        guard let graph else { return }
        var restricted: [String: Restriction] = [:]
        let computed = clock.measure { restricted = graph.restricted(listed: listed) }
        var flagged = 0
        let found = clock.measure {
            for name in names {
                if graph.finding(for: name, rule: .ofac, restricted: restricted).redFlag29 { flagged += 1 }
            }
        }
        var cycles: [[String]] = []
        let cycled = clock.measure { cycles = graph.cycles() }
        print("ownership  \(parties) parties, \(edges) holdings, \(listed.count) listed")
        print("graph      built in \(built)")
        print(
            "rule       \(restricted.count) restricted (\(restricted.count - listed.count) by ownership) in \(computed)"
        )
        print("findings   every party in \(found); \(flagged) with Red Flag 29")
        print("cycles     \(cycles.count) groups (largest \(cycles.map(\.count).max() ?? 0)) in \(cycled)")
        print("memory     peak resident \(peakResidentMiB()) MiB")
    }
}

/// What the store holds of ownership, as a screener last read it.
struct OwnershipProbe: Sendable {
    var at: ContinuousClock.Instant
    var generation: Int
    var versions: [OwnershipVersion]
    var decided: Int
}

/// The ownership data of one day with its parties resolved to list entries and both rules computed.
struct OwnershipContext: Sendable {
    var graph: OwnershipGraph
    var day: LocalDate
    var state: AffiliatesRule.Determination
    var version: OwnershipVersion?
    var key = ""
    var resolutions: [OwnershipReport.Resolution] = []
    /// The SDN entries, and the Entity List, MEU and EAR-carrying SDN entries, of each listed party of the file.
    var ofacEntries: [String: [ListEntry]] = [:]
    var affiliatesEntries: [String: [ListEntry]] = [:]
    var ofac: [String: Restriction] = [:]
    var affiliates: [String: Restriction] = [:]
    /// The file's parties by ``nameKey(_:)``.
    var byName: [String: [String]] = [:]

    init(graph: OwnershipGraph, day: LocalDate, state: AffiliatesRule.Determination) {
        self.graph = graph
        self.day = day
        self.state = state
    }

    /// A name with case, accents, width and punctuation set aside ("S.A." is "sa"; "Co.,Ltd." is "co ltd"): how a
    /// checked party is found in the file.
    static func nameKey(_ name: String) -> String {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var key = ""
        var space = false
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                if space && !key.isEmpty { key.append(" ") }
                key.unicodeScalars.append(scalar)
                space = false
            } else if CharacterSet.whitespaces.contains(scalar) || scalar == "," || scalar == "/" || scalar == "-" {
                space = true
            }
        }
        return key
    }

    func result(_ party: String, _ rule: OwnershipRule, applies: Bool) -> OwnershipReport.RuleResult {
        let finding = graph.finding(for: party, rule: rule, restricted: rule == .ofac ? ofac : affiliates)
        var listed = false
        if case .listed = finding.restriction { listed = true }
        return .init(
            restricted: finding.isRestricted && (applies || listed), listed: listed,
            restrictedShare: finding.restrictedShare, chain: finding.restriction?.chain ?? [],
            redFlag29: finding.redFlag29 && applies, unknownShareOwners: finding.unknownShareOwners)
    }

    func report(version: OwnershipVersion?) -> OwnershipReport {
        let parties = graph.parties.sorted().map { party in
            OwnershipReport.Party(
                party: party, ofac: result(party, .ofac, applies: true),
                affiliates: result(party, .affiliates, applies: state.state == .inForce))
        }
        return OwnershipReport(
            date: day, version: version, affiliatesRule: state, resolutions: resolutions, parties: parties,
            cycles: graph.cycles())
    }

    /// What the file says of a checked party, found by its name: a ground per rule, and the listed owners' entries
    /// (by `SOURCE|ID`). Nothing for a party the file does not name, or one that is listed itself (its own
    /// listings decide).
    func grounds(for name: String) -> (grounds: [OwnershipGround], owners: [String: ListEntry]) {
        guard let party = byName[Self.nameKey(name)]?.first else { return ([], [:]) }
        var grounds: [OwnershipGround] = []
        var owners: [String: ListEntry] = [:]
        for rule in OwnershipRule.allCases {
            let applies = rule == .ofac || state.state == .inForce
            let restricted = rule == .ofac ? ofac : affiliates
            let entries = rule == .ofac ? ofacEntries : affiliatesEntries
            let finding = graph.finding(for: party, rule: rule, restricted: restricted)
            if case .listed = finding.restriction { continue }
            let roots =
                finding.restriction?.listedOwners
                ?? []
            let unknownRoots = finding.unknownShareOwners.flatMap { owner -> [String] in
                if case .listed = restricted[owner] { return [owner] }
                return restricted[owner]?.listedOwners ?? []
            }
            var listed: [OwnershipGround.Owner] = []
            for root in Array(Set(roots + unknownRoots)).sorted() {
                for entry in entries[root] ?? [] {
                    owners[entry.source.code + "|" + entry.id] = entry
                    listed.append(.init(source: entry.source.code, entryID: entry.id, name: entry.name, party: root))
                }
            }
            grounds.append(
                OwnershipGround(
                    rule: rule == .ofac ? .ofac50Percent : .affiliates,
                    restricted: finding.isRestricted && applies,
                    restrictedWhileSuspended: finding.isRestricted && !applies,
                    restrictedShare: finding.restrictedShare, chain: finding.restriction?.chain ?? [],
                    listedOwners: listed, redFlag29: finding.redFlag29 && applies,
                    unknownShareOwners: finding.unknownShareOwners,
                    ruleState: rule == .ofac ? "in_force" : state.state.rawValue,
                    citation: rule == .ofac ? "OFAC guidance of 13 August 2014" : state.citation))
        }
        return (grounds, owners)
    }
}
