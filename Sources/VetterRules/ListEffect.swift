import Foundation
public import VetterCore

/// What a listing does to an export, by the kind of measure its list imposes.
public enum EffectClass: String, Sendable, Codable, CaseIterable {
    /// Dealings are prohibited (denial orders, debarment, blocking).
    case prohibition
    /// A licence is required for the items the listing names, judged under its review policy.
    case licenseRequirement = "license_requirement"
    /// A red flag to resolve before going ahead.
    case redFlag = "red_flag"
    /// A restriction on US-government procurement, contracting or funding (NDAA sections, the FCC Covered
    /// List, Section 1260H): it binds government buyers and their contractors, not exports.
    case procurementRestriction = "procurement_restriction"
    /// A measure that does not restrict exports (securities, banking, menu sanctions, visas).
    case notExportMeasure = "not_export_measure"
}

/// The legal effect of each list, with the regulation behind it (DOMAIN §2.1).
public struct ListEffect: Sendable, Codable, Hashable {
    public var source: ListSource
    public var effect: EffectClass
    /// The regulation or order the effect comes from.
    public var regulation: String
    /// The effect in plain words.
    public var summary: String

    /// SDN programs whose designees also need an EAR licence (§§744.12–744.14, 744.8; the CSL's own note).
    public static let earProgramsOnSDN: Set<String> = ["SDGT", "SDT", "FTO", "IRAQ2", "NPWMD"]

    /// The effect of a source's listings.
    public static func of(_ source: ListSource) -> ListEffect {
        switch source {
        case .entityList:
            ListEffect(
                source: source, effect: .licenseRequirement,
                regulation: "15 CFR 744.11 and 744.16; Supplement No. 4 to Part 744",
                summary:
                    "A licence is required for the items in the entry's licence requirement, judged under its review policy; no licence exceptions (§744.16(b))."
            )
        case .militaryEndUser:
            ListEffect(
                source: source, effect: .licenseRequirement,
                regulation: "15 CFR 744.21; Supplement No. 7 to Part 744",
                summary:
                    "A licence is required for items listed in Supplement No. 2 to Part 744; only License Exception GOV (§740.11(b)(2)(i)–(ii)); review policy in §744.21(e)."
            )
        case .deniedPersons:
            ListEffect(
                source: source, effect: .prohibition, regulation: "15 CFR 764.3(a)(2); the denial order",
                summary: "Export privileges are denied: dealings that violate the denial order are prohibited.")
        case .itarDebarred:
            ListEffect(
                source: source, effect: .prohibition, regulation: "22 CFR 127.7 (AECA §38(g)(4))",
                summary: "Prohibited from taking part in exports of defense articles or defense services.")
        case .sdn:
            ListEffect(
                source: source, effect: .prohibition, regulation: "31 CFR Chapter V (OFAC blocking)",
                summary:
                    "Property is blocked and US persons are generally prohibited from dealing with the party; SDGT, SDT, FTO, IRAQ2 and NPWMD designees also need an EAR licence (§§744.8, 744.12–744.14)."
            )
        case .sanctionsEvaders:
            ListEffect(
                source: source, effect: .prohibition, regulation: "E.O. 13608",
                summary: "Transactions by US persons or within the United States are prohibited.")
        case .palestinianLegislativeCouncil:
            ListEffect(
                source: source, effect: .prohibition, regulation: "31 CFR Part 594 / 595 (OFAC)",
                summary: "Transactions involving these individuals must be rejected.")
        case .unverified:
            ListEffect(
                source: source, effect: .redFlag, regulation: "15 CFR 744.15; Supplement No. 6 to Part 744",
                summary:
                    "A red flag: an end-use check could not be completed. Resolve it before going ahead; a UVL statement is required and license exceptions are suspended."
            )
        case .nonproliferation:
            ListEffect(
                source: source, effect: .redFlag, regulation: "The sanctioning statute (INKSNA, EO 12938, CBW Act …)",
                summary:
                    "The measures depend on the statute and the Federal Register notice (procurement bans, licence denials): read the notice before going ahead."
            )
        case .sectoral:
            ListEffect(
                source: source, effect: .notExportMeasure, regulation: "E.O. 13662 directives (OFAC)",
                summary: "Prohibitions limited to the directives (new debt, equity); not an export ban.")
        case .capta:
            ListEffect(
                source: source, effect: .notExportMeasure, regulation: "31 CFR Part 561 / CAPTA (OFAC)",
                summary: "Correspondent or payable-through accounts prohibited or restricted; not an export ban.")
        case .menuBased:
            ListEffect(
                source: source, effect: .notExportMeasure, regulation: "CAATSA §235 / E.O. 13849 (OFAC)",
                summary: "Specific non-blocking menu sanctions; not an export ban.")
        case .chineseMilitaryIndustrial:
            ListEffect(
                source: source, effect: .notExportMeasure, regulation: "E.O. 13959 as amended by E.O. 14032",
                summary: "Purchases and sales of publicly traded securities are prohibited; not an export ban.")
        case .part561:
            ListEffect(
                source: source, effect: .notExportMeasure, regulation: "31 CFR Part 561 (retired, replaced by CAPTA)",
                summary: "Correspondent-account restrictions; not an export ban. The list is retired.")
        case .iranSanctionsAct:
            ListEffect(
                source: source, effect: .notExportMeasure, regulation: "Iran Sanctions Act (retired list)",
                summary: "Non-blocking sanctions; not an export ban. The list is retired.")
        case .militaryIntelligenceEndUser:
            ListEffect(
                source: source, effect: .licenseRequirement, regulation: "15 CFR 744.22; Supplement No. 8 to Part 744",
                summary:
                    "A licence is required for all items subject to the EAR, reviewed under a presumption of denial (§744.22(e)); license exceptions are not available beyond the few §744.22 names."
            )
        case .chineseMilitaryCompanies:
            ListEffect(
                source: source, effect: .procurementRestriction,
                regulation:
                    "Section 1260H of the FY2021 NDAA (Pub. L. 116-283, 10 U.S.C. 113 note); Section 805 of the FY2024 NDAA (Pub. L. 118-31)",
                summary:
                    "A Chinese military company named by the Department of Defense: the Department may not contract with it directly from 30 June 2026, or indirectly from 30 June 2027; not an export licence requirement."
            )
        case .fccCovered:
            ListEffect(
                source: source, effect: .procurementRestriction,
                regulation:
                    "Secure and Trusted Communications Networks Act of 2019 (47 U.S.C. 1601–1609); 47 CFR 1.50002",
                summary:
                    "Covered communications equipment and services: the FCC authorises no new such equipment (47 CFR 2.903) and Universal Service Fund support may not buy it (47 CFR 54.9); not an export licence requirement."
            )
        case .section889:
            ListEffect(
                source: source, effect: .procurementRestriction,
                regulation: "Section 889 of the FY2019 NDAA (Pub. L. 115-232); FAR 52.204-25",
                summary:
                    "Executive agencies may not buy covered telecommunications or video surveillance equipment or services from the company or its affiliates, nor contract with an entity that uses them; not an export licence requirement."
            )
        case .section5949:
            ListEffect(
                source: source, effect: .procurementRestriction,
                regulation: "Section 5949 of the FY2023 NDAA (Pub. L. 117-263)",
                summary:
                    "From 23 December 2027 executive agencies may not buy products or services containing the company's semiconductors; not an export licence requirement."
            )
        case .section154:
            ListEffect(
                source: source, effect: .procurementRestriction,
                regulation: "Section 154 of the FY2024 NDAA (Pub. L. 118-31)",
                summary:
                    "From 1 October 2027 the Department of Defense may not buy batteries the company produces; not an export licence requirement."
            )
        case .section1286:
            ListEffect(
                source: source, effect: .procurementRestriction,
                regulation: "Section 1286 of the FY2019 NDAA (Pub. L. 115-232, as amended)",
                summary:
                    "A foreign institution of concern for research security: Department of Defense research funding of work with it is restricted; not an export licence requirement."
            )
        case .section353:
            ListEffect(
                source: source, effect: .notExportMeasure,
                regulation:
                    "Section 353(b) of the United States–Northern Triangle Enhanced Engagement Act (Pub. L. 116-260)",
                summary: "The person is ineligible for a US visa and admission; not an export measure.")
        case .inksna:
            ListEffect(
                source: source, effect: .redFlag,
                regulation:
                    "Iran, North Korea, and Syria Nonproliferation Act, section 3 (Pub. L. 106-178, as amended)",
                summary:
                    "For the period of the measures: no US-government procurement from or assistance to the person, and new individual licences for items controlled under the EAR are denied (existing ones suspended)."
            )
        default:
            // A company's own list: each entry says block or review (``of(_:)-(ListEntry)``); review by default.
            ListEffect(
                source: source, effect: .redFlag,
                regulation: "Company policy: in-house list \(source.inHouseName ?? source.code)",
                summary:
                    "Listed on the company's own list \(source.inHouseName ?? source.code): review before going ahead.")
        }
    }

    /// The effect of one listing: its list's, except on a company's own list, where the entry chooses to block
    /// (a prohibition by company policy) or to send to review.
    public static func of(_ entry: ListEntry) -> ListEffect {
        var effect = of(entry.source)
        if entry.source.isInHouse, entry.inHouseEffect == .block {
            effect.effect = .prohibition
            effect.summary =
                "Blocked by company policy: the party is on the company's own list \(entry.source.inHouseName ?? entry.source.code)."
        }
        return effect
    }

    /// Whether an SDN entry's programs also carry an EAR licence requirement.
    public static func carriesEARRequirement(_ entry: ListEntry) -> Bool {
        entry.source == .sdn
            && entry.programs.contains { earProgramsOnSDN.contains($0.trimmingCharacters(in: .whitespaces)) }
    }
}
