public import Foundation
public import VetterCore
public import VetterMatch
public import VetterRules

/// The answer to one screen, shared by `vetter screen --json`, the HTTP API and the reviewers' page; encoded by
/// ``Wire``.
public struct ScreeningReport: Encodable, Sendable {
    public struct Query: Encodable, Sendable {
        public var name: String
        public var country: String?
        public var type: String?
        public var sources: [String]?
        public var threshold: Double
        public var limit: Int
        /// The day the answer is for, when it is not today's lists.
        public var asOf: String?
        /// The evidence given beside the name, when any.
        public var dateOfBirth: String?
        public var identifiers: [String]?
    }

    public struct Match: Encodable, Sendable {
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
        /// The case of this (party, entry) pair and where it stands: `cleared` hits are shown, never dropped.
        public var caseID: Int64?
        public var caseState: CaseState?

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
    public var screenedAt: Date
    /// The list versions the answer came from.
    public var listVersions: [VersionReference]
    /// The newest data date of those versions, and its age in days on the day of the screen.
    public var dataDate: LocalDate?
    public var dataAgeDays: Int?
    /// A reviewer confirmed one of the matches as this party: it is blocked.
    public var blocked: Bool
    /// What the stored ownership data makes of the party (``Screener/ownershipGrounds(for:on:)``): owned by listed
    /// parties, under which rule, through which chain. Empty when the data does not name it.
    public var ownedBy: [OwnershipGround] = []

    public init(
        query: ScreeningQuery, matches: [ScreeningMatch], explain: Bool, asOf: LocalDate? = nil, evidence: Evidence,
        reviews: [HitReview?] = []
    ) {
        self.query = Query(
            name: query.name, country: query.country, type: query.type?.rawValue,
            sources: query.sources.map { $0.map(\.code).sorted() }, threshold: query.threshold, limit: query.limit,
            asOf: asOf?.description, dateOfBirth: query.dateOfBirth,
            identifiers: query.identifiers.isEmpty ? nil : query.identifiers)
        self.matches = matches.enumerated().map { position, match in
            var wire = Match(match, explain: explain)
            if position < reviews.count, let review = reviews[position] {
                wire.caseID = review.caseID
                wire.caseState = review.state
            }
            return wire
        }
        blocked = self.matches.contains { $0.caseState == .confirmed }
        screenedAt = evidence.screenedAt
        listVersions = evidence.listVersions
        dataDate = evidence.dataDate
        dataAgeDays = evidence.dataAgeDays
    }
}
