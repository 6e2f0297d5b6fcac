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
}
