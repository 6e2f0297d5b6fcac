import Foundation
import Testing
import VetterCore
import VetterLists
import VetterMatch
import VetterService
import VetterStore
import VetterTesting

@Suite("History: versions, diffs, as-of answers")
struct HistoryTests {
    func fresh(_ database: TestDatabase) async throws -> (Vetter, URL, String) {
        let directory = try makeTemporaryDirectory()
        let address = try database.address(in: directory)
        return (try await Vetter.open(database: address), directory, address)
    }

    @Test("OFAC SDN 2019-01 → 2021-07: 1,858 added, 261 removed, 843 changed", arguments: TestDatabase.all)
    func sdnDiff(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2019-01")], format: nil)
        _ = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2021-07")], format: nil)
        let diff = try await vetter.store.diff(source: .sdn)
        #expect(diff.added.count == 1_858)
        #expect(diff.removed.count == 261)
        #expect(diff.changed.count == 843)
        #expect(diff.to.entryCount - diff.from.entryCount == diff.added.count - diff.removed.count)
        // A real designation and a real delisting.
        #expect(diff.added.contains { $0.name == "ROSNEFT TRADING S.A." })
        let fields = Set(diff.changed.flatMap(\.fields))
        #expect(fields.contains("aliases") && fields.contains("remarks"))
    }

    @Test("the 2019 CSL sample (old layout) against the 2022 CSL: per-list counts", arguments: TestDatabase.all)
    func layoutDiff(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await vetter.ingest(paths: [SharedData.path("csl/sample-2019-12-old-layout.csv")], format: nil)
        _ = try await vetter.store.importList(try SharedData.fullCSL(), importedAt: Date())
        let sdn = try await vetter.store.diff(source: .sdn)
        let dpl = try await vetter.store.diff(source: .deniedPersons)
        // SDN rows keep their OFAC number in both layouts, so entries carry over; DPL rows had no id in 2019.
        #expect(sdn.from.entryCount + sdn.added.count - sdn.removed.count == sdn.to.entryCount)
        #expect(sdn.removed.count < sdn.from.entryCount)
        #expect(dpl.removed.count == dpl.from.entryCount)
        #expect(dpl.added.count == 462)
    }

    @Test("'Hikvision' as of 2019-09-30 has no Entity List hit; as of 2019-10-09 it has", arguments: TestDatabase.all)
    func asOf(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await vetter.seedIfEmpty()
        let (before, _) = try await vetter.loadIndex(asOf: LocalDate(year: 2019, month: 9, day: 30))
        #expect(!before.screen(ScreeningQuery(name: "Hikvision")).contains { $0.entry.source == .entityList })
        let (after, _) = try await vetter.loadIndex(asOf: LocalDate(year: 2019, month: 10, day: 9))
        #expect(after.screen(ScreeningQuery(name: "Hikvision")).contains { $0.entry.source == .entityList })
    }

    @Test("versions in force: the newest one dated on or before the day, else the oldest", arguments: TestDatabase.all)
    func versionsInForce(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2019-01")], format: nil)
        _ = try await vetter.ingest(paths: [SharedData.path("ofac/sdn-2021-07")], format: nil)
        let all = try await vetter.store.versions(source: .sdn)
        let now = try await vetter.store.versionsInForce(on: LocalDate(Date()))
        #expect(now.map(\.id) == [all[0].id])
        let long = try await vetter.store.versionsInForce(on: LocalDate(year: 2000, month: 1, day: 1))
        #expect(long.map(\.id) == [all[1].id])
    }
}
