import Foundation
import Hummingbird
import VetterCore
import VetterMatch

/// The body of `POST /v1/screen`: the options of `vetter screen`.
enum ScreenRequest {
    /// The query, and the day to answer for (`as_of`), if not today.
    static func parseDated(_ data: Data) throws -> (ScreeningQuery, LocalDate?) {
        let query = try parse(data)
        guard let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let value = body["as_of"]
        else { return (query, nil) }
        guard let text = value as? String, let day = LocalDate(parsing: text) else {
            throw Problem(.badRequest, "Invalid request", detail: "as_of must be a day: YYYY-MM-DD", field: "as_of")
        }
        return (query, day)
    }

    static func parse(_ data: Data) throws -> ScreeningQuery {
        guard let object = try? JSONSerialization.jsonObject(with: data), let body = object as? [String: Any] else {
            throw Problem(.badRequest, "Invalid request", detail: "the body must be a JSON object")
        }
        guard let name = body["name"] as? String, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Problem(.badRequest, "Invalid request", detail: "a non-empty name is required", field: "name")
        }
        var query = ScreeningQuery(name: name)
        if let country = body["country"] as? String, !country.isEmpty {
            guard let code = Countries.code(for: country) else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "'\(country)' is not an ISO 3166 two-letter code",
                    field: "country")
            }
            query.country = code
        }
        if let type = body["type"] as? String, !type.isEmpty {
            let parsed = PartyType(lenient: type)
            guard parsed != .unknown else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "'\(type)' is not individual, entity, vessel or aircraft",
                    field: "type")
            }
            query.type = parsed
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
            var object: [String: Any] = [:]
            for (key, value) in row { object[key] = value }
            object["explain"] = false
            let body = try JSONSerialization.data(withJSONObject: object)
            do {
                var query = try ScreenRequest.parse(body)
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
            var country: String?
            if let text = field("country") {
                guard let code = Countries.code(for: text) else {
                    throw Problem(
                        .badRequest, "Invalid request", detail: "'\(text)' is not an ISO 3166 two-letter code",
                        field: "[\(position)].country")
                }
                country = code
            }
            var type: PartyType?
            if let text = field("type") {
                let parsed = PartyType(lenient: text)
                guard parsed != .unknown else {
                    throw Problem(
                        .badRequest, "Invalid request",
                        detail: "'\(text)' is not individual, entity, vessel or aircraft", field: "[\(position)].type")
                }
                type = parsed
            }
            return WatchedParty(id: id, name: name, country: country, type: type, address: field("address"))
        }
    }
}
