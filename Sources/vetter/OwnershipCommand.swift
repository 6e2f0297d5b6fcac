import ArgumentParser
import Foundation
import VetterCore
import VetterOwnership
import VetterService

struct OwnershipCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ownership",
        abstract: "Who is restricted through ownership: OFAC's 50 percent rule and BIS's Affiliates rule.",
        subcommands: [OwnershipCheck.self, OwnershipBench.self])
}

struct OwnershipCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Read an ownership file and say, for every party it names, whether ownership restricts it, and why.",
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

    @Argument(help: "The ownership CSV.")
    var file: String

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
            try await Screener(vetter: try await storeOptions.open()).ownership(file: file, on: day)
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
            print("OFAC's 50 percent rule: always applies to SDN owners (OFAC guidance of 13 August 2014).")
            for resolution in report.resolutions {
                print(
                    "  \(resolution.party) = \(resolution.source) \(resolution.entryID) \(resolution.listedName)"
                        + (resolution.score < 1 ? " (screening score \(resolution.score): confirm)" : ""))
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
