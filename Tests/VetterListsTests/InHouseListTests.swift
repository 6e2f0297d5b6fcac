import Foundation
import Testing
import VetterCore

@testable import VetterLists

/// A company's own list: the documented CSV, read into entries of its own source with the effect each row chose.
@Suite("In-house lists")
struct InHouseListTests {
    static let header = "id,name,aliases,country,type,address,effect,note"

    static func read(_ text: String, as name: String = "acme-deny") throws(ListReadError) -> ListFile {
        try ListReader.read(
            bytes: Array(text.utf8), file: "house.csv", options: ReadOptions(inHouseList: ListSource.inHouse(name)))
    }

    @Test("names: letters, digits and hyphens, in capitals behind X-; other codes are not in-house")
    func names() {
        #expect(ListSource.inHouse("acme-deny")?.code == "X-ACME-DENY")
        #expect(ListSource.inHouse("ACME-DENY")?.inHouseName == "ACME-DENY")
        #expect(ListSource(rawValue: "X-ACME-DENY") == ListSource.inHouse("acme-deny"))
        #expect(ListSource(lenient: "x-acme-deny")?.isInHouse == true)
        for bad in ["", "-acme", "acme deny", "acme_deny", "ÄCME", String(repeating: "A", count: 41)] {
            #expect(ListSource.inHouse(bad) == nil, "\(bad)")
        }
        #expect(ListSource(rawValue: "X-") == nil)
        #expect(!ListSource.entityList.isInHouse)
        // Published lists first, in-house ones after them by name.
        let sorted = [ListSource.inHouse("b")!, .entityList, ListSource.inHouse("a")!, .inksna].sorted()
        #expect(sorted.map(\.code) == ["EL", "INKSNA", "X-A", "X-B"])
    }

    @Test("rows become entries with aliases, ISO countries, types, the address and the chosen effect")
    func rows() throws {
        let file = try Self.read(
            """
            \(Self.header)
            A-1,Shenzhen Example Trading Co Ltd,Example Trading;深圳示例贸易,China,entity,"1 Harbour Rd, Shenzhen",block,Diversion
            A-2,Ivan Petrovich Sample,,RU;BY,individual,,Review,
            """)
        #expect(file.format == .inHouse)
        #expect(file.entries.map(\.id) == ["A-1", "A-2"])
        let first = file.entries[0]
        #expect(first.source.code == "X-ACME-DENY")
        #expect(first.aliases.map(\.name) == ["Example Trading", "深圳示例贸易"])
        #expect(first.countries == ["CN"])
        #expect(first.type == .entity)
        #expect(first.addresses.first?.raw == "1 Harbour Rd, Shenzhen")
        #expect(first.inHouseEffect == .block)
        #expect(first.remarks == "Diversion")
        #expect(file.entries[1].countries == ["RU", "BY"])
        #expect(file.entries[1].inHouseEffect == .review)
        #expect(file.entries[1].type == .individual)
    }

    @Test(
        "bad rows are refused naming the line and field",
        arguments: [
            ("A-1,X Co,,,entity,,deny,", 2, "effect"),
            ("A-1,X Co,,Atlantis,entity,,block,", 2, "country"),
            ("A-1,X Co,,,company,,block,", 2, "type"),
            (",X Co,,,entity,,block,", 2, "id"),
            ("A-1,,,,entity,,block,", 2, "name"),
            ("A-1,X Co,,,entity,,block,\nA-1,Y Co,,,entity,,review,", 3, "id"),
        ])
    func refused(row: String, line: Int, field: String) {
        do {
            _ = try Self.read(Self.header + "\n" + row + "\n")
            Issue.record("accepted: \(row)")
        } catch {
            #expect(error.line == line)
            #expect(error.field == field)
            #expect(error.description.hasPrefix("house.csv:\(line) field '\(field)'"))
        }
    }

    @Test("the header must be the documented one; without a name the file is not guessed")
    func header() throws {
        #expect(throws: ListReadError.self) { try Self.read("id,name,colour\nA-1,X Co,red\n") }
        #expect(throws: ListReadError.self) { try Self.read("id,name,aliases\nA-1,X Co,\n") }
        do {
            _ = try ListReader.read(bytes: Array((Self.header + "\nA-1,X Co,,,,,block,\n").utf8), file: "house.csv")
            Issue.record("an in-house file without a name was accepted")
        } catch {
            #expect(error.message.contains("--as NAME"))
        }
    }
}
