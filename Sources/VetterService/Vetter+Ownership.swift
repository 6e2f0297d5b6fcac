public import Foundation
public import VetterCore
import VetterMatch
public import VetterOwnership
import VetterRules

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

        enum CodingKeys: String, CodingKey {
            case party, source, entryID = "entry_id", listedName = "listed_name", score
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
    public var affiliatesRule: AffiliatesRule.Determination
    public var resolutions: [Resolution]
    public var parties: [Party]
    /// Parties that own each other round a cycle (computed through, and reported).
    public var cycles: [[String]]

    enum CodingKeys: String, CodingKey {
        case date, affiliatesRule = "affiliates_rule", resolutions, parties, cycles
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
        _ edges: [OwnershipEdge], on day: LocalDate, rule: AffiliatesRule = AffiliatesRule()
    ) async throws -> OwnershipReport {
        let graph = OwnershipGraph(edges)
        var resolutions: [OwnershipReport.Resolution] = []
        var ofacListed: [String: String] = [:]
        var affiliatesListed: [String: String] = [:]
        for party in graph.parties.sorted() {
            for (entry, score, matched) in try await resolve(party, on: day) {
                resolutions.append(
                    .init(
                        party: party, source: entry.source.code, entryID: entry.id, listedName: entry.name,
                        score: score))
                let label =
                    "\(entry.source.code) \(entry.id) \(entry.name)"
                    + (score < 1 ? " (matched \"\(matched)\", score \(score))" : "")
                if entry.source == .sdn { ofacListed[party] = ofacListed[party] ?? label }
                if entry.source == .entityList || entry.source == .militaryEndUser
                    || ListEffect.carriesEARRequirement(entry)
                {
                    affiliatesListed[party] = affiliatesListed[party] ?? label
                }
            }
        }
        let state = rule.state(on: day)
        let ofac = graph.restricted(listed: ofacListed)
        let affiliates = graph.restricted(listed: affiliatesListed)
        func result(
            _ party: String, _ which: OwnershipRule, _ restricted: [String: Restriction], applies: Bool
        )
            -> OwnershipReport.RuleResult
        {
            let finding = graph.finding(for: party, rule: which, restricted: restricted)
            var listed = false
            if case .listed = finding.restriction { listed = true }
            return .init(
                restricted: finding.isRestricted && (applies || listed), listed: listed,
                restrictedShare: finding.restrictedShare, chain: finding.restriction?.chain ?? [],
                redFlag29: finding.redFlag29 && applies, unknownShareOwners: finding.unknownShareOwners)
        }
        let parties = graph.parties.sorted().map { party in
            OwnershipReport.Party(
                party: party, ofac: result(party, .ofac, ofac, applies: true),
                affiliates: result(party, .affiliates, affiliates, applies: state.state == .inForce))
        }
        return OwnershipReport(
            date: day, affiliatesRule: state, resolutions: resolutions, parties: parties, cycles: graph.cycles())
    }

    /// The list entries a party of an ownership file stands for: `SOURCE:ID` names one; a name is screened.
    func resolve(_ party: String, on day: LocalDate) async throws -> [(ListEntry, Double, String)] {
        let parts = party.split(separator: ":", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        if parts.count == 2, let source = ListSource(lenient: parts[0]) {
            let entries = try await vetter.entries(id: parts[1]).filter { $0.source == source }
            return entries.map { ($0, 1.0, party) }
        }
        let (matches, _, _) = try await screen(ScreeningQuery(name: party, explain: false), asOf: day)
        guard let best = matches.first?.score else { return [] }
        // The best-scoring listings (a party on several lists scores the same on each).
        return matches.filter { $0.score >= best - 0.000_1 }.map { ($0.entry, $0.score, $0.matchedName) }
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
