import Foundation
import Testing
import VetterCore
import VetterLists
import VetterMatch
import VetterOwnership
import VetterService
import VetterStore
import VetterTesting

@Suite("The store, on SQLite and PostgreSQL: versions, content addressing, all-or-nothing imports")
struct StoreTests {
    func freshVetter(_ database: TestDatabase) async throws -> (Vetter, URL) {
        let directory = try makeTemporaryDirectory()
        return (try await Vetter.open(database: try database.address(in: directory)), directory)
    }

    @Test(
        "importing the full CSL makes one version per source, with its counts and data dates",
        arguments: TestDatabase.all)
    func importFullCSL(database: TestDatabase) async throws {
        let (vetter, directory) = try await freshVetter(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try await vetter.store.importList(try SharedData.fullCSL(), importedAt: Date())
        #expect(outcome.created.count == 13)
        #expect(outcome.unchanged.isEmpty)
        let current = try await vetter.store.currentVersions()
        let bySource = Dictionary(uniqueKeysWithValues: current.map { ($0.source, $0) })
        #expect(bySource[.entityList]?.entryCount == 2_001)
        #expect(bySource[.sdn]?.entryCount == 10_026)
        #expect(bySource[.deniedPersons]?.dataDate == LocalDate(year: 2022, month: 4, day: 21))
        #expect(bySource[.entityList]?.fileSHA256.count == 64)
        let entries = try await vetter.store.entries(versionIDs: current.map(\.id))
        #expect(entries.count == 14_159)
        // An entry comes back exactly as it went in.
        let original = try SharedData.fullCSL().entries.first { $0.id == "f095626c9f8becc70b5948507fb6de6e443b257a" }
        #expect(entries.first { $0.id == "f095626c9f8becc70b5948507fb6de6e443b257a" } == original)
    }

    @Test("re-importing the same content writes nothing new", arguments: TestDatabase.all)
    func unchanged(database: TestDatabase) async throws {
        let (vetter, directory) = try await freshVetter(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try ListReader.read(path: SharedData.path("bis/dpl-2023-11.txt"))
        let first = try await vetter.store.importList(file, importedAt: Date())
        let second = try await vetter.store.importList(file, importedAt: Date())
        #expect(first.created.count == 1)
        #expect(second.created.isEmpty)
        #expect(second.unchanged == [.deniedPersons])
        #expect(try await vetter.store.versions(source: .deniedPersons).count == 1)
    }

    @Test("two SDN versions share the entries they have in common", arguments: TestDatabase.all)
    func contentAddressed(database: TestDatabase) async throws {
        let (vetter, directory) = try await freshVetter(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let older = try ListReader.read(path: SharedData.path("ofac/sdn-2019-01"))
        let newer = try ListReader.read(path: SharedData.path("ofac/sdn-2021-07"))
        _ = try await vetter.store.importList(older, importedAt: Date(timeIntervalSince1970: 1_546_560_000))
        _ = try await vetter.store.importList(newer, importedAt: Date())
        let versions = try await vetter.store.versions(source: .sdn)
        #expect(versions.map(\.entryCount) == [8_976, 7_379])
        let store = try #require(vetter.store as? any MaintainableStore)
        let blobs = try await store.blobCount()
        // Far fewer blobs than 7,379 + 8,976: unchanged entries are stored once.
        #expect(blobs < 7_379 + 8_976 - 3_000)
        #expect(blobs >= 8_976)
        // The current version is the newer one; the older stays readable.
        #expect(try await vetter.store.currentVersions().first?.entryCount == 8_976)
        #expect(try await vetter.store.entries(versionIDs: [versions[1].id]).count == 7_379)
    }

    @Test("a batch with one bad file imports nothing, and the lists are as before", arguments: TestDatabase.all)
    func allOrNothing(database: TestDatabase) async throws {
        let (vetter, directory) = try await freshVetter(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await vetter.ingest(paths: [SharedData.path("bis/dpl-2023-11.txt")], format: nil)
        let before = try await vetter.store.versions(source: nil)
        let bad = directory.appendingPathComponent("bad.csv").path
        var text = try String(contentsOfFile: SharedData.path("csl/sample-2025-06.csv"), encoding: .utf8)
        text = String(text.dropLast(40))  // cut the last record mid-line
        FileManager.default.createFile(atPath: bad, contents: Data(text.utf8))
        await #expect(throws: ListReadError.self) {
            _ = try await vetter.ingest(paths: [SharedData.path("ofac/cons-2025-12"), bad], format: nil)
        }
        #expect(try await vetter.store.versions(source: nil) == before)
    }

    @Test("versions cannot be altered once written", arguments: TestDatabase.all)
    func immutable(database: TestDatabase) async throws {
        let (vetter, directory) = try await freshVetter(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try await vetter.ingest(paths: [SharedData.path("bis/dpl-2023-11.txt")], format: nil)
        let store = try #require(vetter.store as? any MaintainableStore)
        await #expect(throws: (any Error).self) { try await store.execute("UPDATE list_version SET entry_count = 1") }
        await #expect(throws: (any Error).self) { try await store.execute("UPDATE version_entry SET entry_id = 'x'") }
        await #expect(throws: (any Error).self) { try await store.execute("DELETE FROM version_entry") }
        // The import's audit record: neither edited nor deleted.
        await #expect(throws: (any Error).self) { try await store.execute("UPDATE audit_record SET actor = 'x'") }
        await #expect(throws: (any Error).self) { try await store.execute("DELETE FROM audit_record") }
        #expect(try await vetter.store.entries(versionIDs: vetter.store.currentVersions().map(\.id)).count == 663)
    }

    @Test(
        "ownership versions: one per distinct file, newest first, read back as imported, immutable, in the audit chain",
        arguments: TestDatabase.all)
    func ownershipVersions(database: TestDatabase) async throws {
        let (vetter, directory) = try await freshVetter(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("owners.csv").path
        let second = directory.appendingPathComponent("owners-2.csv").path
        let header = "owner,owned,percent,relationship,source,as_of\n"
        try (header + "SDN:306,Caribbean Trading SA,60,direct,register,2025-01-02\n").write(
            toFile: first, atomically: true, encoding: .utf8)
        try
            (header
            + "SDN:306,Caribbean Trading SA,40,direct,register,2025-06-02\nSDN:306,Havana Leasing Ltd,,direct,,\n")
            .write(toFile: second, atomically: true, encoding: .utf8)
        let one = try await vetter.importOwnership(path: first, now: Date(timeIntervalSince1970: 1_760_000_000))
        #expect(one.changed && one.version.edgeCount == 1 && one.version.partyCount == 2)
        let again = try await vetter.importOwnership(path: first)
        #expect(!again.changed && again.version.id == one.version.id)
        let two = try await vetter.importOwnership(path: second)
        #expect(two.changed && two.version.id > one.version.id)
        #expect(try await vetter.ownershipVersions().map(\.id) == [two.version.id, one.version.id])
        // As of a day: the newest version imported by its end.
        #expect(
            try await vetter.ownershipVersion(inForceOn: LocalDate(Date(timeIntervalSince1970: 1_760_000_000)))?.id
                == one.version.id)
        #expect(try await vetter.ownershipVersion(inForceOn: LocalDate(year: 2024, month: 1, day: 1)) == nil)
        #expect(
            try await vetter.store.ownershipContent(versionID: one.version.id)
                == String(contentsOfFile: first, encoding: .utf8))
        let diff = try await vetter.ownershipDiff(from: one.version.id, to: two.version.id)
        #expect(diff.added.map(\.owned) == ["Havana Leasing Ltd"] && diff.removed.isEmpty)
        #expect(diff.changed.map { [$0.before.percent, $0.after.percent] } == [[60, 40]])
        let store = try #require(vetter.store as? any MaintainableStore)
        await #expect(throws: (any Error).self) { try await store.execute("UPDATE ownership_version SET content = ''") }
        await #expect(throws: (any Error).self) { try await store.execute("DELETE FROM ownership_version") }
        let verification = try await vetter.verifyAudit()
        #expect(verification.isIntact && verification.records >= 2)
        // A malformed file is refused by line and field, and stores nothing.
        let bad = directory.appendingPathComponent("bad.csv").path
        try (header + "SDN:306,Somewhere Ltd,150,direct,,\n").write(toFile: bad, atomically: true, encoding: .utf8)
        await #expect {
            try await vetter.importOwnership(path: bad)
        } throws: { error in
            "\(error)".contains("bad.csv:2") && "\(error)".contains("percent")
        }
        #expect(try await vetter.ownershipVersions().count == 2)
    }

    @Test("two stores writing one database at once leave it intact", arguments: TestDatabase.all)
    func concurrentWriters(database: TestDatabase) async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let address = try database.address(in: directory)
        let first = try await Vetter.open(database: address).store
        let second = try await Vetter.open(database: address).store
        let files = [
            try ListReader.read(path: SharedData.path("ofac/sdn-2019-01")),
            try ListReader.read(path: SharedData.path("ofac/cons-2025-12")),
            try ListReader.read(path: SharedData.path("bis/dpl-2023-11.txt")),
            try ListReader.read(path: SharedData.path("csl/sample-2025-06.csv")),
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, file) in files.enumerated() {
                let store = index % 2 == 0 ? first : second
                group.addTask { _ = try await store.importList(file, importedAt: Date()) }
                group.addTask { _ = try await (index % 2 == 0 ? second : first).currentVersions() }
            }
            try await group.waitForAll()
        }
        if let first = first as? SQLiteStore { #expect(try await first.integrityCheck() == "ok") }
        // One audit chain, never forked: every import is one record, in order.
        let records = try await first.auditRecords(after: 0, limit: 100)
        #expect(records.map(\.seq) == Array(1...Int64(records.count)))
        let seenBySecond = try await second.versions(source: nil).count
        let seenByFirst = try await first.versions(source: nil).count
        #expect(seenBySecond == seenByFirst)
        #expect(seenByFirst >= 4)
    }

    @Test("the bundled snapshot seeds an empty store once", arguments: TestDatabase.all)
    func seeding(database: TestDatabase) async throws {
        let (vetter, directory) = try await freshVetter(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let seeded = try await vetter.seedIfEmpty()
        #expect(seeded?.created.count == 13)
        #expect(try await vetter.seedIfEmpty() == nil)
    }

    @Test(
        "the index is cached beside the database, built by the importer, and rebuilt when a list changes",
        arguments: TestDatabase.all)
    func indexCache(database: TestDatabase) async throws {
        let (vetter, directory) = try await freshVetter(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cachePath = try #require(vetter.indexCachePath)
        _ = try await vetter.ingest(paths: [SharedData.path("csl/sample-2025-06.csv")], format: nil)
        // The import built the index and cached it: the next run reads it back.
        #expect(FileManager.default.fileExists(atPath: cachePath))
        // It was built before the commit, from the file: the same index, entry for entry, as one built after.
        let beforeCommit = try await vetter.loadIndex()
        #expect(beforeCommit.isSummary)
        try FileManager.default.removeItem(atPath: cachePath)
        let built = try await vetter.loadIndex()
        #expect(!built.isSummary)
        #expect(beforeCommit.entries.map(\.id) == built.entries.map(\.id))
        #expect(
            beforeCommit.screen(ScreeningQuery(name: "Atlas Sanatgaran")).map(\.score)
                == built.screen(ScreeningQuery(name: "Atlas Sanatgaran")).map(\.score))
        let cached = try await vetter.loadIndex()
        #expect(cached.isSummary)
        #expect(cached.entries.count == built.entries.count)
        // Cached summaries are completed from the store for display.
        let matches = cached.screen(ScreeningQuery(name: "Atlas Sanatgaran"))
        let completed = try await vetter.complete(matches, from: cached)
        #expect(matches.first?.entry.addresses.isEmpty == true)
        #expect(completed.first?.entry.addresses.first?.formatted == "Komitas 26/114, Yerevan, Armenia, AM")
        // A new version of any list, written by anything, invalidates the cache.
        let dpl = try ListReader.read(path: SharedData.path("bis/dpl-2023-11.txt"))
        _ = try await vetter.store.importList(dpl, importedAt: Date())
        let rebuilt = try await vetter.loadIndex()
        #expect(!rebuilt.isSummary)
        #expect(rebuilt.entries.count == built.entries.count - 1 + 663)
    }

    @Test("the default database path follows VETTER_DB and XDG_DATA_HOME")
    func defaultPath() {
        #expect(Vetter.defaultDatabasePath(environment: ["VETTER_DB": "/x/y.sqlite"]) == "/x/y.sqlite")
        #expect(Vetter.defaultDatabasePath(environment: ["XDG_DATA_HOME": "/data"]) == "/data/vetter/vetter.sqlite")
        #expect(Vetter.defaultDatabasePath(environment: [:]).hasSuffix(".local/share/vetter/vetter.sqlite"))
    }
}
