import ArgumentParser
import Foundation
import VetterCore
import VetterOwnership
import VetterService

struct OwnershipCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ownership",
        abstract: "Who is restricted through ownership: OFAC's 50 percent rule and BIS's Affiliates rule.",
        subcommands: [
            OwnershipImport.self, OwnershipCheck.self, OwnershipVersions.self, OwnershipDiffCommand.self,
            OwnershipBench.self,
        ])
}

struct OwnershipImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store an ownership file as a new version: what check, screen and the server then use.",
        discussion: """
            The file is read whole first (a CSV with the header owner,owned,percent,relationship,source,as_of; an \
            error names its line and field, and nothing is stored). A file identical to the newest version stores \
            nothing. Versions are never changed or deleted: `vetter check --date` uses the version in force on \
            that day, and `vetter ownership diff` shows what changed. The import is recorded in the audit chain.
            """)

    @Argument(help: "The ownership CSV.")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let outcome = try await reportingErrors {
            try await storeOptions.open().importOwnership(path: file)
        }
        if json {
            print(try Terminal.json(outcome))
        } else if outcome.changed {
            print(
                "ownership version \(outcome.version.id): \(outcome.version.edgeCount) holdings among \(outcome.version.partyCount) parties, from \(outcome.version.fileName)"
            )
            for alert in outcome.alerts {
                print(
                    "alert \(alert.id): \(alert.kind.rawValue) — \(alert.partyName) (watched \(alert.partyID)) through \(alert.source.code) \(alert.entryID) \(alert.entryName)"
                )
            }
        } else {
            print("unchanged: the file is ownership version \(outcome.version.id)")
        }
    }
}

struct OwnershipVersions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions", abstract: "List every stored ownership version, newest first.")

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let versions = try await reportingErrors { try await storeOptions.open().ownershipVersions() }
        if json {
            print(try Terminal.json(versions))
            return
        }
        let formatter = ISO8601DateFormatter()
        print(
            Terminal.table(
                ["VERSION", "HOLDINGS", "PARTIES", "IMPORTED", "BY", "FILE", "SHA-256"],
                versions.map {
                    [
                        String($0.id), String($0.edgeCount), String($0.partyCount),
                        formatter.string(from: $0.importedAt), $0.actor, $0.fileName, String($0.fileSHA256.prefix(16)),
                    ]
                }))
    }
}

struct OwnershipDiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show the holdings one ownership version adds, drops and changes against another.",
        discussion: "Without --from and --to, compares the two newest versions.")

    @Option(help: "The older version.")
    var from: Int64?

    @Option(help: "The newer version.")
    var to: Int64?

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let diff = try await reportingErrors {
            let vetter = try await storeOptions.open()
            let versions = try await vetter.ownershipVersions()
            guard let newer = to ?? versions.first?.id,
                let older = from ?? versions.first(where: { $0.id < newer })?.id
            else {
                throw ValidationError("there are fewer than two ownership versions to compare")
            }
            return try await vetter.ownershipDiff(from: older, to: newer)
        }
        if json {
            print(try Terminal.json(diff))
            return
        }
        func share(_ edge: OwnershipEdge) -> String {
            edge.percent.map { OwnershipCheck.percent($0) } ?? "unknown share"
        }
        print("ownership version \(diff.from.id) → \(diff.to.id)")
        for edge in diff.added {
            print("+ \(edge.owner) holds \(share(edge)) of \(edge.owned) (\(edge.relationship.rawValue))")
        }
        for edge in diff.removed {
            print("- \(edge.owner) held \(share(edge)) of \(edge.owned) (\(edge.relationship.rawValue))")
        }
        for change in diff.changed {
            print(
                "~ \(change.after.owner) in \(change.after.owned): \(share(change.before)) → \(share(change.after))"
                    + (change.before.source != change.after.source ? " (source: \(change.after.source))" : ""))
        }
        if diff.added.isEmpty && diff.removed.isEmpty && diff.changed.isEmpty { print("no holding changed") }
    }
}

struct OwnershipCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Say, for every party of the ownership data, whether ownership restricts it, and why: a file given, or the stored version in force on --date.",
        discussion: """
            The file is a CSV with the header owner,owned,percent,relationship,source,as_of: parties by name, or a \
            listed owner as SOURCE:ID (EL:f095626c…, SDN:306); percent 0 to 100, or empty / unknown; relationship \
            direct (default) or indirect. Each party is resolved to list entries by screening its name against the \
            lists in force on --date (the match and its score are shown: confirm them). OFAC's rule counts SDN \
            owners; the Affiliates rule counts Entity List, MEU and SDN owners whose programmes carry an EAR \
            licence requirement, and applies only while it is in force (in force from 2025-09-29, suspended \
            2025-11-10 to 2026-11-09, in force again from 2026-11-10). A party is restricted when restricted \
            owners hold 50 % or more of it in the aggregate, directly or through restricted companies; a \
            restricted owner of unknown share is Red Flag 29. Exit 3 with --fail-on-restricted when any party \
            not listed itself is restricted or flagged.
            """)

    @Argument(help: "An ownership CSV (default: the stored ownership data, see `vetter ownership import`).")
    var file: String?

    @Option(help: "The day to answer for (YYYY-MM-DD; default today).")
    var date: String?

    @Option(help: "Only this party (as the file names it).")
    var party: String?

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Exit 3 when ownership restricts or flags a party that is not listed itself.")
    var failOnRestricted = false

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let day = try parseDay(date, option: "--date") ?? LocalDate(Date())
        let report = try await reportingErrors {
            let screener = try await Screener(vetter: try await storeOptions.open())
            if let file { return try await screener.ownership(file: file, on: day) }
            guard let stored = try await screener.ownership(on: day) else {
                throw ValidationError(
                    "no ownership data was imported by \(day): give a file, or import one with `vetter ownership import FILE`"
                )
            }
            return stored
        }
        var parties = report.parties
        if let party { parties = parties.filter { $0.party == party } }
        if json {
            var shown = report
            shown.parties = parties
            print(try Terminal.json(shown))
        } else {
            print(
                "Affiliates rule on \(report.date): \(report.affiliatesRule.state.rawValue.replacingOccurrences(of: "_", with: " ")) — \(report.affiliatesRule.citation)"
            )
            if let note = report.affiliatesRule.note { print("  \(note)") }
            if let version = report.version {
                print(
                    "Ownership version \(version.id) (\(version.fileName), imported \(ISO8601DateFormatter().string(from: version.importedAt)))"
                )
            }
            print("OFAC's 50 percent rule: always applies to SDN owners (OFAC guidance of 13 August 2014).")
            for resolution in report.resolutions {
                let review =
                    resolution.caseID.map { " — case \($0), \(resolution.caseState?.rawValue ?? "open")" } ?? ""
                print(
                    "  \(resolution.party) = \(resolution.source) \(resolution.entryID) \(resolution.listedName)"
                        + (resolution.score < 1 ? " (screening score \(resolution.score): confirm)" : "") + review)
            }
            print()
            func describe(_ result: OwnershipReport.RuleResult) -> String {
                if result.listed { return "listed" }
                if result.restricted { return "RESTRICTED \(Self.percent(result.restrictedShare))" }
                if result.redFlag29 { return "RED FLAG 29" }
                return result.restrictedShare > 0 ? "\(Self.percent(result.restrictedShare)) held" : "—"
            }
            print(
                Terminal.table(
                    ["PARTY", "OFAC", "AFFILIATES", "WHY"],
                    parties.map { party in
                        let chain = party.ofac.restricted ? party.ofac.chain : party.affiliates.chain
                        var why = chain.count > 1 ? chain.joined(separator: " → ") : ""
                        if party.affiliates.redFlag29 || party.ofac.redFlag29 {
                            why =
                                "owners of unknown share: "
                                + Set(party.affiliates.unknownShareOwners + party.ofac.unknownShareOwners).sorted()
                                .joined(separator: ", ")
                        }
                        return [party.party, describe(party.ofac), describe(party.affiliates), why]
                    }, maxWidth: 90))
            for cycle in report.cycles { print("cycle: \(cycle.joined(separator: " ↔ "))") }
        }
        if failOnRestricted,
            parties.contains(where: {
                (!$0.ofac.listed && ($0.ofac.restricted || $0.ofac.redFlag29))
                    || (!$0.affiliates.listed && ($0.affiliates.restricted || $0.affiliates.redFlag29))
            })
        {
            throw ExitCode(3)
        }
    }

    static func percent(_ value: Double) -> String {
        (value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)) + " %"
    }
}

struct OwnershipBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Time the ownership rules over a random graph; prints figures.")

    @Option(help: "Parties in the graph.")
    var parties = 100_000

    @Option(help: "Holdings (edges) in the graph.")
    var edges = 1_000_000

    @Option(help: "Random seed, for repeatable runs.")
    var seed: UInt64 = 42

    func run() async throws {
        Benchmark.ownership(parties: parties, edges: edges, seed: seed) { Swift.print($0) }
    }
}
