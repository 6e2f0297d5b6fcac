import Foundation
import Testing
import VetterCore
import VetterOwnership
import VetterRules
import VetterService
import VetterTesting

/// Ownership over real listed owners, resolved by screening against the bundled snapshot.
@Suite("Ownership reports with real listed owners")
struct OwnershipReportTests {
    static let edges = [
        OwnershipEdge(
            owner: "Hangzhou Hikvision Digital Technology Co. Ltd.", owned: "Hikvision Europe BV", percent: 100),
        OwnershipEdge(owner: "Hikvision Europe BV", owned: "Hikvision Deutschland GmbH", percent: 60),
        OwnershipEdge(owner: "Banco Nacional de Cuba", owned: "Caribbean Trading SA", percent: 30),
        OwnershipEdge(owner: "SDN:306", owned: "Caribbean Trading SA", percent: 25),
        OwnershipEdge(owner: "Banco Nacional de Cuba", owned: "Havana Leasing Ltd", percent: nil),
        OwnershipEdge(owner: "Hikvision Europe BV", owned: "Smallholding Ltd", percent: 40),
        OwnershipEdge(owner: "Smallholding Ltd", owned: "Grandchild Ltd", percent: 100),
    ]

    static func report(on day: LocalDate) async throws -> OwnershipReport {
        let vetter = try await CheckTests.shared.value
        return try await Screener(vetter: vetter).ownership(Self.edges, on: day)
    }

    static func party(_ report: OwnershipReport, _ name: String) throws -> OwnershipReport.Party {
        try #require(report.parties.first { $0.party == name })
    }

    @Test("on 2026-11-30 the Affiliates rule reaches Hikvision's subsidiaries; OFAC's rule the bank's holdings")
    func inForce() async throws {
        let report = try await Self.report(on: LocalDate(year: 2026, month: 11, day: 30))
        #expect(report.affiliatesRule.state == .inForce)
        #expect(
            report.resolutions.contains {
                $0.party.hasPrefix("Hangzhou Hikvision") && $0.source == "EL"
                    && $0.entryID == SharedData.hikvisionEL
            })
        let europe = try Self.party(report, "Hikvision Europe BV")
        #expect(europe.affiliates.restricted)
        #expect(!europe.ofac.restricted)
        let germany = try Self.party(report, "Hikvision Deutschland GmbH")
        #expect(germany.affiliates.restricted)
        #expect(germany.affiliates.chain.first?.hasPrefix("EL \(SharedData.hikvisionEL)") == true)
        #expect(germany.affiliates.chain.count == 3)
        // 40 % of Smallholding is not control: neither it nor what it owns is restricted.
        #expect(try !Self.party(report, "Smallholding Ltd").affiliates.restricted)
        #expect(try !Self.party(report, "Grandchild Ltd").affiliates.restricted)
        // The same bank named twice (by name and by SDN:306) is one owner in the graph only if named the same way:
        // here the file names it twice, so 30 % + 25 % = 55 % held by blocked parties.
        let trading = try Self.party(report, "Caribbean Trading SA")
        #expect(trading.ofac.restricted)
        #expect(trading.ofac.restrictedShare == 55)
        let leasing = try Self.party(report, "Havana Leasing Ltd")
        #expect(leasing.ofac.redFlag29)
        #expect(!leasing.ofac.restricted)
    }

    @Test("on 2026-01-15 (suspended) the Affiliates rule restricts no one by ownership; OFAC's rule is unchanged")
    func suspended() async throws {
        let report = try await Self.report(on: LocalDate(year: 2026, month: 1, day: 15))
        #expect(report.affiliatesRule.state == .suspended)
        #expect(try !Self.party(report, "Hikvision Deutschland GmbH").affiliates.restricted)
        #expect(try Self.party(report, "Hangzhou Hikvision Digital Technology Co. Ltd.").affiliates.listed)
        #expect(try Self.party(report, "Caribbean Trading SA").ofac.restricted)
    }

    /// A store of its own (the shared one's checks must not see this ownership data), seeded with the snapshot,
    /// with the ownership file imported on 2025-10-01.
    static let stored = Task { () async throws -> (Vetter, URL) in
        let directory = try makeTemporaryDirectory()
        let vetter = try Vetter(databasePath: directory.appendingPathComponent("v.sqlite").path)
        _ = try await vetter.seedIfEmpty()
        let file = directory.appendingPathComponent("ownership.csv").path
        try """
        owner,owned,percent,relationship,source,as_of
        Hangzhou Hikvision Digital Technology Co. Ltd.,Hikvision Europe BV,100,direct,annual report,2025-04-01
        Hikvision Europe BV,Kamera Handel GmbH,75,direct,register,2025-06-01
        Banco Nacional de Cuba,Caribbean Trading SA,30,direct,,
        SDN:306,Caribbean Trading SA,25,direct,,
        Banco Nacional de Cuba,Havana Leasing Ltd,unknown,direct,,
        Hangzhou Hikvision Digital Technology Co. Ltd.,Joint Optics LLC,30,direct,,
        EL:d6a68bd30aed352b043524ccacf9fc8551b786c2,Joint Optics LLC,30,direct,,

        """.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try await vetter.importOwnership(
            path: file, now: LocalDate(year: 2025, month: 10, day: 1).startUTC.addingTimeInterval(3_600))
        #expect(imported.changed)
        return (vetter, directory)
    }

    static func check(
        _ name: String, on day: LocalDate, _ eccns: [String] = ["EAR99", "5A002"]
    ) async throws
        -> PartyCheck
    {
        let (vetter, _) = try await stored.value
        let result = try await vetter.check(
            Transaction(
                parties: [TransactionParty(name: name)], items: try eccns.map { TransactionItem(eccn: try ECCN($0)) },
                date: day))
        return try #require(result.parties.first)
    }

    static let inForce = LocalDate(year: 2026, month: 11, day: 15)

    @Test("check: a company Hikvision controls through its subsidiary takes on Hikvision's licence requirement")
    func checkAffiliate() async throws {
        let party = try await Self.check("Kamera Handel GmbH", on: Self.inForce)
        #expect(party.matches.isEmpty)
        #expect(party.decision == .licenseRequired)
        #expect(party.items.allSatisfy { $0.decision == .licenseRequired })
        let ground = try #require(party.ownedBy.first { $0.rule == .affiliates })
        #expect(ground.restricted && ground.restrictedShare == 75)
        #expect(ground.chain.count == 3 && ground.chain.last == "Hikvision Europe BV (75 %)")
        let inherited = try #require(party.entries.first { $0.entryID == SharedData.hikvisionEL })
        #expect(inherited.reviewPolicy == .presumptionOfDenial)
        #expect(inherited.regulation.contains("90 FR 47201"))
        #expect(inherited.reasons.first?.contains("Hikvision Europe BV (75 %)") == true)
        #expect(party.ownedBy.first { $0.rule == .ofac50Percent }?.restricted != true)
    }

    @Test("check: the rule's state and the ownership version are those of the day asked")
    func checkByDay() async throws {
        // Suspended: the chain is named, nothing is required by it.
        let suspended = try await Self.check("Kamera Handel GmbH", on: LocalDate(year: 2026, month: 1, day: 15))
        #expect(suspended.decision == .noLicenseRequired)
        let ground = try #require(suspended.ownedBy.first { $0.rule == .affiliates })
        #expect(!ground.restricted && ground.restrictedWhileSuspended && ground.ruleState == "suspended")
        #expect(suspended.items[0].reasons.contains { $0.contains("suspended") })
        // Before the ownership data was imported, it says nothing.
        let before = try await Self.check("Kamera Handel GmbH", on: LocalDate(year: 2025, month: 9, day: 30))
        #expect(before.ownedBy.isEmpty && before.decision == .noLicenseRequired)
    }

    @Test("check: 55 % held by a blocked bank is prohibited under OFAC's rule; an unknown share is Red Flag 29")
    func checkOFAC() async throws {
        // Found by its name whatever the punctuation.
        let trading = try await Self.check("CARIBBEAN TRADING S.A.", on: Self.inForce, ["EAR99"])
        #expect(trading.decision == .prohibited)
        let ground = try #require(trading.ownedBy.first { $0.rule == .ofac50Percent })
        #expect(ground.restricted && ground.restrictedShare == 55)
        #expect(ground.listedOwners.contains { $0.source == "SDN" && $0.entryID == "306" })
        #expect(trading.items[0].reasons.contains { $0.contains("OFAC's 50 percent rule: prohibited") })
        let leasing = try await Self.check("Havana Leasing Ltd", on: Self.inForce, ["EAR99"])
        #expect(leasing.decision == .review)
        #expect(leasing.ownedBy.contains { $0.redFlag29 && $0.unknownShareOwners == ["Banco Nacional de Cuba"] })
        #expect(leasing.items[0].reasons.contains { $0.contains("Red Flag 29") })
    }

    @Test(
        "check: two listed owners of 30 % each restrict together; the stricter policy (presumption of denial) governs")
    func checkMostRestrictive() async throws {
        let party = try await Self.check("Joint Optics LLC", on: Self.inForce, ["5A002"])
        #expect(party.decision == .licenseRequired)
        let ground = try #require(party.ownedBy.first { $0.rule == .affiliates })
        #expect(ground.restricted && ground.restrictedShare == 60)
        #expect(
            Set(ground.listedOwners.map(\.entryID)) == [
                SharedData.hikvisionEL, "d6a68bd30aed352b043524ccacf9fc8551b786c2",
            ])
        let policies = party.entries.compactMap(\.reviewPolicy)
        #expect(Set(policies) == [.presumptionOfDenial, .caseByCase])
        let governing = try #require(
            party.items[0].reasons.first { $0.contains("the most restrictive, which governs") })
        #expect(governing.contains(SharedData.hikvisionEL) && governing.contains("presumption_of_denial"))
        // A listed party is judged by its own listing, not by what the file says it owns or is owned by.
        let hikvision = try await Self.check("Hangzhou Hikvision Digital Technology Co. Ltd.", on: Self.inForce)
        #expect(hikvision.ownedBy.isEmpty && !hikvision.matches.isEmpty)
    }

    @Test("an owner found by screening is a case: cleared as a different party, it no longer restricts what it owns")
    func reviewableResolution() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let vetter = try Vetter(databasePath: directory.appendingPathComponent("v.sqlite").path)
        _ = try await vetter.seedIfEmpty()
        let file = directory.appendingPathComponent("ownership.csv").path
        try "owner,owned,percent,relationship,source,as_of\nBanco Nacional de Cuba,Caribbean Trading SA,60,direct,,\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        _ = try await vetter.importOwnership(path: file)
        // One screener throughout, as a server keeps one: it must not answer from what it computed before.
        let screener = try await Screener(vetter: vetter)
        let transaction = Transaction(
            parties: [TransactionParty(name: "Caribbean Trading SA")], items: [TransactionItem(eccn: try ECCN("EAR99"))]
        )
        #expect(try await screener.check(transaction, actor: "tester").decision == .prohibited)
        let report = try #require(try await screener.ownership(on: LocalDate(Date())))
        let resolution = try #require(report.resolutions.first { $0.party == "Banco Nacional de Cuba" })
        #expect(resolution.source == "SDN" && resolution.entryID == "306")
        let caseID = try #require(resolution.caseID)
        #expect(resolution.caseState == .open)
        #expect(try report.parties.first { $0.party == "Caribbean Trading SA" }?.ofac.restricted == true)
        _ = try await vetter.clearCase(id: caseID, reason: .otherEvidence, note: "another bank", actor: "reviewer")
        let after = try #require(try await screener.ownership(on: LocalDate(Date())))
        #expect(!after.resolutions.contains { $0.party == "Banco Nacional de Cuba" && $0.entryID == "306" })
        #expect(try after.parties.first { $0.party == "Caribbean Trading SA" }?.ofac.restricted == false)
        #expect(try await screener.check(transaction, actor: "tester").decision == .noLicenseRequired)
    }
}
