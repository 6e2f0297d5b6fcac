import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import VetterCore
import VetterRules
import VetterService

/// The JSON API under `/v1`: each route names the least role its key needs.
struct APIRoutes {
    let screener: Screener
    let metrics: ServerMetrics
    let knownKeys: Authenticator.KnownKeys
    let logger: Logger

    /// Bodies of the screening and checking routes.
    static let smallBodyLimit = 1 << 20
    /// A batch of up to 10,000 parties.
    static let batchBodyLimit = 8 << 20
    /// A list file (the whole Consolidated Screening List is about 25 MB unzipped).
    static let importBodyLimit = 256 << 20
    /// Result lines written per chunk of a streamed batch.
    static let batchChunk = 200

    func add(to router: Router<VetterRequestContext>) {
        let screener = screener, vetter = screener.vetter, metrics = metrics, knownKeys = knownKeys, logger = logger
        router.post("/v1/screen") { request, context -> Response in
            try context.require(.screener)
            let (query, day) = try ScreenRequest.parse(
                try await VetterServer.readBody(request, limit: Self.smallBodyLimit))
            let report = try await screener.report(query, asOf: day, actor: context.actor, channel: "api")
            metrics.screened(1)
            return try VetterServer.json(report)
        }
        router.post("/v1/screen/batch") { request, context -> Response in
            try context.require(.screener)
            let body = try await VetterServer.readBody(request, limit: Self.batchBodyLimit)
            // Every row is checked before the first line is sent, so a bad row is a 400 naming it.
            let rows = try BatchRequest.parse(body, contentType: request.headers[.contentType] ?? "application/json")
            // The whole batch is answered from the lists in force when it began.
            let batch = screener.batch(actor: context.actor)
            return Response(
                status: .ok, headers: [.contentType: "application/x-ndjson"],
                body: ResponseBody { writer in
                    var start = 0
                    while start < rows.count {
                        let end = min(rows.count, start + Self.batchChunk)
                        var output = ""
                        // Past the deadline the rest is not screened: the last line says so, and the client can
                        // resend the rows after the last id it got.
                        if ContinuousClock.now >= context.deadline {
                            try await writer.write(
                                ByteBuffer(
                                    string:
                                        #"{"error":"the request ran past its time limit; rows after this were not screened"}"#
                                        + "\n"))
                            break
                        }
                        let chunk = Array(rows[start..<end])
                        // One chunk at a time uses the batch: never two threads at once.
                        let matches = await Compute.run { batch.screen(chunk.map(\.1)) }
                        let rows = chunk.map { (id: $0.0, query: $0.1) }
                        try await batch.record(rows, matches: matches)
                        output = batch.lines(rows, matches: matches)
                        metrics.screened(end - start)
                        try await writer.write(ByteBuffer(string: output))
                        start = end
                    }
                    try await writer.finish(nil)
                })
        }
        router.post("/v1/check") { request, context -> Response in
            try context.require(.screener)
            let body = try await VetterServer.readBody(request, limit: Self.smallBodyLimit)
            let transaction: Transaction
            do {
                transaction = try Transaction.parse(body)
            } catch let error as RulesError {
                throw Problem(
                    error.code == .tooLarge ? .contentTooLarge : .badRequest, "Invalid transaction",
                    detail: error.message, field: error.field)
            }
            let result = try await screener.check(transaction, actor: context.actor)
            metrics.screened(transaction.parties.count)
            return try VetterServer.json(result)
        }
        router.get("/v1/entries/{id}") { _, context -> Response in
            try context.require(.screener)
            let id = try context.parameters.require("id")
            let entries = try await vetter.entries(id: id)
            guard !entries.isEmpty else {
                throw Problem(
                    .notFound, "Not found", detail: "no entry with id \(id) in the current lists", field: "id")
            }
            return try VetterServer.json(entries)
        }
        router.get("/v1/lists") { _, context -> Response in
            try context.require(.screener)
            return try VetterServer.json(try await vetter.currentLists())
        }
        router.get("/v1/versions") { request, context -> Response in
            try context.require(.screener)
            let source = try request.uri.queryParameters["source"].map(Self.requiredSource)
            return try VetterServer.json(try await vetter.versions(source: source))
        }
        router.get("/v1/diff") { request, context -> Response in
            try context.require(.reviewer)
            let parameters = request.uri.queryParameters
            let source = try Self.requiredSource(parameters["source"])
            let from = try Self.versionID(parameters["from"], field: "from")
            let to = try Self.versionID(parameters["to"], field: "to")
            do {
                return try VetterServer.json(try await vetter.diff(source: source, from: from, to: to))
            } catch let error as StoreError {
                throw Problem(.notFound, "Not found", detail: error.message, field: from == nil ? "source" : "from")
            }
        }
        router.get("/v1/watch") { _, context -> Response in
            try context.require(.reviewer)
            return try VetterServer.json(try await vetter.watchedParties())
        }
        router.post("/v1/watch") { request, context -> Response in
            try context.require(.reviewer)
            let parties = try WatchRequest.parse(try await VetterServer.readBody(request, limit: Self.batchBodyLimit))
            let hits = try await vetter.watch(parties, actor: context.actor)
            metrics.screened(parties.count)
            return try VetterServer.json(WatchResponse(watched: parties.count, hits: hits))
        }
        router.delete("/v1/watch/{id}") { _, context -> Response in
            try context.require(.reviewer)
            let id = try context.parameters.require("id")
            guard try await vetter.unwatch(id: id) else {
                throw Problem(.notFound, "Not found", detail: "no watched party with id \(id)", field: "id")
            }
            return Response(status: .noContent)
        }
        router.get("/v1/alerts") { request, context -> Response in
            try context.require(.reviewer)
            var since: Date?
            if let text = request.uri.queryParameters["since"] {
                guard let date = Self.internetDateTime(String(text)) else {
                    throw Problem(
                        .badRequest, "Invalid request",
                        detail: "since must be an ISO 8601 time such as 2026-01-31T00:00:00Z",
                        field: "since")
                }
                since = date
            }
            return try VetterServer.json(try await vetter.alerts(since: since))
        }
        router.get("/v1/screenings") { request, context -> Response in
            try context.require(.reviewer)
            let parameters = request.uri.queryParameters
            let (limit, offset) = try Self.page(parameters)
            var since: Date?
            if let text = parameters["since"] {
                guard let date = Self.internetDateTime(String(text)) else {
                    throw Problem(
                        .badRequest, "Invalid request", detail: "since must be an ISO 8601 time", field: "since")
                }
                since = date
            }
            // A search filter: a country as the screening was given it (a name or a code); one that is neither
            // finds nothing.
            let given = parameters["country"].map(String.init)
            let country = (try? PartyInput.country(given)) ?? given
            return try VetterServer.json(
                try await vetter.screeningLog(
                    name: parameters["party"].map(String.init), country: country, since: since, limit: limit,
                    offset: offset))
        }
        router.get("/v1/cases") { request, context -> Response in
            try context.require(.reviewer)
            let parameters = request.uri.queryParameters
            let (limit, offset) = try Self.page(parameters)
            var state: CaseState?
            if let text = parameters["state"] {
                guard let parsed = CaseState(rawValue: String(text)) else {
                    throw Problem(
                        .badRequest, "Invalid request", detail: "state must be open, cleared or confirmed",
                        field: "state")
                }
                state = parsed
            }
            let party = parameters["party"].flatMap { String($0).trimmedOrNil }
            if let party, party.unicodeScalars.count > 500 {
                throw Problem(
                    .badRequest, "Invalid request", detail: "party is over 500 characters", field: "party")
            }
            return try VetterServer.json(
                try await vetter.cases(
                    CaseFilter(state: state, partyContains: party), limit: limit, offset: offset))
        }
        router.get("/v1/cases/{id}") { _, context -> Response in
            try context.require(.reviewer)
            return try VetterServer.json(try await Self.caseDetail(context, vetter: vetter))
        }
        router.post("/v1/cases/{id}/clear") { request, context -> Response in
            try context.require(.reviewer)
            let id = try await Self.caseDetail(context, vetter: vetter).reviewCase.id
            let body = try StrictJSON.decode(
                DecisionRequest.self, from: try await VetterServer.readBody(request, limit: Self.smallBodyLimit),
                what: "a JSON object")
            guard let text = body.reason, let reason = ClearReason(rawValue: text) else {
                throw Problem(
                    .badRequest, "Invalid request",
                    detail: "reason must be one of \(ClearReason.allCases.map(\.rawValue).joined(separator: ", "))",
                    field: "reason")
            }
            return try VetterServer.json(
                try await vetter.clearCase(id: id, reason: reason, note: try body.checkedNote(), actor: context.actor))
        }
        router.post("/v1/cases/{id}/confirm") { request, context -> Response in
            try context.require(.reviewer)
            let id = try await Self.caseDetail(context, vetter: vetter).reviewCase.id
            let body = try StrictJSON.decode(
                DecisionRequest.self, from: try await VetterServer.readBody(request, limit: Self.smallBodyLimit),
                what: "a JSON object")
            return try VetterServer.json(
                try await vetter.confirmCase(id: id, note: try body.checkedNote(), actor: context.actor))
        }
        router.get("/v1/cases/{id}/export") { request, context -> Response in
            try context.require(.reviewer)
            let id = try await Self.caseDetail(context, vetter: vetter).reviewCase.id
            guard let export = try await vetter.exportCase(id: id) else {
                throw Problem(.notFound, "Not found", detail: "no case with id \(id)", field: "id")
            }
            switch request.uri.queryParameters["format"].map(String.init) ?? "json" {
            case "json": return try VetterServer.json(export)
            case "html":
                return Response(
                    status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: export.html)))
            default:
                throw Problem(.badRequest, "Invalid request", detail: "format must be json or html", field: "format")
            }
        }
        router.get("/v1/audit/verify") { _, context -> Response in
            try context.require(.admin)
            return try VetterServer.json(try await vetter.verifyAudit())
        }
        router.post("/v1/imports") { request, context -> Response in
            try context.require(.admin)
            let parameters = request.uri.queryParameters
            var format: ListFormat?
            if let text = parameters["format"] {
                guard let parsed = ListFormat(rawValue: String(text)) else {
                    throw Problem(
                        .badRequest, "Invalid request",
                        detail: "format must be one of \(ListFormat.allCases.map(\.rawValue).joined(separator: ", "))",
                        field: "format")
                }
                format = parsed
            }
            var inHouse: ListSource?
            if let text = parameters["as"] {
                guard let list = ListSource.inHouse(String(text)) else {
                    throw Problem(
                        .badRequest, "Invalid request",
                        detail: "as must be a list name: 1 to 40 letters, digits or hyphens", field: "as")
                }
                inHouse = list
            }
            let body = try await VetterServer.readBody(request, limit: Self.importBodyLimit)
            let name = parameters["filename"].map { String($0) } ?? "upload"
            let report = try await Self.importUpload(
                body, name: name, format: format, inHouse: inHouse,
                dropIncompleteLastRecord: parameters["drop_incomplete_last_record"] == "true",
                allowShrink: parameters["allow_shrink"] == "true", vetter: vetter, actor: context.actor,
                logger: logger)
            // This process cached the new index while importing: read it back at once.
            if !report.created.isEmpty { try await screener.refreshIfChanged(waitingForCache: .zero) }
            return try VetterServer.json(report, status: report.created.isEmpty ? .ok : .created)
        }
        router.post("/v1/keys") { request, context -> Response in
            try context.require(.admin)
            let body = try await VetterServer.readBody(request, limit: Self.smallBodyLimit)
            let object = try StrictJSON.decode(KeyRequest.self, from: body, what: "a JSON object")
            guard let roleName = object.role, let role = APIRole(rawValue: roleName) else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "role must be screener, reviewer or admin", field: "role")
            }
            let name = object.name.flatMap { $0.trimmed.isEmpty ? nil : $0.trimmed } ?? "api key"
            let secret = try await VetterServer.createKey(in: vetter, role: role, name: name, actor: context.actor)
            logger.notice("API key created", metadata: ["key_name": "\(name)", "role": "\(role.rawValue)"])
            return try VetterServer.json(["key": secret, "name": name, "role": role.rawValue], status: .created)
        }
        router.get("/v1/keys") { _, context -> Response in
            try context.require(.admin)
            return try VetterServer.json(try await vetter.keys())
        }
        router.delete("/v1/keys/{id}") { _, context -> Response in
            try context.require(.admin)
            let text = try context.parameters.require("id")
            guard let id = Int64(text), try await vetter.revokeKey(id: id, actor: context.actor) else {
                throw Problem(.notFound, "Not found", detail: "no unrevoked key with id \(text)", field: "id")
            }
            knownKeys.forgetAll()
            logger.notice("API key revoked", metadata: ["key_id": "\(id)", "by": "\(context.keyName ?? "")"])
            return Response(status: .noContent)
        }
    }

    /// `limit` (1–500, default 50) and `offset` (default 0) of a paginated list.
    static func page(_ parameters: Parameters) throws -> (limit: Int, offset: Int) {
        var limit = 50, offset = 0
        if let text = parameters["limit"] {
            guard let value = Int(text), (1...500).contains(value) else {
                throw Problem(.badRequest, "Invalid request", detail: "limit must be 1 to 500", field: "limit")
            }
            limit = value
        }
        if let text = parameters["offset"] {
            guard let value = Int(text), (0...1_000_000_000).contains(value) else {
                throw Problem(
                    .badRequest, "Invalid request", detail: "offset must be 0 to 1,000,000,000", field: "offset")
            }
            offset = value
        }
        return (limit, offset)
    }

    /// The case the path names; 404 naming `id` when there is none.
    static func caseDetail(_ context: VetterRequestContext, vetter: Vetter) async throws -> CaseDetail {
        let text = try context.parameters.require("id")
        guard let id = Int64(text), let detail = try await vetter.caseDetail(id: id) else {
            throw Problem(.notFound, "Not found", detail: "no case with id \(text)", field: "id")
        }
        return detail
    }

    /// An RFC 3339 time, with or without fractional seconds, in any offset.
    static func internetDateTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// The list a `source` query parameter names; 400 naming `source` if it names none.
    static func requiredSource(_ text: Substring?) throws -> ListSource {
        guard let text, !text.isEmpty else {
            throw Problem(.badRequest, "Invalid request", detail: "name a list: source=EL", field: "source")
        }
        guard let source = ListSource(lenient: String(text)) else {
            throw Problem(.badRequest, "Invalid request", detail: "'\(text)' is not a list code", field: "source")
        }
        return source
    }

    static func versionID(_ text: Substring?, field: String) throws -> Int64? {
        guard let text else { return nil }
        guard let id = Int64(text), id > 0 else {
            throw Problem(.badRequest, "Invalid request", detail: "\(field) must be a version number", field: field)
        }
        return id
    }

    /// Imports an uploaded list file as `vetter import` does (``Vetter/ingest(upload:name:format:options:allowShrink:)``),
    /// then sends the webhooks of its alerts in the background.
    static func importUpload(
        _ body: Data, name: String, format: ListFormat?, inHouse: ListSource? = nil, dropIncompleteLastRecord: Bool,
        allowShrink: Bool, vetter: Vetter, actor: String, logger: Logger
    ) async throws -> UploadReport {
        guard !body.isEmpty else { throw Problem(.badRequest, "Invalid request", detail: "the body is empty") }
        let report: UploadReport
        do {
            report = try await vetter.ingest(
                upload: body, name: name, format: format,
                options: ReadOptions(dropIncompleteLastRecord: dropIncompleteLastRecord, inHouseList: inHouse),
                allowShrink: allowShrink, actor: actor)
        } catch let error as ShrinkError {
            throw Problem(
                .unprocessableContent, "List file refused",
                detail: error.description.replacingOccurrences(of: "--allow-shrink", with: "?allow_shrink=true"),
                field: "allow_shrink")
        } catch let error as ListReadError {
            throw Problem(
                .unprocessableContent, "List file refused",
                detail: error.description.replacingOccurrences(
                    of: "name it with --format", with: "name it with ?format="
                ).replacingOccurrences(of: "vetter import --as NAME FILE (POST /v1/imports?as=NAME)", with: "?as=NAME"),
                field: error.field)
        }
        if !report.created.isEmpty {
            // Webhooks retry on their own schedule; the import's answer does not wait for them.
            Task {
                do { _ = try await vetter.deliverWebhooks() } catch {
                    logger.error("webhook delivery failed", metadata: ["error": "\(error)"])
                }
            }
        }
        logger.notice(
            "list imported",
            metadata: ["file": "\(report.file)", "created": "\(report.created.map { "\($0.source.code) v\($0.id)" })"])
        return report
    }
}

/// The answer of `POST /v1/watch`.
struct WatchResponse: Encodable {
    var watched: Int
    var hits: [WatchHit]
}
