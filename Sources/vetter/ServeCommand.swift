import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VetterServer
import VetterService
import VetterStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API over the same store, engine and rules as the CLI.",
        discussion: """
            Routes: GET /healthz (no key); with an API key (Authorization: Bearer <key>): POST /v1/screen, \
            POST /v1/check, GET /v1/entries/{id}, GET /v1/lists. Errors are application/problem+json. The first \
            serve on a store without keys creates an admin key and prints it once. SIGTERM or SIGINT shut down \
            gracefully.
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        var logger = Logger(label: "vetter")
        logger.logLevel = .info
        let app = try await reportingErrors {
            let vetter = try await storeOptions.open()
            if try await vetter.store.apiKeyCount() == 0 {
                let secret = try await VetterServer.createKey(in: vetter, role: .admin, name: "first admin")
                Terminal.note("Created the first admin API key (shown once): \(secret)")
            }
            return try await VetterServer.application(
                vetter: vetter, configuration: ServerConfiguration(host: host, port: port), logger: logger)
        }
        try await app.runService()
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys for 'vetter serve'.", subcommands: [KeysCreate.self])
}

struct KeysCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an API key and print it once; only its hash is stored.")

    @Option(help: "screener (screen, check), reviewer (also alerts), or admin (also imports and keys).")
    var role: String

    @Option(help: "A name to recognise the key by in logs.")
    var name = "api key"

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        guard let parsed = APIRole(rawValue: role) else {
            throw ValidationError("--role: '\(role)' is not one of screener, reviewer, admin")
        }
        let secret = try await reportingErrors {
            try await VetterServer.createKey(in: storeOptions.open(seed: false), role: parsed, name: name)
        }
        print(secret)
    }
}
