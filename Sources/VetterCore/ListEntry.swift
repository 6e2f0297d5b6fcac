public import Foundation

/// One listing of one party on one ``ListSource``, with everything the list says about it.
///
/// Entries are immutable values: a changed listing is a new entry value in a new list version, and the store keeps
/// both. Fields hold the list's own words (``rawName``, ``licenseRequirement``, ``licensePolicy``) next to the
/// structured values derived from them, so an auditor can always see what was published.
public struct ListEntry: Hashable, Sendable, Codable {
    /// Stable identifier within the source: the CSL `_id`, or the OFAC `ent_num`.
    public var id: String
    public var source: ListSource
    public var type: PartyType
    /// The primary name, with inline aliases and boilerplate ("and any successor …") split off.
    public var name: String
    /// The name cell exactly as the list wrote it.
    public var rawName: String
    public var aliases: [Alias]
    public var addresses: [Address]
    /// ISO 3166-1 alpha-2 codes the entry is tied to (addresses, nationality, citizenship), without duplicates.
    public var countries: [String]
    public var programs: [String]
    public var identityDocuments: [IdentityDocument]
    public var datesOfBirth: [String]
    public var placesOfBirth: [String]
    public var nationalities: [String]
    public var citizenships: [String]
    public var title: String?
    /// Federal Register citations in the order the list gives them.
    public var citations: [FederalRegisterCitation]
    /// The citation cell as written.
    public var rawCitation: String?
    public var startDate: LocalDate?
    public var endDate: LocalDate?
    /// Entity List: the "License Requirement" column, verbatim.
    public var licenseRequirement: String?
    /// Entity List: the "License Review Policy" column, verbatim.
    public var licensePolicy: String?
    /// BIS lists: whether the standard denial order applies (`Y` / `N`).
    public var standardOrder: Bool?
    /// The listing also covers "any successor, sub-unit, or subsidiary thereof".
    public var coversSuccessors: Bool
    public var remarks: String?
    /// OFAC's unique id (`ent_num`), where the source is OFAC's.
    public var entityNumber: String?
    public var vessel: VesselDetails?
    public var sourceListURL: String?
    public var sourceInformationURL: String?
    /// On a company's own list only: whether a match blocks the party or sends it to review.
    public var inHouseEffect: InHouseEffect?

    public init(
        id: String, source: ListSource, type: PartyType = .unknown, name: String, rawName: String? = nil,
        aliases: [Alias] = [], addresses: [Address] = [], countries: [String] = [], programs: [String] = [],
        identityDocuments: [IdentityDocument] = [], datesOfBirth: [String] = [], placesOfBirth: [String] = [],
        nationalities: [String] = [], citizenships: [String] = [], title: String? = nil,
        citations: [FederalRegisterCitation] = [], rawCitation: String? = nil, startDate: LocalDate? = nil,
        endDate: LocalDate? = nil, licenseRequirement: String? = nil, licensePolicy: String? = nil,
        standardOrder: Bool? = nil, coversSuccessors: Bool = false, remarks: String? = nil,
        entityNumber: String? = nil, vessel: VesselDetails? = nil, sourceListURL: String? = nil,
        sourceInformationURL: String? = nil, inHouseEffect: InHouseEffect? = nil
    ) {
        self.inHouseEffect = inHouseEffect
        self.id = id
        self.source = source
        self.type = type
        self.name = name
        self.rawName = rawName ?? name
        self.aliases = aliases
        self.addresses = addresses
        self.countries = countries
        self.programs = programs
        self.identityDocuments = identityDocuments
        self.datesOfBirth = datesOfBirth
        self.placesOfBirth = placesOfBirth
        self.nationalities = nationalities
        self.citizenships = citizenships
        self.title = title
        self.citations = citations
        self.rawCitation = rawCitation
        self.startDate = startDate
        self.endDate = endDate
        self.licenseRequirement = licenseRequirement
        self.licensePolicy = licensePolicy
        self.standardOrder = standardOrder
        self.coversSuccessors = coversSuccessors
        self.remarks = remarks
        self.entityNumber = entityNumber
        self.vessel = vessel
        self.sourceListURL = sourceListURL
        self.sourceInformationURL = sourceInformationURL
    }

    /// The canonical form's keys, spelled out: an entry's content hash (``contentHash``) is the SHA-256 of its
    /// canonical JSON, so these strings — not the Swift property names — are the contract. Renaming a property
    /// must leave its key as it is; changing a key, or what a value means, is a new ``canonicalSchema``.
    enum CodingKeys: String, CodingKey {
        case id, source, type, name, rawName, aliases, addresses, countries, programs, identityDocuments
        case datesOfBirth, placesOfBirth, nationalities, citizenships, title, citations, rawCitation, startDate
        case endDate, licenseRequirement, licensePolicy, standardOrder, coversSuccessors, remarks, entityNumber
        case vessel, sourceListURL, sourceInformationURL, inHouseEffect
    }

    /// The version of the canonical form the hashes are computed over; stored with every list version, so a
    /// future form can be told apart and re-hashed once.
    public static let canonicalSchema = 1

    /// Canonical form, schema 1: JSON with the keys of ``CodingKeys`` (and of ``Alias``, ``Address``,
    /// ``IdentityDocument``, ``VesselDetails``, ``FederalRegisterCitation``) sorted, absent values left out, days
    /// as `YYYY-MM-DD`, no whitespace; Foundation's escaping of strings.
    public func canonicalJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// SHA-256 of ``canonicalJSON()``, hex: equal for two entries that say the same, whichever file they came in.
    public func contentHash() throws -> String { SHA256.hex(try canonicalJSON()) }

    /// The primary name followed by every alias: what a screen compares a query with.
    public var allNames: [(name: String, alias: Alias?)] {
        [(name, nil)] + aliases.map { ($0.name, $0) }
    }

    /// Whether the entry was in force on `date` by its own start and end dates (versions aside).
    public func isInForce(on date: LocalDate) -> Bool {
        if let startDate, startDate.year > 1900, date < startDate { return false }
        if let endDate, endDate.year > 1900, endDate < date { return false }
        return true
    }
}

/// Another name under which a listed party is known.
public struct Alias: Hashable, Sendable, Codable {
    public enum Kind: String, Codable, Sendable {
        /// also known as
        case aka
        /// formerly known as
        case fka
        /// now known as
        case nka
    }

    public var name: String
    public var kind: Kind
    /// OFAC "weak" (low-quality) aliases are meant to confirm a match, never to raise one on their own
    /// (OFAC FAQs 122–124).
    public var isWeak: Bool

    /// Keys of the canonical form (``ListEntry/canonicalJSON()``).
    enum CodingKeys: String, CodingKey { case name, kind, isWeak }

    public init(name: String, kind: Kind = .aka, isWeak: Bool = false) {
        self.name = name
        self.kind = kind
        self.isWeak = isWeak
    }
}

/// A postal address as lists give it; any part may be missing.
public struct Address: Hashable, Sendable, Codable {
    public var street: String?
    public var city: String?
    public var state: String?
    public var postalCode: String?
    /// ISO 3166-1 alpha-2 where the list gives or implies one.
    public var country: String?
    /// The address as written, when it came as one string.
    public var raw: String?

    /// Keys of the canonical form (``ListEntry/canonicalJSON()``).
    enum CodingKeys: String, CodingKey { case street, city, state, postalCode, country, raw }

    public init(
        street: String? = nil, city: String? = nil, state: String? = nil, postalCode: String? = nil,
        country: String? = nil, raw: String? = nil
    ) {
        self.street = street
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.country = country
        self.raw = raw
    }

    /// One line for display.
    public var formatted: String {
        if let raw, !raw.isEmpty { return raw }
        return [street, city, state, postalCode, country].compactMap { $0 }.filter { !$0.isEmpty }
            .joined(separator: ", ")
    }
}

/// A passport, national id, IMO number or similar.
public struct IdentityDocument: Hashable, Sendable, Codable {
    public var type: String
    public var number: String
    public var country: String?

    /// Keys of the canonical form (``ListEntry/canonicalJSON()``).
    enum CodingKeys: String, CodingKey { case type, number, country }

    public init(type: String, number: String, country: String? = nil) {
        self.type = type
        self.number = number
        self.country = country
    }
}

/// What OFAC lists say about a vessel.
public struct VesselDetails: Hashable, Sendable, Codable {
    public var callSign: String?
    public var vesselType: String?
    public var grossTonnage: String?
    public var grossRegisteredTonnage: String?
    public var flag: String?
    public var owner: String?

    /// Keys of the canonical form (``ListEntry/canonicalJSON()``).
    enum CodingKeys: String, CodingKey { case callSign, vesselType, grossTonnage, grossRegisteredTonnage, flag, owner }

    public init(
        callSign: String? = nil, vesselType: String? = nil, grossTonnage: String? = nil,
        grossRegisteredTonnage: String? = nil, flag: String? = nil, owner: String? = nil
    ) {
        self.callSign = callSign
        self.vesselType = vesselType
        self.grossTonnage = grossTonnage
        self.grossRegisteredTonnage = grossRegisteredTonnage
        self.flag = flag
        self.owner = owner
    }

    public var isEmpty: Bool {
        [callSign, vesselType, grossTonnage, grossRegisteredTonnage, flag, owner].allSatisfy { $0 == nil }
    }
}

/// What a match on a company's own list does: `block` stops the export (company policy), `review` sends it to a
/// person.
public enum InHouseEffect: String, Codable, Sendable, Hashable, CaseIterable {
    case block
    case review
}
