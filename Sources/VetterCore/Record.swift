public import Foundation

/// One screening as the record keeps it: when, by whom, the party as given, the list versions and threshold
/// used, and every match with the entry's content hash.
public struct ScreeningRecord: Sendable, Codable, Hashable {
    public struct Match: Sendable, Codable, Hashable {
        public var source: String
        public var entryID: String
        /// The entry's content hash in the version screened against.
        public var entryHash: String
        public var score: Double
        /// The listed name, for the case a hit opens (not part of the record: the entry holds it).
        public var entryName: String

        public init(source: String, entryID: String, entryHash: String, score: Double, entryName: String = "") {
            self.source = source
            self.entryID = entryID
            self.entryHash = entryHash
            self.score = score
            self.entryName = entryName
        }

        enum CodingKeys: String, CodingKey { case source, entryID = "entry_id", entryHash = "entry_hash", score }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            source = try container.decode(String.self, forKey: .source)
            entryID = try container.decode(String.self, forKey: .entryID)
            entryHash = try container.decode(String.self, forKey: .entryHash)
            score = try container.decode(Double.self, forKey: .score)
            entryName = ""
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(source, forKey: .source)
            try container.encode(entryID, forKey: .entryID)
            try container.encode(entryHash, forKey: .entryHash)
            try container.encode(score, forKey: .score)
        }
    }

    /// `cli`, `api`, `web`, `batch`, `check` or `monitoring`.
    public var channel: String
    public var party: PartyRecord
    public var threshold: Double
    /// The ids of the list versions screened against (immutable; their content hashes are in the import records).
    public var versionIDs: [Int64]
    public var matches: [Match]

    enum CodingKeys: String, CodingKey { case channel, party, threshold, versionIDs = "version_ids", matches }

    public init(channel: String, party: PartyRecord, threshold: Double, versionIDs: [Int64], matches: [Match]) {
        self.channel = channel
        self.party = party
        self.threshold = threshold
        self.versionIDs = versionIDs
        self.matches = matches
    }
}

/// A party as it was given to a screening.
public struct PartyRecord: Sendable, Codable, Hashable {
    /// The caller's id: a watched party's, a batch row's.
    public var id: String?
    public var name: String
    public var country: String?
    public var type: PartyType?
    public var address: String?
    public init(
        id: String? = nil, name: String, country: String? = nil, type: PartyType? = nil, address: String? = nil
    ) {
        self.id = id
        self.name = name
        self.country = country
        self.type = type
        self.address = address
    }

    /// Who the party is across screenings and channels: its name and country as normalised for comparison (case
    /// and spacing do not make another party). Its type and address are its data (``dataHash``).
    public var key: String {
        let folded = name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return folded + "|" + (country ?? "")
    }

    /// A hash of what the party's own data says beyond its ``key`` (its type and address): when it changes, a
    /// cleared case reopens. Writing the name in another case or spacing changes nothing.
    public var dataHash: String {
        let address = address?.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ") ?? ""
        return SHA256.hex("[" + CanonicalJSON.string(type?.rawValue ?? "") + "," + CanonicalJSON.string(address) + "]")
    }
}

/// Where a case stands.
public enum CaseState: String, Sendable, Codable, CaseIterable {
    /// A reviewer must decide.
    case open
    /// A false positive: the pair is accepted until the entry or the party changes.
    case cleared
    /// A true match: the party is blocked.
    case confirmed
}

/// Which cases to list: every condition given must hold.
public struct CaseFilter: Sendable, Hashable {
    public var state: CaseState?
    /// One party, by its ``PartyRecord/key``.
    public var partyKey: String?
    /// Parties whose name (as folded in the key) contains this text, in any case.
    public var partyContains: String?

    public init(state: CaseState? = nil, partyKey: String? = nil, partyContains: String? = nil) {
        self.state = state
        self.partyKey = partyKey
        self.partyContains = partyContains
    }
}

/// Why a reviewer cleared a hit: a fixed list, so that reports can count them.
public enum ClearReason: String, Sendable, Codable, CaseIterable {
    /// The names differ in a way the score does not see (another given name, another company word).
    case differentName = "different_name"
    /// The party is in another country than every one the listing names.
    case differentCountry = "different_country"
    /// The person's date of birth differs from the listing's.
    case differentDateOfBirth = "different_date_of_birth"
    /// A passport, registration or tax number differs.
    case differentIdentifiers = "different_identifiers"
    /// A person matched a company, or the reverse.
    case differentPartyType = "different_party_type"
    /// The address differs from every address the listing gives.
    case differentAddress = "different_address"
    /// Other documented evidence (named in the note).
    case otherEvidence = "other_evidence"

    public var summary: String {
        switch self {
        case .differentName: "different name"
        case .differentCountry: "different country"
        case .differentDateOfBirth: "different date of birth"
        case .differentIdentifiers: "different identifiers"
        case .differentPartyType: "different party type"
        case .differentAddress: "different address"
        case .otherEvidence: "other evidence (see the note)"
        }
    }
}

/// A listed entry that matched a party, for a reviewer to decide: one per (party, entry), reopened in place when
/// something changes.
public struct ReviewCase: Sendable, Codable, Hashable {
    public var id: Int64
    public var partyKey: String
    public var partyName: String
    public var partyDataHash: String
    public var source: String
    public var entryID: String
    /// The entry's content hash the current state was decided on.
    public var entryHash: String
    public var entryName: String
    public var score: Double
    public var state: CaseState
    public var openedAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, partyKey: String, partyName: String, partyDataHash: String, source: String, entryID: String,
        entryHash: String, entryName: String, score: Double, state: CaseState, openedAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.partyKey = partyKey
        self.partyName = partyName
        self.partyDataHash = partyDataHash
        self.source = source
        self.entryID = entryID
        self.entryHash = entryHash
        self.entryName = entryName
        self.score = score
        self.state = state
        self.openedAt = openedAt
        self.updatedAt = updatedAt
    }
}

/// One step in a case's history: never edited, only followed by another.
public struct CaseEvent: Sendable, Codable, Hashable {
    public enum Action: String, Sendable, Codable {
        case opened, cleared, confirmed, reopened
    }

    public var caseID: Int64
    public var at: Date
    public var actor: String
    public var action: Action
    public var reason: ClearReason?
    public var note: String?
    /// The audit record that holds it.
    public var auditSeq: Int64

    public init(
        caseID: Int64, at: Date, actor: String, action: Action, reason: ClearReason?, note: String?, auditSeq: Int64
    ) {
        self.caseID = caseID
        self.at = at
        self.actor = actor
        self.action = action
        self.reason = reason
        self.note = note
        self.auditSeq = auditSeq
    }
}

/// How a hit stands against the case its (party, entry) pair has, for an answer.
public struct HitReview: Sendable, Codable, Hashable {
    public var caseID: Int64
    public var state: CaseState

    public init(caseID: Int64, state: CaseState) {
        self.caseID = caseID
        self.state = state
    }
}

/// What a hit does to its pair's case (``CaseRules/apply(to:hit:party:)``).
public enum CaseChange: Sendable, Equatable {
    /// No case yet: open one.
    case open
    /// Open already, or decided on the same entry and party data: nothing to write.
    case unchanged
    /// Decided (cleared or confirmed) on an entry or party data that changed since: open it again, saying what.
    case reopen(note: String)
}

/// The accept-list rules, with no I/O: the store applies them inside its write transaction.
public enum CaseRules {
    /// What a hit on `entryHash` for a party with `partyDataHash` does to the pair's case.
    public static func apply(to existing: ReviewCase?, entryHash: String, partyDataHash: String) -> CaseChange {
        guard let existing else { return .open }
        switch existing.state {
        case .open:
            return .unchanged
        case .cleared, .confirmed:
            var changes: [String] = []
            if existing.entryHash != entryHash { changes.append("the listed entry changed") }
            if existing.partyDataHash != partyDataHash { changes.append("the party's own data changed") }
            // A confirmed match stays blocked whatever the entry says now; only a reviewer lifts it.
            guard !changes.isEmpty, existing.state == .cleared else { return .unchanged }
            return .reopen(note: changes.joined(separator: "; "))
        }
    }
}

/// One record of the audit trail: each carries the hash of its content chained to the hash of the record
/// before it, so that an edit, a deletion, an insertion or a reordering anywhere breaks every hash after it.
public struct AuditRecord: Sendable, Codable, Hashable {
    public var seq: Int64
    /// Milliseconds since 1970 (an integer, so that the canonical form has one spelling).
    public var atMilliseconds: Int64
    /// `screening`, `case_opened`, `case_cleared`, `case_confirmed`, `case_reopened`, `import`, `key_created`,
    /// `key_revoked`, `webhook_added`, `pruned`.
    public var kind: String
    public var actor: String
    /// What the record is about, for search: a party key, a case id, a list source.
    public var subject: String
    /// The event's canonical JSON; `nil` once pruned (past retention), when only its hashes remain.
    public var body: String?
    /// SHA-256 hex of the record's canonical content (``content(atMilliseconds:kind:actor:subject:body:)``).
    public var contentHash: String
    /// SHA-256 hex of the previous record's ``hash``, this record's ``seq`` and its ``contentHash``.
    public var hash: String

    public init(
        seq: Int64, atMilliseconds: Int64, kind: String, actor: String, subject: String, body: String?,
        contentHash: String, hash: String
    ) {
        self.seq = seq
        self.atMilliseconds = atMilliseconds
        self.kind = kind
        self.actor = actor
        self.subject = subject
        self.body = body
        self.contentHash = contentHash
        self.hash = hash
    }

    public var at: Date { Date(timeIntervalSince1970: Double(atMilliseconds) / 1000) }

    /// The hash before the first record.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of a record's content: SHA-256 of the JSON array `[at, kind, actor, subject, body]`, the body
    /// inserted as the JSON it is. It does not depend on the record's place, so it is computed before the write
    /// (on every core); ``chain(previous:seq:content:)`` binds it to its place.
    public static func content(
        atMilliseconds: Int64, kind: String, actor: String, subject: String, body: String
    )
        -> String
    {
        let text =
            "[" + String(atMilliseconds) + "," + CanonicalJSON.string(kind) + "," + CanonicalJSON.string(actor) + ","
            + CanonicalJSON.string(subject) + "," + body + "]"
        return SHA256.hex(Array(text.utf8))
    }

    /// The chained hash of record `seq` whose content hash is `content`, after a record whose hash is `previous`.
    public static func chain(previous: String, seq: Int64, content: String) -> String {
        SHA256.hex(Array((previous + String(seq) + content).utf8))
    }
}

/// Canonical JSON written by hand for the records the log holds by the million: sorted keys, no whitespace,
/// strings escaped as RFC 8259 requires and nothing more. Foundation's encoder costs more than the screening.
public enum CanonicalJSON {
    public static func string(_ text: String) -> String {
        // Most names need no escape at all.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A number as the record writes it: an integer where it is one, else up to six decimals.
    public static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// The body of a screening record.
    public static func screening(_ record: ScreeningRecord) -> String {
        var party: [String] = []
        if let address = record.party.address { party.append("\"address\":" + string(address)) }
        if let country = record.party.country { party.append("\"country\":" + string(country)) }
        if let id = record.party.id { party.append("\"id\":" + string(id)) }
        party.append("\"name\":" + string(record.party.name))
        if let type = record.party.type { party.append("\"type\":" + string(type.rawValue)) }
        let matches = record.matches.map { match in
            "{\"entry_hash\":" + string(match.entryHash) + ",\"entry_id\":" + string(match.entryID) + ",\"score\":"
                + number(match.score) + ",\"source\":" + string(match.source) + "}"
        }
        return "{\"channel\":" + string(record.channel) + ",\"matches\":[" + matches.joined(separator: ",")
            + "],\"party\":{" + party.joined(separator: ",") + "},\"threshold\":" + number(record.threshold)
            + ",\"version_ids\":[" + record.versionIDs.map(String.init).joined(separator: ",") + "]}"
    }
}
