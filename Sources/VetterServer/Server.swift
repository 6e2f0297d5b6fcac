import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import VetterCore
public import VetterService

/// The request context: the role of the API key that authenticated the request.
public struct VetterRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var role: APIRole?
    public var keyName: String?
    /// The token a form must carry when the request was signed in by the web session's cookie; nil when a key
    /// header signed it in (a header is never sent by a browser on its own, so such a request is not forged).
    var formToken: String?

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

    /// Who the record names for this request: the API key's name.
    var actor: String { "key:" + (keyName ?? "unknown") }

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
    /// How often the webhook outbox is sent in the background; `nil` for never (only after imports here).
    public var deliverEvery: Duration?
    /// The list update the server runs by itself; `nil` for none (`vetter update` from cron, or imports).
    public var update: UpdateSchedule?
    /// What SIGHUP can change while the server runs: the log level and the data age `/readyz` allows.
    public var reloadable: ReloadableSettings

    public init(
        host: String = "127.0.0.1", port: Int = 8080, requestTimeout: Duration = defaultRequestTimeout,
        followEvery: Duration = .seconds(1), deliverEvery: Duration? = .seconds(10), update: UpdateSchedule? = nil,
        reloadable: ReloadableSettings = ReloadableSettings()
    ) {
        self.deliverEvery = deliverEvery
        self.update = update
        self.reloadable = reloadable
        self.host = host
        self.port = port
        self.requestTimeout = requestTimeout
        self.followEvery = followEvery
    }
}

/// Builds the HTTP application over a ``Vetter`` store and its index.
public enum VetterServer {
    /// Creates an API key: returns the secret, shown once; only its SHA-256 is stored.
    public static func createKey(
        in vetter: Vetter, role: APIRole, name: String, actor: String = Vetter.commandLineActor
    ) async throws -> String {
        try await vetter.createKey(role: role.rawValue, name: name, actor: actor)
    }

    /// The router with every route: the JSON API under `/v1`, the web pages under `/ui`, `/healthz`, `/metrics`
    /// and `/openapi.yaml`, answering from `screener`.
    public static func router(
        screener: Screener, logger: Logger, metrics: ServerMetrics = ServerMetrics(),
        requestTimeout: Duration = ServerConfiguration.defaultRequestTimeout
    ) throws -> Router<VetterRequestContext> {
        try router(
            screener: screener, logger: logger, metrics: metrics, requestTimeout: requestTimeout,
            knownKeys: Authenticator.KnownKeys())
    }

    static func router(
        screener: Screener, logger: Logger, metrics: ServerMetrics, requestTimeout: Duration,
        knownKeys: Authenticator.KnownKeys, reloadable: ReloadableSettings = ReloadableSettings()
    ) throws -> Router<VetterRequestContext> {
        let vetter = screener.vetter
        let router = Router(context: VetterRequestContext.self)
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
        router.get("/readyz") { _, _ -> Response in
            let readiness = Readiness(versions: screener.versions, maxDataAge: reloadable.maxDataAge)
            return try json(readiness, status: readiness.ready ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, context -> Response in
            try context.require(.screener)
            let versions = try await vetter.currentLists()
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
        APIRoutes(screener: screener, metrics: metrics, knownKeys: knownKeys, logger: logger).add(to: router)
        try WebRoutes(screener: screener, metrics: metrics).add(to: router)
        routes.set(router.routes.map { ($0.path.description, $0.method) })
        return router
    }

    /// The application, ready to run on `configuration`'s address. `onRunning` gets the port it listens on (the
    /// one the system chose, for port 0).
    public static func application(
        vetter: Vetter, configuration: ServerConfiguration, logger: Logger,
        onRunning: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let screener = try await Screener(vetter: vetter)
        let knownKeys = Authenticator.KnownKeys()
        var services: [any Service] = [
            IndexFollower(screener: screener, every: configuration.followEvery, logger: logger),
            ChangeFollower(screener: screener, knownKeys: knownKeys, logger: logger),
        ]
        if let every = configuration.deliverEvery {
            services.append(OutboxSender(vetter: vetter, every: every, logger: logger))
        }
        if let schedule = configuration.update {
            services.append(ListUpdater(screener: screener, schedule: schedule, logger: logger))
        }
        return Application(
            router: try router(
                screener: screener, logger: logger, metrics: ServerMetrics(),
                requestTimeout: configuration.requestTimeout, knownKeys: knownKeys,
                reloadable: configuration.reloadable),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "vetter"),
            services: services,
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
        let data = try Wire.encode(value)
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
