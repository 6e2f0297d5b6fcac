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

    /// A row of a ``ScreeningChunk`` holds no channel, threshold nor version ids: the chunk has them once for
    /// all its rows.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        channel = try container.decodeIfPresent(String.self, forKey: .channel) ?? ""
        party = try container.decode(PartyRecord.self, forKey: .party)
        threshold = try container.decodeIfPresent(Double.self, forKey: .threshold) ?? 0
        versionIDs = try container.decodeIfPresent([Int64].self, forKey: .versionIDs) ?? []
        matches = try container.decode([Match].self, forKey: .matches)
    }
}

/// Many screenings of one call (a batch's chunk, a monitoring run) in one audit record, kind `screenings`: one
/// link of the chain and one content hash for thousands of rows, so that recording costs a few per cent of the
/// screening. The body is `{"channel":…,"parties":"…","rows":[…],"threshold":…,"version_ids":[…]}`: the
/// rows' parties as the hex of ``partyHashes(_:)`` (the record's `parties` column holds the same bytes, for the
/// search, and the verifier compares the two), each row a screening's canonical body without what all rows share.
public enum ScreeningChunk {
    public static let kind = "screenings"

    /// The most rows one chunk holds: a monitoring run of 100,000 parties is 25 chunks, so that finding one
    /// party's rows decodes a chunk of this size at most.
    public static let maximumRows = 4096

    /// The chunk's body from its party hashes and its rows' bodies (``CanonicalJSON/screening(_:shared:)``),
    /// with what the rows share: their channel, threshold and list versions.
    public static func body(
        parties: [UInt8], rows: [[UInt8]], channel: String, threshold: Double, versionIDs: [Int64]
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rows.reduce(parties.count * 2 + 256) { $0 + $1.count + 1 })
        out.append(contentsOf: "{\"channel\":".utf8)
        CanonicalJSON.append(string: channel, to: &out)
        out.append(contentsOf: ",\"parties\":\"".utf8)
        out.append(contentsOf: hex(parties).utf8)
        out.append(contentsOf: "\",\"rows\":[".utf8)
        for (position, row) in rows.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: row)
        }
        out.append(contentsOf: "],\"threshold\":".utf8)
        out.append(contentsOf: CanonicalJSON.number(threshold).utf8)
        out.append(contentsOf: (",\"version_ids\":[" + versionIDs.map(String.init).joined(separator: ",") + "]}").utf8)
        return out
    }

    /// Lowercase hex of bytes.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The party hashes a chunk's body states (its `parties` field), read without decoding its rows.
    public static func statedParties(_ body: String) -> String? {
        let marker = Array(",\"parties\":\"".utf8)
        let bytes = body.utf8
        // The field follows the channel, a short JSON string: found within the body's first bytes.
        guard let start = bytes.prefix(4096).indices.first(where: { bytes[$0...].starts(with: marker) }) else {
            return nil
        }
        let rest = bytes[bytes.index(start, offsetBy: marker.count)...]
        guard let end = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: rest[..<end], as: UTF8.self)
    }

    /// The screenings of a chunk's body, each with the chunk's version ids; nil when it is not a chunk's body.
    public static func rows(of body: String) -> [ScreeningRecord]? {
        struct Chunk: Decodable {
            var channel: String
            var rows: [ScreeningRecord]
            var threshold: Double
            var versionIDs: [Int64]
            enum CodingKeys: String, CodingKey { case channel, rows, threshold, versionIDs = "version_ids" }
        }
        guard let chunk = try? JSONDecoder().decode(Chunk.self, from: Data(body.utf8)) else { return nil }
        return chunk.rows.map { row in
            var row = row
            row.channel = chunk.channel
            row.threshold = chunk.threshold
            row.versionIDs = chunk.versionIDs
            return row
        }
    }

    /// The sorted, distinct 64-bit hashes of the rows' parties (``PartyRecord/keyHash``), eight bytes each, big
    /// endian: what the log's search reads to find a party's rows without an index entry per row.
    public static func partyHashes(_ hashes: some Sequence<UInt64>) -> [UInt8] {
        var bytes: [UInt8] = []
        for hash in Set(hashes).sorted() {
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: hash >> UInt64(shift)))
            }
        }
        return bytes
    }

    /// Whether a chunk's party hashes (``partyHashes(_:)``) hold `hash`: a binary search.
    public static func contains(_ bytes: [UInt8], _ hash: UInt64) -> Bool {
        var low = 0, high = bytes.count / 8
        while low < high {
            let middle = (low + high) / 2
            var value: UInt64 = 0
            for offset in 0..<8 { value = value << 8 | UInt64(bytes[middle * 8 + offset]) }
            if value == hash { return true }
            if value < hash { low = middle + 1 } else { high = middle }
        }
        return false
    }

    /// The hashes a chunk's party bytes hold.
    public static func hashes(_ bytes: [UInt8]) -> [UInt64] {
        stride(from: 0, to: bytes.count - bytes.count % 8, by: 8).map { start in
            bytes[start..<start + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    }
}

/// One screening from the log, as the CLI, the API and the pages show it.
public struct LoggedScreening: Sendable, Encodable {
    /// The audit record that holds it.
    public var seq: Int64
    /// Its row in that record, for a record of many screenings (``ScreeningChunk``); nil for a record of one.
    public var position: Int?
    public var at: Date
    public var actor: String
    /// The screening as recorded; `nil` once pruned past retention.
    public var screening: ScreeningRecord?

    public init(seq: Int64, position: Int? = nil, at: Date, actor: String, screening: ScreeningRecord?) {
        self.seq = seq
        self.position = position
        self.at = at
        self.actor = actor
        self.screening = screening
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
    /// The date of birth and identifiers given as evidence, when any (``ScreeningQuery``).
    public var dateOfBirth: String?
    public var identifiers: [String]?

    enum CodingKeys: String, CodingKey {
        case id, name, country, type, address, dateOfBirth = "date_of_birth", identifiers
    }

    public init(
        id: String? = nil, name: String, country: String? = nil, type: PartyType? = nil, address: String? = nil,
        dateOfBirth: String? = nil, identifiers: [String]? = nil
    ) {
        self.dateOfBirth = dateOfBirth
        self.identifiers = identifiers?.isEmpty == true ? nil : identifiers
        self.id = id
        self.name = name
        self.country = country
        self.type = type
        self.address = address
    }

    /// Who the party is across screenings and channels: its name and country as normalised for comparison (case
    /// and spacing do not make another party). Its type and address are its data (``dataHash``).
    public var key: String { Self.fold(name) + "|" + (country ?? "") }

    /// Lower case, runs of white space as one space, none at either end. ASCII names (most of a batch) are
    /// folded byte by byte.
    static func fold(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var space = false
        for byte in text.utf8 {
            guard byte < 0x80 else {
                return text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            }
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                space = !bytes.isEmpty
                continue
            }
            if space {
                bytes.append(0x20)
                space = false
            }
            bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The 64-bit FNV-1a hash of ``key``'s UTF-8: how a chunk of screenings lists its parties. Not a secret nor a
    /// proof (the chain's hashes are): a collision only makes the log's search read one chunk more.
    public var keyHash: UInt64 { Self.hash(key: key) }

    public static func hash(key: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// A hash of what the party's own data says beyond its ``key`` (its type and address, and its date of birth
    /// and identifiers when given): when it changes, a cleared case reopens. Writing the name in another case or
    /// spacing changes nothing.
    public var dataHash: String {
        let address = address?.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ") ?? ""
        var fields = [CanonicalJSON.string(type?.rawValue ?? ""), CanonicalJSON.string(address)]
        if dateOfBirth != nil || identifiers != nil {
            fields.append(CanonicalJSON.string(dateOfBirth ?? ""))
            fields.append(contentsOf: (identifiers ?? []).map(CanonicalJSON.string))
        }
        return SHA256.hex("[" + fields.joined(separator: ",") + "]")
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
        var body = body
        return body.withUTF8 {
            content(atMilliseconds: atMilliseconds, kind: kind, actor: actor, subject: subject, body: $0)
        }
    }

    /// ``content(atMilliseconds:kind:actor:subject:body:)`` of a body given as UTF-8: hashed in pieces, as a
    /// chunk's body is a megabyte and is not copied.
    public static func content(
        atMilliseconds: Int64, kind: String, actor: String, subject: String, body: UnsafeBufferPointer<UInt8>
    ) -> String {
        var hasher = SHA256()
        hasher.update(
            Array(
                ("[" + String(atMilliseconds) + "," + CanonicalJSON.string(kind) + "," + CanonicalJSON.string(actor)
                    + "," + CanonicalJSON.string(subject) + ",").utf8))
        hasher.update(buffer: body)
        hasher.update([UInt8(ascii: "]")])
        return hasher.finalizeHex()
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
        // Scores and thresholds are small: written from the integer of millionths, without `String(format:)`,
        // which costs more than the rest of a record.
        guard value.isFinite, abs(value) < 1e9 else {
            var text = String(format: "%.6f", value)
            while text.hasSuffix("0") { text.removeLast() }
            return text
        }
        let millionths = Int64((abs(value) * 1_000_000).rounded())
        if millionths == 0 { return "0" }
        var fraction = String(millionths % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let whole = (value < 0 ? "-" : "") + String(millionths / 1_000_000)
        return fraction.isEmpty ? whole : whole + "." + fraction
    }

    /// The body of a screening record.
    public static func screening(_ record: ScreeningRecord) -> String {
        String(decoding: screening(record, shared: false), as: UTF8.self)
    }

    /// The body of a screening record as UTF-8, written into one buffer (a batch writes millions). A row of a
    /// chunk (`shared`) leaves out what the chunk states once for all its rows: channel, threshold, version ids.
    public static func screening(_ record: ScreeningRecord, shared: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + record.matches.count * 120)
        func key(_ name: StaticString) {
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func text(_ value: String) { append(string: value, to: &out) }
        func comma() { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "{"))
        if !shared {
            key("channel")
            text(record.channel)
            comma()
        }
        key("matches")
        out.append(UInt8(ascii: "["))
        for (position, match) in record.matches.enumerated() {
            if position > 0 { comma() }
            out.append(UInt8(ascii: "{"))
            key("entry_hash")
            text(match.entryHash)
            comma()
            key("entry_id")
            text(match.entryID)
            comma()
            key("score")
            out.append(contentsOf: number(match.score).utf8)
            comma()
            key("source")
            text(match.source)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: [UInt8(ascii: "]"), UInt8(ascii: ",")])
        key("party")
        out.append(UInt8(ascii: "{"))
        let party = record.party
        if let address = party.address {
            key("address")
            text(address)
            comma()
        }
        if let country = party.country {
            key("country")
            text(country)
            comma()
        }
        if let date = party.dateOfBirth {
            key("date_of_birth")
            text(date)
            comma()
        }
        if let id = party.id {
            key("id")
            text(id)
            comma()
        }
        if let identifiers = party.identifiers {
            key("identifiers")
            out.append(UInt8(ascii: "["))
            for (position, identifier) in identifiers.enumerated() {
                if position > 0 { comma() }
                text(identifier)
            }
            out.append(UInt8(ascii: "]"))
            comma()
        }
        key("name")
        text(party.name)
        if let type = party.type {
            comma()
            key("type")
            text(type.rawValue)
        }
        out.append(UInt8(ascii: "}"))
        if !shared {
            comma()
            key("threshold")
            out.append(contentsOf: number(record.threshold).utf8)
            comma()
            key("version_ids")
            out.append(contentsOf: ("[" + record.versionIDs.map(String.init).joined(separator: ",") + "]").utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Appends `text` as a JSON string, escaped as ``string(_:)`` does.
    public static func append(string text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case ..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30])
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0xf)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
