import ArgumentParser
import Foundation
import VetterCore
import VetterService
import VetterStore

@main
struct VetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vetter",
        abstract: "Restricted-party screening against the US export and sanctions lists.",
        discussion: """
            Vetter keeps the Entity List, the Denied Persons List, OFAC's lists and the other US screening lists \
            as versioned data, and finds a party however its name is written. On first use it loads the bundled \
            snapshot (\(Vetter.snapshotDescription)); import current files with 'vetter import'.
            """,
        subcommands: [
            ScreenCommand.self, CheckCommand.self, BatchCommand.self, ImportCommand.self, ListsCommand.self,
            ShowCommand.self, RulesCommand.self, VersionsCommand.self, DiffCommand.self, WatchCommand.self,
            AlertsCommand.self, WebhookCommand.self, UpdateCommand.self, ServeCommand.self, KeysCommand.self,
            BenchCommand.self,
        ]
    )

    /// `--db PATH` is accepted before the subcommand too (`vetter --db x.sqlite screen …`): it is moved after
    /// the subcommand's name, where the subcommands declare it.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var moved: [String] = []
        while let first = arguments.first, first == "--db" || first.hasPrefix("--db=") {
            moved.append(arguments.removeFirst())
            if first == "--db", !arguments.isEmpty { moved.append(arguments.removeFirst()) }
        }
        if !moved.isEmpty, !arguments.isEmpty {
            arguments.insert(contentsOf: moved, at: 1)
        } else {
            arguments = moved + arguments
        }
        await main(arguments)
    }
}

/// Where the database is.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "SQLite database file.",
            discussion:
                "Default: $VETTER_DB, else $XDG_DATA_HOME/vetter/vetter.sqlite, else ~/.local/share/vetter/vetter.sqlite."
        ))
    var db: String?

    /// Opens the store, seeding it with the bundled snapshot when empty, and finishes any re-screen of watched
    /// parties that an interrupted import still owes (so that no command reads alerts that are missing).
    func open(seed: Bool = true) async throws -> Vetter {
        let path = db ?? Vetter.defaultDatabasePath()
        let vetter = try Vetter(databasePath: path)
        if let resumed = try await vetter.resumePendingRescreens() {
            Terminal.note(
                "Finished the re-screen of \(resumed.screened) watched parties that an interrupted import left owed: "
                    + "\(resumed.alerts.count) alerts.")
        }
        if seed, let outcome = try await vetter.seedIfEmpty() {
            Terminal.note(
                "Loaded the bundled snapshot (\(Vetter.snapshotDescription)) into \(path): "
                    + "\(outcome.created.reduce(0) { $0 + $1.entryCount }) entries.")
        }
        return vetter
    }
}

/// Runs a command body, turning errors into one line on stderr and a non-zero exit.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as any ParsableArguments & Error {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        Terminal.error("\(error)")
        throw ExitCode(2)
    }
}
