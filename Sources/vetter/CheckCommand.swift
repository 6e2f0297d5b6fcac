import ArgumentParser
import Foundation
import VetterCore
import VetterMatch
import VetterRules
import VetterService

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Decide whether the lists require a licence: for a party and items, or a whole transaction.",
        discussion: """
            Screens the party (or every party of the transaction) and says, for each matched listing and each \
            item: licence required or not, the review policy for that item, licence exceptions available, the \
            conditions only you can know, and the Federal Register citations. The overall decision is the most \
            restrictive: prohibited > license_required > review > no_license_required. Only the lists decide \
            here: the Commerce Country Chart is out of scope. Exit status 0, or 3 with --fail-on-licence when \
            the decision is anything but no_license_required.

            A transaction file is JSON: {"parties": [{"name", "role", "country", "type"}], \
            "items": [{"eccn", "description", "quantity"}], "date": "YYYY-MM-DD"}; roles are purchaser, \
            intermediate_consignee, ultimate_consignee, end_user, freight_forwarder.
            """
    )

    @Option(help: "The party's name (with --eccn).")
    var party: String?

    @Option(help: "The party's country (ISO-2), as screening context.")
    var country: String?

    @Option(help: "The party's type: individual, entity, vessel or aircraft.")
    var type: PartyType?

    @Option(name: .customLong("eccn"), help: "An item's ECCN or EAR99; repeat for several items.")
    var eccns: [String] = []

    @Option(help: "Answer as of this day (YYYY-MM-DD); default today. Entries listed later did not apply.")
    var date: String?

    @Option(help: "A transaction file (JSON) instead of --party and --eccn.")
    var transaction: String?

    @Option(help: "Lowest screening score treated as a match.")
    var threshold: Double = ScreeningIndex.defaultThreshold

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Exit with status 3 unless the decision is no_license_required.")
    var failOnLicence = false

    func validate() throws {
        if transaction == nil {
            guard party != nil else {
                throw ValidationError("give --party NAME with --eccn, or --transaction FILE.json")
            }
            guard !eccns.isEmpty else { throw ValidationError("give at least one --eccn (an ECCN or EAR99)") }
        } else if party != nil || !eccns.isEmpty {
            throw ValidationError("--transaction replaces --party and --eccn: give one or the other")
        }
    }

    func run() async throws {
        let request = try makeTransaction()
        let result = try await reportingErrors {
            try await Screener(vetter: try await storeOptions.open()).check(
                request, threshold: threshold, actor: Vetter.commandLineActor)
        }
        if json {
            print(try Terminal.json(result))
        } else {
            printText(result)
        }
        if let warning = Evidence.staleWarning(dataDate: result.dataDate, ageDays: result.dataAgeDays) {
            Terminal.note(warning)
        }
        if failOnLicence && result.decision != .noLicenseRequired { throw ExitCode(3) }
    }

    func makeTransaction() throws -> Transaction {
        let parsedDate = try parseDay(date, option: "--date")
        if let transaction {
            guard let data = FileManager.default.contents(atPath: transaction) else {
                throw ValidationError("--transaction: cannot read \(transaction)")
            }
            do {
                var parsed = try Transaction.parse(data)
                if let parsedDate { parsed.date = parsedDate }
                return parsed
            } catch {
                throw ValidationError("\(transaction): \(error)")
            }
        }
        var items: [TransactionItem] = []
        for code in eccns {
            do { items.append(TransactionItem(eccn: try ECCN(code))) } catch {
                throw ValidationError("--eccn: \(error.message)")
            }
        }
        let party = TransactionParty(
            name: try parsePartyName(party, option: "--party"), country: try parseCountry(country),
            type: type)
        return Transaction(parties: [party], items: items, date: parsedDate)
    }

    func printText(_ result: CheckResult) {
        print("Decision: \(result.decision.rawValue) (as of \(result.date))")
        print(
            Evidence.summary(dataDate: result.dataDate, ageDays: result.dataAgeDays, lists: result.listVersions.count))
        for party in result.parties {
            let role = party.role.map { " — \($0.rawValue)" } ?? ""
            print(
                "\n\(party.name)\(role): \(party.decision.rawValue)\(party.blocked ? " — BLOCKED (a reviewer confirmed the match)" : "")"
            )
            if party.matches.isEmpty { print("  no listed party matched") }
            for match in party.matches {
                let review = match.caseID.map { " — case \($0), \(match.caseState?.rawValue ?? "")" } ?? ""
                print(
                    "  matched \(match.source) \(match.entryID) \(match.name) (\"\(match.matchedName)\", score \(match.score))\(review)"
                )
            }
            if !party.ownedBy.isEmpty { print("  owned by listed parties:") }
            for ground in party.ownedBy {
                let rule = ground.rule == .ofac50Percent ? "OFAC's 50 percent rule" : "BIS Affiliates rule"
                let state =
                    ground.restricted
                    ? "RESTRICTED"
                    : ground.restrictedWhileSuspended ? "would be restricted (rule suspended)" : "not restricted"
                let share = OwnershipCheck.percent(ground.restrictedShare)
                print("    \(rule): \(state), \(share) held by restricted owners")
                if !ground.chain.isEmpty { print("      chain: \(ground.chain.joined(separator: " → "))") }
                if ground.redFlag29 {
                    print("      Red Flag 29: unknown share of \(ground.unknownShareOwners.joined(separator: ", "))")
                }
            }
            for item in party.items {
                print("  \(item.eccn): \(item.decision.rawValue)")
                for reason in item.reasons where !reason.hasPrefix("No listed party") { print("    \(reason)") }
            }
        }
        print("\n\(result.scope)")
    }
}

struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Show how the licence requirement and review policy texts of the loaded lists are read.",
        discussion: """
            --coverage lists every distinct licence-requirement and review-policy text of the current Entity List \
            and Military End User versions, how many entries carry it, and how it was parsed; texts that could not \
            be parsed with certainty are flagged for manual review, never guessed.
            """
    )

    @Flag(help: "List every distinct text and its parse.")
    var coverage = false

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let report = try await reportingErrors {
            let vetter = try await storeOptions.open()
            return try await vetter.ruleCoverage()
        }
        if json {
            print(try Terminal.json(report))
            return
        }
        for kind in [RuleCoverage.Kind.licenseRequirement, .reviewPolicy] {
            let rows = report.filter { $0.kind == kind }
            let flagged = rows.filter { $0.manualReview != nil }
            print(
                "\(kind == .licenseRequirement ? "Licence requirement" : "Review policy") texts: \(rows.count) distinct, "
                    + "\(rows.count - flagged.count) parsed, \(flagged.count) flagged for manual review")
            if coverage {
                for row in rows {
                    print("  [\(row.entries)] \(row.text.isEmpty ? "(empty)" : row.text)")
                    print("      → \(row.parsed)")
                    if let reason = row.manualReview { print("      ⚑ manual review: \(reason)") }
                }
            }
            print("")
        }
    }
}
