import Foundation
import VetterCore
public import VetterMatch
public import VetterRules
import VetterStore

/// One distinct licence-requirement or review-policy text of the loaded lists, and how it was read.
public struct RuleCoverage: Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        case licenceRequirement = "licence_requirement"
        case reviewPolicy = "review_policy"
    }

    public var kind: Kind
    public var text: String
    /// How many entries carry it.
    public var entries: Int
    /// The parse, in one line.
    public var parsed: String
    /// Why it needs a person, when it does.
    public var manualReview: String?
}

extension Vetter {
    /// Screens each party of `transaction` and decides what its listings mean for each item.
    ///
    /// - Parameter index: the index over today's lists, when the caller holds one (a server); read otherwise.
    public func check(
        _ transaction: Transaction, threshold: Double = ScreeningIndex.defaultThreshold,
        index current: ScreeningIndex? = nil
    ) async throws
        -> CheckResult
    {
        let today = LocalDate(Date())
        let date = transaction.date ?? today
        // A past date is answered from the list versions in force that day; the decider then reports the
        // entries whose own start date was later.
        let index: ScreeningIndex
        if date < today {
            index = try await loadIndex(asOf: date, filterEntries: false).0
        } else if let current {
            index = current
        } else {
            index = try await loadIndex()
        }
        var parties: [PartyCheck] = []
        for party in transaction.parties {
            let query = ScreeningQuery(
                name: party.name, country: party.country, type: party.type, threshold: threshold, limit: 25)
            let matches = try await complete(index.screen(query), from: index)
            parties.append(LicenceDecider.check(party: party, matches: matches, items: transaction.items, date: date))
        }
        return LicenceDecider.combine(parties, items: transaction.items, date: date)
    }

    /// Every distinct licence-requirement and review-policy text of the current Entity List and MEU versions,
    /// with its parse: what `vetter rules --coverage` prints.
    public func ruleCoverage() async throws -> [RuleCoverage] {
        let versions = try await store.currentVersions().filter {
            $0.source == .entityList || $0.source == .militaryEndUser
        }
        let entries = try await store.entries(versionIDs: versions.map(\.id))
        var requirements: [String: Int] = [:]
        var policies: [String: Int] = [:]
        for entry in entries {
            requirements[entry.licenseRequirement ?? "", default: 0] += 1
            policies[entry.licensePolicy ?? "", default: 0] += 1
        }
        var result: [RuleCoverage] = []
        for (text, count) in requirements.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            let rule = LicenceRequirementRule.parse(text)
            result.append(
                RuleCoverage(
                    kind: .licenceRequirement, text: text, entries: count, parsed: rule.summary,
                    manualReview: rule.manualReview))
        }
        for (text, count) in policies.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            let rule = ReviewPolicyRule.parse(text)
            result.append(
                RuleCoverage(
                    kind: .reviewPolicy, text: text, entries: count, parsed: rule.summary,
                    manualReview: rule.manualReview))
        }
        return result
    }
}
