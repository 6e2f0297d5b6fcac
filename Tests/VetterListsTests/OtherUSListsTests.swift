import Foundation
import Testing
import VetterCore
import VetterTesting

@testable import VetterLists

/// The US lists outside the CSL (`shared/data/other-us-lists`): counts checked against the files (distinct names,
/// case aside, as a party named in several editions is one listing), and broken copies refused where they break.
@Suite("US lists outside the CSL: 1260H, MIEU, FCC, the statutory lists")
struct OtherUSListsTests {
    static func read(_ name: String) throws -> ListFile {
        try ListReader.read(path: SharedData.path("other-us-lists/" + name))
    }

    static func counts(_ file: ListFile) -> [ListSource: Int] {
        Dictionary(grouping: file.entries, by: \.source).mapValues(\.count)
    }

    @Test(
        "each file is recognised from its header and read whole",
        arguments: [
            ("bis_mieu__mieu.csv", ListFormat.bisMIEU, ListSource.militaryIntelligenceEndUser, 13),
            ("dod_chinese_milcorps__sanctions.csv", .dod1260H, .chineseMilitaryCompanies, 233),
            ("fcc_covered_list__table.csv", .fccCoveredList, .fccCovered, 12),
            ("special_leg__section_889.csv", .usStatuteLists, .section889, 5),
            ("special_leg__section_5949.csv", .usStatuteLists, .section5949, 3),
            ("special_leg__section_154.csv", .usStatuteLists, .section154, 6),
            ("special_leg__section_1286.csv", .usStatuteLists, .section1286, 193),
            ("special_leg__section_353.csv", .usStatuteLists, .section353, 167),
            ("special_leg__inksna.csv", .usStatuteLists, .inksna, 28),
        ])
    func counts(name: String, format: ListFormat, source: ListSource, count: Int) throws {
        let file = try Self.read(name)
        #expect(file.format == format)
        #expect(Self.counts(file) == [source: count])
        #expect(source.isOutsideCSL)
        #expect(Set(file.entries.map(\.id)).count == count)
    }

    @Test("1260H: a company designated in two editions is one listing from its first start date")
    func milcorps() throws {
        let file = try Self.read("dod_chinese_milcorps__sanctions.csv")
        let qihoo = try #require(file.entries.first { $0.name == "360 Security Technology Inc." })
        #expect(qihoo.rawName == "360 Security Technology Inc. (Qihoo 360)*")
        #expect(qihoo.aliases.map(\.name) == ["Qihoo 360"])
        #expect(qihoo.startDate == LocalDate(year: 2022, month: 10, day: 5))
        #expect(qihoo.endDate == nil)
        #expect(qihoo.countries == ["CN"])
        // Delisted companies keep their end date: not in force after it.
        let ended = file.entries.filter { $0.endDate != nil }
        #expect(!ended.isEmpty)
        for entry in ended { #expect(!entry.isInForce(on: LocalDate(year: 2026, month: 11, day: 30))) }
        let hikvision = try #require(file.entries.first { $0.name.hasPrefix("Hangzhou Hikvision") })
        #expect(hikvision.isInForce(on: LocalDate(year: 2026, month: 11, day: 30)))
    }

    @Test("FCC: the company is read out of the description; a category of equipment is a warning, not a party")
    func fcc() throws {
        let file = try Self.read("fcc_covered_list__table.csv")
        let names = file.entries.map(\.name)
        #expect(names.contains("Huawei Technologies Company"))
        #expect(names.contains("Hangzhou Hikvision Digital Technology Company"))
        #expect(names.contains("AO Kaspersky Lab"))
        #expect(names.contains("China Mobile International USA Inc."))
        #expect(names.contains("Digitalsystem Technology Inc."))
        let pacific = try #require(file.entries.first { $0.name == "Pacific Networks Corp" })
        #expect(pacific.aliases.map(\.name) == ["ComNet (USA) LLC"])
        #expect(pacific.startDate == LocalDate(year: 2022, month: 9, day: 20))
        #expect(file.warnings.count == 4)
        #expect(file.warnings.allSatisfy { $0.contains("not a named party") })
        for name in names { #expect(name.count < 60, "\(name)") }
    }

    @Test("statutory lists: dates as written ('October 1, 2027', 'December 2023'), countries by name, MIEU's rule")
    func statutes() throws {
        let batteries = try Self.read("special_leg__section_154.csv")
        #expect(batteries.entries.allSatisfy { $0.startDate == LocalDate(year: 2027, month: 10, day: 1) })
        #expect(batteries.dataDate(for: .section154, today: LocalDate(year: 2026, month: 11, day: 30)) == nil)
        let catl = try #require(batteries.entries.first { $0.aliases.map(\.name) == ["CATL"] })
        #expect(catl.name == "Contemporary Amperex Technology Company, Limited")
        let corrupt = try Self.read("special_leg__section_353.csv")
        #expect(corrupt.entries.allSatisfy { $0.type == .individual })
        #expect(corrupt.entries.contains { $0.endDate == LocalDate(year: 2023, month: 12, day: 31) })
        let inksna = try Self.read("special_leg__inksna.csv")
        #expect(inksna.entries.contains { $0.countries == ["KR"] })
        #expect(inksna.entries.contains { $0.countries == ["KP"] })
        #expect(inksna.entries.contains { $0.coversSuccessors })
        let mieu = try Self.read("bis_mieu__mieu.csv")
        #expect(mieu.entries.allSatisfy { $0.licenseRequirement?.contains("§744.22") == true })
        #expect(mieu.entries.first?.startDate == LocalDate(year: 2021, month: 3, day: 16))
        #expect(mieu.entries.first { $0.name == "Directorate of Military Intelligence" }?.countries == ["CU"])
    }

    /// A copy of a real file with one line changed.
    static func corrupted(_ name: String, line: Int, _ change: (String) -> String) throws -> String {
        let text = try String(contentsOfFile: SharedData.path("other-us-lists/" + name), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        lines[line - 1] = change(lines[line - 1])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vetter-\(UUID().uuidString)-\(name)")
        try lines.joined(separator: "\n").write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    static func refusal(_ path: String) -> ListReadError? {
        do {
            _ = try ListReader.read(path: path)
            return nil
        } catch { return error }
    }

    @Test("corrupted copies are refused naming the file, the line and the field")
    func corrupted() throws {
        let badDate = try Self.corrupted("dod_chinese_milcorps__sanctions.csv", line: 3) {
            $0.replacingOccurrences(of: "2024-01-31", with: "2024-13-31")
        }
        let dateError = try #require(Self.refusal(badDate))
        #expect(dateError.code == .invalidValue)
        #expect(dateError.line == 3)
        #expect(dateError.field == "Start date")
        #expect(dateError.description.hasPrefix(badDate + ":3 field 'Start date'"))

        let badProgram = try Self.corrupted("special_leg__section_889.csv", line: 4) {
            $0.replacingOccurrences(of: "Section 889 of", with: "Section 999 of")
        }
        let programError = try #require(Self.refusal(badProgram))
        #expect(programError.line == 4)
        #expect(programError.field == "program")

        let noName = try Self.corrupted("bis_mieu__mieu.csv", line: 5) { line in
            var fields = line.components(separatedBy: ",")
            fields[1] = ""
            return fields.joined(separator: ",")
        }
        let nameError = try #require(Self.refusal(noName))
        #expect(nameError.line == 5)
        #expect(nameError.field == "Name")

        let cut = try Self.corrupted("special_leg__section_5949.csv", line: 3) { String($0.prefix(40)) }
        let cutError = try #require(Self.refusal(cut))
        #expect(cutError.code == .wrongFieldCount)
        #expect(cutError.line == 3)
    }

    @Test("a header of Windows line ends is recognised as well")
    func crlf() throws {
        // The FCC table is published with CRLF line ends.
        let bytes = try [UInt8](
            Data(contentsOf: URL(fileURLWithPath: SharedData.path("other-us-lists/fcc_covered_list__table.csv"))))
        #expect(bytes.contains(UInt8(ascii: "\r")))
        #expect(try ListReader.detect(bytes: bytes, path: "fcc.csv") == .fccCoveredList)
    }
}
