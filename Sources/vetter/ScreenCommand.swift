import ArgumentParser
import Foundation
import VetterCore
import VetterMatch
import VetterRules
import VetterService

/// Options shared by `screen` and `batch`: how strictly to match.
struct MatchOptions: ParsableArguments {
    @Option(help: "Only these lists, comma-separated codes (EL,SDN,DPL,UVL,MEU,ISN,DTC,SSI,FSE,PLC,CAP,NS-MBS,CMIC).")
    var source: String?

    @Option(help: "Lowest score reported, 0…1.")
    var threshold: Double = ScreeningIndex.defaultThreshold

    @Option(help: "At most this many matches per party.")
    var limit: Int = 10

    func sources() throws -> Set<ListSource>? {
        guard let source, !source.isEmpty else { return nil }
        var result = Set<ListSource>()
        for code in source.split(separator: ",") {
            guard let parsed = ListSource(lenient: String(code)) else {
                throw ValidationError(
                    "--source: '\(code)' is not a list code; use \(ListSource.allCases.map(\.code).joined(separator: ", "))"
                )
            }
            result.insert(parsed)
        }
        return result
    }

    func validate() throws {
        guard (0...1).contains(threshold) else {
            throw ValidationError("--threshold must be between 0 and 1, not \(threshold)")
        }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }
}

func parseCountry(_ text: String?, option: String = "--country") throws -> String? {
    do { return try PartyInput.country(text) } catch { throw ValidationError("\(option): \(error.message)") }
}

func parsePartyName(_ text: String?, option: String) throws -> String {
    do { return try PartyInput.name(text) } catch { throw ValidationError("\(option): \(error.message)") }
}

/// A day given on the command line: exactly YYYY-MM-DD, a real calendar day.
func parseDay(_ text: String?, option: String) throws -> LocalDate? {
    guard let text else { return nil }
    guard let day = LocalDate(strict: text) else {
        throw ValidationError(
            "\(option): '\(text.escapingControlCharacters)' is not a day of the calendar as YYYY-MM-DD")
    }
    return day
}

struct ScreenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Screen one party's name against the current lists.",
        discussion: """
            Prints every listed entry whose name or alias matches, best first, with the list, the score and the \
            listed name that matched. Exit status is 0 whether or not anything matched, unless --fail-on-match.
            """
    )

    @Argument(help: "The party's name, in any script.")
    var name: String

    @Option(help: "The party's country (ISO-2), used as context: a match raises the score, a conflict lowers it.")
    var country: String?

    @Flag(help: "Use --country as a filter: only entries tied to that country.")
    var filterCountry = false

    @Option(help: "The party's type: individual, entity, vessel or aircraft (context).")
    var type: PartyType?

    @Option(
        name: .customLong("dob"),
        help:
            "The party's date of birth (YYYY, YYYY-MM or YYYY-MM-DD), as evidence: agreeing with a listed person's raises the score a little, a year more than one from every listed date lowers it."
    )
    var dateOfBirth: String?

    @Option(
        name: .customLong("id"),
        help:
            "An identifier of the party (passport, national ID, registration or IMO number; repeat for several): an entry listing the same number matches at 0.8 or more, whatever its name."
    )
    var identifiers: [String] = []

    @OptionGroup var matching: MatchOptions
    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Explain each match: the words aligned, their weights, what normalisation did.")
    var explain = false

    @Flag(help: "Exit with status 3 when anything matched.")
    var failOnMatch = false

    @Option(
        help:
            "Answer as of this day (YYYY-MM-DD): the list versions in force then, and the entries' own start and end dates."
    )
    var asOf: String?

    func validate() throws {
        _ = try parsePartyName(name, option: "NAME")
        _ = try parseCountry(country)
        _ = try parseDay(asOf, option: "--as-of")
        _ = try parseEvidence()
    }

    /// The date of birth and identifiers, checked as ``PartyInput`` checks them everywhere.
    func parseEvidence() throws -> (dateOfBirth: String?, identifiers: [String]) {
        do {
            return (try PartyInput.dateOfBirth(dateOfBirth), try PartyInput.identifiers(identifiers))
        } catch {
            throw ValidationError(error.field == "date_of_birth" ? "--dob: \(error.message)" : "--id: \(error.message)")
        }
    }

    func run() async throws {
        let day = try parseDay(asOf, option: "--as-of")
        let query = ScreeningQuery(
            name: try parsePartyName(name, option: "NAME"), country: try parseCountry(country),
            type: type,
            sources: try matching.sources(), filterByCountry: filterCountry, threshold: matching.threshold,
            limit: matching.limit, dateOfBirth: try parseEvidence().dateOfBirth,
            identifiers: try parseEvidence().identifiers)
        let (matches, evidence, reviews, ownedBy) = try await reportingErrors {
            let screener = try await Screener(vetter: try await storeOptions.open())
            let (matches, evidence, reviews) = try await screener.screen(
                query, asOf: day, actor: Vetter.commandLineActor, channel: "cli")
            return (
                matches, evidence, reviews,
                try await screener.ownershipGrounds(for: query.name, on: day ?? LocalDate(Date()))
            )
        }
        if json {
            var report = ScreeningReport(
                query: query, matches: matches, explain: explain, asOf: day, evidence: evidence, reviews: reviews)
            report.ownedBy = ownedBy
            print(try Terminal.json(report))
        } else {
            print(evidence.summary)
            printTable(matches, reviews: reviews)
            if !ownedBy.isEmpty { print("\nOwned by listed parties (vetter ownership import):") }
            for ground in ownedBy {
                let rule = ground.rule == .ofac50Percent ? "OFAC's 50 percent rule" : "BIS Affiliates rule"
                let verdict =
                    ground.restricted
                    ? "RESTRICTED"
                    : ground.restrictedWhileSuspended
                        ? "would be restricted (rule \(ground.ruleState))"
                        : ground.redFlag29 ? "RED FLAG 29" : "not restricted"
                print(
                    "  \(rule): \(verdict), \(OwnershipCheck.percent(ground.restrictedShare)) held by restricted owners"
                )
                if !ground.chain.isEmpty { print("    \(ground.chain.joined(separator: " → "))") }
                if ground.redFlag29 {
                    print("    owners of unknown share: \(ground.unknownShareOwners.joined(separator: ", "))")
                }
            }
        }
        Terminal.warnIfStale(evidence)
        if failOnMatch && !matches.isEmpty { throw ExitCode(3) }
    }

    func printTable(_ matches: [ScreeningMatch], reviews: [HitReview?]) {
        guard !matches.isEmpty else {
            print("No match for \"\(name.escapingControlCharacters)\" at threshold \(matching.threshold).")
            return
        }
        let rows = matches.enumerated().map { position, match -> [String] in
            let entry = match.entry
            let review = position < reviews.count ? reviews[position] : nil
            return [
                String(format: "%.3f", match.score), entry.source.code, entry.name,
                match.matchedName == entry.name ? "" : match.matchedName, entry.countries.joined(separator: ","),
                entry.id, review.map { "\($0.caseID) \($0.state == .confirmed ? "BLOCKED" : $0.state.rawValue)" } ?? "",
            ]
        }
        print(
            Terminal.table(
                ["SCORE", "LIST", "LISTED NAME", "MATCHED ALIAS", "CTRY", "ENTRY ID", "CASE"], rows, maxWidth: 48))
        if reviews.contains(where: { $0?.state == .confirmed }) {
            print("BLOCKED: a reviewer confirmed a match as this party.")
        }
        for match in matches {
            let entry = match.entry
            var lines: [String] = []
            if explain {
                lines.append(
                    "\n\(entry.source.code) \(entry.id) — \(entry.name) (score \(String(format: "%.3f", match.score)))")
                let e = match.explanation
                for a in e.alignments {
                    lines.append(
                        "  \(a.query) ↔ \(a.listed)  \(a.how), similarity \(a.similarity), weight \(a.weight), contributes \(a.contribution)"
                    )
                }
                if !e.unmatchedQuery.isEmpty {
                    lines.append("  query words not found: \(e.unmatchedQuery.joined(separator: " "))")
                }
                if !e.unmatchedListed.isEmpty {
                    lines.append("  listed words not in the query: \(e.unmatchedListed.joined(separator: " "))")
                }
                lines.append(
                    "  coverage: query \(e.queryCoverage), listed \(e.listedCoverage); name score \(e.nameScore)")
                for adjustment in e.adjustments { lines.append("  \(adjustment)") }
                for note in e.normalization { lines.append("  normalised: \(note)") }
            }
            if entry.source == .entityList, explain || matches.count <= 3 {
                if !explain { lines.append("\nEL \(entry.id) — \(entry.name)") }
                if let requirement = entry.licenseRequirement { lines.append("  Licence requirement: \(requirement)") }
                if let policy = entry.licensePolicy { lines.append("  Review policy: \(policy)") }
                if let citation = entry.rawCitation { lines.append("  Federal Register: \(citation)") }
            }
            if !lines.isEmpty { print(lines.joined(separator: "\n")) }
        }
    }
}
