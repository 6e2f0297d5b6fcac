import Foundation
import Testing
import VetterCore
import VetterTesting

@testable import VetterLists

/// Hand-made broken files: each must be refused with the line and field at fault.
@Suite("Malformed files are refused with the place at fault")
struct FailureModeTests {
    static let header =
        "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids"

    static func row(
        id: String, name: String, source: String = "Entity List (EL) - Bureau of Industry and Security"
    ) -> String {
        "\(id),\(source),,,,\"\(name)\",,\"1 Main St, Beijing, CN\",84 FR 54002,2019-10-09,,,For all items subject to the EAR.,Presumption of denial.,,,,,,,,,,,,,,,"
    }

    func write(_ text: String, bytes extra: [UInt8] = []) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vetter-\(UUID().uuidString).csv").path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8) + Data(extra))
        return path
    }

    func expectError(_ path: String, _ code: ListReadError.Code, line: Int, field: String? = nil, file: String? = nil) {
        do {
            _ = try ListReader.read(path: path)
            Issue.record("\(path) was accepted")
        } catch {
            #expect(error.code == code)
            #expect(error.line == line)
            if let field { #expect(error.field == field) }
            #expect(error.description.hasPrefix((file ?? path) + ":\(line)"))
        }
    }

    @Test("a clean hand-made file reads")
    func clean() throws {
        let path = try write(
            [Self.header, Self.row(id: "a1", name: "Alpha Co."), Self.row(id: "a2", name: "Beta Co.")].joined(
                separator: "\n") + "\n")
        let file = try ListReader.read(path: path)
        #expect(file.entries.map(\.name) == ["Alpha Co.", "Beta Co."])
    }

    @Test("a row cut mid-line (inside quotes) names the line it starts on")
    func cutInsideQuotes() throws {
        let cut = [
            Self.header, Self.row(id: "a1", name: "Alpha Co."),
            "a2,Entity List (EL) - Bureau of Industry and Security,,,,\"Beta Co.\",,\"1 Main",
        ].joined(separator: "\n")
        let path = try write(cut)
        expectError(path, .unterminatedQuote, line: 3)
    }

    @Test("a row cut mid-line (between fields) is a wrong field count on its line")
    func cutBetweenFields() throws {
        let path = try write(
            [
                Self.header, Self.row(id: "a1", name: "Alpha Co."),
                "a2,Entity List (EL) - Bureau of Industry and Security,,",
            ].joined(separator: "\n"))
        expectError(path, .wrongFieldCount, line: 3, field: "programs")
    }

    @Test("a missing column in one row")
    func missingColumn() throws {
        var broken = Self.row(id: "a2", name: "Beta Co.")
        broken.removeLast()  // drop the last (empty) field's separator
        let path = try write(
            [Self.header, Self.row(id: "a1", name: "Alpha Co."), broken].joined(separator: "\n") + "\n")
        expectError(path, .wrongFieldCount, line: 3, field: "ids")
    }

    @Test("a header without a name column")
    func missingHeaderColumn() throws {
        let path = try write(Self.header.replacingOccurrences(of: ",name,", with: ",nom,") + "\n")
        expectError(path, .missingColumn, line: 1, field: "name")
    }

    @Test("invalid UTF-8 names line and field")
    func invalidUTF8() throws {
        let path = try write(
            [
                Self.header, Self.row(id: "a1", name: "Alpha Co."),
                "a2,Entity List (EL) - Bureau of Industry and Security,,,,\"Bad ",
            ].joined(separator: "\n"),
            bytes: [0xC3, 0x28] + Array("\",,,,,,,,,,,,,,,,,,,,,,,\n".utf8))
        expectError(path, .invalidUTF8, line: 3, field: "#6")
    }

    @Test("an empty file, and a header without rows")
    func empty() throws {
        let emptyPath = try write("")
        do {
            _ = try ListReader.read(path: emptyPath)
            Issue.record("empty file accepted")
        } catch {
            #expect(error.code == .empty)
        }
        expectError(try write(Self.header + "\n"), .empty, line: 2)
    }

    @Test("one id used for two different parties")
    func duplicateIDs() throws {
        let path = try write(
            [Self.header, Self.row(id: "a1", name: "Alpha Co."), Self.row(id: "a1", name: "Gamma Co.")].joined(
                separator: "\n") + "\n")
        expectError(path, .duplicateID, line: 3, field: "_id")
    }

    @Test("an unknown source")
    func unknownSource() throws {
        let path = try write(
            [Self.header, Self.row(id: "a1", name: "Alpha Co.", source: "Naughty List")].joined(separator: "\n") + "\n")
        expectError(path, .invalidValue, line: 2, field: "source")
    }

    @Test("a date that is not one")
    func badDate() throws {
        let path = try write(
            [Self.header, Self.row(id: "a1", name: "Alpha Co.").replacingOccurrences(of: "2019-10-09", with: "soon")]
                .joined(separator: "\n") + "\n")
        expectError(path, .invalidValue, line: 2, field: "start_date")
    }

    @Test("a file of no known format")
    func unknownFormat() throws {
        let path = try write("hello,world\n1,2\n")
        expectError(path, .unknownFormat, line: 1)
    }

    @Test("a damaged gzip stream")
    func damagedGzip() throws {
        let gz = try #require(FileManager.default.contents(atPath: SharedData.path("csl/consolidated-2022-05.csv.gz")))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vetter-\(UUID().uuidString).csv.gz")
            .path
        FileManager.default.createFile(atPath: path, contents: gz.prefix(gz.count / 2))
        #expect(throws: ListReadError.self) { try ListReader.read(path: path) }
    }

    @Test("an OFAC primary file with a non-numeric id")
    func ofacBadID() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vetter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let text =
            "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \nX7,\"BAD\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
        FileManager.default.createFile(
            atPath: directory.appendingPathComponent("sdn.csv").path, contents: Data(text.utf8))
        expectError(
            directory.path, .invalidValue, line: 2, field: "ent_num",
            file: directory.appendingPathComponent("sdn.csv").path)
    }
}

@Suite("CSV reading")
struct CSVParserTests {
    func parse(_ text: String) throws -> [[String]] {
        try CSVParser(bytes: Array(text.utf8), file: "t").records().map(\.fields)
    }

    @Test("quotes, doubled quotes, embedded newlines, CRLF, BOM, blank lines")
    func rfc4180() throws {
        #expect(try parse("a,\"b,c\",\"d \"\"e\"\"\"\r\n\r\n1,2,3") == [["a", "b,c", "d \"e\""], ["1", "2", "3"]])
        #expect(try parse("\u{FEFF}x,y\n") == [["x", "y"]])
        let records = try CSVParser(bytes: Array("h\n\"multi\nline\"\nnext\n".utf8), file: "t").records()
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records[1].fields == ["multi\nline"])
    }

    @Test("fed in pieces of any size, the records are the same")
    func incremental() throws {
        let text = Array("id,name\n1,\"Alpha, \"\"Co\"\"\"\n2,Beta\r\n3,\"multi\nline\"\n".utf8)
        for size in [1, 2, 3, 7, 100] {
            var parser = CSVParser(file: "t")
            var records: [[String]] = []
            var start = 0
            while start < text.count {
                try parser.feed(text[start..<min(text.count, start + size)]) { records.append($0.fields) }
                start += size
            }
            try parser.finish { records.append($0.fields) }
            #expect(records == [["id", "name"], ["1", "Alpha, \"Co\""], ["2", "Beta"], ["3", "multi\nline"]])
        }
    }
}
