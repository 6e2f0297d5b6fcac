import Foundation
import Hummingbird
import VetterCore
import VetterMatch

/// The checks of a party's country and type, shared by every request that names parties.
enum PartyField {
    static func country(_ text: String, field: String) throws -> String {
        guard let code = Countries.code(for: text) else {
            throw Problem(
                .badRequest, "Invalid request", detail: "'\(text)' is not an ISO 3166 two-letter code", field: field)
        }
        return code
    }

    static func type(_ text: String, field: String) throws -> PartyType {
        let parsed = PartyType(lenient: text)
        guard parsed != .unknown else {
            throw Problem(
                .badRequest, "Invalid request", detail: "'\(text)' is not individual, entity, vessel or aircraft",
                field: field)
        }
        return parsed
    }
}

/// The body of `POST /v1/screen`: the options of `vetter screen`.
enum ScreenRequest {
    /// The query, and the day to answer for (`as_of`), if not today.
    static func parse(_ data: Data) throws -> (ScreeningQuery, LocalDate?) {
        guard let object = try? JSONSerialization.jsonObject(with: data), let body = object as? [String: Any] else {
            throw Problem(.badRequest, "Invalid request", detail: "the body must be a JSON object")
        }
        let query = try query(body)
        guard let value = body["as_of"] else { return (query, nil) }
        guard let text = value as? String, let day = LocalDate(parsing: text) else {
            throw Problem(.badRequest, "Invalid request", detail: "as_of must be a day: YYYY-MM-DD", field: "as_of")
        }
        return (query, day)
    }

    /// The query a JSON object describes (every field but `as_of`).
    static func query(_ body: [String: Any]) throws -> ScreeningQuery {
        guard let name = body["name"] as? String, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Problem(.badRequest, "Invalid request", detail: "a non-empty name is required", field: "name")
        }
        var query = ScreeningQuery(name: name)
        if let country = body["country"] as? String, !country.isEmpty {
            query.country = try PartyField.country(country, field: "country")
        }
        if let type = body["type"] as? String, !type.isEmpty {
            query.type = try PartyField.type(type, field: "type")
        }
        if let sources = body["sources"] as? [String] {
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
        if let threshold = body["threshold"] {
            guard let value = (threshold as? NSNumber)?.doubleValue, (0...1).contains(value) else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "threshold must be a number between 0 and 1",
                    field: "threshold")
            }
            query.threshold = value
        }
        if let limit = body["limit"] {
            guard let value = (limit as? NSNumber)?.intValue, (1...100).contains(value) else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "limit must be an integer from 1 to 100", field: "limit")
            }
            query.limit = value
        }
        if let filter = body["filter_country"] {
            guard let value = filter as? Bool else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "filter_country must be true or false",
                    field: "filter_country")
            }
            guard !value || query.country != nil else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "filter_country needs a country", field: "filter_country")
            }
            query.filterByCountry = value
        }
        query.explain = (body["explain"] as? Bool) ?? false
        return query
    }
}

/// The body of `POST /v1/screen/batch`: a JSON array of `{"id", "name", "country", "type"}`, or a CSV with the
/// header `id,name[,country][,type]` (Content-Type `text/csv`).
enum BatchRequest {
    static func parse(_ data: Data, contentType: String) throws -> [(String, ScreeningQuery)] {
        var rows: [[String: String]] = []
        if contentType.hasPrefix("text/csv") {
            let text = String(decoding: data, as: UTF8.self)
            var lines = text.split(whereSeparator: \.isNewline).map(String.init)
            guard !lines.isEmpty else { throw Problem(.badRequest, "Invalid request", detail: "the CSV is empty") }
            let header = lines.removeFirst().split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard header.contains("name") else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "the CSV header must name a name column", field: "name")
            }
            for line in lines {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                rows.append(Dictionary(zip(header, fields).map { ($0, $1) }, uniquingKeysWith: { a, _ in a }))
            }
        } else {
            guard let array = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
                throw Problem(.badRequest, "Invalid request", detail: "the body must be a JSON array of parties")
            }
            rows = array.map { item in item.compactMapValues { $0 as? String } }
        }
        guard rows.count <= 10_000 else {
            throw Problem(.contentTooLarge, "Content too large", detail: "at most 10,000 parties per request")
        }
        return try rows.enumerated().map { position, row in
            do {
                var query = try ScreenRequest.query(row)
                query.explain = false
                return (row["id"] ?? String(position + 1), query)
            } catch let problem as Problem {
                var named = problem
                named.field = "[\(position)].\(problem.field ?? "")"
                throw named
            }
        }
    }
}

/// The body of `POST /v1/watch`: a JSON array of `{"id", "name", "country", "type", "address"}`.
enum WatchRequest {
    static func parse(_ data: Data) throws -> [WatchedParty] {
        guard let array = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw Problem(.badRequest, "Invalid request", detail: "the body must be a JSON array of parties")
        }
        guard array.count <= 10_000 else {
            throw Problem(.contentTooLarge, "Content too large", detail: "at most 10,000 parties per request")
        }
        var seen = Set<String>()
        return try array.enumerated().map { position, item in
            func field(_ name: String) -> String? {
                (item[name] as? String).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap {
                    $0.isEmpty ? nil : $0
                }
            }
            guard let id = field("id") else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "every party needs an id", field: "[\(position)].id")
            }
            guard seen.insert(id).inserted else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "id \(id) appears twice", field: "[\(position)].id")
            }
            guard let name = field("name") else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "every party needs a name", field: "[\(position)].name")
            }
            let country = try field("country").map { try PartyField.country($0, field: "[\(position)].country") }
            let type = try field("type").map { try PartyField.type($0, field: "[\(position)].type") }
            return WatchedParty(id: id, name: name, country: country, type: type, address: field("address"))
        }
    }
}
