public import Foundation
public import VetterCore
public import VetterMatch

/// A party's role in an export (§748.5(c)–(f), and the forwarder who moves it).
public enum PartyRole: String, Sendable, Codable, CaseIterable {
    case purchaser
    case intermediateConsignee = "intermediate_consignee"
    case ultimateConsignee = "ultimate_consignee"
    case endUser = "end_user"
    case freightForwarder = "freight_forwarder"
}

/// One item of an export.
public struct TransactionItem: Sendable, Codable {
    public var eccn: ECCN
    public var description: String?
    public var quantity: Double?

    public init(eccn: ECCN, description: String? = nil, quantity: Double? = nil) {
        self.eccn = eccn
        self.description = description
        self.quantity = quantity
    }
}

/// One party of an export, as given.
public struct TransactionParty: Sendable, Codable {
    public var name: String
    public var role: PartyRole?
    public var country: String?
    public var type: PartyType?

    public init(name: String, role: PartyRole? = nil, country: String? = nil, type: PartyType? = nil) {
        self.name = name
        self.role = role
        self.country = country
        self.type = type
    }
}

/// An export to check: its parties, its items, and the day.
public struct Transaction: Sendable, Codable {
    public var parties: [TransactionParty]
    public var items: [TransactionItem]
    public var date: LocalDate?

    public init(parties: [TransactionParty], items: [TransactionItem], date: LocalDate? = nil) {
        self.parties = parties
        self.items = items
        self.date = date
    }

    /// Reads `{"parties": [{"name", "role", "country", "type"}], "items": [{"eccn", "description", "quantity"}],
    /// "date"}`, naming the field at fault in any error.
    public static func parse(_ data: Data) throws(RulesError) -> Transaction {
        struct Body: Decodable {
            struct Party: Decodable {
                var name: String?
                var role: String?
                var country: String?
                var type: String?
            }
            struct Item: Decodable {
                var eccn: String?
                var description: String?
                var quantity: Double?
            }
            var parties: [Party]?
            var items: [Item]?
            var date: String?
        }
        let root: Body
        do {
            root = try StrictDecoding.decode(Body.self, from: data, what: "a JSON object (a transaction)")
        } catch {
            throw RulesError(.invalidTransaction, field: error.field, error.message)
        }
        guard let parties = root.parties, !parties.isEmpty else {
            throw RulesError(.invalidTransaction, field: "parties", "a non-empty array of parties is required")
        }
        guard let items = root.items, !items.isEmpty else {
            throw RulesError(.invalidTransaction, field: "items", "a non-empty array of items is required")
        }
        guard parties.count <= maximumParties else {
            throw RulesError(
                .tooLarge, field: "parties", "a transaction has at most \(maximumParties) parties, not \(parties.count)"
            )
        }
        guard items.count <= maximumItems else {
            throw RulesError(
                .tooLarge, field: "items", "a transaction has at most \(maximumItems) items, not \(items.count)")
        }
        var result = Transaction(parties: [], items: [])
        for (index, party) in parties.enumerated() {
            var role: PartyRole?
            if let text = party.role {
                guard let parsed = PartyRole(rawValue: text) else {
                    throw RulesError(
                        .invalidTransaction, field: "parties[\(index)].role",
                        "'\(text.escapingControlCharacters)' is not one of \(PartyRole.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                role = parsed
            }
            do {
                result.parties.append(
                    TransactionParty(
                        name: try PartyInput.name(party.name), role: role,
                        country: try PartyInput.country(party.country),
                        type: try PartyInput.type(party.type)))
            } catch {
                throw RulesError(.invalidTransaction, field: "parties[\(index)].\(error.field)", error.message)
            }
        }
        for (index, item) in items.enumerated() {
            guard let code = item.eccn else {
                throw RulesError(.invalidTransaction, field: "items[\(index)].eccn", "an item needs an ECCN or EAR99")
            }
            let eccn: ECCN
            do { eccn = try ECCN(code) } catch {
                throw RulesError(.invalidECCN, field: "items[\(index)].eccn", error.message)
            }
            result.items.append(TransactionItem(eccn: eccn, description: item.description, quantity: item.quantity))
        }
        if let text = root.date {
            guard let date = LocalDate(strict: text) else {
                throw RulesError(
                    .invalidTransaction, field: "date",
                    "'\(text.escapingControlCharacters)' is not a day of the calendar (YYYY-MM-DD)")
            }
            result.date = date
        }
        return result
    }

    /// The most parties one transaction may name: an export has a purchaser, consignees, an end user and a
    /// forwarder, not hundreds (screen many parties with a batch).
    public static let maximumParties = 25
    /// The most items one transaction may list.
    public static let maximumItems = 200
}

/// The answer for one party: what each matched listing means for each item.
public struct PartyCheck: Sendable, Codable {
    public struct Item: Sendable, Codable {
        public var eccn: String
        public var description: String?
        public var decision: Decision
        public var reasons: [String]
    }

    public struct Match: Sendable, Codable {
        public var entryID: String
        public var source: String
        public var name: String
        public var matchedName: String
        public var score: Double
        /// The case of this (party, entry) pair, and where it stands.
        public var caseID: Int64?
        public var caseState: CaseState?
    }

    public var name: String
    public var role: PartyRole?
    public var country: String?
    public var decision: Decision
    public var matches: [Match]
    public var items: [Item]
    public var entries: [EntryDetermination]
    /// A reviewer confirmed one of the matches as this party.
    public var blocked = false
    /// What the ownership data makes of this party (absent when it says nothing of it).
    public var ownedBy: [OwnershipGround] = []

    /// Marks each match with its case (by source and entry id), and the party blocked when one is confirmed.
    public mutating func attach(reviews: [(source: String, entryID: String, review: HitReview?)]) {
        for (source, entryID, review) in reviews {
            guard let review else { continue }
            for position in matches.indices
            where matches[position].source == source && matches[position].entryID == entryID {
                matches[position].caseID = review.caseID
                matches[position].caseState = review.state
            }
            if review.state == .confirmed { blocked = true }
        }
    }
}

/// The answer for a party check or a whole transaction.
public struct CheckResult: Sendable, Codable {
    public var decision: Decision
    public var date: LocalDate
    public var items: [PartyCheck.Item]
    public var entries: [EntryDetermination]
    public var parties: [PartyCheck]
    /// What the answer does not cover.
    public var scope: String
    /// When it was answered, from which list versions, and how old their data was (set by the service that
    /// screened the parties).
    public var screenedAt: Date?
    public var listVersions: [VersionReference] = []
    public var dataDate: LocalDate?
    public var dataAgeDays: Int?

    public mutating func attach(_ evidence: Evidence) {
        screenedAt = evidence.screenedAt
        listVersions = evidence.listVersions
        dataDate = evidence.dataDate
        dataAgeDays = evidence.dataAgeDays
    }

    public static let scopeNote =
        "Lists only: this answer covers the restricted-party lists loaded. The Commerce Country Chart, end-use and end-user controls outside the lists, embargoes and de minimis rules are not assessed. Each match is treated as the party: a reviewer must confirm or clear it."
}

extension LicenceDecider {
    /// What the listings matched for a party mean for each item, on `date`.
    public static func check(
        party: TransactionParty, matches: [ScreeningMatch], items: [TransactionItem], date: LocalDate
    ) -> PartyCheck {
        var determinations: [EntryDetermination] = []
        var results: [PartyCheck.Item] = []
        var applicable: [ScreeningMatch] = []
        var notInForce: [String] = []
        for match in matches {
            if match.entry.isInForce(on: date) {
                applicable.append(match)
            } else {
                notInForce.append(
                    "\(match.entry.source.code) \(match.entry.id) (\(match.entry.name)) was not in force on \(date)"
                        + (match.entry.startDate.map { ": listed from \($0)" } ?? ""))
            }
        }
        for item in items {
            var decision = Decision.noLicenseRequired
            var reasons: [String] = []
            for match in applicable {
                guard let determination = determine(match.entry, item: item.eccn, on: date) else { continue }
                determinations.append(determination)
                decision = max(decision, determination.decision)
                let label =
                    "\(determination.source) \(determination.entryID) (\(match.entry.name), matched as \"\(match.matchedName)\", score \(match.score))"
                reasons.append("\(label): \(determination.decision.rawValue)")
                reasons.append(contentsOf: determination.reasons.map { "  \($0)" })
                reasons.append(contentsOf: determination.conditions.map { "  Condition: \($0)" })
                reasons.append("  Under: \(determination.regulation)")
                if !determination.citations.isEmpty {
                    reasons.append("  Federal Register: \(determination.citations.joined(separator: "; "))")
                }
            }
            if applicable.isEmpty {
                reasons.append(
                    "No listed party matched \"\(party.name)\": the lists require no licence for this party.")
            }
            reasons.append(contentsOf: notInForce)
            results.append(
                PartyCheck.Item(
                    eccn: item.eccn.value, description: item.description, decision: decision, reasons: reasons))
        }
        return PartyCheck(
            name: party.name, role: party.role, country: party.country,
            decision: results.map(\.decision).max() ?? .noLicenseRequired,
            matches: applicable.map {
                PartyCheck.Match(
                    entryID: $0.entry.id, source: $0.entry.source.code, name: $0.entry.name,
                    matchedName: $0.matchedName, score: $0.score)
            },
            items: results, entries: determinations)
    }

    /// Combines party checks: the most restrictive answer wins, per item and overall.
    public static func combine(_ parties: [PartyCheck], items: [TransactionItem], date: LocalDate) -> CheckResult {
        var combined: [PartyCheck.Item] = []
        for (index, item) in items.enumerated() {
            var decision = Decision.noLicenseRequired
            var reasons: [String] = []
            for party in parties {
                let partItem = party.items[index]
                decision = max(decision, partItem.decision)
                let who = party.role.map { "\(party.name) (\($0.rawValue))" } ?? party.name
                reasons.append(contentsOf: partItem.reasons.map { parties.count > 1 ? "\(who): \($0)" : $0 })
            }
            combined.append(
                PartyCheck.Item(
                    eccn: item.eccn.value, description: item.description, decision: decision, reasons: reasons))
        }
        return CheckResult(
            decision: combined.map(\.decision).max() ?? .noLicenseRequired, date: date, items: combined,
            entries: parties.flatMap(\.entries), parties: parties, scope: CheckResult.scopeNote)
    }
}
