import Foundation
import Hummingbird
import VetterCore
import VetterMatch
import VetterService

/// Request bodies are decoded strictly (``StrictDecoding``): a value of the wrong JSON type is a 400 naming the
/// field.
enum StrictJSON {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws -> T {
        do {
            return try StrictDecoding.decode(type, from: data, what: what)
        } catch {
            throw Problem(.badRequest, "Invalid request", detail: error.message, field: error.field)
        }
    }
}

/// A party as a JSON body names it, checked as ``PartyInput`` checks a party from anywhere.
struct PartyBody: Decodable {
    var id: String?
    var name: String?
    var country: String?
    var type: String?
    var address: String?
    var date_of_birth: String?
    var identifiers: [String]?

    /// The date of birth and identifiers, checked; `prefix` names the party in a field path.
    func checkedEvidence(prefix: String = "") throws -> (dateOfBirth: String?, identifiers: [String]) {
        do {
            return (try PartyInput.dateOfBirth(date_of_birth), try PartyInput.identifiers(identifiers))
        } catch {
            throw Problem(.badRequest, "Invalid request", detail: error.message, field: prefix + error.field)
        }
    }

    /// The name, country and type, checked; `prefix` names the party in a field path (`[3].`).
    func checked(prefix: String = "") throws -> (id: String?, name: String, country: String?, type: PartyType?) {
        do {
            return (
                try PartyInput.id(id), try PartyInput.name(name), try PartyInput.country(country),
                try PartyInput.type(type)
            )
        } catch {
            throw Problem(.badRequest, "Invalid request", detail: error.message, field: prefix + error.field)
        }
    }
}

/// The body of `POST /v1/screen`: the options of `vetter screen`.
enum ScreenRequest {
    struct Body: Decodable {
        var name: String?
        var country: String?
        var type: String?
        var sources: [String]?
        var threshold: Double?
        /// Read as a number and checked to be whole: Foundation's decoder would refuse 5.9 for an integer without
        /// naming the field.
        var limit: Double?
        var filter_country: Bool?
        var explain: Bool?
        var as_of: String?
        var date_of_birth: String?
        var identifiers: [String]?
    }

    /// The query, and the day to answer for (`as_of`), if not today.
    static func parse(_ data: Data) throws -> (ScreeningQuery, LocalDate?) {
        let body = try StrictJSON.decode(Body.self, from: data, what: "a JSON object")
        let query = try query(body)
        guard let text = body.as_of else { return (query, nil) }
        guard let day = LocalDate(strict: text) else {
            throw Problem(
                .badRequest, "Invalid request", detail: "as_of must be a day of the calendar: YYYY-MM-DD",
                field: "as_of")
        }
        return (query, day)
    }

    /// The query a body describes (every field but `as_of`).
    static func query(_ body: Body, prefix: String = "") throws -> ScreeningQuery {
        let given = PartyBody(
            name: body.name, country: body.country, type: body.type, date_of_birth: body.date_of_birth,
            identifiers: body.identifiers)
        let party = try given.checked(prefix: prefix)
        let evidence = try given.checkedEvidence(prefix: prefix)
        var query = ScreeningQuery(
            name: party.name, country: party.country, type: party.type, dateOfBirth: evidence.dateOfBirth,
            identifiers: evidence.identifiers)
        if let sources = body.sources {
            var set = Set<ListSource>()
            for code in sources {
                guard let source = ListSource(lenient: code) else {
                    throw Problem(
                        .badRequest, "Invalid request", detail: "'\(code)' is not a list code", field: "sources")
                }
                set.insert(source)
            }
            query.sources = set
        }
        if let threshold = body.threshold {
            guard (0...1).contains(threshold) else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "threshold must be a number between 0 and 1",
                    field: "threshold")
            }
            query.threshold = threshold
        }
        if let limit = body.limit {
            guard limit.rounded() == limit, (1...100).contains(limit) else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "limit must be an integer from 1 to 100", field: "limit")
            }
            query.limit = Int(limit)
        }
        if let filter = body.filter_country {
            guard !filter || query.country != nil else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "filter_country needs a country", field: "filter_country")
            }
            query.filterByCountry = filter
        }
        query.explain = body.explain ?? false
        return query
    }
}

/// The body of `POST /v1/screen/batch`: a JSON array of `{"id", "name", "country", "type"}`, or a CSV with the
/// header `id,name[,country][,type][,address]` (Content-Type `text/csv`) read by the strict CSV reader.
enum BatchRequest {
    static let maximumRows = 10_000

    static func parse(_ data: Data, contentType: String) throws -> [(String, ScreeningQuery)] {
        var rows: [(String, ScreeningQuery)] = []
        if contentType.lowercased().hasPrefix("text/csv") {
            let parsed: [PartyRow]
            do {
                parsed = try PartyFileReader.rows([UInt8](data), file: "body")
            } catch {
                throw Problem(
                    .badRequest, "Invalid request", detail: error.description,
                    field: error.line.map { "line \($0)" + (error.field.map { ".\($0)" } ?? "") } ?? error.field)
            }
            guard parsed.count <= maximumRows else { throw tooMany() }
            for row in parsed {
                rows.append(
                    (
                        row.id ?? String(rows.count + 1),
                        ScreeningQuery(
                            name: row.name, country: row.country, type: row.type, explain: false,
                            dateOfBirth: row.dateOfBirth, identifiers: row.identifiers)
                    ))
            }
        } else {
            let array = try StrictJSON.decode([PartyBody].self, from: data, what: "a JSON array of parties")
            guard array.count <= maximumRows else { throw tooMany() }
            for (position, item) in array.enumerated() {
                let party = try item.checked(prefix: "[\(position)].")
                let evidence = try item.checkedEvidence(prefix: "[\(position)].")
                rows.append(
                    (
                        party.id ?? String(position + 1),
                        ScreeningQuery(
                            name: party.name, country: party.country, type: party.type, explain: false,
                            dateOfBirth: evidence.dateOfBirth, identifiers: evidence.identifiers)
                    ))
            }
        }
        return rows
    }

    static func tooMany() -> Problem {
        Problem(.contentTooLarge, "Content too large", detail: "at most \(maximumRows) parties per request")
    }
}

/// The body of `POST /v1/watch`: a JSON array of `{"id", "name", "country", "type", "address"}`.
enum WatchRequest {
    static func parse(_ data: Data) throws -> [WatchedParty] {
        let array = try StrictJSON.decode([PartyBody].self, from: data, what: "a JSON array of parties")
        guard array.count <= BatchRequest.maximumRows else { throw BatchRequest.tooMany() }
        var seen = Set<String>()
        return try array.enumerated().map { position, item in
            let party = try item.checked(prefix: "[\(position)].")
            if item.date_of_birth != nil || item.identifiers != nil {
                throw Problem(
                    .badRequest, "Invalid request",
                    detail:
                        "a watched party is kept as its id, name, country, type and address; a date of birth and identifiers are evidence for one screening",
                    field: "[\(position)]." + (item.date_of_birth != nil ? "date_of_birth" : "identifiers"))
            }
            guard let id = party.id else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "every party needs an id", field: "[\(position)].id")
            }
            guard seen.insert(id).inserted else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "id \(id) appears twice", field: "[\(position)].id")
            }
            return WatchedParty(
                id: id, name: party.name, country: party.country, type: party.type,
                address: item.address?.trimmed.isEmpty == false ? item.address?.trimmed : nil)
        }
    }
}

/// The body of `POST /v1/keys`.
struct KeyRequest: Decodable {
    var role: String?
    var name: String?
}

/// The body of `POST /v1/cases/{id}/clear` and `…/confirm`.
struct DecisionRequest: Decodable {
    var reason: String?
    var note: String?

    /// The note: at most 4,000 characters, no control character but line breaks.
    func checkedNote() throws -> String? {
        guard let note = note?.trimmed, !note.isEmpty else { return nil }
        guard note.unicodeScalars.count <= 4_000 else {
            throw Problem(.badRequest, "Invalid request", detail: "the note is over 4,000 characters", field: "note")
        }
        guard !note.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" })
        else {
            throw Problem(.badRequest, "Invalid request", detail: "the note holds a control character", field: "note")
        }
        return note
    }
}
