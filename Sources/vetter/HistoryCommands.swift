import ArgumentParser
import Foundation
import VetterCore
import VetterService

struct VersionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions", abstract: "List every imported version, newest first.")

    @Option(help: "Only this list (EL, SDN, …).")
    var source: ListSource?

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let versions = try await reportingErrors {
            let vetter = try await storeOptions.open()
            return try await vetter.versions(source: source)
        }
        if json {
            print(try Terminal.json(versions))
            return
        }
        let formatter = ISO8601DateFormatter()
        print(
            Terminal.table(
                ["VERSION", "LIST", "ENTRIES", "DATA AS OF", "IMPORTED", "FILE", "CONTENT SHA-256"],
                versions.map {
                    [
                        String($0.id), $0.source.code, String($0.entryCount), $0.dataDate?.description ?? "",
                        formatter.string(from: $0.importedAt), $0.fileName, String($0.contentSHA256.prefix(16)),
                    ]
                }))
    }
}

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed in a list between two versions: entries added, removed and changed.",
        discussion: "Without --from and --to, compares the two newest versions of the list.")

    @Option(help: "The list (EL, SDN, …).")
    var source: ListSource

    @Option(help: "The older version id.")
    var from: Int64?

    @Option(help: "The newer version id.")
    var to: Int64?

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let list = source
        let diff = try await reportingErrors {
            let vetter = try await storeOptions.open()
            return try await vetter.diff(source: list, from: from, to: to)
        }
        if json {
            struct Summary: Encodable {
                var source: String
                var from: Int64
                var to: Int64
                var added: [[String: String]]
                var removed: [[String: String]]
                var changed: [ListDiff.Change]
            }
            print(
                try Terminal.json(
                    Summary(
                        source: list.code, from: diff.from.id, to: diff.to.id,
                        added: diff.added.map { ["entry_id": $0.id, "name": $0.name] },
                        removed: diff.removed.map { ["entry_id": $0.id, "name": $0.name] }, changed: diff.changed)))
            return
        }
        print(
            "\(list.code): version \(diff.from.id) (\(diff.from.entryCount) entries) → version \(diff.to.id) (\(diff.to.entryCount) entries)"
        )
        print("added \(diff.added.count), removed \(diff.removed.count), changed \(diff.changed.count)\n")
        for entry in diff.added { print("+ \(entry.id)  \(entry.name)") }
        for entry in diff.removed { print("- \(entry.id)  \(entry.name)") }
        for change in diff.changed {
            print("~ \(change.entryID)  \(change.name)  [\(change.fields.joined(separator: ", "))]")
        }
    }
}

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Keep counterparties screened: they are re-screened whenever a list changes.",
        subcommands: [WatchImport.self, WatchList.self, WatchRemove.self, WatchRescreen.self])
}

struct WatchImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add watched parties from a CSV (id,name[,country][,type][,address]) and screen them.")

    @Argument(help: "The CSV file.")
    var file: String

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let (parties, hits) = try await reportingErrors {
            let parties = try Vetter.readWatchedParties(path: file)
            let vetter = try await storeOptions.open()
            return (parties, try await vetter.watch(parties))
        }
        let hitParties = Set(hits.map(\.partyID))
        print(
            "Watching \(parties.count) parties from \(file); \(hitParties.count) match a listed entry (\(hits.count) hits)."
        )
        for hit in hits.prefix(50) {
            print("  \(hit.partyID): \(hit.source.code) \(hit.entryID) \(hit.entryName) (score \(hit.score))")
        }
        if hits.count > 50 { print("  … \(hits.count - 50) more: see 'vetter watch list --hits'") }
    }
}

struct WatchList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List watched parties and their hits.")

    @Flag(help: "Only parties with hits.")
    var hits = false

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let (parties, allHits) = try await reportingErrors {
            let vetter = try await storeOptions.open(seed: false)
            return (try await vetter.watchedParties(), try await vetter.watchHits())
        }
        let byParty = Dictionary(grouping: allHits, by: \.partyID)
        let shown = hits ? parties.filter { byParty[$0.id] != nil } : parties
        if json {
            struct Row: Encodable {
                var party: WatchedParty
                var hits: [WatchHit]
            }
            print(try Terminal.json(shown.map { Row(party: $0, hits: byParty[$0.id] ?? []) }))
            return
        }
        print(
            Terminal.table(
                ["ID", "NAME", "CTRY", "HITS"],
                shown.map { party in
                    [
                        party.id, party.name, party.country ?? "",
                        (byParty[party.id] ?? []).map { "\($0.source.code) \($0.entryID.prefix(12))" }.joined(
                            separator: "; "),
                    ]
                }))
    }
}

struct WatchRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop watching a party.")

    @Argument(help: "The party's id.")
    var id: String

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let removed = try await reportingErrors {
            try await storeOptions.open(seed: false).unwatch(id: id)
        }
        guard removed else {
            Terminal.error("no watched party with id \(id)")
            throw ExitCode(1)
        }
        print("No longer watching \(id).")
    }
}

struct WatchRescreen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescreen", abstract: "Re-screen every watched party against the current lists now.")

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let report = try await reportingErrors {
            let vetter = try await storeOptions.open()
            return try await vetter.rescreen(after: [], full: true)
        }
        printReport(report)
    }
}

func printReport(_ report: RescreenReport) {
    guard report.watched > 0 else { return }
    print(
        "Re-screened \(report.screened) of \(report.watched) watched parties (\(report.mode)) in \(String(format: "%.2f", report.seconds)) s: \(report.alerts.count) alerts."
    )
    for alert in report.alerts.prefix(50) {
        print(
            "  \(alert.kind.rawValue): \(alert.partyID) \(alert.partyName) — \(alert.source.code) \(alert.entryID) \(alert.entryName)"
        )
    }
}

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "List alerts: watched parties whose hits changed when a list changed.")

    @Option(help: "Only alerts from this day on (YYYY-MM-DD).")
    var since: String?

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        var from: Date?
        if let since {
            guard let day = LocalDate(strict: since) else {
                throw ValidationError("--since: '\(since)' is not YYYY-MM-DD")
            }
            from = ISO8601DateFormatter().date(from: "\(day)T00:00:00Z")
        }
        let alerts = try await reportingErrors {
            try await storeOptions.open(seed: false).alerts(since: from)
        }
        if json {
            print(try Terminal.json(alerts))
            return
        }
        let formatter = ISO8601DateFormatter()
        print(
            Terminal.table(
                ["ID", "WHEN", "KIND", "PARTY", "LIST", "ENTRY", "SCORE"],
                alerts.map {
                    [
                        String($0.id), formatter.string(from: $0.createdAt), $0.kind.rawValue,
                        "\($0.partyID) \($0.partyName)",
                        $0.source.code, "\($0.entryID.prefix(12)) \($0.entryName)", String($0.score),
                    ]
                }))
    }
}

struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Send alerts to HTTP endpoints, signed, retried, never lost.",
        subcommands: [WebhookAdd.self, WebhookList.self, WebhookDeliver.self])
}

struct WebhookAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register an endpoint; every later alert is POSTed to it as JSON.",
        discussion: """
            Each POST carries X-Vetter-Signature: sha256=<HMAC-SHA-256 of the body under the secret> and \
            X-Vetter-Delivery: <id> (the same id on every retry of one alert, for de-duplication). The secret is \
            printed once.
            """)

    @Argument(help: "The endpoint URL (http or https).")
    var url: String

    @Option(help: "The signing secret; default: a random one, printed once.")
    var secret: String?

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil
        else {
            throw ValidationError("'\(url)' is not an http(s) URL")
        }
        let key = secret ?? (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let id = try await reportingErrors {
            try await storeOptions.open(seed: false).addWebhook(url: url, secret: key)
        }
        print("Webhook \(id): \(url)")
        if secret == nil { print("Signing secret (shown once): \(key)") }
    }
}

struct WebhookList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered webhooks.")

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let hooks = try await reportingErrors { try await storeOptions.open(seed: false).webhooks() }
        print(Terminal.table(["ID", "URL"], hooks.map { [String($0.id), $0.url] }))
    }
}

struct WebhookDeliver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "POST the alerts waiting in the outbox; failures are retried with exponential back-off.",
        discussion: "With --wait SECONDS, keeps retrying until everything is delivered or the time is up.")

    @Option(help: "Keep retrying for up to this many seconds.")
    var wait: Double = 0

    @Option(help: "The first retry delay in seconds; it doubles with every failure (at most an hour).")
    var backoff: Double = 30

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let deadline = Date().addingTimeInterval(wait)
        let (delivered, pending) = try await reportingErrors { () async throws -> (Int, Int) in
            let vetter = try await storeOptions.open(seed: false)
            var delivered = 0
            while true {
                let (sent, _) = try await vetter.deliverWebhooks(baseDelay: backoff)
                delivered += sent
                let waiting = try await vetter.pendingDeliveryCount()
                if waiting == 0 || Date() >= deadline { return (delivered, waiting) }
                try await Task.sleep(nanoseconds: UInt64(min(backoff, 1) * 200_000_000))
            }
        }
        print("Delivered \(delivered) alerts; \(pending) waiting for a retry.")
        if pending > 0 { throw ExitCode(1) }
    }
}
