import Foundation
import Testing
import VetterCore
import VetterTesting

@testable import VetterMatch

/// The second round of matching rules, each on real names of the May 2022 CSL.
@Suite("Matching rules: abbreviations, short names, variants, noise")
struct MatchingRoundTwoTests {
    @Test(
        "business abbreviations fold to the words the lists write out",
        arguments: [
            ("Hikvision Tech", Fixtures.hikvision),
            ("Megvii Tech Ltd", "cd95318af12232a80126adbcd645526b755fc58a"),
            ("Dahua Tech", "f85aef98e839dc15d4956f5a6da09d01489ecde5"),
        ])
    func abbreviations(name: String, entryID: String) {
        let matches = Fixtures.matches(name)
        let found = matches.first { $0.entry.id == entryID }
        // Found, and nothing but the same company (its entries on other lists too) ranked above it.
        let company = name.split(separator: " ")[0].lowercased()
        #expect(found != nil, "\(matches.map { ($0.matchedName, $0.score) })")
        #expect(
            matches.prefix { $0.score >= found?.score ?? 1 }.allSatisfy {
                $0.matchedName.lowercased().contains(company)
            },
            "\(matches.map { ($0.matchedName, $0.score) })")
        #expect(found?.explanation.normalization.contains("'tech' read as 'technology'") == true)
    }

    @Test("an abbreviation stays itself in a person's name, and matches as written in a name of unknown type")
    func abbreviationInPersonNames() {
        #expect(NameNormalizer.normalize("Dev Kumar", isPerson: true).text == "dev kumar")
        let company = NameNormalizer.normalize("Dev Kumar")
        #expect(company.text == "development kumar")
        #expect(company.tokens[0].alternatives == ["dev"])
    }

    @Test(
        "organisations of the October 2019 rule are found by their Chinese names, short and legal",
        arguments: [
            ("海康威视", "hikvision"), ("杭州海康威视数字技术股份有限公司", "hikvision"), ("美亚柏科", "meiya pico"),
            ("厦门市美亚柏科信息股份有限公司", "meiya pico"), ("旷视", "megvii"), ("旷视科技", "megvii"),
            ("科大讯飞", "iflytek"), ("科大讯飞股份有限公司", "iflytek"), ("商汤科技", "sensetime"),
            ("依图科技", "yitu"), ("新疆维吾尔自治区公安厅", "xinjiang uighur autonomous region"),
        ])
    func chineseNames(name: String, listed: String) {
        let matches = Fixtures.matches(name)
        #expect(
            matches.first.map { NameNormalizer.normalize($0.entry.name).text.contains(listed) } == true,
            "\(matches.map { ($0.entry.name, $0.score) })")
    }

    @Test(
        "Chinese proper names that English translates are read by CC-CEDICT: universities and institutes",
        arguments: [
            ("北京理工大学", "Beijing Institute of Technology"), ("哈尔滨工业大学", "Harbin Institute of Technology"),
            ("西北工业大学", "Northwestern Polytechnical University"),
        ])
    func dictionaryNames(name: String, listed: String) {
        let best = Fixtures.matches(name).first
        #expect(best?.entry.name == listed && best?.entry.source == .entityList, "\(String(describing: best))")
        #expect(best?.explanation.normalization.contains { $0.contains("CC-CEDICT") } == true)
    }

    @Test("a Chinese name is also screened as pinyin, and a person's name is never translated")
    func dictionaryReadings() {
        // The plain reading romanises the proper name; the translated one writes its English name.
        let plain = NameNormalizer.normalize("北京理工大学").text
        let translated = NameNormalizer.normalize("北京理工大学", translateNames: true).text
        #expect(plain.hasPrefix("beijing ligong"), "\(plain)")
        #expect(translated == NameNormalizer.normalize("Beijing Institute of Technology").text, "\(translated)")
        #expect(ScreeningIndex.hasTranslatedReading("北京理工大学", type: nil))
        // 陈木胜 is in the dictionary as the director Benny Chan; as a person's name it is a surname and a given name.
        #expect(HanDictionary.names["陈木胜"] == "Benny Chan")
        #expect(!ScreeningIndex.hasTranslatedReading("陈木胜", type: .individual))
        #expect(!ScreeningIndex.hasTranslatedReading("Beijing", type: nil))
        #expect(!ScreeningIndex.hasTranslatedReading("李成", type: nil))
    }

    @Test("the CC-CEDICT table names its source, date and licence")
    func dictionaryAttribution() {
        let header = HanDictionary.header.joined(separator: "\n")
        #expect(header.contains("CC-CEDICT") && header.contains("CC BY-SA 4.0") && header.contains("2023-11-07"))
        #expect(HanDictionary.names.count > 4000)
    }

    @Test("every Chinese name of a listed organisation says where it comes from")
    func chineseNamesAreCited() {
        for row in HanNames.rows {
            #expect(
                row.source.count > 20 && row.source.unicodeScalars.contains(where: HanWords.isHan), "\(row.characters)")
        }
    }

    @Test("honorifics weigh as little as stop words: \"Mr.\" or \"Dr.\" in a record does not hide the listed person")
    func honorifics() {
        let plain = Fixtures.score("Kim Sok Chol", "17622")
        #expect(plain > 0.95)
        #expect(Fixtures.score("Mr. Kim Sok Chol", "17622") > 0.98 * plain)
        #expect(Fixtures.score("Dr. Abdul Qadeer Khan", "11357") > 0.95)
        #expect(NameNormalizer.normalize("Mme Dr. Prof. X").tokens.prefix(3).allSatisfy { $0.kind == .stopWord })
    }

    @Test(
        "a name's other spellings match as written (Osama / Usama, ibn / bin, Oleksandr / Olexander)",
        arguments: [("Osama bin Laden", "6365"), ("Usama ibn Ladin", "6365"), ("Oleksandr Yanukovych", "16721")])
    func variants(name: String, entryID: String) {
        #expect(Fixtures.score(name, entryID) > 0.9)
    }

    @Test("a listed spelling is indexed as written, so that a typing error in it is still found")
    func variantsKeepListedSpelling() {
        let token = NameNormalizer.normalize("Osama").tokens[0]
        #expect(token.text == "osama" && token.alternatives.contains("usama"))
        #expect(Fixtures.score("Usama bin Ladn", "6365") > 0.85)
    }

    @Test("words written together are split where both parts are listed words, in either order")
    func joinedWords() {
        #expect(Fixtures.score("VladimirPutin", "35096") > 0.95)
        #expect(Fixtures.score("PutinVladimir", "35096") > 0.95)
        // A part is taken as written: no typing error on top of the split.
        let words = Fixtures.index.prepare(NameNormalizer.normalize("VladimirPutin"), session: nil)
        #expect(words.map(\.text) == ["vladimir", "putin"])
    }

    @Test("a patronymic weighs little when one side leaves it out, and two different patronymics are two people")
    func patronymics() throws {
        // SDN 16692, SECHIN, Igor Ivanovich.
        #expect(Fixtures.score("Igor Sechin", "16692") > 0.9)
        #expect(Fixtures.score("Igor Ivanovich Sechin", "16692") == 1)
        #expect(Fixtures.score("Игорь Иванович Сечин", "16692") > 0.95)
        #expect(Fixtures.score("Igor Ivanovitch Sechin", "16692") > 0.95)
        // The primary name alone (the entry's alias "SECHIN, Igor" has no patronymic to differ).
        let primary = ScreeningIndex(entries: [
            ListEntry(id: "16692", source: .sdn, type: .individual, name: "SECHIN, Igor Ivanovich")
        ])
        #expect(primary.screen(ScreeningQuery(name: "Igor Sechin")).first?.score ?? 0 > 0.9)
        let other = try #require(primary.screen(ScreeningQuery(name: "Igor Petrovich Sechin", threshold: 0)).first)
        #expect(other.score < ScreeningIndex.defaultThreshold)
        #expect(other.explanation.adjustments.contains { $0.contains("different patronymics") })
        // The patronymic is the first such word after the first: a surname with the same ending stays a word.
        for name in ["Roman Arkadyevich Abramovich", "ABRAMOVICH, Roman Arkadyevich"] {
            let tokens = NameNormalizer.normalize(name).tokens
            #expect(tokens.filter { $0.kind == .patronymic }.map(\.text) == ["arkadyevich"], "\(name)")
        }
        #expect(NameNormalizer.normalize("Abramovich Roman").tokens.allSatisfy { $0.kind == .word })
    }

    @Test("a person listed \"SURNAME, Given\" matched without the family name's first word is weak evidence")
    func familyNames() throws {
        let threshold = ScreeningIndex.defaultThreshold
        // SDN 15784, VALDEZ RODRIGUEZ, Manuel Arturo: a given name and the second family name are many people's.
        #expect(Fixtures.score("Manuel Rodriguez", "15784") < threshold)
        #expect(Fixtures.score("Manuel Valdez", "15784") >= threshold)
        #expect(Fixtures.score("Manuel Arturo Valdez Rodriguez", "15784") == 1)
        // SDN 16900, LOUIE, Daniel Maurice: the given names alone.
        #expect(Fixtures.score("Daniel Maurice", "16900") < threshold)
        #expect(Fixtures.score("Daniel Louie", "16900") >= threshold)
        let given = try #require(Fixtures.matches("Daniel Maurice", threshold: 0.01).first { $0.entry.id == "16900" })
        #expect(given.explanation.adjustments.contains { $0.contains("family name 'louie'") })
        // A family name's particles are passed over (SDN 6365, BIN LADIN, Usama bin Muhammad bin Awad); a name
        // without a comma, or a company's, does not say which word is the family's.
        let ladin = "BIN LADIN, Usama bin Muhammad bin Awad"
        #expect(ScreeningIndex.familyNamePosition(ladin, NameNormalizer.normalize(ladin, isPerson: true).tokens) == 1)
        #expect(Fixtures.score("Usama bin Ladin", "6365") == 1)
        let plain = "Daniel Maurice Louie"
        #expect(ScreeningIndex.familyNamePosition(plain, NameNormalizer.normalize(plain, isPerson: true).tokens) == nil)
    }

    @Test("a name's particles are among its letters when it is written as one word: \"Clandelgolfo\"")
    func particlesInJoinedNames() {
        // SDN 15871, CLAN DEL GOLFO; SDN 27238, ANTIQUA DEL CARIBE S.A.S.
        #expect(Fixtures.score("Clandelgolfo", "15871") > 0.9)
        #expect(Fixtures.score("Antiqua Delcaribe SAS", "27238") > 0.9)
        // What a record adds around a name is not among its letters.
        #expect(LegalForms.addedWords.isSubset(of: LegalForms.stopWords))
        #expect(!ScreeningIndex.spells(.stopWord, added: true) && ScreeningIndex.spells(.stopWord, added: false))
    }

    @Test("letters that spell an acronym are not read as a legal form: \"A.S.P. Builders\" is not \"JSC P Builders\"")
    func acronymsAreNotLegalForms() throws {
        // SDN 25887, A.S.P. BUILDERS.
        #expect(!NameNormalizer.normalize("A.S.P. Builders").tokens.contains { $0.kind == .legalForm })
        #expect(Fixtures.score("ASP Builders", "25887") == 1)
        #expect(Fixtures.score("A.S.P. Builders", "25887") == 1)
        // Three letters written with or without dots: SDN 8404, T.E.G. LIMITED; the Entity List's U.H.L. Company.
        #expect(Fixtures.score("TEG Limited", "8404") == 1)
        #expect(Fixtures.score("UHL Company", "86816bccfb0548675567632b5a3369df53f06075") == 1)
        // Three letters are compared as they are: one edit is never allowed on them.
        #expect(Fixtures.score("TEK Limited", "8404") < ScreeningIndex.defaultThreshold)
        // An organisation's letters in another order spell another acronym; a person's initials do not.
        #expect(Fixtures.score("P.S.A. Builders", "25887") < ScreeningIndex.defaultThreshold)
        let reordered = try #require(
            Fixtures.matches("S.A.P. Builders", threshold: 0.01).first { $0.entry.id == "25887" })
        #expect(reordered.explanation.adjustments.contains { $0.contains("another order") })
        let people = ScreeningIndex(entries: [
            ListEntry(id: "1", source: .sdn, type: .individual, name: "KIM, J. S.")
        ])
        let inOrder = try #require(people.screen(ScreeningQuery(name: "J. S. Kim", threshold: 0.01)).first)
        let swapped = try #require(people.screen(ScreeningQuery(name: "S. J. Kim", threshold: 0.01)).first)
        #expect(swapped.score == inOrder.score && inOrder.score > 0.9)
        // A legal form at the end of a run of letters, or a whole run, is still one.
        #expect(NameNormalizer.normalize("Banco X S.A.").tokens.last?.kind == .legalForm)
        #expect(NameNormalizer.normalize("Acme A.S.").tokens.last?.kind == .legalForm)
    }

    @Test(
        "a one-word company name one or two letters from a listed word raises no alert",
        arguments: ["Kodak", "Mango", "Midea", "Bosch", "Alibaba", "Zara"])
    func shortRealNames(name: String) {
        #expect(Fixtures.matches(name).isEmpty, "\(Fixtures.matches(name).map { ($0.matchedName, $0.score) })")
    }

    @Test("a long distinctive word with a typing error is still found, and a short one is marked as weak evidence")
    func singleWordEvidence() {
        #expect(Fixtures.score("Hikvisoin", Fixtures.hikvision) > 0.85)
        #expect(Fixtures.ids("Sensetim").contains("caeb24bb901171744f7b376b17c4ad98a782c827"))
        let kodak = Fixtures.matches("Kodak", threshold: 0.3).first { $0.entry.id == "4702" }
        #expect(kodak?.explanation.adjustments.contains("one word of 5 letters, matched inexactly × 0.85") == true)
    }

    @Test("initials confirm a letter, not a word: \"H.D. Technologies GmbH\" is not Huawei Technologies Dusseldorf")
    func initials() {
        #expect(
            !Fixtures.ids("H.D. Technologies GmbH").contains { id in
                Fixtures.index.entries.contains { $0.id == id && $0.name.contains("Huawei") }
            })
        // An initial for a given name still finds the person.
        #expect(Fixtures.score("A. Q. Khan", "11357") > 0.75)
    }

    @Test(
        "names in Arabic, Persian and Hebrew letters find the listed Latin spelling by their consonants",
        arguments: [("أسامة بن لادن", "6365"), ("ملی ساختمان", "30413"), ("בנק מלת", "25019")])
    func abjadScripts(name: String, entryID: String) {
        #expect(Fixtures.ids(name).contains(entryID), "\(Fixtures.matches(name).map { ($0.matchedName, $0.score) })")
    }

    @Test("a listed name in Hebrew letters is found by its Latin spelling, and the other way round")
    func hebrewListedName() {
        let index = ScreeningIndex(entries: [
            ListEntry(id: "he", source: .sdn, name: "צפרירים קירור ומיזוג בע״מ"),
            ListEntry(id: "la", source: .sdn, name: "Zafririm Kirur Umizug Ltd"),
        ])
        #expect(index.screen(ScreeningQuery(name: "Zafririm Kirur Umizug Ltd")).map(\.entry.id).contains("he"))
        #expect(index.screen(ScreeningQuery(name: "צפרירים קירור ומיזוג בע״מ")).map(\.entry.id).contains("la"))
        #expect(NameNormalizer.normalize("צפרירים בע״מ").tokens.last?.kind == .legalForm)
    }

    @Test("a word written without vowels is not an acronym's match: Swisscom is not SGM")
    func acronymsAreNotConsonants() {
        #expect(Fixtures.matches("Swisscom").isEmpty)
    }

    @Test(
        "a Chinese name's pinyin is compared as written when joined: 婷 李 is not Tangli, 佳 周 not Jinzhou",
        arguments: ["婷 李", "佳 周", "俊 陈", "欢 李"])
    func pinyinCompoundsAreExact(name: String) {
        #expect(Fixtures.matches(name).allSatisfy { $0.explanation.alignments.allSatisfy { $0.how != .compound } })
        #expect(Fixtures.matches(name).allSatisfy { !$0.matchedName.lowercased().contains("tech") })
    }
}

/// Former names and numbers: how registries and customers write vessels and renamed companies.
@Suite("Matching rules: former names and numbers")
struct FormerNamesAndNumbersTests {
    @Test("a former name in the query is screened as a name of its own: a renamed vessel, a renamed company")
    func formerNamesInQueries() throws {
        // SDN 34940, the vessel BALTIC LEADER.
        for query in [
            "Blue Horizon (ex Baltic Leader)", "BLUE HORIZON EX-BALTIC LEADER",
            "Blue Horizon ex Baltic Leader until 2019",
        ] {
            let best = try #require(Fixtures.matches(query).first, "\(query)")
            #expect(best.entry.id == "34940" && best.score == 1, "\(query): \(best.entry.name) \(best.score)")
        }
        let renamed = Fixtures.matches(
            "Westlake Vision Systems Ltd, formerly known as Hangzhou Hikvision Digital Technology Co., Ltd.")
        #expect(renamed.first?.entry.id == SharedData.hikvisionEL)
        // The whole is screened too: "ex" was no marker here, and the name is still found as written.
        #expect(Fixtures.matches("Baltic Leader").first?.entry.id == "34940")
    }

    @Test("a record's qualifiers cost nothing: a payment's role label, a vessel prefix, a branch")
    func qualifiers() throws {
        // SDN 34940, the vessel BALTIC LEADER; the Entity List's Hikvision.
        for query in ["M/V BALTIC LEADER", "BENEFICIARY: BALTIC LEADER"] {
            let best = try #require(Fixtures.matches(query).first, "\(query)")
            #expect(best.entry.id == "34940" && best.score == 1, "\(query): \(best.score)")
        }
        let branch = Fixtures.matches("Hangzhou Hikvision Digital Technology Co., Ltd. - Malindi Branch")
        #expect(branch.first?.entry.id == SharedData.hikvisionEL && branch.first?.score == 1)
    }

    @Test("a listed name that writes a former name is found by either")
    func formerNamesInLists() {
        let index = ScreeningIndex(entries: [
            ListEntry(id: "v1", source: .entityList, type: .vessel, name: "Sea Falcon (ex Ocean Breeze, 2006)")
        ])
        for query in ["Ocean Breeze", "Sea Falcon", "Sea Falcon (ex Ocean Breeze, 2006)"] {
            #expect(index.screen(ScreeningQuery(name: query)).first?.score == 1, "\(query)")
        }
    }

    @Test("a different number is another vessel, not a typing error; a digit standing for a letter is a typing error")
    func numbers() {
        // SDN 25342, the vessel ABTIN 1.
        #expect(Fixtures.matches("Abtin 1").first?.entry.id == "25342")
        #expect(Fixtures.matches("Abtln 1").first?.entry.id == "25342")
        #expect(!Fixtures.matches("Abtin 2").contains { $0.entry.id == "25342" })
        #expect(!Fixtures.matches("Abtin2").contains { $0.entry.id == "25342" })
        let other = Fixtures.matches("Abtin 2", threshold: 0)
        let explained = other.first { $0.entry.id == "25342" }?.explanation.adjustments ?? []
        #expect(explained.contains { $0.contains("different numbers") }, "\(explained)")
        // SDN 16692, SECHIN, Igor Ivanovich.
        #expect(Fixtures.matches("Ig0r Sech1n").contains { $0.entry.id == "16692" })
        func same(_ a: String, _ b: String) -> Bool {
            Array(a.utf8).withUnsafeBufferPointer { a in
                Array(b.utf8).withUnsafeBufferPointer { Similarity.sameDigits(a, $0) }
            }
        }
        #expect(same("warta7", "warta7") && same("sech1n", "sechin") && same("igor", "ig0r") && same("710th", "710"))
        #expect(!same("warta7", "warta1") && !same("a12", "a1") && !same("a1", "a12") && !same("2004x1", "2005x1"))
    }
}

/// Burmese, which ICU does not romanise: the conventional romanisation of Myanmar names.
@Suite("Matching rules: Burmese")
struct BurmeseTests {
    @Test(
        "syllables romanise as Myanmar names are conventionally written",
        arguments: [
            ("မင်း", "min"), ("အောင်", "aung"), ("လှိုင်", "hlaing"), ("ကျော်", "kyaw"), ("ရွှေ", "shwe"),
            ("မြတ်", "myat"), ("ထွန်း", "htun"), ("ဝင်း", "win"), ("နိုင်", "naing"), ("သန်း", "than"),
            ("ဦး", "oo"), ("မြ", "mya"), ("ငွေ", "ngwe"), ("ဟိန်း", "hein"), ("ငြိမ်း", "nyein"),
        ])
    func syllables(burmese: String, latin: String) {
        #expect(NameNormalizer.normalize(burmese).text == latin)
    }

    @Test("digits, business words and a name written as one run of syllables")
    func namesAndWords() {
        #expect(NameNormalizer.normalize("ရွှေနဒီ ၁၂").text == "shwe na di 12")
        #expect(NameNormalizer.normalize("ကောင်းမြတ် ကုန်သွယ်ရေး ကုမ္ပဏီလီမိတက်").text == "kaung myat trading ltd")
    }

    @Test("a listed Myanmar person is found by the name in Burmese script")
    func listedPersons() {
        // SDN 27225, HLAING, Min Aung; SDN 31131, OO, Mya Tun.
        #expect(Fixtures.matches("မင်းအောင်လှိုင်", type: .individual).first?.entry.id == "27225")
        #expect(Fixtures.matches("မြထွန်းဦး", type: .individual).contains { $0.entry.id == "31131" })
    }
}
