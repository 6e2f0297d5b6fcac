import Foundation
import Testing
import VetterCore

/// An entry's content hash is the contract that raises or spares a `hit_changed` alert for every watched party:
/// it must come from the canonical form, never from whatever Swift names the properties today.
@Suite("The canonical form of an entry")
struct CanonicalFormTests {
    static let entry = ListEntry(
        id: "e1", source: .entityList, type: .entity, name: "Hangzhou Hikvision Digital Technology Co., Ltd.",
        aliases: [Alias(name: "Hikvision", kind: .aka, isWeak: false)],
        addresses: [Address(street: "555 Qianmo Road", city: "Hangzhou", postalCode: "310052", country: "CN")],
        countries: ["CN"], identityDocuments: [IdentityDocument(type: "Registration", number: "91330000")],
        citations: [FederalRegisterCitation(volume: 84, page: 54002, date: LocalDate(year: 2019, month: 10, day: 9))],
        startDate: LocalDate(year: 2019, month: 10, day: 9), licenseRequirement: "For all items subject to the EAR.",
        coversSuccessors: true, vessel: VesselDetails(callSign: "ABCD"), sourceListURL: "https://example.gov/list")

    @Test("schema 1 spells every key as the databases written so far hold them")
    func schemaOne() throws {
        #expect(ListEntry.canonicalSchema == 1)
        let expected =
            #"{"addresses":[{"city":"Hangzhou","country":"CN","postalCode":"310052","street":"555 Qianmo Road"}],"#
            + #""aliases":[{"isWeak":false,"kind":"aka","name":"Hikvision"}],"citations":[{"date":"2019-10-09","page":54002,"volume":84}],"#
            + #""citizenships":[],"countries":["CN"],"coversSuccessors":true,"datesOfBirth":[],"id":"e1","#
            + #""identityDocuments":[{"number":"91330000","type":"Registration"}],"#
            + #""licenseRequirement":"For all items subject to the EAR.","name":"Hangzhou Hikvision Digital Technology Co., Ltd.","#
            + #""nationalities":[],"placesOfBirth":[],"programs":[],"rawName":"Hangzhou Hikvision Digital Technology Co., Ltd.","#
            + #""source":"EL","sourceListURL":"https:\/\/example.gov\/list","startDate":"2019-10-09","type":"entity","#
            + #""vessel":{"callSign":"ABCD"}}"#
        let canonical = String(decoding: try Self.entry.canonicalJSON(), as: UTF8.self)
        #expect(canonical == expected)
        #expect(try Self.entry.contentHash() == SHA256.hex(Data(expected.utf8)))
    }

    @Test("the wire format is free to rename: answers say raw_name, the hash still reads rawName")
    func wireIsSeparate() throws {
        let wire = try Wire.string(Self.entry)
        #expect(wire.contains(#""raw_name":"#) && wire.contains(#""source_list_url":"#))
        #expect(!String(decoding: try Self.entry.canonicalJSON(), as: UTF8.self).contains("raw_name"))
    }

    @Test("equal content, equal hash; any changed field, another hash")
    func sensitivity() throws {
        var amended = Self.entry
        #expect(try amended.contentHash() == Self.entry.contentHash())
        amended.aliases.append(Alias(name: "HIKVISION DIGITAL"))
        #expect(try amended.contentHash() != Self.entry.contentHash())
    }

    @Test("the record's numbers: integers bare, up to six decimals without trailing zeros, never a trailing point")
    func recordNumbers() {
        let cases: [(Double, String)] = [
            (0.75, "0.75"), (3, "3"), (0.123456789, "0.123457"), (0.9999999, "1"), (-2.5, "-2.5"), (1e-7, "0"),
            (0.1, "0.1"), (12.000001, "12.000001"), (1e12 + 0.5, "1000000000000.5"),
        ]
        for (value, text) in cases { #expect(CanonicalJSON.number(value) == text, "\(value)") }
    }

    @Test("a chunk of screenings states its parties' hashes, sorted and distinct, and finds each of them")
    func chunkParties() throws {
        let parties = ["ACME  Trading|CN", "acme trading|CN", "Globex|", "Initech|US"].map(PartyRecord.hash(key:))
        #expect(PartyRecord(name: "ACME  Trading", country: "CN").key == "acme trading|CN")
        let bytes = ScreeningChunk.partyHashes(parties)
        #expect(bytes.count == 8 * Set(parties).count)
        #expect(ScreeningChunk.hashes(bytes) == Set(parties).sorted())
        for party in parties { #expect(ScreeningChunk.contains(bytes, party)) }
        #expect(!ScreeningChunk.contains(bytes, PartyRecord.hash(key: "umbrella|")))
        let row = ScreeningRecord(
            channel: "batch", party: PartyRecord(id: "r1", name: "Globex"), threshold: 0.75, versionIDs: [3, 9],
            matches: [])
        var other = row
        other.party = PartyRecord(
            name: "Initech \"quoted\"\n", country: "US", type: .entity, address: "1 Rd", dateOfBirth: "1962-08",
            identifiers: ["IMO 8984484", "K\"47"])
        other.matches = [.init(source: "EL", entryID: "e1", entryHash: "ab", score: 0.8123456)]
        let body = String(
            decoding: ScreeningChunk.body(
                parties: bytes, rows: [row, other].map { CanonicalJSON.screening($0, shared: true) },
                channel: "batch", threshold: 0.75, versionIDs: [3, 9]), as: UTF8.self)
        #expect(ScreeningChunk.statedParties(body) == ScreeningChunk.hex(bytes))
        let rows = try #require(ScreeningChunk.rows(of: body))
        other.matches[0].score = 0.812346
        #expect(rows == [row, other])
        // A record of one screening says everything itself; it reads back as it was.
        let single = CanonicalJSON.screening(other)
        #expect(single.hasPrefix("{\"channel\":\"batch\",\"matches\":[{\"entry_hash\":\"ab\""))
        #expect(single.hasSuffix("\"threshold\":0.75,\"version_ids\":[3,9]}"))
        #expect(try JSONDecoder().decode(ScreeningRecord.self, from: Data(single.utf8)) == other)
        #expect(single.contains("\"date_of_birth\":\"1962-08\",\"identifiers\":[\"IMO 8984484\",\"K\\\"47\"],\"name\""))
        // A party without them is written as before: old records keep their hashes.
        #expect(!CanonicalJSON.screening(row).contains("date_of_birth"))
    }
}
