import ArgumentParser
import Foundation
import Synchronization
import VetterService

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a SQLite store whole into an empty PostgreSQL database, and verify the copy.",
        discussion: """
            Copies list versions and their entries, watched parties, hits, alerts, webhooks and their outbox, API \
            keys, web sessions, cases and their events, and the audit chain with every screening, in one \
            transaction. Then checks the copy: row counts, every version's content hash and every entry's hash \
            recomputed from the copied rows, and the audit chain verified on the copy to the same head as the \
            source. The source is not changed. Exit 0 when the copy verifies.

            Example: vetter migrate --db ~/.local/share/vetter/vetter.sqlite --to postgres://vetter@db.internal/vetter
            """)

    @Option(help: "The empty PostgreSQL database to copy into: postgres://user:password@host:port/database.")
    var to: String

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let report = try await reportingErrors {
            let vetter = try await storeOptions.open(seed: false)
            let bar = Mutex<(String, Terminal.Progress)?>(nil)
            let report = try await vetter.migrate(to: to) { table, done, total in
                bar.withLock { current in
                    if current?.0 != table {
                        current?.1.finish(current?.1.total ?? 0)
                        current = (table, Terminal.Progress("copying \(table)", total: total))
                    }
                    current?.1.update(done)
                }
            }
            bar.withLock { current in current?.1.finish(current?.1.total ?? 0) }
            return report
        }
        if json {
            print(try Terminal.json(report))
            return
        }
        print(Terminal.table(["TABLE", "ROWS"], report.tables.map { [$0.name, String($0.rows)] }))
        print(
            """

            Copied into \(report.target) in \(String(format: "%.1f", report.seconds)) s and checked: \
            \(report.versionsChecked) versions and \(report.entriesChecked) entries hash as before; the audit chain \
            verifies on the copy, \(report.copy.records) records, head \(report.copy.head ?? "none") (the source's).
            """)
    }
}
