import Foundation
import Testing
import VetterCore
import VetterTesting

@testable import VetterLists

/// OFAC's XML publications on the real files: the classic `sdn.xml` and `consolidated.xml`, and the Enhanced XML
/// zip; counts checked against the files (Python's own XML and zip readers gave them), broken copies refused.
@Suite("OFAC XML and Enhanced XML, zip archives")
struct OFACXMLTests {
    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("vetter-\(UUID().uuidString)-\(name)")
    }

    @Test("sdn.xml: four SDN entries with their aliases (weak ones flagged), documents and places")
    func classicSDN() throws {
        let file = try ListReader.read(path: SharedData.path("native-samples/sdn__sdn.xml"))
        #expect(file.format == .ofacXML)
        #expect(file.entries.map(\.id) == ["306", "6982", "11043", "521"])
        #expect(file.entries.allSatisfy { $0.source == .sdn })
        let bank = try #require(file.entries.first)
        #expect(bank.name == "BANCO NACIONAL DE CUBA")
        #expect(bank.aliases.map(\.name) == ["BNC", "NATIONAL BANK OF CUBA"])
        #expect(bank.aliases.map(\.isWeak) == [true, false])
        #expect(bank.addresses.count == 4)
        #expect(bank.countries == ["CH", "ES", "JP", "PA"])
        let person = file.entries[1]
        #expect(person.name == "JIM'ALE, Ahmed Nur Ali")
        #expect(person.type == .individual)
        #expect(person.aliases.count == 8)
        #expect(person.identityDocuments.first?.number == "A0181988")
        #expect(person.identityDocuments.first?.country == "SO")
        #expect(person.programs == ["SDGT"])
    }

    @Test("consolidated.xml: the non-SDN lists by program; Bank of Kunlun's repeated uid is one entry")
    func classicConsolidated() throws {
        let file = try ListReader.read(path: SharedData.path("native-samples/treasury_consolidated__consolidated.xml"))
        #expect(file.format == .ofacConsolidatedXML)
        // 24 <sdnEntry>, uid 15268 twice.
        #expect(file.entries.count == 23)
        #expect(!file.entries.contains { $0.source == .sdn })
        let kunlun = try #require(file.entries.first { $0.id == "15268" })
        #expect(kunlun.source == .capta)
        #expect(kunlun.programs == ["561List", "561-Related"])
        #expect(file.warnings.count == 1)
        #expect(file.warnings.first?.contains("uid 15268 repeats") == true)
        let counts = Dictionary(grouping: file.entries, by: \.source).mapValues(\.count)
        #expect(counts[.palestinianLegislativeCouncil] == 6)
        #expect(counts[.sectoral] == 4)
        #expect(counts[.sanctionsEvaders] == 3)
    }

    @Test("Enhanced XML in its zip: every non-SDN listing, names in their own scripts, listing dates")
    func enhanced() throws {
        let file = try ListReader.read(path: SharedData.path("ofac/cons-enhanced-xml-2025-01-14.zip"))
        #expect(file.format == .ofacXML)
        #expect(file.fileName.hasSuffix("cons-enhanced-xml-2025-01-14.zip!CONS_ENHANCED.XML"))
        let counts = Dictionary(grouping: file.entries, by: \.source).mapValues(\.count)
        #expect(
            counts == [
                .sectoral: 286, .palestinianLegislativeCouncil: 78, .chineseMilitaryIndustrial: 68, .menuBased: 12,
                .capta: 1, .sanctionsEvaders: 1,
            ])
        // The 77 entities also on the SDN list are not taken as the SDN list.
        #expect(file.warnings.contains { $0.contains("77 SDN listings") })
        let megvii = try #require(file.entries.first { $0.id == "33091" })
        #expect(megvii.aliases.contains { $0.name == "旷视科技有限公司" })
        let haniya = try #require(file.entries.first { $0.id == "9639" })
        #expect(haniya.name == "HANIYA, Ismail Abdul Salah")
        #expect(haniya.startDate == LocalDate(year: 2006, month: 4, day: 12))
        #expect(haniya.datesOfBirth == ["1962"])
        #expect(haniya.aliases.map(\.name).contains("HANIYYA, Ismaeel"))
    }

    /// A zip of `files`, written by Python's zipfile, at a new path.
    static func zip(_ files: [String], named name: String) throws -> String {
        let output = temporary(name).path
        try writeZipArchive(files, to: output)
        return output
    }

    @Test("a zip of an OFAC CSV set reads as the set does")
    func zippedCSVSet() throws {
        let directory = SharedData.path("ofac/sdn-2019-01")
        let members = ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"].map { "\(directory)/\($0)" }
        let zipped = try ListReader.read(path: try Self.zip(members, named: "sdn.zip"))
        let plain = try ListReader.read(path: directory)
        #expect(zipped.entries.count == 7_379)
        #expect(zipped.entries == plain.entries)
    }

    @Test("broken XML and zips are refused, naming the file and the line or the member")
    func refusals() throws {
        // XML cut in the middle of an entry.
        let source = try String(contentsOfFile: SharedData.path("native-samples/sdn__sdn.xml"), encoding: .utf8)
        let cut = Self.temporary("sdn.xml")
        try String(source.prefix(source.count / 2)).write(to: cut, atomically: true, encoding: .utf8)
        do {
            _ = try ListReader.read(path: cut.path)
            Issue.record("a cut XML file was accepted")
        } catch {
            #expect(error.description.hasPrefix(cut.path + ":"))
            #expect((error.line ?? 0) > 1)
        }
        // An entry without its uid.
        let noUID = Self.temporary("sdn.xml")
        try source.replacingOccurrences(of: "<uid>6982</uid>", with: "").write(
            to: noUID, atomically: true, encoding: .utf8)
        do {
            _ = try ListReader.read(path: noUID.path)
            Issue.record("an entry without uid was accepted")
        } catch {
            #expect(error.field == "uid")
            #expect(error.line == 58)
        }
        // A byte that is not UTF-8 inside a closing tag: FoundationXML traps on it (fuzzing found it), so the
        // reader refuses it first, at its line.
        var consolidated = try [UInt8](
            Data(
                contentsOf: URL(
                    fileURLWithPath: SharedData.path("native-samples/treasury_consolidated__consolidated.xml"))))
        let tag = Array("</dateOfBirth>".utf8)
        let at = try #require((0..<consolidated.count).first { Array(consolidated[$0..<($0 + tag.count)]) == tag })
        consolidated.insert(0xDE, at: at + 1)
        let notUTF8 = Self.temporary("consolidated.xml")
        try Data(consolidated).write(to: notUTF8)
        do {
            _ = try ListReader.read(path: notUTF8.path)
            Issue.record("XML with a byte that is not UTF-8 was accepted")
        } catch {
            #expect(error.code == .invalidUTF8)
            #expect(error.line == consolidated[..<at].filter { $0 == UInt8(ascii: "\n") }.count + 1)
        }
        // A damaged deflate stream inside the zip.
        var bytes = try [UInt8](
            Data(contentsOf: URL(fileURLWithPath: SharedData.path("ofac/cons-enhanced-xml-2025-01-14.zip"))))
        for offset in stride(from: 2_000, to: 2_400, by: 1) { bytes[offset] ^= 0x5A }
        let damaged = Self.temporary("damaged.zip")
        try Data(bytes).write(to: damaged)
        do {
            _ = try ListReader.read(path: damaged.path)
            Issue.record("a damaged zip was accepted")
        } catch {
            #expect(error.file == damaged.path + "!CONS_ENHANCED.XML")
        }
        // Two unrelated files in one zip.
        let two = try Self.zip(
            [SharedData.path("native-samples/sdn__sdn.xml"), SharedData.path("bis/dpl-2023-11.txt")], named: "two.zip")
        do {
            _ = try ListReader.read(path: two)
            Issue.record("a zip of two lists was accepted")
        } catch {
            #expect(error.message.contains("holds 2 files"))
        }
    }
}
