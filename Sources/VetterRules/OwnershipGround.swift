import Foundation
public import VetterCore

/// What the user's ownership data makes of a party under one rule: the restriction it takes from listed owners.
///
/// OFAC's 50 percent rule blocks an entity owned 50 % or more, in the aggregate, by blocked persons; BIS's
/// Affiliates rule (90 FR 47201) gives such an entity of Entity List, MEU and certain SDN parties their licence
/// requirement and review policy — the most restrictive of them — while the rule is in force. A listed owner whose
/// share is not known is Red Flag 29.
public struct OwnershipGround: Sendable, Codable {
    public enum Rule: String, Sendable, Codable {
        case ofac50Percent = "ofac_50_percent"
        case affiliates = "bis_affiliates"
    }

    public struct Owner: Sendable, Codable {
        public var source: String
        public var entryID: String
        public var name: String
        /// The party as the ownership file names it.
        public var party: String

        public init(source: String, entryID: String, name: String, party: String) {
            self.source = source
            self.entryID = entryID
            self.name = name
            self.party = party
        }
    }

    public var rule: Rule
    /// The party takes on its owners' restriction under this rule on the day.
    public var restricted: Bool
    /// Restricted by ownership, but the rule is not in force on the day (the Affiliates rule while suspended).
    public var restrictedWhileSuspended: Bool
    /// The share listed and restricted owners hold, summed (known shares only).
    public var restrictedShare: Double
    /// From a listed party down to this one, through the largest holding at each step.
    public var chain: [String]
    /// The listed owners the restriction comes from.
    public var listedOwners: [Owner]
    public var redFlag29: Bool
    public var unknownShareOwners: [String]
    /// The rule's state on the day (`in_force`, `suspended`, …) and its citation.
    public var ruleState: String
    public var citation: String

    public init(
        rule: Rule, restricted: Bool, restrictedWhileSuspended: Bool, restrictedShare: Double, chain: [String],
        listedOwners: [Owner], redFlag29: Bool, unknownShareOwners: [String], ruleState: String, citation: String
    ) {
        self.rule = rule
        self.restricted = restricted
        self.restrictedWhileSuspended = restrictedWhileSuspended
        self.restrictedShare = restrictedShare
        self.chain = chain
        self.listedOwners = listedOwners
        self.redFlag29 = redFlag29
        self.unknownShareOwners = unknownShareOwners
        self.ruleState = ruleState
        self.citation = citation
    }

    enum CodingKeys: String, CodingKey {
        case rule, restricted, restrictedWhileSuspended = "restricted_while_suspended"
        case restrictedShare = "restricted_share", chain, listedOwners = "listed_owners", redFlag29 = "red_flag_29"
        case unknownShareOwners = "unknown_share_owners", ruleState = "rule_state", citation
    }

    /// Whether anything here bears on a decision or deserves a line in the answer.
    public var matters: Bool { restricted || restrictedWhileSuspended || redFlag29 || restrictedShare > 0 }

    static let ofacGuidance =
        "OFAC's 50 percent rule: Revised Guidance on Entities Owned by Persons Whose Property and Interests in Property Are Blocked (13 August 2014); OFAC FAQ 401"
}

extension LicenceDecider {
    /// Adds what ownership makes of `party` for each item: OFAC's rule blocks (`prohibited`); the Affiliates rule
    /// gives each listed owner's determination for the item, reasoned by the chain; Red Flag 29 asks for `review`.
    /// `owners` are the listed owners' entries (by ``OwnershipGround/Owner``).
    public static func apply(
        _ grounds: [OwnershipGround], owners: [String: ListEntry], to party: inout PartyCheck,
        items: [TransactionItem], date: LocalDate
    ) {
        let relevant = grounds.filter(\.matters)
        guard !relevant.isEmpty else { return }
        party.ownedBy = relevant
        for (index, item) in items.enumerated() {
            var decision = party.items[index].decision
            var reasons: [String] = []
            for ground in relevant {
                let chain = ground.chain.joined(separator: " → ")
                let share = Self.percent(ground.restrictedShare)
                switch ground.rule {
                case .ofac50Percent where ground.restricted:
                    let owner = ground.listedOwners.first
                    let determination = EntryDetermination(
                        entryID: owner?.entryID ?? "", source: owner?.source ?? "SDN", name: owner?.name ?? "",
                        effect: .prohibition, eccn: item.eccn.value, decision: .prohibited, licenseRequired: false,
                        reviewPolicy: nil, licenseExceptions: [], conditions: [],
                        reasons: [
                            "Owned \(share) in the aggregate by blocked persons (\(chain)): its property is blocked though it is not listed itself."
                        ],
                        citations: [], regulation: OwnershipGround.ofacGuidance, footnotes: [])
                    party.entries.append(determination)
                    decision = max(decision, .prohibited)
                    reasons.append("Ownership — OFAC's 50 percent rule: prohibited. \(determination.reasons[0])")
                    reasons.append("  Under: \(OwnershipGround.ofacGuidance)")
                case .affiliates where ground.restricted:
                    reasons.append(
                        "Ownership — the Affiliates rule (\(ground.citation)): owned \(share) by listed parties (\(chain)); it takes on their licence requirements, the most restrictive deciding."
                    )
                    var inherited: [(OwnershipGround.Owner, ListEntry, EntryDetermination)] = []
                    for owner in ground.listedOwners {
                        guard let entry = owners[owner.source + "|" + owner.entryID],
                            var determination = determine(entry, item: item.eccn, on: date)
                        else { continue }
                        if entry.source == .sdn {
                            // Under this rule an SDN owner brings its programmes' EAR requirement; blocking is
                            // OFAC's rule's to say.
                            guard ListEffect.carriesEARRequirement(entry) else { continue }
                            determination.decision = .licenseRequired
                            determination.licenseRequired = true
                        }
                        inherited.append((owner, entry, determination))
                    }
                    // The most restrictive first: by decision, then by review policy.
                    inherited.sort {
                        ($0.2.decision, $0.2.reviewPolicy ?? .presumptionOfApproval)
                            > ($1.2.decision, $1.2.reviewPolicy ?? .presumptionOfApproval)
                    }
                    for (position, (owner, entry, found)) in inherited.enumerated() {
                        var determination = found
                        determination.reasons.insert(
                            "Through ownership: \(party.name) is owned \(share) by listed parties (\(chain)); under the Affiliates rule it takes on the licence requirement and review policy of \(entry.source.code) \(entry.id) (\(entry.name)).",
                            at: 0)
                        determination.regulation =
                            "BIS Affiliates rule (\(ground.citation)); \(determination.regulation)"
                        party.entries.append(determination)
                        decision = max(decision, determination.decision)
                        reasons.append(
                            "  \(entry.source.code) \(entry.id) (\(entry.name)), through \(owner.party): \(determination.decision.rawValue)"
                                + (determination.reviewPolicy.map { ", review policy \($0.rawValue)" } ?? "")
                                + (position == 0 && inherited.count > 1 ? " — the most restrictive, which governs" : "")
                        )
                        reasons.append(contentsOf: determination.conditions.map { "    Condition: \($0)" })
                    }
                case .affiliates where ground.restrictedWhileSuspended:
                    reasons.append(
                        "Ownership — the Affiliates rule would reach this party (owned \(share) by listed parties: \(chain)), but on \(date) it is \(ground.ruleState.replacingOccurrences(of: "_", with: " ")) (\(ground.citation))."
                    )
                default:
                    break
                }
                if ground.redFlag29 && !ground.restricted {
                    let rule = ground.rule == .ofac50Percent ? "OFAC's 50 percent rule" : "the Affiliates rule"
                    decision = max(decision, .review)
                    reasons.append(
                        "Ownership — Red Flag 29 (\(rule)): listed owners hold a share that is not known (\(ground.unknownShareOwners.joined(separator: ", "))); known restricted shares come to \(share). Find out the shares, or treat the party as restricted."
                    )
                    party.entries.append(
                        EntryDetermination(
                            entryID: ground.listedOwners.first?.entryID ?? "",
                            source: ground.listedOwners.first?.source ?? "SDN",
                            name: ground.listedOwners.first?.name ?? "", effect: .redFlag, eccn: item.eccn.value,
                            decision: .review, licenseRequired: false, reviewPolicy: nil, licenseExceptions: [],
                            conditions: [
                                "The share held by \(ground.unknownShareOwners.joined(separator: ", ")) is not known."
                            ],
                            reasons: ["Red Flag 29: a listed owner of unknown share (\(rule))."], citations: [],
                            regulation: ground.rule == .ofac50Percent
                                ? OwnershipGround.ofacGuidance
                                : "BIS Affiliates rule (\(ground.citation)), Red Flag 29 of Supplement No. 3 to Part 732",
                            footnotes: []))
                }
            }
            party.items[index].decision = decision
            party.items[index].reasons.append(contentsOf: reasons)
        }
        party.decision = party.items.map(\.decision).max() ?? party.decision
    }

    static func percent(_ value: Double) -> String {
        (value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)) + " %"
    }
}
