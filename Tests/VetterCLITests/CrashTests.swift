import Foundation
import Testing
import VetterTesting

/// `vetter import` killed with SIGKILL at random moments: whatever the moment, the alerts of the change are all
/// there afterwards (the re-screen an import owes is recorded with its versions and finished on the next run).
@Suite("kill -9 during an import", .serialized)
struct CrashTests {
    static func copyDatabase(_ from: URL, to: URL) throws {
        for suffix in ["", "-wal", "-shm"] {
            let source = URL(fileURLWithPath: from.path + suffix)
            if FileManager.default.fileExists(atPath: source.path) {
                try FileManager.default.copyItem(at: source, to: URL(fileURLWithPath: to.path + suffix))
            }
        }
    }

    static func alerts(_ database: String) throws -> [String] {
        let run = try CLITests.run(["--db", database, "alerts", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        return list.map { "\($0["kind"] ?? "") \($0["party_id"] ?? "") \($0["source"] ?? "") \($0["entry_id"] ?? "")" }
            .sorted()
    }

    @Test("SIGKILL at random points of 'vetter import' + re-screen loses no alert")
    func killDuringImport() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Watched parties named as listed in either SDN edition: designations, delistings and amendments all
        // touch some.
        var rows = ["id,name"]
        for edition in ["sdn-2019-01", "sdn-2021-07"] {
            let lines = try String(contentsOfFile: SharedData.path("ofac/\(edition)/sdn.csv"), encoding: .utf8)
                .split(separator: "\n")
            for (index, line) in lines.enumerated() where index % 25 == 0 {
                // 36,"AEROCARIBBEAN AIRLINES",-0- ,…: the name is the first quoted field.
                let parts = line.split(separator: "\"", maxSplits: 2)
                if parts.count == 3 { rows.append("\(edition)-\(index),\"\(parts[1])\"") }
            }
        }
        let watch = directory.appendingPathComponent("watch.csv")
        try rows.joined(separator: "\n").write(to: watch, atomically: true, encoding: .utf8)
        let base = directory.appendingPathComponent("base.sqlite")
        #expect(try CLITests.run(["--db", base.path, "import", SharedData.path("ofac/sdn-2019-01")]).status == 0)
        let watched = try CLITests.run(["--db", base.path, "watch", "import", watch.path])
        #expect(watched.status == 0, "\(watched.stderr)")

        // The reference: the same import, not interrupted.
        let reference = directory.appendingPathComponent("reference.sqlite")
        try Self.copyDatabase(base, to: reference)
        let start = ContinuousClock.now
        #expect(try CLITests.run(["--db", reference.path, "import", SharedData.path("ofac/sdn-2021-07")]).status == 0)
        let duration = ContinuousClock.now - start
        let expected = try Self.alerts(reference.path)
        #expect(expected.count > 50)

        var committedBeforeKill = 0
        let kills = 10
        for attempt in 0..<kills {
            let database = directory.appendingPathComponent("run\(attempt).sqlite")
            try Self.copyDatabase(base, to: database)
            let process = try ChildProcess(
                CLITests.binary, ["--db", database.path, "import", SharedData.path("ofac/sdn-2021-07")])
            // Spread over the whole run: reading, writing the versions, re-screening, recording.
            let fraction = (Double(attempt) + Double.random(in: 0..<1)) / Double(kills)
            try await Task.sleep(for: duration * fraction)
            kill(process.processIdentifier, SIGKILL)
            process.wait()
            let versions = try CLITests.run(["--db", database.path, "versions", "--source", "SDN", "--json"])
            let count = (try? JSONSerialization.jsonObject(with: Data(versions.stdout.utf8)) as? [Any])?.count ?? 0
            if count == 2 { committedBeforeKill += 1 }
            // Run the import again, as anyone would after a crash: it imports (if nothing was committed) or finds
            // the lists unchanged and finishes the owed re-screen.
            let again = try CLITests.run(["--db", database.path, "import", SharedData.path("ofac/sdn-2021-07")])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try Self.alerts(database.path) == expected, "attempt \(attempt) at \(fraction)")
        }
        print(
            "kill -9 test: \(kills) kills, \(committedBeforeKill) after the versions committed; \(expected.count) alerts expected, all found after each"
        )
    }
}
