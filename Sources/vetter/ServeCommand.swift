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
            one line (method, route, status, ms, request_id, the key's name — never the key) on standard error, as \
            key=value fields or JSON (--log-format json); answers carry X-Request-Id. Settings come from options, \
            VETTER_* variables, then --config. SIGHUP reloads the log level and --max-data-age; SIGTERM or SIGINT \
            stop accepting connections and finish the requests in flight.
            """)

    @Option(
        help: ArgumentHelp(
            "A JSON file of settings (default $VETTER_CONFIG); options and VETTER_* variables override it.",
            discussion:
                "Keys: host, port, log_level, log_format, request_timeout, deliver_every, update_every, update_only, update_url (an object of NAME: URL), max_data_age, db, db_pool. SIGHUP reads it again and applies log_level and max_data_age; the others take effect on restart.",
            valueName: "file"))
    var config: String?

    @Option(help: "Address to listen on (default 127.0.0.1; $VETTER_HOST).")
    var host: String?

    @Option(help: "Port to listen on; 0 lets the system choose (the port is printed). Default 8080; $VETTER_PORT.")
    var port: Int?

    @Option(
        help: "Log level: trace, debug, info (one line per request), notice, warning, error or critical. Default info.")
    var logLevel: String?

    @Option(help: "Log lines as text (key=value) or json (one object per line, with request_id). Default text.")
    var logFormat: String?

    @Option(help: "Seconds one request may run before its work is stopped and it is answered 503 (default 30).")
    var requestTimeout: Double?

    @Option(
        help:
            "Seconds between sends of the webhook outbox in the background (deliveries due, retries); 0 for none. Default 10."
    )
    var deliverEvery: Double?

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

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try ServeSettings.resolve(self, environment: environment)
        let sources = try UpdateCommand.sources(
            only: settings.updateOnly, urls: settings.updateURL, options: ("--update-only", "--update-url"))
        let reloadable = ReloadableSettings(
            logLevel: settings.logLevel, maxDataAge: settings.maxDataAge.map { Interval(seconds: $0).duration })
        // Every log line goes to standard error: text with control characters escaped, or one JSON object each.
        let json = settings.logFormat == "json"
        LoggingSystem.bootstrap { label -> any LogHandler in
            if json { return JSONLogHandler(label: label, level: reloadable.logLevel) }
            return EscapingLogHandler(standardErrorLabel: label, level: reloadable.logLevel)
        }
        let logger = Logger(label: "vetter")
        let hangUp = ConfigurationReloader(command: self, reloadable: reloadable, logger: logger)
        hangUp.start()
        let app = try await reportingErrors {
            var store = storeOptions
            store.db = settings.db
            store.dbPool = settings.dbPool
            let vetter = try await store.open()
            if try await vetter.keyCount() == 0 {
                let secret = try await VetterServer.createKey(in: vetter, role: .admin, name: "first admin")
                Terminal.note("Created the first admin API key (shown once): \(secret)")
            }
            Terminal.warnIfStale(Evidence(versions: try await vetter.currentLists()))
            let host = settings.host
            return try await VetterServer.application(
                vetter: vetter,
                configuration: ServerConfiguration(
                    host: host, port: settings.port,
                    requestTimeout: .milliseconds(Int(settings.requestTimeout * 1000)),
                    deliverEvery: settings.deliverEvery > 0 ? .milliseconds(Int(settings.deliverEvery * 1000)) : nil,
                    update: settings.updateEvery.map {
                        UpdateSchedule(every: Interval(seconds: $0).duration, sources: sources)
                    },
                    reloadable: reloadable), logger: logger,
                onRunning: { port in
                    Terminal.note("Listening on http://\(host):\(port) — the reviewers' page is /ui, the API /v1")
                })
        }
        try await app.runService()
    }
}

/// Reads the configuration again on SIGHUP and applies what can change while serving: the log level and the data
/// age `/readyz` allows. A file that no longer reads is reported and changes nothing.
final class ConfigurationReloader: @unchecked Sendable {
    let command: ServeCommand
    let reloadable: ReloadableSettings
    let logger: Logger
    private var source: (any DispatchSourceSignal)?

    init(command: ServeCommand, reloadable: ReloadableSettings, logger: Logger) {
        self.command = command
        self.reloadable = reloadable
        self.logger = logger
    }

    func start() {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { [self] in reload() }
        source.resume()
        self.source = source
    }

    func reload() {
        do {
            let settings = try ServeSettings.resolve(command, environment: ProcessInfo.processInfo.environment)
            reloadable.logLevel.value = settings.logLevel
            reloadable.maxDataAge = settings.maxDataAge.map { Interval(seconds: $0).duration }
            logger.notice(
                "configuration reloaded",
                metadata: [
                    "log_level": "\(settings.logLevel.rawValue)",
                    "max_data_age_seconds": "\(settings.maxDataAge.map { String(Int($0)) } ?? "none")",
                ])
        } catch {
            logger.error("the configuration could not be reloaded; nothing changed", metadata: ["error": "\(error)"])
        }
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
