import Foundation
import VetterCore
public import VetterMatch
public import VetterRules
import VetterStore

/// One distinct licence-requirement or review-policy text of the loaded lists, and how it was read.
public struct RuleCoverage: Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        case licenseRequirement = "license_requirement"
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
    /// Screens each party of `transaction` and decides what its listings mean for each item
    /// (``Screener/check(_:threshold:)`` on a screener of its own).
    public func check(
        _ transaction: Transaction, threshold: Double = ScreeningIndex.defaultThreshold,
        actor: String = Vetter.commandLineActor
    ) async throws -> CheckResult {
        try await Screener(vetter: self).check(transaction, threshold: threshold, actor: actor)
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
                    kind: .licenseRequirement, text: text, entries: count, parsed: rule.summary,
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
