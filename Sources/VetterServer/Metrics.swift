import Foundation
import Hummingbird
import Logging
import Synchronization
import VetterCore

/// Request counts and latencies per route, and parties screened, in Prometheus's text format (served at
/// `/metrics`). Written by hand: a few counters and one histogram need no metrics library.
public final class ServerMetrics: Sendable {
    /// Upper bounds of the latency histogram, in seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    struct RouteKey: Hashable {
        var method: String
        var route: String
    }

    struct Histogram {
        var counts = [UInt64](repeating: 0, count: ServerMetrics.buckets.count)
        var count: UInt64 = 0
        var sum: Double = 0
    }

    struct State {
        var requests: [RouteKey: [Int: UInt64]] = [:]
        var latency: [RouteKey: Histogram] = [:]
        var screened: UInt64 = 0
    }

    private let state = Mutex(State())
    let started = Date()

    public init() {}

    func record(method: String, route: String, status: Int, seconds: Double) {
        let key = RouteKey(method: method, route: route)
        state.withLock { state in
            state.requests[key, default: [:]][status, default: 0] += 1
            var histogram = state.latency[key] ?? Histogram()
            for (position, bound) in Self.buckets.enumerated() where seconds <= bound {
                histogram.counts[position] += 1
            }
            histogram.count += 1
            histogram.sum += seconds
            state.latency[key] = histogram
        }
    }

    /// Counts parties screened (one per `POST /v1/screen`, one per row of a batch, one per web search).
    func screened(_ count: Int) {
        state.withLock { $0.screened += UInt64(count) }
    }

    /// The exposition text, with a gauge per list version loaded.
    func render(versions: [ListVersion]) -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        func label(_ value: String) -> String {
            value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
        }
        lines.append("# HELP vetter_http_requests_total HTTP requests answered, by route and status.")
        lines.append("# TYPE vetter_http_requests_total counter")
        for (key, statuses) in snapshot.requests.sorted(by: {
            ($0.key.route, $0.key.method) < ($1.key.route, $1.key.method)
        }) {
            for (status, count) in statuses.sorted(by: { $0.key < $1.key }) {
                lines.append(
                    "vetter_http_requests_total{method=\"\(key.method)\",route=\"\(label(key.route))\",status=\"\(status)\"} \(count)"
                )
            }
        }
        lines.append("# HELP vetter_http_request_duration_seconds Time to answer a request, by route.")
        lines.append("# TYPE vetter_http_request_duration_seconds histogram")
        for (key, histogram) in snapshot.latency.sorted(by: {
            ($0.key.route, $0.key.method) < ($1.key.route, $1.key.method)
        }) {
            let labels = "method=\"\(key.method)\",route=\"\(label(key.route))\""
            for (position, bound) in Self.buckets.enumerated() {
                lines.append(
                    "vetter_http_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(histogram.counts[position])"
                )
            }
            lines.append("vetter_http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(histogram.count)")
            lines.append("vetter_http_request_duration_seconds_sum{\(labels)} \(histogram.sum)")
            lines.append("vetter_http_request_duration_seconds_count{\(labels)} \(histogram.count)")
        }
        lines.append("# HELP vetter_screened_parties_total Parties screened; its rate is screens per second.")
        lines.append("# TYPE vetter_screened_parties_total counter")
        lines.append("vetter_screened_parties_total \(snapshot.screened)")
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

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        // Only route templates are labels: a path no route has is counted as one "NotFound" route, so that
        // requests to made-up paths cannot grow the metrics.
        let route = context.endpointPath ?? Self.notFound
        var keyName: String?
        func finish(_ status: Int) {
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            metrics.record(method: request.method.rawValue, route: route, status: status, seconds: seconds)
            var metadata: Logger.Metadata = [
                "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(status)",
                "ms": "\(String(format: "%.2f", seconds * 1000))",
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
                keyName = key.name
            }
            let response = try await next(request, context)
            finish(Int(response.status.code))
            return response
        } catch let error as any HTTPResponseError {
            finish(Int(error.status.code))
            throw error
        } catch {
            finish(500)
            logger.error(
                "request failed", metadata: ["route": "\(route)", "error": "\("\(error)".escapingControlCharacters)"])
            throw Problem(.internalServerError, "Internal error", detail: "the request could not be completed")
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
