public import VetterCore
public import VetterMatch

/// The JSON answer to one screen, shared by `vetter screen --json`, `vetter batch` and the HTTP API.
public struct ScreeningReport: Codable, Sendable {
    public struct Query: Codable, Sendable {
        public var name: String
        public var country: String?
        public var type: String?
        public var sources: [String]?
        public var threshold: Double
        public var limit: Int
        /// The day the answer is for, when it is not today's lists.
        public var asOf: String?

        enum CodingKeys: String, CodingKey {
            case name, country, type, sources, threshold, limit, asOf = "as_of"
        }
    }

    public struct Match: Codable, Sendable {
        public var entryID: String
        public var source: String
        public var sourceTitle: String
        public var name: String
        public var matchedName: String
        public var matchedNameKind: String
        public var weakAlias: Bool
        public var score: Double
        public var type: String
        public var countries: [String]
        public var programs: [String]
        public var citations: [String]
        public var startDate: String?
        public var licenseRequirement: String?
        public var licensePolicy: String?
        public var explanation: MatchExplanation?

        enum CodingKeys: String, CodingKey {
            case entryID = "entry_id", source, sourceTitle = "source_title", name, matchedName = "matched_name"
            case matchedNameKind = "matched_name_kind", weakAlias = "weak_alias", score, type, countries, programs
            case citations, startDate = "start_date", licenseRequirement = "license_requirement"
            case licensePolicy = "license_policy", explanation
        }

        public init(_ match: ScreeningMatch, explain: Bool) {
            let entry = match.entry
            entryID = entry.id
            source = entry.source.code
            sourceTitle = entry.source.title
            name = entry.name
            matchedName = match.matchedName
            matchedNameKind = match.matchedNameKind
            weakAlias = match.matchedWeakAlias
            score = match.score
            type = entry.type.rawValue
            countries = entry.countries
            programs = entry.programs
            citations = entry.rawCitation.map { [$0] } ?? []
            if !entry.citations.isEmpty { citations = entry.citations.map(\.description) }
            startDate = entry.startDate?.description
            licenseRequirement = entry.licenseRequirement
            licensePolicy = entry.licensePolicy
            explanation = explain ? match.explanation : nil
        }
    }

    public var query: Query
    public var matches: [Match]

    public init(query: ScreeningQuery, matches: [ScreeningMatch], explain: Bool, asOf: LocalDate? = nil) {
        self.query = Query(
            name: query.name, country: query.country, type: query.type?.rawValue,
            sources: query.sources.map { $0.map(\.code).sorted() }, threshold: query.threshold, limit: query.limit,
            asOf: asOf?.description)
        self.matches = matches.map { Match($0, explain: explain) }
    }
}
