import Foundation

/// How BIS reviews a licence application, as the "License Review Policy" column states it.
public enum ReviewPolicy: String, Sendable, Codable, CaseIterable, Comparable {
    case presumptionOfApproval = "presumption_of_approval"
    case caseByCase = "case_by_case"
    case conditional
    case seeRegulation = "see_regulation"
    case presumptionOfDenial = "presumption_of_denial"
    case policyOfDenial = "policy_of_denial"

    /// Stricter policies compare greater.
    public static func < (lhs: ReviewPolicy, rhs: ReviewPolicy) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// In plain words.
    public var plain: String {
        switch self {
        case .presumptionOfApproval: "presumption of approval"
        case .caseByCase: "case-by-case review"
        case .conditional: "depends on a condition"
        case .seeRegulation: "as the cited regulation says"
        case .presumptionOfDenial: "presumption of denial"
        case .policyOfDenial: "policy of denial"
        }
    }
}

/// The "License Review Policy" column parsed into clauses: a policy for a scope of items.
public struct ReviewPolicyRule: Sendable, Codable, Hashable {
    /// The items a clause speaks of.
    public enum Scope: Sendable, Codable, Hashable {
        /// Every item (the clause names none).
        case all
        /// Every item no other clause names.
        case allOther
        /// Items classified under these ECCNs (or their sub-paragraphs).
        case eccns([ECCN])
        /// Items on the Commerce Control List (anything but EAR99).
        case ccl
        /// EAR99 items.
        case ear99
        /// Items (or uses) as described: the exporter must judge whether the item is one.
        case described(String)
        /// EAR99 items as described (the Note to ECCN 1A995): only EAR99 items can be one.
        case ear99Described(String)
    }

    public struct Clause: Sendable, Codable, Hashable {
        public var policy: ReviewPolicy
        public var scopes: [Scope]
    }

    public var raw: String
    public var clauses: [Clause]
    /// EAR sections the text refers to (for "see §744.2(d)" policies, the policy itself).
    public var references: [String]
    /// Set when the text could not be parsed with certainty.
    public var manualReview: String?

    /// Parses a policy text.
    public static func parse(_ raw: String) -> ReviewPolicyRule {
        let text = RuleText.clean(raw)
        var rule = ReviewPolicyRule(raw: raw, clauses: [], references: RuleText.references(in: text), manualReview: nil)
        guard !text.isEmpty else {
            rule.manualReview = "the entry has no review policy text"
            return rule
        }
        if text.hasPrefix(
            "the license application procedure and license review policy for entities specified in supplement no. 2 to part 744 is specified in"
        ) {
            rule.clauses = [Clause(policy: .seeRegulation, scopes: [.all])]
            return rule
        }
        // Clauses end at ";" or at a sentence end (a period before a letter: "Policy of denial. See §…").
        let pieces = text.replacingOccurrences(of: #"\.\s+(?=[a-z])"#, with: ";", options: .regularExpression)
            .split(separator: ";").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " .")) }.filter {
                !$0.isEmpty
            }
        var problems: [String] = []
        for piece in pieces {
            var clause = piece.hasPrefix("and ") ? String(piece.dropFirst(4)) : piece
            let policy: ReviewPolicy
            if clause.hasPrefix("see ") {
                if rule.clauses.isEmpty { rule.clauses.append(Clause(policy: .seeRegulation, scopes: [.all])) }
                continue  // a reference; its sections are in `references`
            } else if clause.hasPrefix("presumption of denial") {
                policy = .presumptionOfDenial
                clause.removeFirst("presumption of denial".count)
            } else if clause.hasPrefix("policy of denial") {
                policy = .policyOfDenial
                clause.removeFirst("policy of denial".count)
            } else if clause.hasPrefix("presumption of approval") {
                policy = .presumptionOfApproval
                clause.removeFirst("presumption of approval".count)
            } else if clause.hasPrefix("case-by-case") {
                policy = .caseByCase
                clause.removeFirst("case-by-case".count)
            } else {
                problems.append(piece)
                continue
            }
            clause = clause.trimmingCharacters(in: .whitespaces)
            for lead in ["review for", "review of", "review", "for"] where clause.hasPrefix(lead) {
                clause = String(clause.dropFirst(lead.count)).trimmingCharacters(in: .whitespaces)
                break
            }
            if let scopes = parseScopes(clause) {
                rule.clauses.append(Clause(policy: policy, scopes: scopes))
            } else {
                problems.append(piece)
            }
        }
        if !problems.isEmpty {
            rule.manualReview = "not understood: \"\(problems.joined(separator: "\"; \""))\""
        } else if rule.clauses.isEmpty {
            rule.manualReview = "no policy found in the text"
        }
        return rule
    }

    /// The scopes of one clause's remaining words, or `nil` when they are not understood.
    static func parseScopes(_ text: String) -> [Scope]? {
        if text.isEmpty || text == "review" { return [.all] }
        var scopes: [Scope] = []
        var rest = text
        // "eccns 1a004.c, 1a004.d, …, and 2e983, and for ear99 items described in the note to eccn 1a995"
        if rest.hasPrefix("eccns ") {
            let listEnd = rest.range(of: ", and for ")?.lowerBound ?? rest.endIndex
            let list = rest[rest.index(rest.startIndex, offsetBy: 6)..<listEnd]
            var eccns: [ECCN] = []
            for item in list.replacingOccurrences(of: " and ", with: ",").split(separator: ",") {
                let code = item.trimmingCharacters(in: .whitespaces)
                if code.isEmpty { continue }
                guard let eccn = try? ECCN(code) else { return nil }
                eccns.append(eccn)
            }
            scopes.append(.eccns(eccns))
            rest = listEnd == rest.endIndex ? "" : String(rest[listEnd...].dropFirst(", and for ".count))
            if rest.isEmpty { return scopes }
        }
        switch rest {
        case "all other items subject to the ear", "all other items": scopes.append(.allOther)
        case "all items listed on the ccl", "all items on the ccl", "items listed on the ccl": scopes.append(.ccl)
        case "ear99 items", "ear99": scopes.append(.ear99)
        case "all items": scopes.append(.all)
        case "ear99 items described in the note to eccn 1a995":
            scopes.append(.ear99Described("EAR99 items described in the Note to ECCN 1A995"))
        case "items necessary to detect, identify and treat infectious disease":
            scopes.append(.described("items necessary to detect, identify and treat infectious disease"))
        case "us government supported space programs":
            scopes.append(.described("items for U.S. Government supported space programs"))
        case "licenses for the safety of civil aviation of aircraft":
            scopes.append(.described("items for the safety of civil aviation of aircraft"))
        default:
            let advanced =
                "items uniquely required for production of semiconductors at advanced technology nodes (10 nanometers and below, including extreme ultraviolet technology)"
            if rest == advanced {
                scopes.append(
                    .described(
                        "items uniquely required for production of semiconductors at advanced technology nodes (10 nanometers and below, including extreme ultraviolet technology)"
                    ))
            } else {
                return nil
            }
        }
        return scopes
    }
}

extension ReviewPolicyRule {
    /// How the text was read, in one line.
    public var summary: String {
        var parts = clauses.map { clause in
            let scopes = clause.scopes.map { scope -> String in
                switch scope {
                case .all: "all items"
                case .allOther: "all other items"
                case .eccns(let eccns): eccns.map(\.value).joined(separator: ", ")
                case .ccl: "items on the CCL"
                case .ear99: "EAR99"
                case .described(let text), .ear99Described(let text): "[\(text)]"
                }
            }
            return "\(clause.policy.rawValue) for \(scopes.joined(separator: " and "))"
        }
        if !references.isEmpty { parts.append("refs §\(references.joined(separator: ", §"))") }
        return parts.joined(separator: "; ")
    }
}
