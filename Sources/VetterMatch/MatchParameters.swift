import Foundation

/// The tunable constants of the scorer (``ScreeningIndex``), with the values chosen on the development set.
///
/// They are exposed for experiments and for a compliance team that must document its own settings; the
/// `VETTER_MATCH_PARAMETERS` environment variable (`name=value,…`) overrides them in the CLI.
public struct MatchParameters: Sendable, Codable, Hashable {
    /// Share of the name score kept when the query covers none of the listed name's other words.
    public var listedFloor = 0.6
    /// Word weight is `idf ^ idfExponent`: above 1 makes rare words dominate more.
    public var idfExponent = 1.0
    /// Weight of a legal form (`ltd`, `llc` …).
    public var legalFormWeight = 0.35
    /// Weight of a stop word (`of`, `the`, `de` …).
    public var stopWordWeight = 0.1
    /// Weight of a place name, whatever its rarity: context, not identity.
    public var placeWeight = 1.0
    /// Factor when query and listed name each have a place the other lacks (two places: two legal entities).
    public var placeConflict = 0.85
    /// Weight of a patronymic ("Vladimirovich"): lists and records write it or leave it out alike.
    public var patronymicWeight = 0.35
    /// Factor when query and listed name each have a patronymic and the two differ: another person's father.
    public var patronymicConflict = 0.75
    /// Factor when a person listed "SURNAME, Given" is matched without the first word of the family name: the
    /// given names and a second family name ("Manuel Rodriguez" / "VALDEZ RODRIGUEZ, Manuel Arturo") are shared
    /// by many people; the family name is what identifies.
    public var familyNameMissing = 0.85
    /// Factor when an organisation's name has the query's single letters in another order: another acronym.
    public var letterOrderConflict = 0.7
    /// Weight of a one-letter word (an initial).
    public var initialWeight = 1.0
    /// How much it costs when the listed name's most distinctive word is left out while only lesser words
    /// matched: the score falls by this share of the gap between the two words' weights (0 turns it off).
    public var missingCorePenalty = 0.5
    /// Factor for a country that is not among the entry's countries.
    public var countryConflict = 0.92
    /// Added for a country that is among the entry's countries.
    public var countryMatchBonus = 0.02
    /// Factor when query and listed name each have a number the other lacks ("Warta 7" / "Warta 1"): another
    /// vessel of a series, another numbered unit or branch.
    public var numberConflict = 0.8
    /// Factor for a person matched against a company, vessel or aircraft, or the reverse.
    public var typeConflict = 0.85
    /// Factor for a match on an OFAC weak alias.
    public var weakAlias = 0.9
    /// Added when the query's date of birth agrees with one of a listed person's.
    public var birthDateMatchBonus = 0.05
    /// Factor when the query's year of birth is more than one year from every listed person's.
    public var birthDateConflict = 0.75
    /// The least score of an entry that carries one of the query's identifiers: a score of
    /// `identifierFloor + (1 − identifierFloor) × name score`.
    public var identifierFloor = 0.8

    public init() {}

    /// Parses `name=value,…`; unknown names are an error.
    public init(overrides text: String) throws(MatchParametersError) {
        self.init()
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let value = Double(parts[1]) else { throw MatchParametersError(text: String(item)) }
            switch parts[0] {
            case "listedFloor": listedFloor = value
            case "idfExponent": idfExponent = value
            case "legalFormWeight": legalFormWeight = value
            case "stopWordWeight": stopWordWeight = value
            case "placeWeight": placeWeight = value
            case "placeConflict": placeConflict = value
            case "initialWeight": initialWeight = value
            case "patronymicWeight": patronymicWeight = value
            case "patronymicConflict": patronymicConflict = value
            case "familyNameMissing": familyNameMissing = value
            case "letterOrderConflict": letterOrderConflict = value
            case "missingCorePenalty": missingCorePenalty = value
            case "countryConflict": countryConflict = value
            case "countryMatchBonus": countryMatchBonus = value
            case "typeConflict": typeConflict = value
            case "numberConflict": numberConflict = value
            case "weakAlias": weakAlias = value
            case "birthDateMatchBonus": birthDateMatchBonus = value
            case "birthDateConflict": birthDateConflict = value
            case "identifierFloor": identifierFloor = value
            default: throw MatchParametersError(text: String(item))
            }
        }
    }
}

/// A `VETTER_MATCH_PARAMETERS` item that is not `name=number` for a known name.
public struct MatchParametersError: Error, CustomStringConvertible {
    public var text: String
    public var description: String { "VETTER_MATCH_PARAMETERS: '\(text)' is not name=number for a known parameter" }
}
