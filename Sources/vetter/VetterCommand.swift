import ArgumentParser
import Foundation
import VetterCore
import VetterService

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
        version: Vetter.version,
        subcommands: [
            ScreenCommand.self, CheckCommand.self, BatchCommand.self, ImportCommand.self, ListsCommand.self,
            ShowCommand.self, RulesCommand.self, VersionsCommand.self, DiffCommand.self, WatchCommand.self,
            AlertsCommand.self, WebhookCommand.self, LogCommand.self, CasesCommand.self, CaseCommand.self,
            AuditCommand.self, UpdateCommand.self, ServeCommand.self, KeysCommand.self, MigrateCommand.self,
            OwnershipCommand.self, BenchCommand.self,
        ]
    )

    /// `--db PATH` is accepted before the subcommand too (`vetter --db x.sqlite keys list`): it is moved to the
    /// end of the arguments (before a `--`), where every subcommand declares it.
    ///
    /// Every usage error — an unknown option, a missing argument, a value a command refuses — is one message
    /// naming the option at fault, the usage of the command that was meant, and exit status 2.
    static func main() async {
        let arguments = Self.movingDatabaseOption(Array(CommandLine.arguments.dropFirst()))
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exitForUsage(error, command: nil)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exitForUsage(error, command: type(of: command))
        }
    }

    static func movingDatabaseOption(_ input: [String]) -> [String] {
        var arguments = input
        var moved: [String] = []
        while let first = arguments.first, first == "--db" || first.hasPrefix("--db=") {
            moved.append(arguments.removeFirst())
            if first == "--db", !arguments.isEmpty { moved.append(arguments.removeFirst()) }
        }
        guard !moved.isEmpty, !arguments.isEmpty else { return moved + arguments }
        let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
        arguments.insert(contentsOf: moved, at: end)
        return arguments
    }

    /// Exits for `error`: usage errors with status 2 and the usage of `command` (the one being run, when known),
    /// anything else as ArgumentParser does (help with 0, `ExitCode` with its own status).
    static func exitForUsage(_ error: any Error, command: (any ParsableCommand.Type)?) -> Never {
        guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
        var text = fullMessage(for: error)
        if let command, command != Self.self, error is ValidationError {
            // Thrown by run(): ArgumentParser would show the top-level usage; show the command's own.
            text = "Error: \(message(for: error))\nUsage: " + usageString(for: command)
        }
        FileHandle.standardError.write(Data((text.escapingControlCharactersButLineBreaks + "\n").utf8))
        Foundation.exit(2)
    }
}

/// Where the database is.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "SQLite database file, or a PostgreSQL address (postgres://user:password@host:port/database).",
            discussion:
                "Default: $VETTER_DB, else $XDG_DATA_HOME/vetter/vetter.sqlite, else ~/.local/share/vetter/vetter.sqlite. "
                + "A PostgreSQL address may end in ?sslmode=disable|prefer|require (default prefer)."
        ))
    var db: String?

    @Option(
        name: .customLong("db-pool"),
        help: "At most this many connections to PostgreSQL (default: $VETTER_DB_POOL, else 10).")
    var dbPool: Int?

    /// Opens the store, seeding it with the bundled snapshot when empty, and finishes any re-screen of watched
    /// parties that an interrupted import still owes (so that no command reads alerts that are missing).
    func open(seed: Bool = true) async throws -> Vetter {
        let environment = ProcessInfo.processInfo.environment
        let pool = dbPool ?? environment["VETTER_DB_POOL"].flatMap { Int($0) } ?? 10
        guard pool >= 2 else { throw ValidationError("--db-pool must be at least 2") }
        let vetter = try await Vetter.open(database: db ?? Vetter.defaultDatabasePath(), poolSize: pool)
        do {
            if let resumed = try await vetter.resumePendingRescreens(), resumed.watched > 0 {
                Terminal.note(
                    "Finished the re-screen of \(resumed.screened) watched parties that an interrupted import left "
                        + "owed: \(resumed.alerts.count) alerts.")
            }
        } catch {
            // A read-only copy of the database can still be screened against; the debt stays for a writer.
            Terminal.note(
                "warning: an interrupted import still owes a re-screen of watched parties (alerts may be missing "
                    + "until it is done), and it could not be done now: \(error)")
        }
        if seed, let outcome = try await vetter.seedIfEmpty() {
            Terminal.note(
                "Loaded the bundled snapshot (\(Vetter.snapshotDescription)) into \(vetter.databaseDescription): "
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
