public import VetterCore

/// One ownership fact: `owner` holds `percent` of `owned` (nil when the share is not known), directly or
/// indirectly, as `source` said on `asOf`.
public struct OwnershipEdge: Sendable, Codable, Hashable {
    public enum Relationship: String, Sendable, Codable { case direct, indirect }

    public var owner: String
    public var owned: String
    public var percent: Double?
    public var relationship: Relationship
    public var source: String
    public var asOf: LocalDate?

    public init(
        owner: String, owned: String, percent: Double?, relationship: Relationship = .direct, source: String = "",
        asOf: LocalDate? = nil
    ) {
        self.owner = owner
        self.owned = owned
        self.percent = percent
        self.relationship = relationship
        self.source = source
        self.asOf = asOf
    }
}

/// The two ownership rules: OFAC's (blocked persons: every SDN) and BIS's Affiliates rule (Entity List, MEU List
/// and SDN entries under the programmes of §744.8(a)(1)).
public enum OwnershipRule: String, Sendable, Codable, CaseIterable {
    case ofac = "ofac_50_percent"
    case affiliates = "bis_affiliates"
}

/// Why a party counts as restricted for a rule: it is listed, or it is owned 50 % or more by parties that are.
public indirect enum Restriction: Sendable, Hashable {
    /// Listed itself: the listing (e.g. "EL f0956… Hangzhou Hikvision Digital Technology Co., Ltd.").
    case listed(String)
    /// Owned `share` % in the aggregate by restricted owners, each with its own reason.
    case owned(share: Double, by: [Contribution])

    public struct Contribution: Sendable, Hashable {
        public var owner: String
        public var percent: Double
        public var relationship: OwnershipEdge.Relationship
        public var ownerRestriction: Restriction
    }

    /// The chain from a listed party down to this one, through the largest contributor at each step
    /// (`["EL … X", "A (60 %)", …]`).
    public var chain: [String] {
        switch self {
        case .listed(let listing):
            return [listing]
        case .owned(_, let by):
            guard let largest = by.max(by: { $0.percent < $1.percent }) else { return [] }
            return largest.ownerRestriction.chain + ["\(largest.owner) (\(Self.format(largest.percent)) %)"]
        }
    }

    /// The listed parties this restriction comes from: every contributor's, down every chain, not only the largest.
    public var listedOwners: [String] {
        guard case .owned(_, let by) = self else { return [] }
        var owners = Set<String>()
        for contribution in by {
            if case .listed = contribution.ownerRestriction {
                owners.insert(contribution.owner)
            } else {
                owners.formUnion(contribution.ownerRestriction.listedOwners)
            }
        }
        return owners.sorted()
    }

    static func format(_ percent: Double) -> String {
        percent == percent.rounded() ? String(Int(percent)) : String(percent)
    }
}

/// What the ownership data says of one party under one rule.
public struct OwnershipFinding: Sendable, Hashable {
    public var party: String
    public var rule: OwnershipRule
    /// The share held by restricted owners, summed (known shares only).
    public var restrictedShare: Double
    /// Restricted when listed, or when `restrictedShare` reaches 50 %.
    public var restriction: Restriction?
    /// Restricted owners whose share is not known (Red Flag 29 when the party is not restricted anyway).
    public var unknownShareOwners: [String]

    public var isRestricted: Bool { restriction != nil }
    public var redFlag29: Bool { restriction == nil && !unknownShareOwners.isEmpty }
}

/// Ownership over a graph of parties, by the rule of OFAC's FAQ 401 (and the Affiliates rule, which follows it):
/// an entity is restricted when restricted persons own 50 % or more of it, directly or indirectly, individually or
/// in the aggregate — where "indirectly" means through entities that are themselves restricted. A share held
/// through an intermediary that is not restricted counts for nothing. Cycles are fine (the computation is a fixed
/// point over monotone growth) and are reported.
public struct OwnershipGraph: Sendable {
    public let edges: [OwnershipEdge]
    /// The edges into each party.
    let into: [String: [Int]]
    /// The edges out of each party.
    let outOf: [String: [Int]]

    public init(_ edges: [OwnershipEdge]) {
        self.edges = edges
        var into: [String: [Int]] = [:]
        var outOf: [String: [Int]] = [:]
        for (index, edge) in edges.enumerated() {
            into[edge.owned, default: []].append(index)
            outOf[edge.owner, default: []].append(index)
        }
        self.into = into
        self.outOf = outOf
    }

    /// Every party the graph names.
    public var parties: Set<String> { Set(into.keys).union(outOf.keys) }

    /// The restricted parties under a rule: the `listed` ones (party → listing) and every party their ownership
    /// reaches. A worklist: a party newly restricted re-checks only the parties it owns.
    public func restricted(listed: [String: String]) -> [String: Restriction] {
        var restricted = listed.mapValues { Restriction.listed($0) }
        var queue = Array(listed.keys)
        var position = 0
        while position < queue.count {
            let owner = queue[position]
            position += 1
            for index in outOf[owner] ?? [] {
                let owned = edges[index].owned
                guard restricted[owned] == nil else { continue }
                let contributions = self.contributions(to: owned, restricted: restricted)
                let share = contributions.reduce(0) { $0 + $1.percent }
                if share >= 50 {
                    restricted[owned] = .owned(share: share, by: contributions)
                    queue.append(owned)
                }
            }
        }
        return restricted
    }

    /// The known shares restricted owners hold in `party`. An owner's indirect holding counts only when the file
    /// gives no direct one for the same pair (it would count the same shares twice).
    func contributions(to party: String, restricted: [String: Restriction]) -> [Restriction.Contribution] {
        let incoming = (into[party] ?? []).map { edges[$0] }
        let direct = Set(incoming.filter { $0.relationship == .direct }.map(\.owner))
        return incoming.compactMap { edge in
            guard let percent = edge.percent, let reason = restricted[edge.owner], edge.owner != party,
                edge.relationship == .direct || !direct.contains(edge.owner)
            else { return nil }
            return Restriction.Contribution(
                owner: edge.owner, percent: percent, relationship: edge.relationship, ownerRestriction: reason)
        }
    }

    /// The finding for `party` under `rule`, given the restricted parties of that rule.
    public func finding(
        for party: String, rule: OwnershipRule, restricted: [String: Restriction]
    ) -> OwnershipFinding {
        let contributions = self.contributions(to: party, restricted: restricted)
        let unknown = (into[party] ?? []).map { edges[$0] }.filter { $0.percent == nil && restricted[$0.owner] != nil }
            .map(\.owner)
        return OwnershipFinding(
            party: party, rule: rule, restrictedShare: contributions.reduce(0) { $0 + $1.percent },
            restriction: restricted[party], unknownShareOwners: Array(Set(unknown)).sorted())
    }

    /// Groups of parties that own each other round a cycle (Tarjan's strongly connected components of more than
    /// one party, or a party owning itself), each sorted.
    public func cycles() -> [[String]] {
        var index: [String: Int] = [:]
        var low: [String: Int] = [:]
        var onStack: Set<String> = []
        var stack: [String] = []
        var counter = 0
        var found: [[String]] = []
        // Iterative, so that a long chain cannot overflow the stack.
        for start in parties.sorted() where index[start] == nil {
            var work: [(node: String, next: Int)] = [(start, 0)]
            index[start] = counter
            low[start] = counter
            counter += 1
            stack.append(start)
            onStack.insert(start)
            while var (node, next) = work.popLast() {
                let out = outOf[node] ?? []
                if next < out.count {
                    let child = edges[out[next]].owned
                    next += 1
                    work.append((node, next))
                    if index[child] == nil {
                        index[child] = counter
                        low[child] = counter
                        counter += 1
                        stack.append(child)
                        onStack.insert(child)
                        work.append((child, 0))
                    } else if onStack.contains(child) {
                        low[node] = min(low[node]!, index[child]!)
                    }
                    continue
                }
                if let parent = work.last?.node { low[parent] = min(low[parent]!, low[node]!) }
                if low[node] == index[node] {
                    var component: [String] = []
                    while let top = stack.popLast() {
                        onStack.remove(top)
                        component.append(top)
                        if top == node { break }
                    }
                    let selfOwned = (outOf[node] ?? []).contains { edges[$0].owned == node }
                    if component.count > 1 || selfOwned { found.append(component.sorted()) }
                }
            }
        }
        return found.sorted { $0.first ?? "" < $1.first ?? "" }
    }
}
