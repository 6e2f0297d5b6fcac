import Foundation
import Testing
import VetterCore
import VetterTesting

@testable import VetterLists

@Suite("Importers on the real files in shared/data")
struct RealFileTests {
    @Test("full CSL 2022-05: 14,160 rows, one Capta row repeated, per-source counts")
    func fullCSL() throws {
        let file = try SharedData.fullCSL()
        #expect(file.format == .csl)
        // 14,160 rows; BANK OF KUNLUN (CAP 15268) appears twice with only a URL differing and is merged.
        #expect(file.entries.count == 14_159)
        #expect(file.warnings.count == 1)
        #expect(file.warnings.first?.contains("CAP 15268 repeated") == true)
        let counts = Dictionary(grouping: file.entries, by: \.source).mapValues(\.count)
        #expect(counts[.entityList] == 2_001)
        #expect(counts[.sdn] == 10_026)
        #expect(counts[.itarDebarred] == 727)
        #expect(counts[.deniedPersons] == 462)
        #expect(counts[.sectoral] == 290)
        #expect(counts[.unverified] == 201)
        #expect(counts[.nonproliferation] == 163)
        #expect(counts[.palestinianLegislativeCouncil] == 78)
        #expect(counts[.militaryEndUser] == 71)
        #expect(counts[.chineseMilitaryIndustrial] == 68)
        #expect(counts[.capta] == 52)
        #expect(counts[.menuBased] == 17)
        #expect(counts[.sanctionsEvaders] == 3)
        // Rows on both SDN and SSI share one `_id`: 14,048 distinct ids in all.
        #expect(Set(file.entries.map(\.id)).count == 14_048)
    }

    @Test("Hikvision's Entity List row keeps its legal meaning")
    func hikvision() throws {
        let file = try SharedData.fullCSL()
        let entry = try #require(file.entries.first { $0.id == "f095626c9f8becc70b5948507fb6de6e443b257a" })
        #expect(entry.source == .entityList)
        #expect(entry.name == "Hangzhou Hikvision Digital Technology Co., Ltd.")
        #expect(entry.aliases.map(\.name) == ["Hikvision"])
        #expect(entry.citations.map(\.volume) == [84, 85])
        #expect(entry.citations.first?.page == 54002)
        #expect(entry.startDate == LocalDate(year: 2019, month: 10, day: 9))
        #expect(entry.licensePolicy?.hasPrefix("Case-by-case review for ECCNs 1A004.c") == true)
        #expect(entry.licenseRequirement?.contains("§744.11") == true)
        #expect(entry.countries == ["CN"])
        #expect(entry.addresses.count == 3)
        #expect(entry.addresses[0].city == "Hangzhou")
    }

    @Test("EL alias cells holding 'X, and Y' are split")
    func elAndAliases() throws {
        let file = try SharedData.fullCSL()
        let sensetime = try #require(file.entries.first { $0.id == "caeb24bb901171744f7b376b17c4ad98a782c827" })
        #expect(sensetime.aliases.map(\.name) == ["Beijing Shangtang Technology Development Co., Ltd.", "Sense Time"])
    }

    @Test("EL inline a.k.a. clauses become aliases")
    func inlineAka() throws {
        let file = try SharedData.fullCSL()
        let fetco = try #require(file.entries.first { $0.rawName.hasPrefix("Far East Trading Company, Inc. (a.k.a.") })
        #expect(fetco.name == "Far East Trading Company, Inc.")
        #expect(fetco.aliases.map(\.name).contains("FETCO, Inc."))
    }

    @Test("the odd start date 0017-05-26 is kept as written and does not hide the entry")
    func oddStartDate() throws {
        let file = try SharedData.fullCSL()
        let odd = try #require(file.entries.first { $0.startDate == LocalDate(year: 17, month: 5, day: 26) })
        #expect(odd.isInForce(on: LocalDate(year: 2022, month: 1, day: 1)))
    }

    @Test("names with '?' for lost characters are kept verbatim")
    func questionMarks() throws {
        let file = try SharedData.fullCSL()
        #expect(file.entries.contains { $0.name == "Donetsk People?s Republic" })
    }

    @Test("partial CSL 2023-11: the repeated header is skipped; its cut last record is refused unless asked")
    func partialCSL() throws {
        let path = SharedData.path("csl/partial-2023-11.csv.gz")
        #expect {
            try ListReader.read(path: path)
        } throws: { error in
            guard let error = error as? ListReadError else { return false }
            // Physical line 4,233: records above span several lines.
            return error.line == 4233 && error.code == .unterminatedQuote
        }
        let file = try ListReader.read(path: path, options: ReadOptions(dropIncompleteLastRecord: true))
        // 4,227 records in the file; the last is cut mid-field and dropped on request.
        #expect(file.entries.count == 4_226)
        #expect(file.warnings.contains { $0.contains(":2: header line repeated") })
    }

    @Test("old 28-column CSL layout without _id")
    func oldLayout() throws {
        let file = try ListReader.read(path: SharedData.path("csl/sample-2019-12-old-layout.csv"))
        #expect(file.entries.count == 115)
        #expect(Set(file.entries.map(\.id)).count == 115)
        // SDN rows keep their OFAC number as id.
        #expect(file.entries.filter { $0.source == .sdn }.allSatisfy { $0.id == $0.entityNumber })
    }

    @Test("CSL sample in today's layout with the successor clause")
    func sample2025() throws {
        let file = try ListReader.read(path: SharedData.path("csl/sample-2025-06.csv"))
        #expect(file.entries.count == 13)
        let sinobright = try #require(file.entries.first { $0.rawName.hasPrefix("Sinobright") })
        #expect(sinobright.name == "Sinobright Import and Export Company")
        #expect(sinobright.coversSuccessors)
        #expect(sinobright.rawName.hasSuffix("subsidiary thereof"))
        #expect(file.entries.allSatisfy { !$0.name.lowercased().contains("successor") })
    }

    @Test(
        "OFAC SDN legacy CSV sets of 2019-01 and 2021-07",
        arguments: [("ofac/sdn-2019-01", 7_379), ("ofac/sdn-2021-07", 8_976)])
    func ofacSDN(directory: String, count: Int) throws {
        let file = try ListReader.read(path: SharedData.path(directory))
        #expect(file.format == .ofacLegacyCSV)
        #expect(file.entries.count == count)
        #expect(file.entries.allSatisfy { $0.source == .sdn })
        let cuba = try #require(file.entries.first { $0.id == "306" })
        #expect(cuba.name == "BANCO NACIONAL DE CUBA")
        #expect(cuba.aliases.contains(Alias(name: "BNC", kind: .aka, isWeak: true)))
        #expect(cuba.aliases.contains(Alias(name: "NATIONAL BANK OF CUBA", kind: .aka, isWeak: false)))
        #expect(cuba.addresses.first?.country == "CH")
    }

    @Test("sdn_comments.csv continues the remarks of its entry")
    func sdnComments() throws {
        let file = try ListReader.read(path: SharedData.path("ofac/sdn-2021-07"))
        let entry = try #require(file.entries.first { $0.id == "28264" })
        #expect(entry.remarks?.contains("a.k.a. 'blackjack1987'") == true)
        #expect(entry.aliases.contains { $0.name == "blackjack1987" && $0.isWeak })
    }

    @Test("fka and nka aliases keep their kind")
    func aliasKinds() throws {
        let file = try ListReader.read(path: SharedData.path("ofac/sdn-2021-07"))
        let kinds = Set(file.entries.flatMap(\.aliases).map(\.kind))
        #expect(kinds == [.aka, .fka, .nka])
    }

    @Test("SDN-only 2024-05-03 file, gzip, without companions")
    func sdnOnly() throws {
        let file = try ListReader.read(path: SharedData.path("ofac/sdn-only-2024-05-03.csv.gz"), format: .ofacLegacyCSV)
        #expect(file.entries.count == 14_965)
    }

    @Test("OFAC non-SDN set: 442 records, split into their lists by program")
    func ofacConsolidated() throws {
        let file = try ListReader.read(path: SharedData.path("ofac/cons-2025-12"))
        #expect(file.entries.count == 442)
        let counts = Dictionary(grouping: file.entries, by: \.source).mapValues(\.count)
        #expect(counts[.palestinianLegislativeCouncil] == 78)
        #expect(counts[.chineseMilitaryIndustrial] == 68)
        #expect(counts[.sectoral] == 286)
        #expect(counts[.capta] == 1)
    }

    @Test("BIS Denied Persons dpl.txt: 665 rows, two repeated word for word")
    func dpl() throws {
        let file = try ListReader.read(path: SharedData.path("bis/dpl-2023-11.txt"))
        #expect(file.format == .bisDPL)
        #expect(file.entries.count == 663)
        #expect(
            file.warnings.map { $0.components(separatedBy: ".txt:").last! } == [
                "154: the row of line 153 is repeated; skipped", "458: the row of line 457 is repeated; skipped",
            ])
        let ash = try #require(file.entries.first { $0.name == "I. ASH" })
        #expect(ash.citations.count == 3)
        #expect(
            ash.citations[1]
                == FederalRegisterCitation(volume: 71, page: 38843, date: LocalDate(year: 2006, month: 7, day: 10)))
        #expect(ash.addresses.first?.state == "TX")
        #expect(ash.endDate == LocalDate(year: 2056, month: 6, day: 29))
    }
}
