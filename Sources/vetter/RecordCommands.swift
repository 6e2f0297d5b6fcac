import ArgumentParser
import Foundation
import VetterCore
import VetterService

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Search the screening log: every screening, by whom, against which list versions, with what result.",
        discussion: """
            Every screening is recorded — screen, check, each batch row, each API call, each monitoring re-screen \
            — in the audit chain. --party finds one party's screenings (its name and --country as screened).
            """)

    @Option(help: "The party's name as screened.")
    var party: String?

    @Option(help: "The party's country as screened (with --party).")
    var country: String?

    @Option(help: "Only screenings on or after this day (YYYY-MM-DD, UTC).")
    var since: String?

    @Option(help: "At most this many, newest first.")
    var limit = 50

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let from = try parseDay(since, option: "--since").flatMap {
            ISO8601DateFormatter().date(from: "\($0)T00:00:00Z")
        }
        let country = try parseCountry(country)
        let entries = try await reportingErrors {
            try await storeOptions.open(seed: false).screeningLog(
                name: party, country: country, since: from, limit: max(1, limit))
        }
        if json {
            print(try Terminal.json(entries))
            return
        }
        let formatter = ISO8601DateFormatter()
        print(
            Terminal.table(
                ["RECORD", "WHEN", "BY", "CHANNEL", "PARTY", "MATCHES"],
                entries.map { entry in
                    [
                        String(entry.seq) + (entry.position.map { "/\($0)" } ?? ""), formatter.string(from: entry.at),
                        entry.actor,
                        entry.screening?.channel ?? "", entry.screening.map(\.party.name) ?? "(pruned)",
                        entry.screening.map { record in
                            record.matches.isEmpty
                                ? "none"
                                : record.matches.map { "\($0.source) \($0.entryID.prefix(12)) \($0.score)" }
                                    .joined(separator: "; ")
                        } ?? "",
                    ]
                }))
    }
}

struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "List review cases: open first, then the most recently decided.")

    @Flag(help: "Only open cases.")
    var open = false

    @Option(help: "Only cases in this state: open, cleared or confirmed.")
    var state: CaseState?

    @Option(help: "Only parties whose name contains this text (any case).")
    var party: String?

    @Option(help: "At most this many.")
    var limit = 50

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let filter = CaseFilter(state: open ? .open : state, partyContains: party?.trimmedOrNil)
        let cases = try await reportingErrors {
            try await storeOptions.open(seed: false).cases(filter, limit: max(1, limit))
        }
        if json {
            print(try Terminal.json(cases))
            return
        }
        print(
            Terminal.table(
                ["CASE", "STATE", "PARTY", "LIST", "ENTRY", "SCORE"],
                cases.map {
                    [
                        String($0.id), $0.state.rawValue, $0.partyName, $0.source,
                        "\($0.entryID.prefix(12)) \($0.entryName)", String(format: "%.3f", $0.score),
                    ]
                }))
    }
}

struct CaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "Show a case, or decide it: clear a false positive, confirm a true match.",
        subcommands: [CaseShow.self, CaseClear.self, CaseConfirm.self, CaseExportCommand.self])
}

/// Prints a case and its history.
func printCase(_ detail: CaseDetail) {
    let formatter = ISO8601DateFormatter()
    let found = detail.reviewCase
    print("Case \(found.id): \(found.state.rawValue)\(found.state == .confirmed ? " — the party is BLOCKED" : "")")
    print("  party: \(found.partyName.escapingControlCharacters)")
    print("  entry: \(found.source) \(found.entryID) \(found.entryName) (score \(found.score))")
    print("  entry content hash: \(found.entryHash)")
    for event in detail.events {
        var line = "  \(formatter.string(from: event.at))  \(event.action.rawValue) by \(event.actor)"
        if let reason = event.reason { line += " — \(reason.summary)" }
        if let note = event.note { line += ": \(note.escapingControlCharacters)" }
        print(line + " (audit record \(event.auditSeq))")
    }
}

struct CaseShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A case and every decision on it.")

    @Argument(help: "The case id.")
    var id: Int64

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        guard let detail = try await reportingErrors({ try await storeOptions.open(seed: false).caseDetail(id: id) })
        else {
            Terminal.error("no case with id \(id)")
            throw ExitCode(1)
        }
        if json { print(try Terminal.json(detail)) } else { printCase(detail) }
    }
}

struct CaseClear: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Clear a case as a false positive: the pair is accepted until the entry or the party changes.",
        discussion: "Reasons: \(ClearReason.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: ", "))."
    )

    @Argument(help: "The case id.")
    var id: Int64

    @Option(help: "Why it is not the listed party.")
    var reason: ClearReason

    @Option(help: "What the reviewer checked.")
    var note: String?

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let detail = try await reportingErrors {
            try await storeOptions.open(seed: false).clearCase(
                id: id, reason: reason, note: note, actor: Vetter.commandLineActor)
        }
        printCase(detail)
    }
}

struct CaseConfirm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Confirm a case as a true match: the party is blocked on every later screen and check.")

    @Argument(help: "The case id.")
    var id: Int64

    @Option(help: "What the reviewer checked.")
    var note: String?

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let detail = try await reportingErrors {
            try await storeOptions.open(seed: false).confirmCase(id: id, note: note, actor: Vetter.commandLineActor)
        }
        printCase(detail)
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The tamper-evident audit trail: verify it, print its head, prune it.",
        subcommands: [AuditVerify.self, AuditHead.self, AuditPrune.self])
}

struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the whole chain; name the first record edited, deleted, inserted or reordered.",
        discussion: "Exit 0 when the chain verifies, 1 when it does not. With --head, the head must also be HASH.")

    @Option(help: "A head hash kept elsewhere (from 'vetter audit head'): it must be in the chain.")
    var head: String?

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        var result = try await reportingErrors { try await storeOptions.open(seed: false).verifyAudit() }
        if let head, result.isIntact, result.head != head {
            result.problem = "the chain's head is \(result.head ?? "empty"), not \(head)"
        }
        if json {
            print(try Terminal.json(result))
        } else if let problem = result.problem {
            print("The audit trail does NOT verify: \(problem).")
        } else {
            print(
                "The audit trail verifies: \(result.records) records (\(result.pruned) pruned), head \(result.head ?? "none") (record \(result.headSeq ?? 0)), in \(String(format: "%.2f", result.seconds)) s."
            )
        }
        if !result.isIntact { throw ExitCode(1) }
    }
}

struct AuditHead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head", abstract: "Print the newest record's hash, to keep elsewhere and verify against later.")

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        guard let head = try await reportingErrors({ try await storeOptions.open(seed: false).auditHead() }) else {
            print("The audit trail is empty.")
            return
        }
        print("\(head.hash) record \(head.seq) \(ISO8601DateFormatter().string(from: head.at))")
    }
}

struct AuditPrune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove what is past retention: five years from the latest event of its party (15 CFR 762.6).",
        discussion: """
            Only the bodies of screening and case records go; their hashes stay, so the chain still verifies, and \
            a record names what was pruned. --before refuses any day later than five years ago.
            """)

    @Option(help: "Prune up to this day only (YYYY-MM-DD); refused when it is within the retention period.")
    var before: String?

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        var now = Date()
        if let day = try parseDay(before, option: "--before"),
            let date = ISO8601DateFormatter().date(from: "\(day)T00:00:00Z")
        {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let limit = calendar.date(byAdding: .year, value: -Vetter.retentionYears, to: Date())!
            guard date <= limit else {
                throw ValidationError(
                    "--before: \(day) is within the \(Vetter.retentionYears)-year retention period; records younger than \(LocalDate(limit)) are kept"
                )
            }
            now = calendar.date(byAdding: .year, value: Vetter.retentionYears, to: date)!
        }
        let report = try await reportingErrors {
            try await storeOptions.open(seed: false).pruneAudit(now: now, actor: Vetter.commandLineActor)
        }
        print(
            "Pruned \(report.pruned) records older than \(LocalDate(report.cutoff)) from their party's latest event"
                + (report.record.map { "; audit record \($0) names them." } ?? "."))
    }
}

struct CaseExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Evidence for an auditor: the case, the listing, every screening and decision, the audit records.",
        discussion: """
            HTML is one self-contained page (no script, nothing fetched) that prints well; JSON holds the same. The \
            export includes the chain's check at the time and the hashes of every record it cites.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, json
    }

    @Argument(help: "The case id.")
    var id: Int64

    @Option(help: "html or json.")
    var format: Format = .html

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        guard let export = try await reportingErrors({ try await storeOptions.open(seed: false).exportCase(id: id) })
        else {
            Terminal.error("no case with id \(id)")
            throw ExitCode(1)
        }
        let text = format == .html ? export.html : try Terminal.json(export)
        if let output {
            do { try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                Terminal.error("\(output): cannot write the export: \(error.localizedDescription)")
                throw ExitCode(2)
            }
            Terminal.note("Case \(id) exported to \(output).")
        } else {
            print(text)
        }
    }
}
