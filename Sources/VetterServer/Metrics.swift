import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import Prometheus
import Synchronization
import VetterCore

/// Request counts and latencies per route template, and parties screened, through swift-metrics into a Prometheus
/// registry of the server's own (served at `/metrics` with the lists in force).
///
/// Each server holds its own registry rather than bootstrapping the process-wide metrics system, so that two
/// servers in one process (tests) count apart.
public final class ServerMetrics: Sendable {
    /// Upper bounds of the latency histogram.
    static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5),
    ]

    private struct RouteKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private struct RouteMetrics {
        var requests: Metrics.Counter
        var duration: Metrics.Timer
    }

    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let screenedParties: Metrics.Counter
    private let routes = Mutex<[RouteKey: RouteMetrics]>([:])
    let started = Date()

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.buckets
        self.factory = factory
        screenedParties = Metrics.Counter(label: "vetter_screened_parties_total", factory: factory)
    }

    /// Counts one answered request under its route template; its duration goes to the histogram of the route.
    func record(method: String, route: String, status: Int, duration: Duration) {
        let key = RouteKey(method: method, route: route, status: status)
        let metrics = routes.withLock { routes in
            if let known = routes[key] { return known }
            let made = RouteMetrics(
                requests: Metrics.Counter(
                    label: "vetter_http_requests_total",
                    dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory),
                duration: Metrics.Timer(
                    label: "vetter_http_request_duration_seconds", dimensions: [("method", method), ("route", route)],
                    preferredDisplayUnit: .seconds, factory: factory))
            routes[key] = made
            return made
        }
        metrics.requests.increment()
        metrics.duration.record(duration: duration)
    }

    /// Counts parties screened (one per `POST /v1/screen`, one per row of a batch, one per web search).
    func screened(_ count: Int) {
        screenedParties.increment(by: count)
    }

    /// The exposition text: the registry's metrics, then a gauge per list version in force.
    func render(versions: [ListVersion]) -> String {
        var lines: [String] = [registry.emitToString().trimmingCharacters(in: .newlines)]
        lines.append("# HELP vetter_list_version_info The list version in force for each source (value 1).")
        lines.append("# TYPE vetter_list_version_info gauge")
        for version in versions {
            lines.append(
                "vetter_list_version_info{source=\"\(version.source.code)\",version=\"\(version.id)\",data_date=\"\(version.dataDate?.description ?? "")\",content_sha256=\"\(version.contentSHA256)\"} 1"
            )
        }
        lines.append("# HELP vetter_list_entries Entries in the list version in force, by source.")
        lines.append("# TYPE vetter_list_entries gauge")
        for version in versions {
            lines.append("vetter_list_entries{source=\"\(version.source.code)\"} \(version.entryCount)")
        }
        lines.append(
            "# HELP vetter_list_data_age_seconds Age of the list data in force, by source: from its data date, or from its import when it has none."
        )
        lines.append("# TYPE vetter_list_data_age_seconds gauge")
        let now = Date()
        for version in versions {
            lines.append(
                "vetter_list_data_age_seconds{source=\"\(version.source.code)\"} \(Int(version.dataAge(at: now)))")
        }
        lines.append("# HELP vetter_uptime_seconds Seconds since the server started.")
        lines.append("# TYPE vetter_uptime_seconds gauge")
        lines.append("vetter_uptime_seconds \(Date().timeIntervalSince(started))")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The one middleware every request passes: it authenticates (``Authenticator``), times the request, counts it under
/// its route template (`/v1/entries/{id}`, never the raw path) and logs one structured line — method, route,
/// status, milliseconds and the key's name, never the key itself.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = VetterRequestContext
    static let notFound = "NotFound"
    let authenticator: Authenticator
    let metrics: ServerMetrics
    let logger: Logger
    /// Every route's template and methods, filled once the router has them.
    let routes: RouteTable
    let requestTimeout: Duration

    static let requestIDField = HTTPField.Name("X-Request-Id")!

    /// The caller's `X-Request-Id` when it is a plain token (letters, digits, `.`, `_`, `-`; at most 64), so that a
    /// load balancer's id follows the request; a new random one otherwise.
    static func requestID(_ request: Request) -> String {
        if let given = request.headers[requestIDField], (1...64).contains(given.count),
            given.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "._-".unicodeScalars.contains($0)
            })
        {
            return given
        }
        return UUID().uuidString.lowercased()
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let requestID = Self.requestID(request)
        // Only route templates are labels: a path no route has is counted as one "NotFound" route, so that
        // requests to made-up paths cannot grow the metrics.
        let route = context.endpointPath ?? Self.notFound
        var keyName: String?
        @Sendable func finish(_ status: Int, keyName: String?) {
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            metrics.record(method: request.method.rawValue, route: route, status: status, duration: elapsed)
            var metadata: Logger.Metadata = [
                "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(status)",
                "ms": "\(String(format: "%.2f", seconds * 1000))", "request_id": "\(requestID)",
            ]
            if let keyName { metadata["key_name"] = "\(keyName.escapingControlCharacters)" }
            logger.info("request", metadata: metadata)
        }
        do {
            if route == Self.notFound {
                // No route has this path: 405 with the methods it has, when it has some, else 404.
                let allowed = routes.methods(for: request.uri.path)
                if allowed.isEmpty {
                    throw Problem(.notFound, "Not found", detail: "no route answers this path")
                }
                var problem = Problem(
                    .methodNotAllowed, "Method not allowed",
                    detail: "this path answers \(allowed.map(\.rawValue).joined(separator: ", "))")
                problem.allow = allowed
                throw problem
            }
            var context = context
            context.deadline = .now + requestTimeout
            if let key = try await authenticator.authenticate(request, route: route) {
                context.role = key.role
                context.keyName = key.name
                context.formToken = key.session.map(FormFields.token(for:))
                keyName = key.name
            }
            var response = try await next(request, context)
            // Timed and logged once the body is written: a streamed batch takes its whole length.
            let body = response.body, status = Int(response.status.code), name = keyName
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                do {
                    try await body.write(writer)
                    finish(status, keyName: name)
                } catch {
                    finish(status, keyName: name)
                    throw error
                }
            }
            response.headers[Self.requestIDField] = requestID
            return response
        } catch let error as any HTTPResponseError {
            finish(Int(error.status.code), keyName: keyName)
            var response = try error.response(from: request, context: context)
            response.headers[Self.requestIDField] = requestID
            return response
        } catch {
            finish(500, keyName: keyName)
            logger.error(
                "request failed",
                metadata: [
                    "route": "\(route)", "error": "\("\(error)".escapingControlCharacters)",
                    "request_id": "\(requestID)",
                ])
            var response = try Problem(
                .internalServerError, "Internal error", detail: "the request could not be completed"
            ).response(from: request, context: context)
            response.headers[Self.requestIDField] = requestID
            return response
        }
    }
}

/// The router's routes as templates and methods, to tell a path no route has (404) from a method a path does not
/// answer (405, with `Allow`).
final class RouteTable: Sendable {
    private let routes = Mutex<[(segments: [Substring], methods: [HTTPRequest.Method])]>([])

    init() {}

    /// Records the routes once they are all added.
    func set(_ list: [(path: String, method: HTTPRequest.Method)]) {
        var table: [String: [HTTPRequest.Method]] = [:]
        for route in list { table[route.path, default: []].append(route.method) }
        routes.withLock { routes in
            routes = table.map { path, methods in
                (path.split(separator: "/"), methods.sorted { $0.rawValue < $1.rawValue })
            }
        }
    }

    /// The methods of the route whose template matches `path` (`{id}` matches any one segment).
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        return routes.withLock { routes in
            for route in routes where route.segments.count == segments.count {
                let matches = zip(route.segments, segments).allSatisfy { template, segment in
                    template.hasPrefix("{") && template.hasSuffix("}") || template == segment
                }
                if matches { return route.methods }
            }
            return []
        }
    }
}
