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
    /// A measure that does not restrict exports (securities, banking, menu sanctions).
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
        }
    }

    /// Whether an SDN entry's programs also carry an EAR licence requirement.
    public static func carriesEARRequirement(_ entry: ListEntry) -> Bool {
        entry.source == .sdn
            && entry.programs.contains { earProgramsOnSDN.contains($0.trimmingCharacters(in: .whitespaces)) }
    }
}
