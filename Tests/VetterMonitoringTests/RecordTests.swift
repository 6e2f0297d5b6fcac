import Foundation
import Testing
import VetterCore
import VetterMatch
import VetterRules
import VetterService
import VetterStore
import VetterTesting

/// The system of record on a real database: the screening log, cases and the accept list, the audit chain.
@Suite("Screening log, cases, accept list, audit chain", .serialized)
struct RecordTests {
    static let hikvisionEL = "f095626c9f8becc70b5948507fb6de6e443b257a"

    func fresh(_ database: TestDatabase = .sqlite) async throws -> (Vetter, URL, String) {
        let directory = try makeTemporaryDirectory()
        let path = try database.address(in: directory)
        let vetter = try await Vetter.open(database: path)
        _ = try await vetter.ingest([try SharedData.fullCSL()], actor: "test")
        return (vetter, directory, path)
    }

    @Test(
        "hit → case → clear → cleared, no alert → the entry is amended → reopened naming the change → confirm → blocked",
        arguments: TestDatabase.all)
    func lifecycle(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let party = WatchedParty(id: "c-1", name: "Hikvision", country: "CN")
        let hits = try await vetter.watch([party], actor: "reviewer-test")
        #expect(hits.contains { $0.entryID == Self.hikvisionEL })
        let opened = try await vetter.cases(state: .open)
        let elCase = try #require(opened.first { $0.entryID == Self.hikvisionEL })
        #expect(elCase.partyName == "Hikvision" && elCase.source == "EL")

        // Cleared: the same screen shows the hit as cleared, and a re-screen raises no alert for it.
        let cleared = try await vetter.clearCase(
            id: elCase.id, reason: .differentCountry, note: "customer is in Brazil", actor: "jane")
        #expect(cleared.reviewCase.state == .cleared && cleared.events.map(\.action) == [.opened, .cleared])
        let screener = try await Screener(vetter: vetter)
        let query = ScreeningQuery(name: "Hikvision", country: "CN")
        let report = try await screener.report(query, actor: "jane", channel: "api")
        let shown = try #require(report.matches.first { $0.entryID == Self.hikvisionEL })
        #expect(shown.caseID == elCase.id && shown.caseState == .cleared && !report.blocked)
        let rescreen = try await vetter.rescreen(after: [], full: true)
        #expect(rescreen.alerts.isEmpty, "\(rescreen.alerts)")
        // The other hits of the party were opened and stay open: clearing one pair clears only that pair.
        #expect(report.matches.contains { $0.entryID != Self.hikvisionEL && $0.caseState == .open })

        // The entry is amended by a new list version: the case reopens, naming what changed, and an alert is raised.
        var amended = try SharedData.fullCSL()
        let position = try #require(
            amended.entries.firstIndex { $0.id == Self.hikvisionEL && $0.source == .entityList })
        amended.entries[position].aliases.append(Alias(name: "HIKVISION DIGITAL TECHNOLOGY (HANGZHOU)"))
        amended.fileSHA256 = String(repeating: "a", count: 64)
        let imported = try await vetter.ingest([amended], actor: "test")
        let alerts = try #require(imported.rescreen).alerts
        #expect(alerts.contains { $0.kind == .hitChanged && $0.entryID == Self.hikvisionEL }, "\(alerts)")
        let reopened = try #require(try await vetter.caseDetail(id: elCase.id))
        #expect(reopened.reviewCase.state == .open)
        let note = try #require(reopened.events.last { $0.action == .reopened }?.note)
        #expect(note.contains("the listed entry changed (aliases)"), "\(note)")

        // Confirmed: blocked on every later screen and licence check.
        let confirmed = try await vetter.confirmCase(id: elCase.id, note: "same company", actor: "jane")
        #expect(confirmed.reviewCase.state == .confirmed)
        try await screener.refreshIfChanged(waitingForCache: .zero)
        let after = try await screener.report(query, actor: "jane", channel: "api")
        #expect(after.blocked)
        #expect(after.matches.first { $0.entryID == Self.hikvisionEL }?.caseState == .confirmed)
        let check = try await screener.check(
            Transaction(
                parties: [TransactionParty(name: "Hikvision", country: "CN")],
                items: [TransactionItem(eccn: try ECCN("EAR99"))]),
            actor: "jane")
        #expect(check.parties.first?.blocked == true)

        // The evidence for an auditor: the listing, the decisions, the screenings, the records and the chain.
        let export = try #require(try await vetter.exportCase(id: elCase.id))
        #expect(export.events.map(\.action) == [.opened, .cleared, .reopened, .confirmed])
        #expect(export.entry?.licenseRequirement != nil && export.chain.verified)
        #expect(Set(export.auditRecords.map(\.seq)).isSuperset(of: export.events.map(\.auditSeq)))
        #expect(export.listVersions.contains { $0.source == .entityList })
        let page = export.html
        #expect(page.hasPrefix("<!doctype html>") && !page.contains("<script") && !page.contains("http-equiv"))
        #expect(
            page.contains("customer is in Brazil") && page.contains("same company") && page.contains("Chain verified"))
        #expect(page.contains("84 FR 54002") && page.contains("licence requirement"))

        // Everything above is in the log and the chain verifies.
        let log = try await vetter.screeningLog(name: "hikvision", country: "CN")
        #expect(log.count >= 4)
        #expect(
            log.contains { $0.screening?.channel == "monitoring" } && log.contains { $0.screening?.channel == "check" })
        let logged = try #require(log.first { $0.screening?.channel == "api" }?.screening)
        #expect(logged.matches.contains { $0.entryID == Self.hikvisionEL && $0.entryHash.count == 64 })
        let verification = try await vetter.verifyAudit()
        #expect(verification.isIntact, "\(verification.problem ?? "")")
        #expect(verification.records >= 10)
    }

    /// Runs sqlite3 on the database file, as someone with access to it would.
    func sqlite(_ path: String, _ sql: String) throws {
        let status = try ChildProcess.run("/usr/bin/env", ["sqlite3", path, sql]).status
        #expect(status == 0, "sqlite3 \(sql)")
    }

    /// A database with a chain of screenings and a decision, closed, for a tampering test to alter.
    func chain() async throws -> (URL, String) {
        let (vetter, directory, path) = try await fresh()
        let screener = try await Screener(vetter: vetter)
        for name in ["Hikvision", "Dahua Technology", "Acme Widgets", "Megvii", "Sberbank of Russia"] {
            _ = try await screener.report(ScreeningQuery(name: name), actor: "tester", channel: "cli")
        }
        // A batch: its rows in one record (a chunk).
        let batch = screener.batch(workers: 1, actor: "tester")
        let rows = ["Bakery Lyon", "Huawei Technologies", "Umbrella Trading"].enumerated().map {
            (id: "r\($0.offset)", query: ScreeningQuery(name: $0.element))
        }
        try await batch.record(rows, matches: batch.screen(rows.map(\.query)))
        let first = try #require(try await vetter.cases().first)
        _ = try await vetter.clearCase(id: first.id, reason: .differentName, note: "not them", actor: "tester")
        #expect(try await vetter.verifyAudit().isIntact)
        #expect(try await vetter.screeningLog(name: "umbrella trading").map(\.position) == [2])
        return (directory, path)
    }

    @Test(
        "migrate copies a SQLite store whole into PostgreSQL: same versions, cases, screenings and audit head",
        .enabled(if: TestDatabase.all.contains(.postgres)))
    func migrateToPostgres() async throws {
        let (directory, path) = try await chain()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try await Vetter.open(database: path)
        _ = try await source.watch([WatchedParty(id: "w-1", name: "Hikvision", country: "CN")], actor: "tester")
        _ = try await source.addWebhook(url: "http://127.0.0.1:9/hook", secret: "s")
        let ownership = directory.appendingPathComponent("ownership.csv").path
        try "owner,owned,percent,relationship,source,as_of\nSDN:306,Caribbean Trading SA,60,direct,,\n".write(
            toFile: ownership, atomically: true, encoding: .utf8)
        _ = try await source.importOwnership(path: ownership, actor: "tester")
        let address = try TestDatabase.createDatabase()
        let report = try await source.migrate(to: address)
        #expect(report.copy.head == report.source.head)
        #expect(report.copy.records == report.source.records)
        #expect(report.versionsChecked == 13)
        let copy = try await Vetter.open(database: address)
        #expect(try await copy.verifyAudit().isIntact)
        #expect(try await copy.cases().map(\.id) == source.cases().map(\.id))
        #expect(try await copy.cases().map(\.state) == source.cases().map(\.state))
        #expect(try await copy.screeningLog(name: "umbrella trading").map(\.position) == [2])
        #expect(try await copy.watchHits() == source.watchHits())
        #expect(try await copy.currentLists().map(\.contentSHA256) == source.currentLists().map(\.contentSHA256))
        #expect(try await copy.ownershipVersions() == source.ownershipVersions())
        #expect(try await copy.ownershipVersions().count == 1)
        // The copy goes on where the source stopped: a new case gets the next id, the chain the next record.
        let screener = try await Screener(vetter: copy)
        _ = try await screener.report(ScreeningQuery(name: "Sugon"), actor: "tester", channel: "cli")
        #expect(try await copy.verifyAudit().isIntact)
        // A second migrate into the same database is refused: it is no longer empty.
        await #expect(throws: (any Error).self) { _ = try await source.migrate(to: address) }
    }

    @Test("tampering with the database file is found, and the first bad record named")
    func tampering() async throws {
        guard (try? Process.run(URL(fileURLWithPath: "/usr/bin/env"), arguments: ["sqlite3", "-version"])) != nil
        else {
            Issue.record("sqlite3 is needed for this test")
            return
        }
        // An edited decision note.
        do {
            let (directory, path) = try await chain()
            defer { try? FileManager.default.removeItem(at: directory) }
            try sqlite(
                path,
                "DROP TRIGGER case_event_no_update; UPDATE case_event SET note = 'edited' WHERE action = 'cleared'")
            let result = try await Vetter(databasePath: path).verifyAudit()
            #expect(result.problem?.contains("differs from audit record") == true, "\(result.problem ?? "intact")")
        }
        // An edited record body (the decision as the chain holds it).
        do {
            let (directory, path) = try await chain()
            defer { try? FileManager.default.removeItem(at: directory) }
            try sqlite(
                path,
                "DROP TRIGGER audit_record_no_update; UPDATE audit_record SET body = replace(body, 'not them', 'edited') WHERE kind = 'case_cleared'"
            )
            let result = try await Vetter(databasePath: path).verifyAudit()
            #expect(result.problem?.contains("was edited") == true, "\(result.problem ?? "intact")")
        }
        // A deleted screening.
        do {
            let (directory, path) = try await chain()
            defer { try? FileManager.default.removeItem(at: directory) }
            try sqlite(
                path,
                "DROP TRIGGER audit_record_no_delete; DELETE FROM audit_record WHERE seq = (SELECT seq FROM audit_record WHERE kind = 'screening' ORDER BY seq LIMIT 1 OFFSET 2)"
            )
            let result = try await Vetter(databasePath: path).verifyAudit()
            #expect(result.problem?.contains("is missing: deleted") == true, "\(result.problem ?? "intact")")
        }
        // Two screenings swapped (their contents exchanged, each keeping its place).
        do {
            let (directory, path) = try await chain()
            defer { try? FileManager.default.removeItem(at: directory) }
            try sqlite(
                path,
                """
                DROP TRIGGER audit_record_no_update;
                CREATE TEMP TABLE pair AS SELECT seq, body, content_hash, hash, subject FROM audit_record
                    WHERE kind = 'screening' ORDER BY seq LIMIT 2 OFFSET 1;
                UPDATE audit_record SET body = (SELECT body FROM pair WHERE pair.seq != audit_record.seq),
                    subject = (SELECT subject FROM pair WHERE pair.seq != audit_record.seq),
                    content_hash = (SELECT content_hash FROM pair WHERE pair.seq != audit_record.seq),
                    hash = (SELECT hash FROM pair WHERE pair.seq != audit_record.seq)
                    WHERE seq IN (SELECT seq FROM pair);
                """)
            let result = try await Vetter(databasePath: path).verifyAudit()
            let problem = result.problem ?? "intact"
            #expect(problem.contains("was edited") || problem.contains("does not follow"), "\(problem)")
        }
        // A row of a batch's chunk edited: the chunk is named.
        do {
            let (directory, path) = try await chain()
            defer { try? FileManager.default.removeItem(at: directory) }
            try sqlite(
                path,
                "DROP TRIGGER audit_record_no_update; UPDATE audit_record SET body = replace(body, 'Bakery Lyon', 'Bakery Nice') WHERE kind = 'screenings'"
            )
            let result = try await Vetter(databasePath: path).verifyAudit()
            #expect(result.problem?.contains("(screenings) was edited") == true, "\(result.problem ?? "intact")")
        }
        // A chunk's list of parties (what the search reads) altered to hide a party.
        do {
            let (directory, path) = try await chain()
            defer { try? FileManager.default.removeItem(at: directory) }
            try sqlite(
                path,
                "DROP TRIGGER audit_record_no_update; UPDATE audit_record SET parties = substr(parties, 9) WHERE kind = 'screenings'"
            )
            let result = try await Vetter(databasePath: path).verifyAudit()
            #expect(result.problem?.contains("list of parties does not match") == true, "\(result.problem ?? "intact")")
        }
        // Untouched: verifies.
        do {
            let (directory, path) = try await chain()
            defer { try? FileManager.default.removeItem(at: directory) }
            #expect(try await Vetter(databasePath: path).verifyAudit().isIntact)
        }
    }

    @Test(
        "many screenings of one call are chunks of at most 4,096 rows; each party's rows are found, newest first",
        arguments: TestDatabase.all)
    func chunks(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        func screening(_ name: String, threshold: Double = 0.75) -> ScreeningRecord {
            ScreeningRecord(
                channel: "batch", party: PartyRecord(name: name), threshold: threshold, versionIDs: [1], matches: [])
        }
        // 4,097 rows with one threshold, then one with another: chunks of 4,096 and 1... and a single record.
        var records = (0..<4_097).map { screening("Party \($0)") }
        records.append(screening("Party 7", threshold: 0.9))
        _ = try await vetter.store.recordScreenings(records, actor: "t", at: Date())
        let chunks = try await vetter.store.screeningChunks()
        #expect(chunks.count == 1 && chunks[0].parties?.count == 8 * 4_096)
        let seven = try await vetter.screeningLog(name: "party 7")
        #expect(seven.map(\.position) == [nil, 7])
        #expect(seven.map { $0.screening?.threshold } == [0.9, 0.75])
        #expect(try await vetter.screeningLog(name: "Party 4096").map(\.position) == [nil])
        #expect(try await vetter.screeningLog(limit: 3).map(\.position) == [nil, nil, 4_095])
        #expect(try await vetter.screeningLog(limit: 2, offset: 2).map(\.position) == [4_095, 4_094])
        #expect(try await vetter.verifyAudit().isIntact)
        // One party on two rows of one call, with a hit: the second row joins the case the first opened.
        let hit = ScreeningRecord.Match(source: "EL", entryID: "e1", entryHash: "h1", score: 0.9, entryName: "E One")
        var twice = [screening("Twice Ltd"), screening("Other"), screening("TWICE  ltd")]
        twice[0].matches = [hit]
        twice[2].matches = [hit]
        let reviews = try await vetter.store.recordScreenings(twice, actor: "t", at: Date())
        #expect(reviews.map(\.count) == [1, 0, 1])
        #expect(reviews[0].first?.caseID == reviews[2].first?.caseID && reviews[2].first?.state == .open)
        #expect(try await vetter.cases(name: "twice ltd").count == 1)
    }

    @Test(
        "concurrent callers are recorded together, each answered with its own cases; the chain holds every one",
        arguments: TestDatabase.all)
    func concurrentCallers(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let screener = try await Screener(vetter: vetter)
        let names = (0..<24).map { $0 % 2 == 0 ? "Hikvision \($0)" : "Bakery \($0)" }
        let answers = try await withThrowingTaskGroup(of: (String, [HitReview?]).self) { group in
            for name in names {
                group.addTask {
                    let party = PartyRecord(name: name, country: "CN")
                    let query = ScreeningQuery(name: "Hikvision", country: "CN")
                    let reviews = try await screener.screen(query, actor: "key:\(name)", channel: "api", party: party)
                        .reviews
                    return (name, reviews)
                }
            }
            return try await group.reduce(into: [String: [HitReview?]]()) { $0[$1.0] = $1.1 }
        }
        for name in names {
            // Each caller's hits opened cases of its own party, not another caller's.
            let cases = try await vetter.cases(name: name, country: "CN")
            let reviews = try #require(answers[name]).compactMap { $0 }
            #expect(!reviews.isEmpty && Set(reviews.map(\.caseID)) == Set(cases.map(\.id)), "\(name)")
            let log = try await vetter.screeningLog(name: name, country: "CN")
            #expect(log.count == 1 && log.first?.actor == "key:\(name)")
        }
        #expect(try await vetter.verifyAudit().isIntact)
    }

    @Test(
        "prune removes only what is five years past its party's latest event, and the chain still verifies",
        arguments: TestDatabase.all)
    func retention(database: TestDatabase) async throws {
        let (vetter, directory, _) = try await fresh(database)
        defer { try? FileManager.default.removeItem(at: directory) }
        let t0 = ISO8601DateFormatter().date(from: "2019-01-15T12:00:00Z")!
        func years(_ count: Int) -> Date { t0.addingTimeInterval(Double(count) * 365.25 * 86_400) }
        func screening(_ name: String) -> ScreeningRecord {
            ScreeningRecord(
                channel: "cli", party: PartyRecord(name: name), threshold: 0.75, versionIDs: [1], matches: [])
        }
        _ = try await vetter.store.recordScreenings([screening("Old Party")], actor: "t", at: t0)
        _ = try await vetter.store.recordScreenings([screening("Kept Party")], actor: "t", at: t0)
        // A batch's chunk holds a party screened only then and Kept Party: it is kept while any of its parties is.
        _ = try await vetter.store.recordScreenings(
            [screening("Batch Only"), screening("Kept Party")], actor: "t", at: t0)
        // Kept Party is screened again three years later: its first screening belongs to that later event too.
        _ = try await vetter.store.recordScreenings([screening("Kept Party")], actor: "t", at: years(3))

        let early = try await vetter.pruneAudit(now: years(4), actor: "t")
        #expect(early.pruned == 0)
        let late = try await vetter.pruneAudit(now: years(6), actor: "t")
        #expect(late.pruned == 1)
        let log = try await vetter.screeningLog(limit: 10)
        #expect(log.filter { $0.screening == nil }.count == 1)
        #expect(log.contains { $0.screening?.party.name == "Kept Party" && $0.at == t0 && $0.position == nil })
        #expect(try await vetter.screeningLog(name: "batch only").map(\.position) == [0])
        #expect(try await vetter.screeningLog(name: "Kept  Party").map(\.position) == [nil, 1, nil])
        let verification = try await vetter.verifyAudit()
        #expect(verification.isIntact && verification.pruned == 1, "\(verification.problem ?? "")")
        // Nine years on, Kept Party's records go too, and the chunk with them.
        #expect(try await vetter.pruneAudit(now: years(9), actor: "t").pruned == 3)
        #expect(try await vetter.screeningLog(name: "batch only").isEmpty)
        #expect(try await vetter.verifyAudit().isIntact)
    }
}
