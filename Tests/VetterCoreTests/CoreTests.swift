import Foundation
import Testing
import VetterCore

@Suite("SHA-256")
struct SHA256Tests {
    @Test(
        "FIPS 180-2 test vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ])
    func vectors(input: String, digest: String) {
        #expect(SHA256.hex(input) == digest)
    }

    @Test("a million 'a's, fed in uneven pieces, equals the one-shot digest")
    func incremental() {
        var hasher = SHA256()
        let piece = Array(repeating: UInt8(ascii: "a"), count: 999)
        var fed = 0
        while fed < 1_000_000 {
            let take = min(piece.count - (fed % 7), 1_000_000 - fed)
            hasher.update(piece[0..<take])
            fed += take
        }
        #expect(hasher.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite("Dates and Federal Register citations")
struct CitationTests {
    @Test(
        "dates in the forms lists use",
        arguments: [
            ("2019-10-09", LocalDate(year: 2019, month: 10, day: 9)),
            ("10/9/19", LocalDate(year: 2019, month: 10, day: 9)),
            ("06/27/03", LocalDate(year: 2003, month: 6, day: 27)),
            ("1/30/1997", LocalDate(year: 1997, month: 1, day: 30)),
            ("0017-05-26", LocalDate(year: 17, month: 5, day: 26)),
        ])
    func dates(text: String, date: LocalDate) {
        #expect(LocalDate(parsing: text) == date)
        #expect(LocalDate(parsing: date.description) == date)
    }

    @Test("not dates", arguments: ["", "2019", "13/01/2019", "someday", "2019-13-01"])
    func notDates(text: String) {
        #expect(LocalDate(parsing: text) == nil)
    }

    @Test("citation cells as the lists write them")
    func citations() {
        #expect(
            FederalRegisterCitation.parseAll("84 FR 54002; 85 FR 44159") == [
                FederalRegisterCitation(volume: 84, page: 54002), FederalRegisterCitation(volume: 85, page: 44159),
            ])
        #expect(
            FederalRegisterCitation.parseAll("84 FR 54002, 10/9/19.") == [
                FederalRegisterCitation(volume: 84, page: 54002, date: LocalDate(year: 2019, month: 10, day: 9))
            ])
        #expect(
            FederalRegisterCitation.parseAll("66 FR 24266 (5/14/01), 70 FR 54629 (9/16/05)").map(\.date) == [
                LocalDate(year: 2001, month: 5, day: 14), LocalDate(year: 2005, month: 9, day: 16),
            ])
        #expect(
            FederalRegisterCitation.parseAll("68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06").map(\.page) == [
                38290, 38843,
            ])
        #expect(
            FederalRegisterCitation.parseAll("77 FR 61249 No. 195") == [
                FederalRegisterCitation(volume: 77, page: 61249, issue: 195)
            ])
        #expect(
            FederalRegisterCitation.parseAll("Vol. 87, No. 57, 03/24/2022") == [
                FederalRegisterCitation(volume: 87, issue: 57, date: LocalDate(year: 2022, month: 3, day: 24))
            ])
        #expect(FederalRegisterCitation.parseAll("FEDERAL REGISTER NOTICE UPDATED").isEmpty)
    }
}

@Suite("Entity List name cells")
struct NameCleanerTests {
    @Test("inline a.k.a. clauses, successor clauses and 'X, and Y' alias cells")
    func cleaning() {
        let fetco = NameCleaner.clean("Far East Trading Company, Inc. (a.k.a. FETCO, Inc.)")
        #expect(fetco.name == "Far East Trading Company, Inc.")
        #expect(fetco.aliases.map(\.name) == ["FETCO, Inc."])

        let mexpar = NameCleaner.clean(
            "Mexpar International, Inc. (a.k.a. Pasadena Aerospace; Aviation Logistics and Supply)")
        #expect(mexpar.aliases.map(\.name) == ["Pasadena Aerospace", "Aviation Logistics and Supply"])

        let sinobright = NameCleaner.clean(
            "Sinobright Import and Export Company; and any successor, sub-unit, or subsidiary thereof")
        #expect(sinobright.name == "Sinobright Import and Export Company")
        #expect(sinobright.coversSuccessors)
        #expect(sinobright.aliases.isEmpty)

        let fka = NameCleaner.clean("JSC Almaz-Antey MSDB, f.k.a., Otkrytoe Aktsionernoe Obshchestvo Almaz")
        #expect(fka.name == "JSC Almaz-Antey MSDB")
        #expect(fka.aliases == [Alias(name: "Otkrytoe Aktsionernoe Obshchestvo Almaz", kind: .fka)])

        #expect(
            NameCleaner.splitAliasList("Beijing Shangtang Technology Development Co., Ltd., and Sense Time")
                == ["Beijing Shangtang Technology Development Co., Ltd.", "Sense Time"])
        #expect(
            NameCleaner.clean("Hangzhou Hikvision Digital Technology Co., Ltd.").name
                == "Hangzhou Hikvision Digital Technology Co., Ltd.")
    }

    @Test(
        "former names as registries and customers write them: (ex …), ex-…, formerly (known as), f/k/a; a year after one"
    )
    func formerNames() throws {
        let cases: [(String, String, [String])] = [
            ("Baltic Star (ex Nordic Wave, 2011)", "Baltic Star", ["Nordic Wave"]),
            ("MV Baltic Star (ex-Nordic Wave, ex Polar Crest)", "MV Baltic Star", ["Nordic Wave", "Polar Crest"]),
            ("SEA LION EX-OCEAN LION", "SEA LION", ["OCEAN LION"]),
            ("Sea Lion ex Ocean Lion until 2015", "Sea Lion", ["Ocean Lion"]),
            (
                "Orient Trading LLC, formerly known as Orient Commodities LLC", "Orient Trading LLC",
                ["Orient Commodities LLC"]
            ),
            ("Vega Shipping (formerly Vega Maritime)", "Vega Shipping", ["Vega Maritime"]),
            ("Vega Shipping f/k/a Vega Maritime", "Vega Shipping", ["Vega Maritime"]),
        ]
        for (raw, name, former) in cases {
            let split = try #require(NameCleaner.formerNames(raw), "\(raw)")
            #expect(split.name == name && split.former == former, "\(raw): \(split)")
        }
        // "ex" inside a word, or starting the name, is no marker.
        for raw in ["Sigma Express", "Alexander Textile", "Ex Oriente Lux GmbH", "Texas Instruments", "EXIM Bank"] {
            #expect(NameCleaner.formerNames(raw) == nil, "\(raw)")
        }
    }

    @Test("a record's qualifiers come off: party-role labels, vessel prefixes, branch clauses; names without them stay")
    func qualifiers() {
        let cases: [(String, String)] = [
            ("BENEFICIARY: Bank Melli Iran", "Bank Melli Iran"),
            (
                "Ultimate consignee:  Hangzhou Hikvision Digital Technology Co., Ltd.",
                "Hangzhou Hikvision Digital Technology Co., Ltd."
            ),
            ("M/V Baltic Leader", "Baltic Leader"), ("MT Ocean Pearl Star", "Ocean Pearl Star"),
            ("Bank Melli Iran - Malindi Branch", "Bank Melli Iran"),
            ("Bank Saderat Iran (Hamburg Branch)", "Bank Saderat Iran"),
            ("Bank Sepah, Rome Branch", "Bank Sepah"), ("SHIPPER: MV Baltic Leader", "Baltic Leader"),
        ]
        for (raw, bare) in cases { #expect(NameCleaner.withoutQualifiers(raw) == bare, "\(raw)") }
        // A prefix before a single word may be the name itself; "Branch" alone is a name.
        for raw in ["MT Holdings", "Hikvision", "Branch Trading", "Mv", "Say: nothing"] {
            #expect(NameCleaner.withoutQualifiers(raw) == nil, "\(raw)")
        }
    }

    @Test("an alias's own a.k.a. and the successor clause written 'subunit' (real Entity List and ISN cells)")
    func aliasesOfAliases() {
        #expect(
            NameCleaner.splitAliasList(
                "China Shipbuilding Industry Group Co., Ltd. (CSIC) 710th Research Institute; and Yichang Testing "
                    + "Technology Research Institute a.k.a. Yichang Institute of Testing Technology")
                == [
                    "China Shipbuilding Industry Group Co., Ltd. (CSIC) 710th Research Institute",
                    "Yichang Testing Technology Research Institute", "Yichang Institute of Testing Technology",
                ])
        #expect(
            NameCleaner.splitAliasList(
                "Thermal Processing Technology Research Institute, a.k.a., Hot Working Technology Research Institute.")
                == ["Thermal Processing Technology Research Institute", "Hot Working Technology Research Institute."])
        let ningbo = NameCleaner.clean(
            "Ningbo Vet Energy Technology Co., Ltd. and any successor, subunit, or subsidiary thereof")
        #expect(ningbo.name == "Ningbo Vet Energy Technology Co., Ltd.")
        #expect(ningbo.coversSuccessors)
    }
}

@Suite("Sources, types, countries, trimming")
struct VocabularyTests {
    @Test("every CSL source title reads back to its source")
    func sources() {
        for source in ListSource.allCases { #expect(ListSource(lenient: source.title) == source) }
        #expect(ListSource(lenient: "el") == .entityList)
        #expect(ListSource(lenient: "NS-MBS") == .menuBased)
        #expect(ListSource(lenient: "Some Other List") == nil)
    }

    @Test("country names in OFAC's and BIS's spelling")
    func countries() {
        #expect(Countries.code(for: "Korea, North") == "KP")
        #expect(Countries.code(for: "China, People's Republic of") == "CN")
        #expect(Countries.code(for: "cn") == "CN")
        #expect(Countries.code(for: "Atlantis") == nil)
    }

    @Test(
        "trimming",
        arguments: [("  a b  ", "a b"), ("x", "x"), ("", ""), ("\t\nq\r\n", "q"), ("\u{00A0}ü\u{00A0}", "ü")])
    func trimming(input: String, expected: String) {
        #expect(input.trimmed == expected)
    }
}
