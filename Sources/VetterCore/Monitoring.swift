public import Foundation

/// A counterparty a compliance team keeps screened: re-screened whenever a list changes.
public struct WatchedParty: Hashable, Sendable, Codable {
    public var id: String
    public var name: String
    public var country: String?
    public var type: PartyType?
    public var address: String?

    public init(id: String, name: String, country: String? = nil, type: PartyType? = nil, address: String? = nil) {
        self.id = id
        self.name = name
        self.country = country
        self.type = type
        self.address = address
    }
}

/// A watched party's match on a listed entry, as last screened.
public struct WatchHit: Hashable, Sendable, Codable {
    public var partyID: String
    public var source: ListSource
    public var entryID: String
    /// The entry's content hash when the hit was recorded: a different hash later means the entry changed.
    public var entryHash: String
    public var entryName: String
    public var score: Double

    public init(
        partyID: String, source: ListSource, entryID: String, entryHash: String, entryName: String, score: Double
    ) {
        self.partyID = partyID
        self.source = source
        self.entryID = entryID
        self.entryHash = entryHash
        self.entryName = entryName
        self.score = score
    }
}

/// Something a reviewer must look at: a watched party's hits changed.
public struct Alert: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The party now matches a listed entry.
        case newHit = "new_hit"
        /// An entry the party matched is no longer listed (delisted), or no longer matches.
        case hitRemoved = "hit_removed"
        /// An entry the party matches was amended (alias, address, licence policy …).
        case hitChanged = "hit_changed"
        /// The ownership data and the lists now restrict the party through a listed owner (the alert's entry), or
        /// raise Red Flag 29 for it, or its finding changed; `score` is the share listed owners hold, as a fraction.
        case ownershipRestricted = "ownership_restricted"
        /// The party is no longer restricted or flagged through that listed owner.
        case ownershipLifted = "ownership_lifted"
    }

    /// Store-assigned, increasing.
    public var id: Int64
    public var kind: Kind
    public var partyID: String
    public var partyName: String
    public var source: ListSource
    public var entryID: String
    public var entryName: String
    public var score: Double
    public var createdAt: Date

    public init(
        id: Int64 = 0, kind: Kind, partyID: String, partyName: String, source: ListSource, entryID: String,
        entryName: String, score: Double, createdAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.partyID = partyID
        self.partyName = partyName
        self.source = source
        self.entryID = entryID
        self.entryName = entryName
        self.score = score
        self.createdAt = createdAt
    }
}

/// How one source's content differs between two versions.
public struct ListDiff: Sendable, Codable {
    public struct Change: Sendable, Codable {
        public var entryID: String
        public var name: String
        /// The fields whose values differ (`aliases`, `addresses`, `licensePolicy` …).
        public var fields: [String]

        public init(entryID: String, name: String, fields: [String]) {
            self.entryID = entryID
            self.name = name
            self.fields = fields
        }
    }

    public var source: ListSource
    public var from: ListVersion
    public var to: ListVersion
    public var added: [ListEntry]
    public var removed: [ListEntry]
    public var changed: [Change]

    public init(
        source: ListSource, from: ListVersion, to: ListVersion, added: [ListEntry], removed: [ListEntry],
        changed: [Change]
    ) {
        self.source = source
        self.from = from
        self.to = to
        self.added = added
        self.removed = removed
        self.changed = changed
    }
}

/// What the ownership data makes of a watched party through one listed owner under one rule, as last evaluated:
/// the state monitoring compares to raise ownership alerts.
public struct OwnershipHit: Hashable, Sendable, Codable {
    public var partyID: String
    /// `ofac_50_percent` or `bis_affiliates`.
    public var rule: String
    public var source: ListSource
    public var entryID: String
    public var entryName: String
    /// `restricted` or `red_flag_29`.
    public var state: String
    /// The share restricted owners hold, in percent.
    public var share: Double

    public init(
        partyID: String, rule: String, source: ListSource, entryID: String, entryName: String, state: String,
        share: Double
    ) {
        self.partyID = partyID
        self.rule = rule
        self.source = source
        self.entryID = entryID
        self.entryName = entryName
        self.state = state
        self.share = share
    }
}
