public import VetterCore

/// The answer for a party, an item, or a whole transaction, most restrictive last.
public enum Decision: String, Sendable, Codable, CaseIterable, Comparable {
    case noLicenseRequired = "no_license_required"
    /// A person must decide: a red flag, or a condition only the exporter can know.
    case review
    case licenseRequired = "license_required"
    case prohibited

    public static func < (lhs: Decision, rhs: Decision) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What one listing means for one item.
public struct EntryDetermination: Sendable, Codable {
    public var entryID: String
    public var source: String
    public var name: String
    public var effect: EffectClass
    public var eccn: String
    public var decision: Decision
    public var licenseRequired: Bool
    public var reviewPolicy: ReviewPolicy?
    public var licenseExceptions: [String]
    /// Facts the tool cannot know that change the answer, in plain words.
    public var conditions: [String]
    public var reasons: [String]
    public var citations: [String]
    /// The regulation behind the effect.
    public var regulation: String
    /// Foreign-direct-product rule footnotes of the entry.
    public var footnotes: [Int]

    enum CodingKeys: String, CodingKey {
        case entryID = "entry_id", source, name, effect, eccn, decision, licenseRequired = "license_required"
        case reviewPolicy = "review_policy", licenseExceptions = "license_exceptions", conditions, reasons, citations
        case regulation, footnotes
    }
}

/// Decides what the listings of a party mean for the items of an export.
///
/// The lists alone decide here: the Commerce Country Chart, end-use rules and embargoes are outside its scope.
/// Where an exception to a requirement turns on a fact only the exporter knows ("except food or medicine designated
/// EAR99"), the requirement stands and the fact is named as a condition; where the requirement itself turns on such
/// a fact ("only when used in projects specified in §746.5", "items listed in Supplement No. 2 to Part 744"),
/// the answer is `review`.
public enum LicenceDecider {
    /// The determination for one listing and one item, on `date` (an entry not yet in force, or expired, does
    /// not apply and gives `nil`).
    public static func determine(_ entry: ListEntry, item: ECCN, on date: LocalDate) -> EntryDetermination? {
        guard entry.isInForce(on: date) else { return nil }
        let effect = ListEffect.of(entry)
        var result = EntryDetermination(
            entryID: entry.id, source: entry.source.code, name: entry.name, effect: effect.effect, eccn: item.value,
            decision: .noLicenseRequired, licenseRequired: false, reviewPolicy: nil, licenseExceptions: [],
            conditions: [], reasons: [], citations: citations(entry), regulation: effect.regulation, footnotes: [])
        switch entry.source {
        case .entityList, .militaryEndUser, .militaryIntelligenceEndUser:
            applyLicenceRequirement(entry, item: item, into: &result)
        case .inksna:
            // The measures deny licences; they add no requirement of their own.
            if item.isEAR99 {
                result.reasons.append(
                    "\(entry.source.code): \(effect.summary) EAR99 items need no licence for this listing.")
            } else {
                result.decision = .review
                result.reasons.append("\(entry.source.code): \(effect.summary)")
                result.conditions.append(
                    "Any licence the EAR requires for \(item) to this party will be denied while the measures last.")
            }
        default:
            switch effect.effect {
            case .prohibition:
                result.decision = .prohibited
                result.reasons.append("\(entry.source.code): \(effect.summary)")
                if ListEffect.carriesEARRequirement(entry) {
                    result.licenseRequired = true
                    result.reasons.append(
                        "The programs \(entry.programs.joined(separator: ", ")) also require an EAR licence for all items subject to the EAR (§§744.8, 744.12–744.14)."
                    )
                }
            case .redFlag:
                result.decision = .review
                result.reasons.append("\(entry.source.code): \(effect.summary)")
            case .notExportMeasure, .procurementRestriction:
                result.reasons.append(
                    "\(entry.source.code): \(effect.summary) No export licence is required by this listing.")
            case .licenseRequirement:
                break
            }
        }
        if entry.source.isInHouse, let note = entry.remarks {
            result.reasons.append("The company's note: \(note)")
        }
        return result
    }

    static func applyLicenceRequirement(_ entry: ListEntry, item: ECCN, into result: inout EntryDetermination) {
        let requirement = LicenceRequirementRule.parse(entry.licenseRequirement ?? "")
        var policy = ReviewPolicyRule.parse(entry.licensePolicy ?? "")
        // A policy the requirement states itself comes first (PAEC: case-by-case for CCL items in the requirement,
        // presumption of approval for EAR99 in the policy column).
        if !requirement.embeddedPolicy.isEmpty {
            policy.clauses = requirement.embeddedPolicy + policy.clauses
            if (entry.licensePolicy ?? "").isEmpty { policy.manualReview = nil }
        }
        result.footnotes = requirement.footnotes
        result.licenseExceptions =
            switch entry.source {
            case .militaryEndUser: ["GOV"]
            case .militaryIntelligenceEndUser: []
            default: requirement.licenseExceptions
            }
        if entry.source == .entityList && result.licenseExceptions.isEmpty {
            result.reasons.append(
                "No licence exceptions are available for Entity List parties (§744.16(b)), apart from the narrow carve-outs it names."
            )
        }
        if let problem = requirement.manualReview {
            result.decision = .review
            result.conditions.append(
                "The licence requirement needs a person to read it: \(problem). Text: \(requirement.raw)")
            return
        }
        var required = true
        switch requirement.scope {
        case .allItems:
            result.reasons.append(
                "\(entry.source.code) requires a licence for all items subject to the EAR, \(item.isEAR99 ? "EAR99 included" : "\(item) included")."
            )
        case .projectsUnder746_5:
            result.decision = .review
            result.conditions.append(
                "A licence is required only when the item is used in projects specified in §746.5.")
            required = false
        case .supplement2ToPart744:
            if item.isEAR99 {
                result.reasons.append(
                    "The Military End User rule covers only items listed in Supplement No. 2 to Part 744; EAR99 items are not listed."
                )
                return
            }
            result.decision = .review
            result.conditions.append(
                "A licence is required if \(item) is listed in Supplement No. 2 to Part 744 (§744.21).")
            required = false
        case .unknown:
            return
        }
        for exclusion in requirement.exclusions {
            switch exclusion {
            case .foodOrMedicineEAR99:
                if item.isEAR99 {
                    result.conditions.append("No licence is required if the item is food or medicine designated EAR99.")
                }
            case .eccns(let eccns, let unlessFor):
                if eccns.contains(where: { item.isCovered(by: $0) }) {
                    required = false
                    result.decision = .review
                    result.conditions.append(
                        "\(item) is excepted from the requirement, unless the export is for \(unlessFor): then a licence is required."
                    )
                }
            case .standardsOrganizationTechnology:
                if item.isEAR99 || item.base.dropFirst().first == "E" {
                    result.conditions.append(
                        "No licence is required for EAR99 or anti-terrorism-only technology released to members of a standards organization to develop a standard (§772.1)."
                    )
                }
            case .described(let text):
                result.conditions.append("No licence is required for \(text).")
            }
        }
        let (reviewPolicy, policyConditions, policyReason) = policyFor(item, policy)
        // Reported also when the requirement turns on a fact only the exporter knows (projects under §746.5,
        // Supplement No. 2 items, an excepted ECCN): the policy that applies if a licence is needed.
        result.reviewPolicy = reviewPolicy
        result.conditions.append(contentsOf: policyConditions)
        if let policyReason { result.reasons.append(policyReason) }
        guard required else { return }
        result.licenseRequired = true
        result.decision = .licenseRequired
        if !requirement.footnotes.isEmpty {
            result.reasons.append(
                "Foreign-direct-product footnote \(requirement.footnotes.map(String.init).joined(separator: ", ")): foreign-made items may also be subject to the EAR (§734.9)."
            )
        }
        if let problem = policy.manualReview {
            result.conditions.append("The review policy needs a person to read it: \(problem). Text: \(policy.raw)")
        }
    }

    /// The review policy for an item: the first clause that names it (by ECCN, EAR99 or the CCL), else the
    /// clause for all other items, else one for all items; clauses that name items by description become
    /// conditions.
    static func policyFor(_ item: ECCN, _ rule: ReviewPolicyRule) -> (ReviewPolicy?, [String], String?) {
        var specific: ReviewPolicy?
        var general: ReviewPolicy?
        var conditions: [String] = []
        for clause in rule.clauses {
            for scope in clause.scopes {
                switch scope {
                case .eccns(let eccns) where eccns.contains { item.isCovered(by: $0) }:
                    specific = specific ?? clause.policy
                case .ear99 where item.isEAR99, .ccl where !item.isEAR99:
                    specific = specific ?? clause.policy
                case .all, .allOther:
                    general = general ?? clause.policy
                case .described(let text):
                    conditions.append("\(clause.policy.plain.capitalizedFirst) if the item is one of the \(text).")
                case .ear99Described(let text) where item.isEAR99:
                    conditions.append("\(clause.policy.plain.capitalizedFirst) if the item is one of the \(text).")
                default:
                    break
                }
            }
        }
        guard let policy = specific ?? general else {
            // A policy stated only for items described in words: which applies turns on what the item is.
            if !conditions.isEmpty {
                return (
                    .conditional, conditions,
                    "Review policy for \(item): stated only for some items, named in the conditions; for other items the listing states none."
                )
            }
            return (nil, conditions, rule.manualReview == nil ? "The review policy does not name this item." : nil)
        }
        var reason = "Review policy for \(item): \(policy.plain)."
        if policy == .seeRegulation, !rule.references.isEmpty {
            reason = "Review policy for \(item): as §\(rule.references.joined(separator: ", §")) of the EAR states."
        }
        return (policy, conditions, reason)
    }

    static func citations(_ entry: ListEntry) -> [String] {
        if !entry.citations.isEmpty { return entry.citations.map(\.description) }
        return entry.rawCitation.map { [$0] } ?? []
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
