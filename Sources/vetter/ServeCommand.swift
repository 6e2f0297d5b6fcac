import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VetterCore
import VetterServer
import VetterService

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API over the same store, engine and rules as the CLI.",
        discussion: """
            The JSON API under /v1 (its OpenAPI document is served at /openapi.yaml), the reviewers' web pages \
            under /ui, Prometheus metrics at /metrics, /healthz (the process answers) and /readyz (lists loaded, \
            and not older than --max-data-age). Every route but /healthz, /readyz and the sign-in page \
            needs an API key (Authorization: Bearer <key>, or the web sign-in); 'vetter keys create' makes one. The \
            first serve on a store without keys creates an admin key and prints it once. Each request is logged on \
            one line of key=value fields (method, route, status, ms, the key's name — never the key) on standard \
            error. SIGTERM \
            or SIGINT stop accepting connections and finish the requests in flight.
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 lets the system choose (the port is printed).")
    var port = 8080

    @Option(help: "Log level: trace, debug, info (one line per request), notice, warning, error or critical.")
    var logLevel = "info"

    @Option(help: "Seconds one request may run before its work is stopped and it is answered 503.")
    var requestTimeout: Double = 30

    @Option(
        help: "Seconds between sends of the webhook outbox in the background (deliveries due, retries); 0 for none.")
    var deliverEvery: Double = 10

    @Option(
        help: ArgumentHelp(
            "Fetch and import the lists every INTERVAL (90s, 30m, 6h, 1d), as 'vetter update' does; off by default.",
            discussion:
                "The first update runs a few seconds after the start; each wait is jittered by ±10 %. A failed download or file leaves the lists in force and is retried after 30 s, then after twice as long each time, up to the interval.",
            valueName: "interval"))
    var updateEvery: Interval?

    @Option(help: "With --update-every: only these sources (csl, ofac-sdn, ofac-cons, bis-dpl); repeatable.")
    var updateOnly: [String] = []

    @Option(help: "With --update-every: NAME=URL, fetch a source from another address; repeatable.")
    var updateURL: [String] = []

    @Option(
        help: ArgumentHelp(
            "/readyz answers 503 (not ready) while the newest list data is older than INTERVAL (30d, 720h).",
            valueName: "interval"))
    var maxDataAge: Interval?

    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard requestTimeout > 0, requestTimeout <= 3600 else {
            throw ValidationError("--request-timeout must be between 0 and 3600 seconds")
        }
        guard deliverEvery >= 0, deliverEvery <= 86_400 else {
            throw ValidationError("--deliver-every must be between 0 and 86400 seconds")
        }
        if let updateEvery, updateEvery.seconds < 1 {
            throw ValidationError("--update-every must be at least one second")
        }
        if updateEvery == nil, !updateOnly.isEmpty || !updateURL.isEmpty {
            throw ValidationError("--update-only and --update-url need --update-every")
        }
        _ = try updateSources()
    }

    func updateSources() throws -> [UpdateSource] {
        try UpdateCommand.sources(only: updateOnly, urls: updateURL, options: ("--update-only", "--update-url"))
    }

    func run() async throws {
        // Every log line goes to standard error with control characters escaped.
        LoggingSystem.bootstrap { EscapingLogHandler(StreamLogHandler.standardError(label: $0)) }
        var logger = Logger(label: "vetter")
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError(
                "--log-level: '\(logLevel)' is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        logger.logLevel = level
        let app = try await reportingErrors {
            let vetter = try await storeOptions.open()
            if try await vetter.keyCount() == 0 {
                let secret = try await VetterServer.createKey(in: vetter, role: .admin, name: "first admin")
                Terminal.note("Created the first admin API key (shown once): \(secret)")
            }
            Terminal.warnIfStale(Evidence(versions: try await vetter.currentLists()))
            let host = host
            return try await VetterServer.application(
                vetter: vetter,
                configuration: ServerConfiguration(
                    host: host, port: port, requestTimeout: .milliseconds(Int(requestTimeout * 1000)),
                    deliverEvery: deliverEvery > 0 ? .milliseconds(Int(deliverEvery * 1000)) : nil,
                    update: try updateEvery.map { UpdateSchedule(every: $0.duration, sources: try updateSources()) },
                    maxDataAge: maxDataAge?.duration), logger: logger,
                onRunning: { port in
                    Terminal.note("Listening on http://\(host):\(port) — the reviewers' page is /ui, the API /v1")
                })
        }
        try await app.runService()
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys for 'vetter serve'.",
        subcommands: [KeysCreate.self, KeysList.self, KeysRevoke.self])
}

struct KeysCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an API key and print it once; only its hash is stored.")

    @Option(help: "screener (screen, check), reviewer (also alerts), or admin (also imports and keys).")
    var role: APIRole

    @Option(help: "A name to recognise the key by in logs.")
    var name = "api key"

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let secret = try await reportingErrors {
            try await VetterServer.createKey(in: storeOptions.open(seed: false), role: role, name: name)
        }
        print(secret)
    }
}

struct KeysList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List API keys: id, name, role, when created and revoked; never the keys.")

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let keys = try await reportingErrors { try await storeOptions.open(seed: false).keys() }
        if json {
            print(try Terminal.json(keys))
            return
        }
        let formatter = ISO8601DateFormatter()
        print(
            Terminal.table(
                ["ID", "NAME", "ROLE", "CREATED", "REVOKED"],
                keys.map {
                    [
                        String($0.id), $0.name, $0.role, formatter.string(from: $0.createdAt),
                        $0.revokedAt.map(formatter.string(from:)) ?? "",
                    ]
                }))
    }
}

struct KeysRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke an API key for good.",
        discussion: "A running server stops accepting the key within 30 seconds (at once when revoked through its API)."
    )

    @Argument(help: "The key's id, from 'vetter keys list'.")
    var id: Int64

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let revoked = try await reportingErrors {
            try await storeOptions.open(seed: false).revokeKey(id: id)
        }
        guard revoked else {
            Terminal.error("no unrevoked key with id \(id)")
            throw ExitCode(1)
        }
        print("Revoked key \(id).")
    }
}
