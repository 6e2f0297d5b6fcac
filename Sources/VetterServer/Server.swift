import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
import Synchronization
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

    /// The limit of Hummingbird's own body decoding. Vetter's routes read bodies with their own limits
    /// (``APIRoutes``), answering 413 above them.
    public var maxUploadSize: Int { 1 << 20 }

    /// When the request must be done by: set by the access middleware from the server's request timeout.
    public var deadline: ContinuousClock.Instant = .now + ServerConfiguration.defaultRequestTimeout

    /// Throws 503 once the request has run past its deadline: long loops call it, so a slow request stops its
    /// own work instead of holding a core.
    func checkDeadline() throws {
        guard ContinuousClock.now < deadline else {
            throw Problem(
                .serviceUnavailable, "Request timed out",
                detail: "the request ran past its time limit and was stopped; send less per request")
        }
    }

    /// Throws 403 unless the key's role is at least `role`.
    func require(_ needed: APIRole) throws {
        guard let role, role >= needed else {
            throw Problem(.forbidden, "Forbidden", detail: "this route needs the \(needed.rawValue) role")
        }
    }
}

/// Server settings, filled from CLI options.
public struct ServerConfiguration: Sendable {
    public static let defaultRequestTimeout: Duration = .seconds(30)

    public var host: String
    public var port: Int
    /// How long one request may run before its work is stopped (503).
    public var requestTimeout: Duration
    /// How often the server checks whether the lists in force changed (an import by another process).
    public var followEvery: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 8080, requestTimeout: Duration = defaultRequestTimeout,
        followEvery: Duration = .seconds(2)
    ) {
        self.host = host
        self.port = port
        self.requestTimeout = requestTimeout
        self.followEvery = followEvery
    }
}

/// The screening index in use, replaced after an import through the API, and the full entries its matches needed.
///
/// An index read from its cache holds only entry summaries; the full entries of matches are read from the store
/// once and kept here until the index is replaced (at most every listed entry, a few tens of MB).
final class CurrentIndex: Sendable {
    private struct State {
        var index: ScreeningIndex
        /// The lists the index was built from (``Vetter/currentListsKey()``).
        var key: String
        var entries: [String: ListEntry] = [:]
        /// Indexes over the lists in force on past days, built on request; a few at most (each holds its entries).
        var dated: [LocalDate: ScreeningIndex] = [:]
    }

    static let datedIndexLimit = 2

    private let state: Mutex<State>
    private let refreshing = Mutex(false)

    init(_ index: ScreeningIndex, key: String) { state = Mutex(State(index: index, key: key)) }

    var value: ScreeningIndex { state.withLock { $0.index } }

    /// Replaces the index when the lists in force changed since it was built — by an import through this server or
    /// by any other process on the same database. Requests in flight finish on the index they started with.
    /// Returns whether it replaced the index.
    @discardableResult
    func refreshIfChanged(vetter: Vetter) async throws -> Bool {
        let key = try await vetter.currentListsKey()
        guard state.withLock({ $0.key }) != key else { return false }
        // One rebuild at a time; a change during it is seen by the next call.
        guard
            refreshing.withLock({ (busy: inout Bool) -> Bool in
                if busy { return false }
                busy = true
                return true
            })
        else { return false }
        defer { refreshing.withLock { $0 = false } }
        let index = try await vetter.loadIndex()
        state.withLock { $0 = State(index: index, key: key) }
        return true
    }

    /// Screens `query` against the lists in force on `day` (today's when nil), its matches with their full entries.
    func screen(_ query: ScreeningQuery, asOf day: LocalDate? = nil, vetter: Vetter) async throws -> [ScreeningMatch] {
        if let day {
            let index = try await dated(day, vetter: vetter)
            return await Compute.run { index.screen(query) }
        }
        let index = value
        var matches = await Compute.run { index.screen(query) }
        guard index.isSummary, !matches.isEmpty else { return matches }
        var missing: [Int] = []
        state.withLock { state in
            guard state.index === index else { return missing = Array(matches.indices) }
            for position in matches.indices {
                if let entry = state.entries[Self.key(matches[position].entry)] {
                    matches[position].entry = entry
                } else {
                    missing.append(position)
                }
            }
        }
        guard !missing.isEmpty else { return matches }
        let completed = try await vetter.complete(missing.map { matches[$0] }, from: index)
        state.withLock { state in
            for (position, match) in zip(missing, completed) {
                matches[position] = match
                if state.index === index { state.entries[Self.key(match.entry)] = match.entry }
            }
        }
        return matches
    }

    /// The index over the lists in force on `day` (``Vetter/loadIndex(asOf:filterEntries:)``), built once.
    private func dated(_ day: LocalDate, vetter: Vetter) async throws -> ScreeningIndex {
        let (current, cached) = state.withLock { ($0.index, $0.dated[day]) }
        if let cached { return cached }
        let (built, _) = try await vetter.loadIndex(asOf: day)
        state.withLock { state in
            // An import while this one was built made it stale for later requests: keep it only if none happened.
            guard state.index === current else { return }
            if state.dated.count >= Self.datedIndexLimit { state.dated.removeAll() }
            state.dated[day] = built
        }
        return built
    }

    private static func key(_ entry: ListEntry) -> String { entry.source.code + "|" + entry.id }
}

/// Runs CPU-bound work (screening) on threads of its own, not on the tasks' executor that also serves the event
/// loops' requests: however heavy the screens in flight, a `/healthz` or a sign-in is answered at once.
enum Compute {
    static let queue = DispatchQueue(label: "vetter.compute", attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
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

    /// The router with every route: the JSON API under `/v1`, the web pages under `/ui`, `/healthz`, `/metrics`
    /// and `/openapi.yaml`. `index` is the screening index loaded at start.
    public static func router(
        vetter: Vetter, index: ScreeningIndex, logger: Logger, metrics: ServerMetrics = ServerMetrics(),
        requestTimeout: Duration = ServerConfiguration.defaultRequestTimeout
    ) async throws -> Router<VetterRequestContext> {
        try router(
            vetter: vetter, current: CurrentIndex(index, key: try await vetter.currentListsKey()), logger: logger,
            metrics: metrics, requestTimeout: requestTimeout)
    }

    static func router(
        vetter: Vetter, current: CurrentIndex, logger: Logger, metrics: ServerMetrics,
        requestTimeout: Duration
    ) throws -> Router<VetterRequestContext> {
        let router = Router(context: VetterRequestContext.self)
        let knownKeys = Authenticator.KnownKeys()
        let routes = RouteTable()
        router.add(
            middleware: AccessMiddleware(
                authenticator: Authenticator(vetter: vetter, logger: logger, known: knownKeys), metrics: metrics,
                logger: logger, routes: routes, requestTimeout: requestTimeout))
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/metrics") { _, context -> Response in
            try context.require(.screener)
            let versions = try await vetter.store.currentVersions().sorted { $0.source < $1.source }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.render(versions: versions))))
        }
        let openAPI = try Resource.text("openapi", "yaml")
        router.get("/openapi.yaml") { _, context -> Response in
            try context.require(.screener)
            return Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: ByteBuffer(string: openAPI)))
        }
        APIRoutes(vetter: vetter, index: current, metrics: metrics, knownKeys: knownKeys, logger: logger).add(
            to: router)
        try WebRoutes(vetter: vetter, index: current, metrics: metrics).add(to: router)
        routes.set(router.routes.map { ($0.path.description, $0.method) })
        return router
    }

    /// The application, ready to run on `configuration`'s address. `onRunning` gets the port it listens on (the
    /// one the system chose, for port 0).
    public static func application(
        vetter: Vetter, configuration: ServerConfiguration, logger: Logger,
        onRunning: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let key = try await vetter.currentListsKey()
        let current = CurrentIndex(try await vetter.loadIndex(), key: key)
        return Application(
            router: try router(
                vetter: vetter, current: current, logger: logger, metrics: ServerMetrics(),
                requestTimeout: configuration.requestTimeout),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "vetter"),
            services: [IndexFollower(index: current, vetter: vetter, every: configuration.followEvery, logger: logger)],
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }

    static func readBody(_ request: Request, limit: Int) async throws -> Data {
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch {
            throw Problem(.contentTooLarge, "Content too large", detail: "the body exceeds \(limit) bytes")
        }
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Files shipped with the server: the OpenAPI document, the page templates and the style sheet.
enum Resource {
    static func text(_ name: String, _ type: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: type),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else {
            throw Problem(.internalServerError, "Internal error", detail: "\(name).\(type) is missing from this build")
        }
        return text
    }
}
