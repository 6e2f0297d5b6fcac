import Foundation
import Testing
import VetterCore
import VetterTesting

@testable import VetterMatch

@Suite("Index snapshots")
struct SnapshotTests {
    static let queries = [
        "Hikvision", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD", "Rim Abbas", "Gikvision", "华为",
        "Шлыков Игорь Леонидович", "Banco Nacional de Cuba", "Zyxwvut Quorblat", "I. L. Shlykov",
    ]

    @Test("a snapshot read back screens exactly as the index it was written from")
    func roundTrip() throws {
        let data = IndexSnapshot.write(Fixtures.index, key: "k1")
        let restored = try #require(IndexSnapshot.read(data, key: "k1", parameters: MatchParameters()))
        #expect(restored.isSummary)
        #expect(restored.nameCount == Fixtures.index.nameCount)
        for name in Self.queries {
            let query = ScreeningQuery(name: name, country: "CN", threshold: 0.5, limit: 20)
            let before = Fixtures.index.screen(query).map {
                "\($0.entry.source.code) \($0.entry.id) \($0.score) \($0.matchedName)"
            }
            let after = restored.screen(query).map {
                "\($0.entry.source.code) \($0.entry.id) \($0.score) \($0.matchedName)"
            }
            #expect(before == after, "\(name)")
        }
    }

    @Test("a snapshot for another key, of another format, or damaged is not read")
    func refused() {
        let data = IndexSnapshot.write(Fixtures.index, key: "k1")
        #expect(IndexSnapshot.read(data, key: "k2", parameters: MatchParameters()) == nil)
        #expect(IndexSnapshot.read(data.prefix(data.count - 1), key: "k1", parameters: MatchParameters()) == nil)
        #expect(IndexSnapshot.read(data.prefix(1000), key: "k1", parameters: MatchParameters()) == nil)
        var other = data
        other[4] = 99  // format version
        #expect(IndexSnapshot.read(other, key: "k1", parameters: MatchParameters()) == nil)
        #expect(IndexSnapshot.read(Data(), key: "k1", parameters: MatchParameters()) == nil)
    }
}
