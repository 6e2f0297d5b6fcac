public import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
import VetterCore
public import VetterMatch
import VetterRules
public import VetterService
import VetterStore

/// The request context: the role of the API key that authenticated the request.
public struct VetterRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var role: APIRole?
    public var keyName: String?

    public init(source: Source) { coreContext = .init(source: source) }

    /// Requests larger than this are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }

    /// Throws 403 unless the key's role is at least `role`.
    func require(_ needed: APIRole) throws {
        guard let role, role >= needed else {
            throw Problem(.forbidden, "Forbidden", detail: "this route needs the \(needed.rawValue) role")
        }
    }
}

/// Server settings, filled from CLI options.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Builds the HTTP application over a ``Vetter`` store and its index.
public enum VetterServer {
    /// Creates an API key: returns the secret, shown once; only its SHA-256 is stored.
    public static func createKey(in vetter: Vetter, role: APIRole, name: String) async throws -> String {
        let secret = "vk_" + (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        _ = try await vetter.store.addAPIKey(name: name, role: role.rawValue, secretSHA256: SHA256.hex(secret))
        return secret
    }

    /// The router with every route; `index` is the screening index loaded at start.
    public static func router(vetter: Vetter, index: ScreeningIndex, logger: Logger) -> Router<VetterRequestContext> {
        let router = Router(context: VetterRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: AuthenticationMiddleware(vetter: vetter, logger: logger))
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/v1/lists") { _, context -> Response in
            try context.require(.screener)
            return try json(try await vetter.store.currentVersions().sorted { $0.source < $1.source })
        }
        router.get("/v1/entries/{id}") { _, context -> Response in
            try context.require(.screener)
            let id = try context.parameters.require("id")
            let entries = try await vetter.entries(id: id)
            guard !entries.isEmpty else {
                throw Problem(
                    .notFound, "Not found", detail: "no entry with id \(id) in the current lists", field: "id")
            }
            return try json(entries)
        }
        router.get("/v1/alerts") { _, context -> Response in
            try context.require(.reviewer)
            return try json(try await vetter.store.alerts(since: nil))
        }
        router.post("/v1/screen") { request, context -> Response in
            try context.require(.screener)
            let body = try await readBody(request, context: context)
            let query = try ScreenRequest.parse(body)
            let matches = try await vetter.complete(index.screen(query), from: index)
            return try json(ScreeningReport(query: query, matches: matches, explain: query.explain))
        }
        router.post("/v1/screen/batch") { request, context -> Response in
            try context.require(.screener)
            let body = try await readBody(request, context: context)
            let rows = try BatchRequest.parse(body, contentType: request.headers[.contentType] ?? "application/json")
            let session = ScreeningIndex.Session()
            var output = ""
            for (id, query) in rows {
                output += BatchLine.json(id: id, matches: index.screen(query, session: session))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/x-ndjson"],
                body: .init(byteBuffer: ByteBuffer(string: output)))
        }
        router.post("/v1/check") { request, context -> Response in
            try context.require(.screener)
            let body = try await readBody(request, context: context)
            let transaction: Transaction
            do {
                transaction = try Transaction.parse(body)
            } catch let error as RulesError {
                throw Problem(.badRequest, "Invalid transaction", detail: error.message, field: error.field)
            }
            return try json(try await vetter.check(transaction))
        }
        return router
    }

    static func readBody(_ request: Request, context: VetterRequestContext) async throws -> Data {
        do {
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            return Data(buffer.readableBytesView)
        } catch {
            throw Problem(
                .contentTooLarge, "Content too large", detail: "the body exceeds \(context.maxUploadSize) bytes")
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The application, ready to run on `configuration`'s address.
    public static func application(
        vetter: Vetter, configuration: ServerConfiguration, logger: Logger
    ) async throws -> some ApplicationProtocol {
        let index = try await vetter.loadIndex()
        return Application(
            router: router(vetter: vetter, index: index, logger: logger),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "vetter"),
            logger: logger)
    }
}

/// Checks the API key of every request but `/healthz`: 401 without a valid key, logged without the key.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = VetterRequestContext
    let vetter: Vetter
    let logger: Logger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.uri.path == "/healthz" { return try await next(request, context) }
        var secret = request.headers[.authorization].flatMap { header -> String? in
            header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : nil
        }
        if secret == nil, let name = HTTPField.Name("X-API-Key") { secret = request.headers[name] }
        guard let secret, !secret.isEmpty else {
            logger.warning("request without an API key", metadata: ["path": "\(request.uri.path)"])
            throw Problem(.unauthorized, "Unauthorized", detail: "send an API key: Authorization: Bearer <key>")
        }
        guard let key = try await vetter.store.apiKey(secretSHA256: SHA256.hex(secret)),
            let role = APIRole(rawValue: key.role)
        else {
            logger.warning("request with an unknown API key", metadata: ["path": "\(request.uri.path)"])
            throw Problem(.unauthorized, "Unauthorized", detail: "the API key is not valid")
        }
        var context = context
        context.role = role
        context.keyName = key.name
        return try await next(request, context)
    }
}

/// The body of `POST /v1/screen`: the fields of `vetter screen --json`.
enum ScreenRequest {
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
