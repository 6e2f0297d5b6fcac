import Foundation
import Testing
import VetterCore
import VetterTesting

@testable import VetterMatch

/// Tables of real names from the May 2022 CSL: each rule of the engine, with pairs that must match and pairs
/// that must not.
@Suite("Matching rules on real list names")
struct MatchingRuleTests {
    @Test(
        "companies: brand alone, missing city prefix, legal-form variants, case and punctuation",
        arguments: [
            ("Hikvision", Fixtures.hikvision),
            ("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD", Fixtures.hikvision),
            ("Hikvision Digital Technology Co., Ltd.", Fixtures.hikvision),
            ("Hangzhou Hikvision Digital Technology Company Limited", Fixtures.hikvision),
            ("hangzhou hikvision digital technology", Fixtures.hikvision),
            ("Megvii", "cd95318af12232a80126adbcd645526b755fc58a"),
            ("Zhejiang Dahua Technology", "f85aef98e839dc15d4956f5a6da09d01489ecde5"),
            ("Iflytek", "a09e83dc7e0dca1e6bbe040010b091174c7dbdb8"),
            ("Harbin Engineering University", "5e6aed33a7b95fd1edc797a44e367db004845cb6"),
            // A missing city prefix is the same company, even a distinctive word as common as Yixin.
            ("Beijing Yixin Technology Co., Ltd.", "4d0b27768e22d5a71fb87640b0d9ceb5aa7558e1"),
        ])
    func companiesMatch(query: String, entryID: String) {
        #expect(Fixtures.ids(query).contains(entryID), "\(query)")
    }

    @Test(
        "a different distinctive word or a generic-only likeness is not a match",
        arguments: [
            ("Hangzhou Huarui Digital Technology Co., Ltd.", Fixtures.hikvision),
            ("Hangzhou Digital Technology Co., Ltd.", Fixtures.hikvision),
            ("Technology Co., Ltd.", ""),
            ("Microsoft", ""),
            ("Sumitomo Chemical", ""),
        ])
    func companiesDoNotMatch(query: String, entryID: String) {
        let found = Fixtures.ids(query)
        if entryID.isEmpty { #expect(found.isEmpty, "\(query) → \(found)") } else { #expect(!found.contains(entryID)) }
    }

    @Test("a different city prefix lowers the score and says why")
    func differentPlace() throws {
        let same = Fixtures.score(
            "Beijing Sensetime Technology Development", "caeb24bb901171744f7b376b17c4ad98a782c827")
        let other = Fixtures.score(
            "Shanghai Sensetime Technology Development", "caeb24bb901171744f7b376b17c4ad98a782c827")
        #expect(other < same)
        let match = try #require(
            Fixtures.matches("Shanghai Sensetime Technology Development", threshold: 0.3)
                .first { $0.entry.id == "caeb24bb901171744f7b376b17c4ad98a782c827" })
        #expect(match.explanation.adjustments.contains { $0.contains("affiliate") })
    }

    @Test(
        "people: any word order, a middle name left out, initials, romanisation variants",
        arguments: [
            ("Rim Abbas", "21944"),
            ("ABBAS, Rim", "21944"),
            ("Igor Shlykov", "16271"),
            ("SHLYKOV, Igor", "16271"),
            ("I. L. Shlykov", "16271"),
            ("Igor Leonidovich Shlykov", "16271"),
            ("Aleksei Belan", "21324"),
            ("Alexei Alekseyevich Belan", "21324"),
        ])
    func peopleMatch(query: String, entryID: String) throws {
        let listed = try SharedData.fullCSL().entries.first { $0.id == entryID }
        try #require(listed != nil)
        #expect(Fixtures.ids(query, type: .individual).contains(entryID), "\(query)")
    }

    @Test(
        "a shared surname with another given name is another person",
        arguments: [
            ("Rim Smith", "21944"),
            ("Yasir Abbas", "21944"),
            ("Dmitri Shlykov", "16271"),
        ])
    func peopleDoNotMatch(query: String, entryID: String) {
        #expect(!Fixtures.ids(query, type: .individual).contains(entryID), "\(query)")
    }

    @Test(
        "one or two typing errors anywhere, the first letter included",
        arguments: [
            ("Gikvision", Fixtures.hikvision),
            ("Hikvisoin", Fixtures.hikvision),
            ("Hangzhou Hikvsion Digital Technologgy", Fixtures.hikvision),
            ("Megvi", "cd95318af12232a80126adbcd645526b755fc58a"),
            ("Harbni Enginering University", "5e6aed33a7b95fd1edc797a44e367db004845cb6"),
        ])
    func typos(query: String, entryID: String) {
        #expect(Fixtures.ids(query).contains(entryID), "\(query)")
    }

    @Test(
        "Cyrillic and Chinese queries find the romanised listing",
        arguments: [
            ("Шлыков Игорь Леонидович", "16271"),
            ("哈尔滨工程大学", "5e6aed33a7b95fd1edc797a44e367db004845cb6"),
            ("华为", "8af92323b510cb0860f22fd245b2a845d670e26d"),
            ("中国交通建设股份有限公司", "30930"),
        ])
    func scripts(query: String, entryID: String) {
        #expect(Fixtures.ids(query).contains(entryID), "\(query)")
    }

    @Test("context: a country conflict lowers, a country match raises, a type conflict lowers")
    func context() {
        let plain = Fixtures.score("Hikvision Digital Technology", Fixtures.hikvision)
        #expect(Fixtures.score("Hikvision Digital Technology", Fixtures.hikvision, country: "CN") > plain)
        #expect(Fixtures.score("Hikvision Digital Technology", Fixtures.hikvision, country: "FR") < plain)
        let person = Fixtures.score("ABBAS, Rim", "21944")
        #expect(Fixtures.score("ABBAS, Rim", "21944", type: .entity) < person)
        // Context is evidence, not a filter: the conflicting country still finds the exact name.
        #expect(
            Fixtures.ids("Hangzhou Hikvision Digital Technology Co., Ltd.", country: "FR").contains(Fixtures.hikvision))
    }

    @Test("filters: --source and --country filter when asked")
    func filters() {
        let all = Fixtures.index.screen(ScreeningQuery(name: "Hikvision", limit: 50)).map(\.entry.source)
        #expect(Set(all) == [.entityList, .chineseMilitaryIndustrial])
        let onlyEL = Fixtures.index.screen(ScreeningQuery(name: "Hikvision", sources: [.entityList], limit: 50))
        #expect(onlyEL.map(\.entry.source) == [.entityList])
        let elsewhere = Fixtures.index.screen(ScreeningQuery(name: "Hikvision", country: "FR", filterByCountry: true))
        #expect(elsewhere.isEmpty)
    }

    @Test("an explanation names the alias, the aligned words and what normalisation did")
    func explanation() throws {
        let match = try #require(Fixtures.matches("HIKVISION DIGITAL TECHNOLOGY CO LTD").first)
        #expect(match.entry.id == Fixtures.hikvision || match.entry.id == "30946")
        let explanation = match.explanation
        #expect(
            explanation.alignments.contains { $0.query == "hikvision" && $0.listed == "hikvision" && $0.how == .exact }
        )
        #expect(explanation.unmatchedListed.contains("hangzhou"))
        #expect(explanation.normalization.contains { $0.contains("→ ltd") })
        let hikvisionWeight = try #require(explanation.alignments.first { $0.listed == "hikvision" }).weight
        let technologyWeight = try #require(explanation.alignments.first { $0.listed == "technology" }).weight
        #expect(hikvisionWeight > 2 * technologyWeight)
        let alias = try #require(Fixtures.matches("Hikvision").first { $0.entry.id == Fixtures.hikvision })
        #expect(alias.matchedName == "Hikvision")
        #expect(alias.matchedNameKind == "aka")
    }

    @Test("weak aliases score below the same strong name")
    func weakAlias() throws {
        let entries = [
            ListEntry(
                id: "1", source: .sdn, type: .entity, name: "BANCO NACIONAL DE CUBA",
                aliases: [Alias(name: "BNC", isWeak: true)]),
            ListEntry(id: "2", source: .sdn, type: .entity, name: "BNC TRADING"),
            ListEntry(id: "3", source: .sdn, type: .entity, name: "BNC"),
        ]
        let index = ScreeningIndex(entries: entries)
        let matches = index.screen(ScreeningQuery(name: "BNC", threshold: 0.5))
        let weak = try #require(matches.first { $0.entry.id == "1" })
        let strong = try #require(matches.first { $0.entry.id == "3" })
        #expect(weak.matchedWeakAlias)
        #expect(weak.score < strong.score)
    }

    @Test("scores are 1 for the same words and fall with every difference")
    func scale() {
        #expect(Fixtures.score("Harbin Engineering University", "5e6aed33a7b95fd1edc797a44e367db004845cb6") == 1)
        let typo = Fixtures.score("Harbin Engineerng University", "5e6aed33a7b95fd1edc797a44e367db004845cb6")
        let partial = Fixtures.score("Harbin University", "5e6aed33a7b95fd1edc797a44e367db004845cb6")
        #expect(typo < 1 && typo > 0.85)
        #expect(partial < typo)
    }
}

@Suite("Properties")
struct MatchingPropertyTests {
    @Test("every listed name finds its own entry (a seeded sample of 1,500 names and aliases)")
    func nameFindsItself() throws {
        var generator = SeededRandom(seed: 7)
        let entries = try SharedData.fullCSL().entries
        var misses: [String] = []
        for _ in 0..<1_500 {
            let entry = entries[Int.random(in: 0..<entries.count, using: &generator)]
            let names = entry.allNames
            let (name, _) = names[Int.random(in: 0..<names.count, using: &generator)]
            guard NameNormalizer.normalize(name).tokens.contains(where: { $0.text.count > 1 }) else { continue }
            let found = Fixtures.index.screen(ScreeningQuery(name: name, limit: 500)).contains {
                $0.entry.id == entry.id && $0.entry.source == entry.source
            }
            if !found { misses.append(name) }
        }
        #expect(misses.isEmpty, "\(misses.prefix(10))")
    }

    /// A listed name changed the ways customers' records change names: letters swapped, dropped, replaced, words
    /// joined or split, dropped, reduced to an initial or reordered.
    static func perturb(_ name: String, using generator: inout SeededRandom) -> String {
        var words = name.split(separator: " ").map(String.init)
        guard !words.isEmpty else { return name }
        for _ in 0..<Int.random(in: 1...2, using: &generator) {
            let w = Int.random(in: 0..<words.count, using: &generator)
            var letters = Array(words[w])
            switch Int.random(in: 0..<8, using: &generator) {
            case 0 where letters.count > 2:
                let i = Int.random(in: 0..<(letters.count - 1), using: &generator)
                letters.swapAt(i, i + 1)
            case 1 where letters.count > 1: letters.remove(at: Int.random(in: 0..<letters.count, using: &generator))
            case 2 where !letters.isEmpty: letters[Int.random(in: 0..<letters.count, using: &generator)] = "k"
            case 3 where w + 1 < words.count:
                words[w] += words.remove(at: w + 1)
                continue
            case 4 where letters.count > 3:
                letters.insert(" ", at: Int.random(in: 1..<(letters.count - 1), using: &generator))
            case 5 where words.count > 1:
                words.remove(at: w)
                continue
            case 6 where !letters.isEmpty: letters = [letters[0]]
            case 7 where words.count > 1:
                words.swapAt(w, (w + 1) % words.count)
                continue
            default: break
            }
            words[w] = String(letters)
        }
        return words.joined(separator: " ")
    }

    @Test(
        "a screen at threshold t answers exactly what a screen at a lower threshold answers at t or above",
        arguments: [0.75, 0.85, 0.6])
    func thresholdOnlyCuts(threshold: Double) throws {
        var generator = SeededRandom(seed: UInt64(threshold * 1000))
        let entries = try SharedData.fullCSL().entries
        // Scores are rounded to three places: a match within rounding of the threshold is left out of the comparison.
        let margin = 0.0015
        var queries = ["KIM SKO CHOL", "KIMSOK CHOL", "Vladimir Vladimirovich Putin", "XC-ilent", "Hik Vision Digital"]
        for _ in 0..<400 {
            let entry = entries[Int.random(in: 0..<entries.count, using: &generator)]
            let names = entry.allNames
            queries.append(
                Self.perturb(names[Int.random(in: 0..<names.count, using: &generator)].name, using: &generator))
        }
        var compared = 0
        for (position, name) in queries.enumerated() {
            let country = position % 3 == 0 ? "CN" : nil
            let lower = threshold - Double.random(in: 0.05...0.5, using: &generator)
            let high = Fixtures.index.screen(
                ScreeningQuery(name: name, country: country, threshold: threshold, limit: 10_000))
            let low = Fixtures.index.screen(
                ScreeningQuery(name: name, country: country, threshold: lower, limit: 10_000))
            func key(_ match: ScreeningMatch) -> String { "\(match.entry.source.rawValue)/\(match.entry.id)" }
            let expected = Dictionary(
                low.filter { $0.score >= threshold + margin }.map { (key($0), $0.score) }, uniquingKeysWith: max)
            let answered = Dictionary(
                high.filter { $0.score >= threshold + margin }.map { (key($0), $0.score) }, uniquingKeysWith: max)
            #expect(answered == expected, "'\(name)' at \(threshold) against \(lower)")
            #expect(high.allSatisfy { $0.score >= threshold - margin }, "'\(name)' answered below \(threshold)")
            compared += expected.count
        }
        // The comparison is not empty: the perturbed names still find listed parties above the threshold.
        #expect(compared > 100)
    }

    @Test("scores stay within 0…1 and results are sorted, for random and perturbed queries")
    func scoreRange() throws {
        var generator = SeededRandom(seed: 11)
        let entries = try SharedData.fullCSL().entries
        for _ in 0..<300 {
            var name = Array(entries[Int.random(in: 0..<entries.count, using: &generator)].name)
            if !name.isEmpty { name[Int.random(in: 0..<name.count, using: &generator)] = "x" }
            let matches = Fixtures.index.screen(ScreeningQuery(name: String(name), threshold: 0.01, limit: 20))
            #expect(matches.allSatisfy { (0...1).contains($0.score) })
            #expect(zip(matches, matches.dropFirst()).allSatisfy { $0.score >= $1.score })
        }
    }
}
