import ArgumentParser
import Foundation
import VetterCore
import VetterService

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import list files as new versions.",
        discussion: """
            Reads a Consolidated Screening List CSV (either layout, gzip or not), an OFAC legacy CSV set (a \
            directory holding sdn.csv or cons_prim.csv and its companions, or the primary file itself), OFAC's XML \
            (sdn.xml, consolidated.xml, the Enhanced XML), BIS's dpl.txt, the US lists outside the CSL (MIEU, \
            1260H, the FCC Covered List, the NDAA-section and INKSNA tables), and a zip of one such file or of an \
            OFAC CSV set. Every source in the file whose content changed becomes a new version; unchanged sources are \
            reported and left alone. All files are read before anything is written: one bad file imports nothing.
            """
    )

    @Argument(help: "Files or OFAC directories to import.")
    var paths: [String]

    @Option(
        help:
            "The format, when detection is not wanted: csl, ofac-csv, ofac-xml, ofac-cons-xml, bis-dpl, bis-mieu, dod-1260h, fcc-covered or us-statute."
    )
    var format: ListFormat?

    @Option(
        name: .customLong("as"),
        help: ArgumentHelp(
            "Import the file as the company's own list NAME (letters, digits, hyphens; its code is X-NAME).",
            discussion:
                "The file is a CSV with the header id,name,aliases,country,type,address,effect,note (id, name and effect required; effect block or review). It is versioned and screened like any list.",
            valueName: "name"))
    var inHouse: String?

    @Flag(help: "Import a file whose last record was cut off, without that record (it is refused otherwise).")
    var dropIncompleteLastRecord = false

    @Flag(
        help: ArgumentHelp(
            "Import even if a list would lose more than 10 % of its entries, aliases or addresses.",
            discussion: "Without it such a file is refused as cut or partial and nothing is imported."))
    var allowShrink = false

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let inHouse, ListSource.inHouse(inHouse) == nil {
            throw ValidationError("--as: '\(inHouse)' is not a list name (1 to 40 letters, digits or hyphens)")
        }
        if inHouse != nil, format != nil, format != .inHouse {
            throw ValidationError(
                "--as reads the in-house layout; it cannot be combined with --format \(format!.rawValue)")
        }
    }

    func run() async throws {
        let (report, rescreen) = try await reportingErrors {
            let vetter = try await storeOptions.open(seed: false)
            // New versions: the watched parties whose result can change are re-screened, and alerts sent.
            let report = try await vetter.ingest(
                paths: paths, format: format,
                options: ReadOptions(
                    dropIncompleteLastRecord: dropIncompleteLastRecord, inHouseList: inHouse.flatMap(ListSource.inHouse)
                ),
                allowShrink: allowShrink)
            if !report.outcome.created.isEmpty { _ = try await vetter.deliverWebhooks() }
            return (report, report.rescreen)
        }
        for file in report.files { for warning in file.warnings { Terminal.note("warning: \(warning)") } }
        if json {
            struct Item: Encodable {
                var file: String
                var format: String
                var created: [ListVersion]
                var unchanged: [String]
                var warnings: [String]
            }
            print(
                try Terminal.json(
                    report.files.map {
                        Item(
                            file: $0.fileName, format: $0.format.rawValue, created: report.created(by: $0),
                            unchanged: report.unchanged(in: $0).map(\.code), warnings: $0.warnings)
                    }))
            return
        }
        defer { if let rescreen { printReport(rescreen) } }
        for file in report.files {
            print("\(file.fileName) (\(file.format.rawValue)): \(file.entries.count) entries")
            for version in report.created(by: file) {
                print("  \(version.source.code): version \(version.id), \(version.entryCount) entries")
            }
            let unchanged = report.unchanged(in: file)
            if !unchanged.isEmpty { print("  unchanged: \(unchanged.map(\.code).joined(separator: ", "))") }
        }
    }
}

struct ListsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lists",
        abstract: "Show the lists loaded: the current version of each source, its size and date."
    )

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let versions = try await reportingErrors {
            let vetter = try await storeOptions.open()
            return try await vetter.currentLists()
        }.sorted { $0.source < $1.source }
        if json {
            print(try Terminal.json(versions))
            return
        }
        let formatter = ISO8601DateFormatter()
        let now = Date()
        print(
            Terminal.table(
                ["LIST", "VERSION", "ENTRIES", "DATA AS OF", "AGE", "IMPORTED", "FILE"],
                versions.map {
                    [
                        $0.source.code, String($0.id), String($0.entryCount), $0.dataDate?.description ?? "",
                        Self.age($0.dataAge(at: now)) + ($0.dataDate == nil ? " (import)" : ""),
                        formatter.string(from: $0.importedAt), $0.fileName,
                    ]
                }))
        Terminal.warnIfStale(Evidence(versions: versions, at: now))
    }

    /// "4 d", "3 h", "12 min": the largest whole unit.
    static func age(_ seconds: TimeInterval) -> String {
        if seconds >= 86_400 { return "\(Int(seconds / 86_400)) d" }
        if seconds >= 3_600 { return "\(Int(seconds / 3_600)) h" }
        return "\(max(0, Int(seconds / 60))) min"
    }
}

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show every field of a listed entry.",
        discussion: "An id on several lists (an SDN also on the SSI list) shows each listing."
    )

    @Argument(help: "The entry id: a CSL _id or an OFAC entity number.")
    var entryID: String

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let entries = try await reportingErrors {
            let vetter = try await storeOptions.open()
            return try await vetter.entries(id: entryID)
        }
        guard !entries.isEmpty else {
            Terminal.error("no entry with id \(entryID) in the current lists")
            throw ExitCode(1)
        }
        if json {
            print(try Terminal.json(entries))
            return
        }
        for entry in entries {
            var lines = ["\(entry.source.title)"]
            for (label, value) in entry.labelledFields {
                lines.append("  \(label): \(value)")
                if label == "Federal Register" { for citation in entry.citations { lines.append("    \(citation)") } }
            }
            print(lines.joined(separator: "\n") + "\n")
        }
    }
}
