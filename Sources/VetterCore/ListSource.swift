import Foundation

/// One published restricted-party list, as US agencies define it.
///
/// A source is the unit of legal meaning: the Entity List and the SDN list attach different consequences to a
/// match, so every ``ListEntry`` carries exactly one source, and a party listed twice is two entries. Sources the
/// Consolidated Screening List has dropped (the Part 561 list, NS-ISA) stay here so that history can name them.
public enum ListSource: String, Codable, CaseIterable, Sendable, Comparable {
    case entityList = "EL"
    case deniedPersons = "DPL"
    case unverified = "UVL"
    case militaryEndUser = "MEU"
    case nonproliferation = "ISN"
    case itarDebarred = "DTC"
    case sdn = "SDN"
    case sectoral = "SSI"
    case sanctionsEvaders = "FSE"
    case palestinianLegislativeCouncil = "PLC"
    case capta = "CAP"
    case menuBased = "NS-MBS"
    case chineseMilitaryIndustrial = "CMIC"
    case part561 = "561"
    case iranSanctionsAct = "NS-ISA"
    // US lists outside the Consolidated Screening List.
    case militaryIntelligenceEndUser = "MIEU"
    case chineseMilitaryCompanies = "1260H"
    case fccCovered = "FCC"
    case section889 = "889"
    case section5949 = "5949"
    case section154 = "154"
    case section1286 = "1286"
    case section353 = "353"
    case inksna = "INKSNA"

    /// The code used on the command line and in JSON (`EL`, `SDN`, …).
    public var code: String { rawValue }

    /// The full name and agency, as the Consolidated Screening List writes it in its `source` column.
    public var title: String {
        switch self {
        case .entityList: "Entity List (EL) - Bureau of Industry and Security"
        case .deniedPersons: "Denied Persons List (DPL) - Bureau of Industry and Security"
        case .unverified: "Unverified List (UVL) - Bureau of Industry and Security"
        case .militaryEndUser: "Military End User (MEU) List - Bureau of Industry and Security"
        case .nonproliferation: "Nonproliferation Sanctions (ISN) - State Department"
        case .itarDebarred: "ITAR Debarred (DTC) - State Department"
        case .sdn: "Specially Designated Nationals (SDN) - Treasury Department"
        case .sectoral: "Sectoral Sanctions Identifications List (SSI) - Treasury Department"
        case .sanctionsEvaders: "Foreign Sanctions Evaders (FSE) - Treasury Department"
        case .palestinianLegislativeCouncil: "Palestinian Legislative Council List (PLC) - Treasury Department"
        case .capta: "Capta List (CAP) - Treasury Department"
        case .menuBased: "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department"
        case .chineseMilitaryIndustrial:
            "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department"
        case .part561: "Part 561 List (561) - Treasury Department"
        case .iranSanctionsAct: "Non-SDN Iran Sanctions Act List (NS-ISA) - Treasury Department"
        case .militaryIntelligenceEndUser:
            "Military-Intelligence End User (MIEU) - Bureau of Industry and Security"
        case .chineseMilitaryCompanies:
            "Chinese Military Companies (Section 1260H) - Department of Defense"
        case .fccCovered: "Covered List (FCC) - Federal Communications Commission"
        case .section889: "Section 889 of the FY2019 NDAA - telecommunications and video surveillance companies"
        case .section5949: "Section 5949 of the FY2023 NDAA - semiconductor companies"
        case .section154: "Section 154 of the FY2024 NDAA - battery makers"
        case .section1286: "Section 1286 of the FY2019 NDAA - foreign institutions of concern in research"
        case .section353: "Section 353(b) of the Northern Triangle Act - corrupt and undemocratic actors"
        case .inksna: "Iran, North Korea, and Syria Nonproliferation Act sanctions (INKSNA) - State Department"
        }
    }

    /// The agency that publishes the list.
    public var agency: String {
        switch self {
        case .entityList, .deniedPersons, .unverified, .militaryEndUser: "Commerce/BIS"
        case .nonproliferation: "State/ISN"
        case .itarDebarred: "State/DDTC"
        case .militaryIntelligenceEndUser: "Commerce/BIS"
        case .chineseMilitaryCompanies: "Defense/DoD"
        case .fccCovered: "FCC"
        case .section889, .section5949, .section154, .section1286: "Congress (NDAA)"
        case .section353, .inksna: "State"
        default: "Treasury/OFAC"
        }
    }

    /// Whether the Consolidated Screening List still carries this source.
    public var isRetired: Bool { self == .part561 || self == .iranSanctionsAct }

    /// Whether the source is one of the US lists outside the Consolidated Screening List (read from their own
    /// files, never from the CSL).
    public var isOutsideCSL: Bool {
        switch self {
        case .militaryIntelligenceEndUser, .chineseMilitaryCompanies, .fccCovered, .section889, .section5949,
            .section154, .section1286, .section353, .inksna:
            true
        default: false
        }
    }

    /// Reads a source from its code (`EL`), its CSL title, or a title that merely contains the code in
    /// parentheses, as older files write it.
    public init?(lenient text: String) {
        let trimmed = text.trimmed
        if let exact = ListSource(rawValue: trimmed.uppercased()) {
            self = exact
            return
        }
        if let byTitle = ListSource.allCases.first(where: { $0.title == trimmed }) {
            self = byTitle
            return
        }
        // "Capta List (CAP) - …", "Non-SDN Menu-Based Sanctions List (NS-MBS List) - …"
        for source in ListSource.allCases
        where trimmed.contains("(\(source.code))")
            || trimmed.contains("(\(source.code) List)")
        {
            self = source
            return
        }
        switch trimmed.lowercased() {
        case "csl-el", "entity list": self = .entityList
        case "denied persons list": self = .deniedPersons
        default: return nil
        }
    }

    public static func < (lhs: ListSource, rhs: ListSource) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
