import Foundation
import VetterCore

/// The "License Requirement" column of an Entity List row (or the MEU requirement), parsed.
public struct LicenceRequirementRule: Sendable, Codable, Hashable {
    /// Which items need a licence.
    public enum Scope: String, Sendable, Codable {
        /// All items subject to the EAR, EAR99 included.
        case allItems = "all_items"
        /// All items, but only when used in projects specified in §746.5 (a condition only the exporter knows).
        case projectsUnder746_5 = "projects_746_5"
        /// Items listed in Supplement No. 2 to Part 744 (the Military End User rule).
        case supplement2ToPart744 = "supplement_2_part_744"
        /// The text could not be read with certainty.
        case unknown
    }

    /// Items taken out of the requirement.
    public enum Exclusion: Sendable, Codable, Hashable {
        /// Food or medicine designated EAR99.
        case foodOrMedicineEAR99
        /// These ECCNs, unless the export is for the end users described.
        case eccns([ECCN], unlessFor: String)
        /// EAR99 or anti-terrorism-only technology released to members of a standards organization.
        case standardsOrganizationTechnology
        /// Anything else the text excepts, in its words.
        case described(String)
    }

    public var raw: String
    public var scope: Scope
    public var exclusions: [Exclusion]
    /// Foreign-direct-product rule footnotes (the ",3" after "§734.9(g)" is footnote 3).
    public var footnotes: [Int]
    /// Licence exceptions the text makes available ("may be overcome by License Exception GOV").
    public var licenseExceptions: [String]
    /// EAR sections cited.
    public var references: [String]
    /// Set when the text could not be parsed with certainty: say why, and let a person decide.
    public var manualReview: String?
    /// A review policy the requirement text states itself ("For all items subject to the EAR, with case-by-case
    /// basis for items listed on the CCL"): read before the entry's review-policy column.
    public var embeddedPolicy: [ReviewPolicyRule.Clause] = []

    /// Parses a requirement text.
    public static func parse(_ raw: String) -> LicenceRequirementRule {
        let text = RuleText.clean(raw)
        var rule = LicenceRequirementRule(
            raw: raw, scope: .unknown, exclusions: [], footnotes: [], licenseExceptions: [],
            references: RuleText.references(in: text), manualReview: nil)
        guard !text.isEmpty else {
            rule.manualReview = "the entry has no licence requirement text"
            return rule
        }
        var understood: [String] = []
        if text.contains("listed in supplement no. 2 to part 744") {
            rule.scope = .supplement2ToPart744
            understood.append(#"for any item subject to the ear listed in supplement no\. 2 to part 744"#)
        } else if text.range(of: #"^(for )?all items subjects? to the ear"#, options: .regularExpression) != nil {
            rule.scope = .allItems
            understood.append(#"^(for )?all items subjects? to the ear"#)
            if text.contains("when used in projects specified in §746.5") {
                rule.scope = .projectsUnder746_5
                understood.append(#"when used in projects specified in §746\.5( of the ear)?"#)
            }
        }
        if text.contains("except for food or medicine designated as ear99") {
            rule.exclusions.append(.foodOrMedicineEAR99)
            understood.append(#"except for food or medicine designated as ear99"#)
        }
        let eccnException =
            #"or eccn (5a992\.c) and (5d992\.c) unless for (russian|belarusian) "government end users" and (russian|belarusian) state-owned enterprises \(soes\) to (russia|belarus)"#
        if let match = text.range(of: eccnException, options: .regularExpression) {
            let country = text[match].contains("russian") ? "Russian" : "Belarusian"
            rule.exclusions.append(
                .eccns(
                    [try! ECCN("5A992.c"), try! ECCN("5D992.c")],
                    unlessFor: "\(country) \"government end users\" and \(country) state-owned enterprises"))
            understood.append(eccnException)
        }
        let standards =
            #"except for technology subject to the ear that is designated as ear99, or controlled on the commerce control list for anti-terrorism reasons only, when released to members of a "standards organization" \(see §772\.1\) for the purpose of contributing to the revision or development of a "standard" \(see §772\.1\)"#
        if text.range(of: standards, options: .regularExpression) != nil {
            rule.exclusions.append(.standardsOrganizationTechnology)
            understood.append(standards)
        }
        let uav =
            #"except for ear99-designated technology for the operation, maintenance, or repair of unmanned aerial vehicles \(uav\) released to this entity by the operator of the uav"#
        if text.range(of: uav, options: .regularExpression) != nil {
            rule.exclusions.append(
                .described(
                    "EAR99 technology for the operation, maintenance or repair of unmanned aerial vehicles, released to the entity by the UAV's operator"
                ))
            understood.append(uav)
        }
        let ofacLicence =
            #"apart from items that are related to transactions that are authorized by the department of the treasury's office of foreign assets control pursuant to general license no\. ([0-9a-z]+) of ([a-z]+ \d+, \d{4})"#
        if let match = text.range(of: ofacLicence, options: .regularExpression) {
            let words = String(text[match])
            let number =
                words.range(of: #"no\. [0-9a-z]+"#, options: .regularExpression).map { String(words[$0]) } ?? ""
            rule.exclusions.append(
                .described(
                    "items of transactions authorized by OFAC General License \(number.dropFirst(4).uppercased())"))
            understood.append(ofacLicence)
            understood.append(
                #"russia does not include the "crimea region of ukraine," as that term is defined in section 8\(d\) of e\.o\. 13685"#
            )
        }
        let embedded =
            #"with (a )?(case-by-case|presumption of approval|presumption of denial|policy of denial)( review)? for (items listed on the ccl|items on the ccl|ear99 items|all other items)"#
        if let match = text.range(of: embedded, options: .regularExpression) {
            let words = String(text[match])
            let policy: ReviewPolicy =
                words.contains("case-by-case")
                ? .caseByCase
                : words.contains("approval")
                    ? .presumptionOfApproval
                    : words.contains("policy of denial") ? .policyOfDenial : .presumptionOfDenial
            let scope: ReviewPolicyRule.Scope =
                words.contains("ccl") ? .ccl : words.contains("ear99") ? .ear99 : .allOther
            rule.embeddedPolicy.append(ReviewPolicyRule.Clause(policy: policy, scopes: [scope]))
            understood.append(embedded)
        }
        if text.contains("may be overcome by license exception gov") {
            rule.licenseExceptions.append("GOV")
            understood.append(
                #"this license requirement may be overcome by license exception gov under § ?740\.11\(b\)\(2\) and \(e\)\.?( \(e\)\.)?"#
            )
        }
        if let regex = try? NSRegularExpression(pattern: #"734\.9\([a-z]\),\s?(\d)"#) {
            let ns = text as NSString
            for match in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                if let footnote = Int(ns.substring(with: match.range(at: 1))), !rule.footnotes.contains(footnote) {
                    rule.footnotes.append(footnote)
                }
            }
        }
        if rule.scope == .unknown {
            rule.manualReview = "the items covered could not be read from the text"
            return rule
        }
        let residue = RuleText.residue(
            of: text, removing: understood + [#"see §§ ?736\.2\(b\)\(3\)\(vi\),? and 744\.11"#])
        if !residue.isEmpty {
            rule.manualReview = "part of the text was not understood: \"\(residue)\""
        }
        return rule
    }
}

extension LicenceRequirementRule {
    /// How the text was read, in one line.
    public var summary: String {
        var parts: [String] = []
        switch scope {
        case .allItems: parts.append("all items subject to the EAR")
        case .projectsUnder746_5: parts.append("all items, only when used in projects specified in §746.5")
        case .supplement2ToPart744: parts.append("items listed in Supplement No. 2 to Part 744")
        case .unknown: parts.append("items not understood")
        }
        for exclusion in exclusions {
            switch exclusion {
            case .foodOrMedicineEAR99: parts.append("except food or medicine designated EAR99")
            case .eccns(let eccns, let unless):
                parts.append("except \(eccns.map(\.value).joined(separator: ", ")) unless for \(unless)")
            case .standardsOrganizationTechnology:
                parts.append("except EAR99/AT-only technology to standards organizations")
            case .described(let text): parts.append("except \(text)")
            }
        }
        for clause in embeddedPolicy {
            let scopes = clause.scopes.map { scope -> String in
                switch scope {
                case .ccl: "items on the CCL"
                case .ear99: "EAR99 items"
                default: "all other items"
                }
            }
            parts.append("with \(clause.policy.plain) for \(scopes.joined(separator: " and "))")
        }
        if !footnotes.isEmpty { parts.append("FDP footnote \(footnotes.map(String.init).joined(separator: ", "))") }
        if !licenseExceptions.isEmpty { parts.append("licence exception \(licenseExceptions.joined(separator: ", "))") }
        if !references.isEmpty { parts.append("refs §\(references.joined(separator: ", §"))") }
        return parts.joined(separator: "; ")
    }
}
