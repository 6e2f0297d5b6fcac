import Foundation
import Testing
import VetterCore
import VetterTesting

@testable import VetterLists

/// Files that once imported "successfully" while losing data: each must now be refused, naming the place.
@Suite("Files that cannot lie")
struct HardeningTests {
    func temporary(_ name: String, _ bytes: [UInt8]) throws -> String {
        let directory = try makeTemporaryDirectory()
        let path = directory.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// The full CSL, decompressed.
    func fullCSLBytes() throws -> [UInt8] {
        let data = try #require(
            FileManager.default.contents(atPath: SharedData.path("csl/consolidated-2022-05.csv.gz")))
        return try Gzip.decompress([UInt8](data), file: "consolidated.csv.gz")
    }

    @Test("a 0x1A byte before record 7,000 of the full CSL is refused on its line, not read as the end")
    func endOfFileByteInside() throws {
        var bytes = try fullCSLBytes()
        let records = try CSVParser(bytes: bytes, file: "x").records()
        let line = records[7_000].line
        // Byte offset of the start of that physical line.
        var offset = 0, seen = 1
        while seen < line {
            if bytes[offset] == UInt8(ascii: "\n") { seen += 1 }
            offset += 1
        }
        bytes.insert(0x1A, at: offset)
        let path = try temporary("consolidated.csv", bytes)
        do {
            let file = try ListReader.read(path: path)
            Issue.record("accepted with \(file.entries.count) entries")
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.line == line)
            #expect(error.description.contains("0x1A"))
        }
    }

    @Test("a 0x1A byte ending the file, as OFAC writes it, still ends it quietly")
    func endOfFileByteAtEnd() throws {
        let path = try temporary(
            "sdn.csv",
            Array("36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n".utf8) + [
                0x1A
            ])
        let file = try ListReader.read(path: path, format: .ofacLegacyCSV)
        #expect(file.entries.map(\.name) == ["AEROCARIBBEAN AIRLINES"])
    }

    @Test(
        "a renamed CSL column is refused, naming what is missing", arguments: ["_id", "alt_names", "start_date", "ids"])
    func renamedColumn(column: String) throws {
        let text = try String(contentsOfFile: SharedData.path("csl/sample-2025-06.csv"), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        lines[0] = lines[0].components(separatedBy: ",").map { $0 == column ? column + "_x" : $0 }.joined(
            separator: ",")
        let path = try temporary("renamed.csv", Array(lines.joined(separator: "\n").utf8))
        do {
            _ = try ListReader.read(path: path)
            Issue.record("a header without '\(column)' was accepted")
        } catch {
            #expect(error.code == .missingColumn)
            #expect(error.line == 1)
            #expect(error.description.contains("'\(column)'"))
        }
    }

    @Test("a doubled byte-order mark is an error")
    func doubledBOM() throws {
        let text = try [UInt8](
            #require(FileManager.default.contents(atPath: SharedData.path("csl/sample-2025-06.csv"))))
        let path = try temporary("bom.csv", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + text)
        #expect(throws: ListReadError.self) { try ListReader.read(path: path) }
        // One mark is fine.
        let once = try temporary("bom1.csv", [0xEF, 0xBB, 0xBF] + text)
        #expect(try ListReader.read(path: once).entries.count == 13)
    }

    @Test("an OFAC row with more fields than the layout is refused")
    func extraOFACField() throws {
        let path = try temporary(
            "sdn.csv",
            Array("36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,x\n".utf8))
        #expect(throws: ListReadError.self) { try ListReader.read(path: path, format: .ofacLegacyCSV) }
    }

    @Test("sdn.csv without its companion files reads, with a warning for the aliases and addresses it lacks")
    func primaryAlone() throws {
        let path = try temporary(
            "sdn.csv",
            [UInt8](try #require(FileManager.default.contents(atPath: SharedData.path("ofac/sdn-2019-01/sdn.csv")))))
        let file = try ListReader.read(path: path)
        #expect(file.entries.count == 7_379)
        #expect(file.warnings.contains { $0.contains("alt.csv") })
        #expect(file.warnings.contains { $0.contains("add.csv") })
        let set = try ListReader.read(path: SharedData.path("ofac/sdn-2019-01"))
        #expect(set.warnings.isEmpty)
    }

    @Test("a gzip bomb is refused while inflating, at a bound set by its compressed size")
    func gzipBomb() throws {
        // 300 MB of zeros compress to about 300 KB: far past the ratio any list file has.
        let directory = try makeTemporaryDirectory()
        let path = directory.appendingPathComponent("bomb.csv.gz").path
        _ = try ChildProcess.run("/bin/sh", ["-c", "head -c 300000000 /dev/zero | gzip -9 > '\(path)'"])
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < 2_000_000)
        #expect(Gzip.limit(compressedSize: size) == Gzip.floorLimit)
        do {
            _ = try ListReader.read(path: path)
            Issue.record("the bomb was inflated")
        } catch {
            #expect(error.code == .unreadable)
            #expect(error.description.contains("inflates to more than 64 MiB"))
        }
        // The real files are far inside the bound.
        #expect(try fullCSLBytes().count == 5_829_294)
        #expect(Gzip.limit(compressedSize: 20 << 20) == 1 << 30)
    }
}

/// Found by the FuzzPartyCSV target: the first error in the file must be the one reported, whatever the chunks.
@Suite("Party CSV reading in chunks")
struct PartyCSVChunkTests {
    @Test("a bad row before a later error is reported first, fed whole or byte by byte; a BOM split across chunks")
    func firstErrorWins() throws {
        // Row 2 has an unknown type, row 3 bytes that are not UTF-8, row 4 a quote never closed.
        let text =
            Array("\u{FEFF}id,name,type\n1,\"Kim, Jong Un\",robot\n2,Dah".utf8) + [0xFF]
            + Array("ua,entity\n3,\"open".utf8)
        func read(chunk: Int) -> ListReadError? {
            var reader = PartyCSVReader(file: "p.csv")
            do {
                var start = 0
                while start < text.count {
                    try reader.feed(text[start..<min(text.count, start + chunk)]) { _ in }
                    start += chunk
                }
                try reader.finish { _ in }
                return nil
            } catch { return error }
        }
        let whole = try #require(read(chunk: text.count))
        #expect(whole.line == 2 && whole.field == "type")
        for chunk in [1, 2, 3, 5, 7] { #expect(read(chunk: chunk) == whole, "chunks of \(chunk)") }
    }
}

@Suite("Party CSV evidence columns")
struct PartyCSVEvidenceTests {
    @Test("a batch's date_of_birth and identifiers columns are read and checked; a watch list refuses them")
    func evidenceColumns() throws {
        let text = "name,date_of_birth,identifiers\n\"Said Jan\",1981,OR801168; 4117921\nAAJ,,IMO 8984484\n"
        let rows = try PartyCSVReader.rows(Array(text.utf8), file: "b.csv")
        #expect(rows.map(\.dateOfBirth) == ["1981", nil])
        #expect(rows.map(\.identifiers) == [["OR801168", "4117921"], ["IMO 8984484"]])
        do {
            _ = try PartyCSVReader.rows(Array("name,date_of_birth\nX,1981-02-30\n".utf8), file: "b.csv")
            Issue.record("an impossible date was read")
        } catch {
            #expect(error.line == 2 && error.field == "date_of_birth", "\(error)")
        }
        do {
            _ = try PartyCSVReader.rows(Array("id,name,date_of_birth\n1,X,1981\n".utf8), file: "w.csv", requireID: true)
            Issue.record("a watch list kept a column it does not store")
        } catch {
            #expect(error.field == "date_of_birth", "\(error)")
        }
    }
}
