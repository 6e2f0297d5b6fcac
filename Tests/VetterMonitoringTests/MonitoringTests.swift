import Foundation
import Testing
import VetterCore
import VetterLists
import VetterMatch
import VetterService
import VetterStore
import VetterTesting

@Suite("Watched parties, delta re-screening, alerts, webhooks, updates", .serialized)
struct MonitoringTests {
    func fresh(_ database: TestDatabase) async throws -> (Vetter, URL, String) {
        let directory = try makeTemporaryDirectory()
        let address = try database.address(in: directory)
        return (try await Vetter.open(database: address), directory, address)
    }

    /// Watched parties drawn from both SDN editions (so that designations, delistings and amendments all touch
    /// some), with typing errors, and unrelated names.
    func parties() throws -> [WatchedParty] {
        let older = try ListReader.read(path: SharedData.path("ofac/sdn-2019-01")).entries
        let newer = try ListReader.read(path: SharedData.path("ofac/sdn-2021-07")).entries
        var generator = SystemRandomNumberGenerator()
        var result: [WatchedParty] = []
        for (index, entry) in (older.prefix(600) + newer.suffix(900)).enumerated() {
            var name = Array(entry.name)
            if index % 3 == 0, name.count > 6 { name.swapAt(3, 4) }
            result.append(WatchedParty(id: "p\(index)", name: String(name)))
        }
        for index in 0..<300 {
            let made = ["Nordwind Logistik GmbH", "Blue Harbor Trading Ltd", "Sunrise Textile Co"][index % 3]
            result.append(WatchedParty(id: "n\(index)", name: "\(made) \(Int.random(in: 1...999, using: &generator))"))
        }
        return result
    }

    @Test("a delta re-screen records exactly the alerts a full re-screen would", arguments: TestDatabase.all)
    func deltaEqualsFull(database: TestDatabase) async throws {
        let watched = try parties()
        var alertsBy: [String: [String]] = [:]
        for mode in ["delta", "full"] {
            let (vetter, directory, _) = try await fresh(database)
            defer { try? FileManager.default.removeItem(at: directory) }
            _ = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2019-01")], format: nil)
            let initial = try await vetter.watch(watched)
            #expect(!initial.isEmpty)
            let imported = try await vetter.ingest(
                paths: [SharedData.path("ofac/sdn-2021-07")], format: nil, fullRescreen: mode == "full")
            let report = try #require(imported.rescreen)
            if mode == "delta" { #expect(report.screened < watched.count) }
            alertsBy[mode] = report.alerts.map { "\($0.kind.rawValue) \($0.partyID) \($0.source.code) \($0.entryID)" }
                .sorted()
            #expect(try await vetter.store.alerts(since: nil).count == report.alerts.count)
        }
        let delta = try #require(alertsBy["delta"]), full = try #require(alertsBy["full"])
        #expect(Set(full).subtracting(delta).isEmpty, "missed by the delta: \(Set(full).subtracting(delta).sorted())")
        #expect(Set(delta).subtracting(full).isEmpty, "only in the delta: \(Set(delta).subtracting(full).sorted())")
        #expect(delta.contains { $0.hasPrefix("new_hit") })
        #expect(delta.contains { $0.hasPrefix("hit_removed") })
        #expect(delta.contains { $0.hasPrefix("hit_changed") })
    }

    @Test("watch import reads its CSV strictly and screens the parties", arguments: TestDatabase.all)
    func watchImport(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await vetter.seedIfEmpty()
        let file = directory.appendingPathComponent("w.csv").path
        try "id,name,country,type,address\nc1,Hikvision,CN,entity,\nc2,Acme Widgets,US,,1 Main St\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let parties = try Vetter.readWatchedParties(path: file)
        #expect(parties.map(\.id) == ["c1", "c2"])
        let hits = try await vetter.watch(parties)
        #expect(Set(hits.map(\.partyID)) == ["c1"])
        #expect(try await vetter.store.watchHits().count == hits.count)
        #expect(try await vetter.store.removeWatchedParty(id: "c1"))
        #expect(try await vetter.store.watchHits().isEmpty)
        try "id,name,country\nc1,Hikvision,CN\nc1,Dahua,CN\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: ListReadError.self) { try Vetter.readWatchedParties(path: file) }
    }

    @Test(
        "watched parties are evaluated again on each ownership import and list change: restricted, lifted, Red Flag 29",
        arguments: TestDatabase.all)
    func ownershipAlerts(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2019-01")], format: nil)
        _ = try await vetter.watch([
            WatchedParty(id: "t", name: "Caribbean Trading S.A."),
            WatchedParty(id: "u", name: "Nordwind Logistik GmbH"),
        ])
        let file = directory.appendingPathComponent("ownership.csv").path
        func importing(_ rows: String) async throws -> [Alert] {
            try ("owner,owned,percent,relationship,source,as_of\n" + rows).write(
                toFile: file, atomically: true, encoding: .utf8)
            let outcome = try await vetter.importOwnership(path: file)
            #expect(outcome.changed)
            return outcome.alerts
        }
        // 60 % held by a blocked bank: restricted under OFAC's rule, through SDN 306.
        let first = try await importing("SDN:306,Caribbean Trading SA,60,direct,,\n")
        #expect(first.map(\.kind) == [.ownershipRestricted])
        #expect(first.first?.partyID == "t" && first.first?.entryID == "306" && first.first?.score == 0.6)
        // 40 %: no longer.
        let second = try await importing("SDN:306,Caribbean Trading SA,40,direct,,\n")
        #expect(second.map(\.kind) == [.ownershipLifted])
        // A share not known: Red Flag 29, a finding of its own.
        let third = try await importing("SDN:306,Caribbean Trading SA,unknown,direct,,\n")
        #expect(third.map(\.kind) == [.ownershipRestricted])
        #expect(try await vetter.store.watchOwnership().map(\.state) == ["red_flag_29"])
        // A list import re-evaluates them: the bank is still listed, so nothing new is raised.
        let imported = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2021-07")], format: nil)
        let report = try #require(imported.rescreen)
        #expect(!report.alerts.contains { $0.kind == .ownershipRestricted || $0.kind == .ownershipLifted })
        #expect(try await vetter.store.watchOwnership().count == 1)
        // Every ownership alert is in the store and queued for delivery like any other.
        let stored = try await vetter.alerts().filter { $0.kind == .ownershipRestricted || $0.kind == .ownershipLifted }
        #expect(stored.count == 3)
        // A party no longer watched loses its findings.
        #expect(try await vetter.unwatch(id: "t"))
        #expect(try await vetter.store.watchOwnership().isEmpty)
    }

    @Test(
        "a webhook receiver that fails twice and then succeeds receives each alert exactly once, signed",
        arguments: TestDatabase.all)
    func webhookExactlyOnce(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("received.jsonl").path
        let receiver = try LocalServer.webhookReceiver(failures: 2, log: log)
        defer { receiver.stop() }
        _ = try await vetter.store.addWebhook(url: receiver.baseURL + "hook", secret: "s3cret")
        _ = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2019-01")], format: nil)
        _ = try await vetter.watch([
            WatchedParty(id: "a", name: "BANCO NACIONAL DE CUBA"), WatchedParty(id: "b", name: "ROSNEFT TRADING S.A."),
        ])
        let imported = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2021-07")], format: nil)
        let report = try #require(imported.rescreen)
        #expect(report.alerts.count >= 1)
        var now = Date()
        var rounds = 0
        while try await !vetter.store.dueDeliveries(now: .distantFuture).isEmpty, rounds < 10 {
            _ = try await vetter.deliverWebhooks(baseDelay: 1, now: now)
            now = now.addingTimeInterval(60)  // past any back-off
            rounds += 1
        }
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == report.alerts.count)
        let received = try lines.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String])
        }
        #expect(Set(received.compactMap { $0["delivery"] }).count == received.count)
        for item in received {
            let body = try #require(item["body"])
            #expect(item["signature"] == "sha256=" + HMAC.sha256(key: Array("s3cret".utf8), message: Array(body.utf8)))
        }
    }

    @Test(
        "update fetches from a local server; a failed download or a malformed file changes nothing",
        arguments: TestDatabase.all)
    func update(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try LocalServer.files(in: SharedData.root)
        defer { server.stop() }
        let report = try await vetter.update(sources: [
            UpdateSource(name: "csl", url: server.baseURL + "csl/sample-2025-06.csv"),
            UpdateSource(
                name: "ofac-sdn", url: server.baseURL + "ofac/sdn-2019-01/",
                files: UpdateSource.defaultFiles(for: "ofac-sdn")),
        ])
        #expect(report.created.map(\.source).contains(.sdn))
        #expect(report.created.last { $0.source == .sdn }?.entryCount == 7_379)
        let before = try await vetter.store.versions(source: nil)
        await #expect(throws: UpdateError.self) {
            _ = try await vetter.update(sources: [
                UpdateSource(
                    name: "ofac-sdn", url: server.baseURL + "ofac/sdn-2021-07/",
                    files: UpdateSource.defaultFiles(for: "ofac-sdn")),
                UpdateSource(name: "csl", url: server.baseURL + "csl/missing.csv"),
            ])
        }
        // A server that is not there.
        await #expect(throws: UpdateError.self) {
            _ = try await vetter.update(
                sources: [UpdateSource(name: "csl", url: "http://127.0.0.1:9/consolidated.csv")], timeout: 5)
        }
        // A malformed file.
        let broken = directory.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        let text = try String(contentsOfFile: SharedData.path("csl/sample-2025-06.csv"), encoding: .utf8)
        try String(text.dropLast(50)).write(
            to: broken.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        let brokenServer = try LocalServer.files(in: broken.path)
        defer { brokenServer.stop() }
        await #expect(throws: ListReadError.self) {
            _ = try await vetter.update(sources: [UpdateSource(name: "csl", url: brokenServer.baseURL + "c.csv")])
        }
        #expect(try await vetter.store.versions(source: nil) == before)
    }
}
