import Foundation
import Testing
import VetterCore
import VetterLists
import VetterService
import VetterStore
import VetterTesting

/// Imports that would have silently gutted a list, and a re-screen cut short by a crash.
@Suite("Import safety: the shrink guard and owed re-screens", .serialized)
struct ImportSafetyTests {
    func fresh(_ database: TestDatabase) async throws -> (Vetter, URL, String) {
        let directory = try makeTemporaryDirectory()
        let address = try database.address(in: directory)
        return (try await Vetter.open(database: address), directory, address)
    }

    @Test(
        "update pointed at a 13-row sample is refused: it would take the Entity List from 2,001 entries to 1",
        arguments: TestDatabase.all)
    func updateToSample(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await vetter.ingest([try SharedData.fullCSL()])
        let before = try await vetter.store.versions(source: nil)
        let server = try LocalServer.files(in: SharedData.root)
        defer { server.stop() }
        let sample = [UpdateSource(name: "csl", url: server.baseURL + "csl/sample-2025-06.csv")]
        do {
            _ = try await vetter.update(sources: sample)
            Issue.record("the sample replaced the full list")
        } catch let error as ShrinkError {
            #expect(error.description.contains("EL would lose 2000 of its 2001 entries"))
        }
        #expect(try await vetter.store.versions(source: nil) == before)
        // Said on purpose, it is done.
        let report = try await vetter.update(sources: sample, allowShrink: true)
        #expect(report.created.first { $0.source == .entityList }?.entryCount == 1)
    }

    @Test(
        "sdn.csv alone after the full OFAC set is refused: every alias and address would go",
        arguments: TestDatabase.all)
    func primaryWithoutCompanions(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2019-01")], format: nil)
        let alone = directory.appendingPathComponent("alone")
        try FileManager.default.createDirectory(at: alone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: SharedData.path("ofac/sdn-2021-07/sdn.csv"), toPath: alone.appendingPathComponent("sdn.csv").path)
        let before = try await vetter.store.versions(source: nil)
        do {
            _ = try await vetter.ingest(paths: [alone.appendingPathComponent("sdn.csv").path], format: nil)
            Issue.record("a primary file without its companions replaced the set")
        } catch let error as ShrinkError {
            let problem = try #require(error.problems.first)
            #expect(error.problems.count == 1)
            #expect(problem.hasPrefix("sdn.csv: SDN would lose "))
            #expect(problem.contains("aliases") && problem.contains("addresses") && !problem.contains("entries"))
        }
        #expect(try await vetter.store.versions(source: nil) == before)
        // The real next edition, with its companions, passes: 261 of 7,379 entries removed is 3.5 %.
        let next = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2021-07")], format: nil)
        #expect(next.outcome.created.count == 1)
    }

    @Test(
        "a re-screen owed by an import that was cut off is done on the next open, with the same alerts",
        arguments: TestDatabase.all)
    func owedRescreen(database: TestDatabase) async throws {
        let watched =
            (try ListReader.read(path: SharedData.path("ofac/sdn-2021-07")).entries.suffix(400)
            + ListReader.read(path: SharedData.path("ofac/sdn-2019-01")).entries.prefix(400))
            .enumerated().map { WatchedParty(id: "p\($0.offset)", name: $0.element.name) }
        var alerts: [String: [String]] = [:]
        for mode in ["normal", "cut"] {
            let (vetter, directory, address) = try await fresh(database)
            defer { try? FileManager.default.removeItem(at: directory) }
            _ = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2019-01")], format: nil)
            _ = try await vetter.watch(watched)
            if mode == "normal" {
                _ = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2021-07")], format: nil)
            } else {
                // The versions commit with the debt, and the process stops before the re-screen.
                let file = try ListReader.read(path: SharedData.path("ofac/sdn-2021-07"))
                _ = try await vetter.store.importList(file, importedAt: Date())
                #expect(try await vetter.store.pendingRescreens().count == 1)
                #expect(try await vetter.store.alerts(since: nil).isEmpty)
                // A new process opens the database.
                let reopened = try await Vetter.open(database: address)
                let resumed = try #require(try await reopened.resumePendingRescreens())
                #expect(resumed.mode == "full")
                #expect(try await reopened.store.pendingRescreens().isEmpty)
                #expect(try await reopened.resumePendingRescreens() == nil)
            }
            alerts[mode] = try await vetter.store.alerts(since: nil).map {
                "\($0.kind.rawValue) \($0.partyID) \($0.source.code) \($0.entryID)"
            }.sorted()
        }
        #expect(alerts["normal"]?.isEmpty == false)
        #expect(alerts["normal"] == alerts["cut"])
    }

    @Test("a settled re-screen job is settled once: a second writer records nothing", arguments: TestDatabase.all)
    func settledOnce(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try ListReader.read(path: SharedData.path("bis/dpl-2023-11.txt"))
        _ = try await vetter.store.importList(file, importedAt: Date())
        let job = try #require(try await vetter.store.pendingRescreens().first)
        let alert = Alert(
            kind: .newHit, partyID: "x", partyName: "x", source: .deniedPersons, entryID: "e", entryName: "e",
            score: 1, createdAt: Date())
        let first = try await vetter.store.recordScreening(parties: [], hits: [], alerts: [alert], completing: [job.id])
        let second = try await vetter.store.recordScreening(
            parties: [], hits: [], alerts: [alert], completing: [job.id])
        #expect(first?.count == 1)
        #expect(second == nil)
        #expect(try await vetter.store.alerts(since: nil).count == 1)
    }
}
