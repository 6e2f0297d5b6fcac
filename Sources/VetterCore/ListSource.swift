import Foundation

/// One published restricted-party list, as US agencies define it.
///
/// A source is the unit of legal meaning: the Entity List and the SDN list attach different consequences to a
/// match, so every ``ListEntry`` carries exactly one source, and a party listed twice is two entries. Sources the
/// Consolidated Screening List has dropped (the Part 561 list, NS-ISA) stay here so that history can name them.
public struct ListSource: RawRepresentable, Codable, CaseIterable, Sendable, Comparable, Hashable {
    /// The list's code: one of the published lists' (`EL`, `SDN`, …), or `X-NAME` for a company's own list.
    public let rawValue: String

    private init(code: String) { rawValue = code }

    /// A published list by its code, or an in-house list by its `X-NAME` code; nil for anything else.
    public init?(rawValue: String) {
        if let known = Self.allCases.first(where: { $0.rawValue == rawValue }) {
            self = known
        } else if let name = rawValue.hasPrefix("X-") ? String(rawValue.dropFirst(2)) : nil,
            let house = Self.inHouse(name), house.rawValue == rawValue
        {
            self = house
        } else {
            return nil
        }
    }

    public static let entityList = ListSource(code: "EL")
    public static let deniedPersons = ListSource(code: "DPL")
    public static let unverified = ListSource(code: "UVL")
    public static let militaryEndUser = ListSource(code: "MEU")
    public static let nonproliferation = ListSource(code: "ISN")
    public static let itarDebarred = ListSource(code: "DTC")
    public static let sdn = ListSource(code: "SDN")
    public static let sectoral = ListSource(code: "SSI")
    public static let sanctionsEvaders = ListSource(code: "FSE")
    public static let palestinianLegislativeCouncil = ListSource(code: "PLC")
    public static let capta = ListSource(code: "CAP")
    public static let menuBased = ListSource(code: "NS-MBS")
    public static let chineseMilitaryIndustrial = ListSource(code: "CMIC")
    public static let part561 = ListSource(code: "561")
    public static let iranSanctionsAct = ListSource(code: "NS-ISA")
    public static let militaryIntelligenceEndUser = ListSource(code: "MIEU")
    public static let chineseMilitaryCompanies = ListSource(code: "1260H")
    public static let fccCovered = ListSource(code: "FCC")
    public static let section889 = ListSource(code: "889")
    public static let section5949 = ListSource(code: "5949")
    public static let section154 = ListSource(code: "154")
    public static let section1286 = ListSource(code: "1286")
    public static let section353 = ListSource(code: "353")
    public static let inksna = ListSource(code: "INKSNA")

    /// The published lists, in the order answers list them; in-house lists come after, by name.
    public static let allCases: [ListSource] = [
        .entityList, .deniedPersons, .unverified, .militaryEndUser, .nonproliferation, .itarDebarred, .sdn, .sectoral,
        .sanctionsEvaders, .palestinianLegislativeCouncil, .capta, .menuBased, .chineseMilitaryIndustrial, .part561,
        .iranSanctionsAct, .militaryIntelligenceEndUser, .chineseMilitaryCompanies, .fccCovered, .section889,
        .section5949, .section154, .section1286, .section353, .inksna,
    ]

    /// A company's own list (`vetter import --as NAME`): its code is `X-` and the name in capitals. A name is 1 to
    /// 40 letters, digits or hyphens; nil otherwise.
    public static func inHouse(_ name: String) -> ListSource? {
        let upper = name.uppercased()
        guard (1...40).contains(upper.count),
            upper.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }),
            upper.first != "-"
        else { return nil }
        return ListSource(code: "X-" + upper)
    }

    /// Whether this is a company's own list rather than a published one.
    public var isInHouse: Bool { rawValue.hasPrefix("X-") }

    /// The in-house list's name (`ACME-DENY` for `X-ACME-DENY`).
    public var inHouseName: String? { isInHouse ? String(rawValue.dropFirst(2)) : nil }

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
        default: "In-house list \(inHouseName ?? rawValue)"
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
        default: isInHouse ? "In-house" : "Treasury/OFAC"
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
        switch (allCases.firstIndex(of: lhs), allCases.firstIndex(of: rhs)) {
        case (let left?, let right?): left < right
        case (.some, nil): true
        case (nil, .some): false
        case (nil, nil): lhs.rawValue < rhs.rawValue
        }
    }
}
