public import VetterCore

/// What to screen, and how strictly.
public struct ScreeningQuery: Sendable, Codable, Hashable {
    public var name: String
    /// ISO-2 country of the party, as context: a match raises the score a little, a conflict lowers it.
    public var country: String?
    /// Party type, as context: a conflict (a person against a company) lowers the score.
    public var type: PartyType?
    /// The party's date of birth (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), as context for a listed person: agreeing
    /// with a listed date raises the score a little, a year more than one from every listed date lowers it.
    public var dateOfBirth: String?
    /// The party's identifiers (passport, national ID, registration or IMO numbers), as evidence: one that a
    /// listed entry also carries makes the match at least ``MatchParameters/identifierFloor``, whatever the name.
    public var identifiers: [String]
    /// Only these sources, when set (a filter, not context).
    public var sources: Set<ListSource>?
    /// Only entries tied to ``country`` (a filter), when true.
    public var filterByCountry: Bool
    /// Matches scoring below this are not returned.
    public var threshold: Double
    /// At most this many matches.
    public var limit: Int
    /// Whether matches carry their ``MatchExplanation`` (batch screening that only needs scores can skip it).
    public var explain: Bool

    public init(
        name: String, country: String? = nil, type: PartyType? = nil, sources: Set<ListSource>? = nil,
        filterByCountry: Bool = false, threshold: Double = ScreeningIndex.defaultThreshold, limit: Int = 10,
        explain: Bool = true, dateOfBirth: String? = nil, identifiers: [String] = []
    ) {
        self.explain = explain
        self.dateOfBirth = dateOfBirth
        self.identifiers = identifiers
        self.name = name
        self.country = country?.uppercased()
        self.type = type
        self.sources = sources
        self.filterByCountry = filterByCountry
        self.threshold = threshold
        self.limit = limit
    }
}

/// One listed entry that matched a query, with the reasons.
public struct ScreeningMatch: Sendable, Codable {
    public var entry: ListEntry
    /// 0…1; see ``ScreeningIndex`` for what it means.
    public var score: Double
    /// The listed name or alias that matched best.
    public var matchedName: String
    /// `primary`, or the alias kind (`aka`, `fka`, `nka`).
    public var matchedNameKind: String
    public var matchedWeakAlias: Bool
    public var explanation: MatchExplanation
}

/// How a query word and a listed word matched.
public enum WordMatch: String, Sendable, Codable, CaseIterable {
    /// The same word (after normalisation).
    case exact
    /// A typing error: within the edit distance allowed for the word's length.
    case typo
    /// A spelling of the same sounds: a transliteration variant (same consonant skeleton) or a known alternative.
    case transliteration
    /// An initial for a word, either way round ("J" for "Jorge").
    case initial
    /// Two words on one side written as one on the other ("Hik Vision" / "Hikvision").
    case compound
}

/// Why a name matched: the words aligned, what each contributed, and what was adjusted.
public struct MatchExplanation: Sendable, Codable {
    public struct Alignment: Sendable, Codable {
        /// The query's word (several joined with "+" when they matched one listed word together).
        public var query: String
        /// The listed word (several joined with "+" likewise).
        public var listed: String
        public var how: WordMatch
        public var similarity: Double
        /// The listed word's weight: rare words weigh more.
        public var weight: Double
        /// Share of the name score this pair carries.
        public var contribution: Double
    }

    public var queryTokens: [String]
    public var listedTokens: [String]
    public var alignments: [Alignment]
    public var unmatchedQuery: [String]
    public var unmatchedListed: [String]
    /// Weighted share of the query's words that found a listed word.
    public var queryCoverage: Double
    /// Weighted share of the listed name's words that the query covered.
    public var listedCoverage: Double
    /// The score of the name alone, before context adjustments.
    public var nameScore: Double
    /// Context adjustments: country, type, weak alias.
    public var adjustments: [String]
    /// What normalisation changed in the query.
    public var normalization: [String]
}
