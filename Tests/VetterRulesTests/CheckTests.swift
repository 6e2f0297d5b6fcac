import Foundation
import Testing
import VetterCore
import VetterRules
import VetterService
import VetterTesting

/// The licence decision through the library API, on a store seeded with the bundled snapshot.
@Suite("Checks through the library API", .serialized)
struct CheckTests {
    /// Seeded once; awaited, never waited on with a blocking call (the test pool has only as many threads as
    /// cores).
    static let shared = Task { () async throws -> Vetter in
        let directory = try makeTemporaryDirectory()
        let vetter = try Vetter(databasePath: directory.appendingPathComponent("v.sqlite").path)
        _ = try await vetter.seedIfEmpty()
        return vetter
    }

    static let day = LocalDate(year: 2022, month: 5, day: 1)

    @Test("Hikvision: 1A004.c case-by-case, 5A992 presumption of denial, EAR99 licence required")
    func hikvision() async throws {
        let result = try await Self.shared.value.check(
            Transaction(
                parties: [TransactionParty(name: "Hikvision")],
                items: [
                    TransactionItem(eccn: try ECCN("1A004.c")), TransactionItem(eccn: try ECCN("5A992")),
                    TransactionItem(eccn: .ear99),
                ], date: Self.day))
        #expect(result.decision == .licenseRequired)
        #expect(result.items.map(\.decision) == [.licenseRequired, .licenseRequired, .licenseRequired])
        let el = result.entries.filter { $0.source == "EL" }
        #expect(el.map(\.reviewPolicy) == [.caseByCase, .presumptionOfDenial, .presumptionOfDenial])
        #expect(el.allSatisfy { $0.licenseExceptions.isEmpty && $0.citations.first == "84 FR 54002" })
        // The CMIC listing of the same company is not an export measure.
        #expect(result.entries.contains { $0.source == "CMIC" && $0.decision == .noLicenseRequired })
        #expect(result.scope.hasPrefix("Lists only"))
    }

    @Test("before the Entity List rule of 9 October 2019, Hikvision's listing did not apply")
    func asOfDate() async throws {
        let before = try await Self.shared.value.check(
            Transaction(
                parties: [TransactionParty(name: "Hikvision")], items: [TransactionItem(eccn: .ear99)],
                date: LocalDate(year: 2019, month: 9, day: 30)))
        #expect(!before.entries.contains { $0.source == "EL" })
        #expect(before.decision == .noLicenseRequired)
        #expect(before.items[0].reasons.contains { $0.contains("was not in force on 2019-09-30") })
        let after = try await Self.shared.value.check(
            Transaction(
                parties: [TransactionParty(name: "Hikvision")], items: [TransactionItem(eccn: .ear99)],
                date: LocalDate(year: 2019, month: 10, day: 9)))
        #expect(after.decision == .licenseRequired)
    }

    @Test("an unlisted company: the lists require no licence")
    func unlisted() async throws {
        let result = try await Self.shared.value.check(
            Transaction(
                parties: [TransactionParty(name: "Zyxwvut Quorblat Holdings")],
                items: [TransactionItem(eccn: try ECCN("5A992.c"))], date: Self.day))
        #expect(result.decision == .noLicenseRequired)
        #expect(result.entries.isEmpty)
        #expect(result.items[0].reasons.first?.contains("No listed party matched") == true)
    }

    @Test("a transaction: the most restrictive party and item decide, with a reason for every party × item")
    func transaction() async throws {
        let json = """
            {"date": "2022-05-01",
             "parties": [{"name": "Zyxwvut Quorblat Holdings", "role": "purchaser", "country": "DE"},
                         {"name": "Beijing Liuhe BGI", "role": "ultimate_consignee", "country": "CN"},
                         {"name": "I. ASH", "role": "freight_forwarder", "type": "individual"}],
             "items": [{"eccn": "EAR99", "description": "test kits", "quantity": 10},
                       {"eccn": "1A004.c"}]}
            """
        let transaction = try Transaction.parse(Data(json.utf8))
        let result = try await Self.shared.value.check(transaction)
        #expect(result.decision == .prohibited)
        #expect(result.parties.map(\.decision) == [.noLicenseRequired, .licenseRequired, .prohibited])
        #expect(result.parties[1].items.map(\.decision) == [.licenseRequired, .licenseRequired])
        #expect(
            result.items.allSatisfy { item in
                result.parties.allSatisfy { party in item.reasons.contains { $0.hasPrefix(party.name) } }
            })
    }

    @Test("transaction files with a bad field are refused naming it")
    func badTransactions() {
        let cases: [(String, String)] = [
            (#"{"parties": [], "items": [{"eccn": "EAR99"}]}"#, "parties"),
            (#"{"parties": [{"name": "X", "role": "buyer"}], "items": [{"eccn": "EAR99"}]}"#, "parties[0].role"),
            (#"{"parties": [{"name": "X"}], "items": [{"eccn": "5A99"}]}"#, "items[0].eccn"),
            (#"{"parties": [{"name": "X", "country": "Narnia"}], "items": [{"eccn": "EAR99"}]}"#, "parties[0].country"),
            (#"{"parties": [{"name": "X"}], "items": [{"eccn": "EAR99"}], "date": "soon"}"#, "date"),
            (#"[1, 2]"#, ""),
        ]
        for (json, field) in cases {
            #expect {
                _ = try Transaction.parse(Data(json.utf8))
            } throws: { error in
                (error as? RulesError)?.field == (field.isEmpty ? nil : field)
            }
        }
    }

    @Test("coverage lists every distinct text with its parse")
    func coverage() async throws {
        let report = try await Self.shared.value.ruleCoverage()
        #expect(report.filter { $0.kind == .licenseRequirement }.count == 39)
        #expect(report.filter { $0.kind == .reviewPolicy }.count == 33)
        #expect(report.filter { $0.manualReview != nil }.count == 3)
    }
}
