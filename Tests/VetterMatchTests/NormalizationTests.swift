import Foundation
import Testing
import VetterCore
import VetterTesting

@testable import VetterMatch

@Suite("Normalisation")
struct NormalizationTests {
    func text(_ name: String) -> String { NameNormalizer.normalize(name).text }

    @Test(
        "case, punctuation, diacritics, compatibility forms",
        arguments: [
            ("Société Générale", "societe generale"),
            ("ＡＢＣ　Trading", "abc trading"),
            ("O'Brien-Smith", "obrien smith"),
            ("Donetsk People?s Republic", "donetsk people republic"),
            ("Donetsk People's Republic", "donetsk people republic"),
            ("AL-KUBAYSI, 'Omar", "al kubaysi omar"),
        ])
    func basics(input: String, expected: String) {
        #expect(text(input) == expected)
    }

    @Test(
        "Cyrillic is romanised as US lists spell it (BGN/PCGN)",
        arguments: [
            ("Кучумова Надежда Леонидовна", "kuchumova nadezhda leonidovna"),
            ("Хабаров Щукин", "khabarov shchukin"),
            ("ООО «Ромашка»", "llc romashka"),
            ("ПАО Газпром", "jsc gazprom"),
        ])
    func cyrillic(input: String, expected: String) {
        #expect(text(input) == expected)
    }

    @Test(
        "Chinese: generic words translated, the rest in pinyin",
        arguments: [
            ("华为", "huawei"),
            ("依图科技", "yitu technology"),
            ("哈尔滨工程大学", "harbin engineering university"),
            ("中国交通建设股份有限公司", "china communication construction ltd"),
            ("新疆维吾尔自治区公安厅", "xinjiang uighur autonomous region public security department"),
        ])
    func han(input: String, expected: String) {
        #expect(text(input) == expected)
    }

    @Test("a Chinese person's name is a surname and one given name")
    func hanPerson() {
        #expect(NameNormalizer.normalize("张继成", isPerson: true).text == "zhang jicheng")
        #expect(NameNormalizer.normalize("张继成", isPerson: true).isChinesePersonName)
    }

    @Test(
        "legal forms fold to one weak token across jurisdictions",
        arguments: [
            ("Hikvision Co., Ltd.", "hikvision ltd"),
            ("Hikvision Company Limited", "hikvision ltd"),
            ("Hikvision Ltd", "hikvision ltd"),
            ("华为有限公司", "huawei ltd"),
            ("Argut Obshchestvo s Ogranichennoy Otvetstvennostyu", "argut llc"),
            ("OOO Argut", "llc argut"),
            ("Open Joint Stock Company Izhmash", "jsc izhmash"),
            ("PJSC Izhmash", "jsc izhmash"),
            ("Goldi Electronics Sociedad Anonima", "goldi electronic sa"),
            ("Ascotec G.m.b.H.", "ascotec gmbh"),
            ("Sky Blue Bird F.Z.E.", "sky blue bird fze"),
            ("China Marine Compayn Limmited", "china marine ltd"),
        ])
    func legalForms(input: String, expected: String) {
        let normalized = NameNormalizer.normalize(input)
        #expect(normalized.text == expected)
        #expect(normalized.tokens.filter { $0.kind == .legalForm }.count == 1)
    }

    @Test("short legal-form words inside a name stay words")
    func shortWordsInside() {
        let normalized = NameNormalizer.normalize("Banco As Salam Trading")
        #expect(normalized.tokens.map(\.kind) == [.word, .word, .word, .word])
    }

    @Test("normalising a normalised name changes nothing (every name of the CSL)")
    func idempotent() throws {
        for entry in try SharedData.fullCSL().entries {
            for (name, _) in entry.allNames {
                let once = NameNormalizer.normalize(name)
                let twice = NameNormalizer.normalize(once.text)
                #expect(twice.text == once.text, "\(name)")
            }
        }
    }
}

@Suite("Word similarity")
struct SimilarityTests {
    func similarity(_ a: String, _ b: String) -> Double {
        let x = Array(a.utf8), y = Array(b.utf8)
        return kind(a, b).similarity
    }

    func kind(_ a: String, _ b: String) -> (similarity: Double, kind: WordMatch) {
        let x = Array(a.utf8), y = Array(b.utf8)
        return Similarity.words(x, y, skeletonA: Similarity.skeleton(x), skeletonB: Similarity.skeleton(y))
    }

    @Test(
        "the similarity says how two words matched, not the score",
        arguments: [
            // One typo in a five-letter word scores 0.85, as a transliteration does: it is still a typo.
            ("dahua", "dahya", WordMatch.typo), ("hikvision", "hikvision", .exact),
            ("alexei", "aleksey", .transliteration),
            ("hikvision", "gikvision", .typo),
        ])
    func how(a: String, b: String, expected: WordMatch) {
        let result = kind(a, b)
        #expect(result.similarity > 0 && result.kind == expected, "\(a)/\(b): \(result)")
    }

    @Test(
        "typing errors, transpositions and transliteration variants are the same word",
        arguments: [
            ("hikvision", "gikvision"), ("megvii", "megvi"), ("naibl", "nabil"), ("mohammed", "muhammad"),
            ("sergei", "sergey"), ("ivanov", "ivanoff"), ("alexei", "aleksey"), ("kontsren", "kontsern"),
        ])
    func same(a: String, b: String) {
        #expect(similarity(a, b) >= 0.75)
    }

    @Test(
        "different words are not",
        arguments: [
            ("hikvision", "huarui"), ("abud", "abed"), ("acciona", "aukcion"), ("chemours", "camorra"),
            ("parshsd", "forest"), ("ali", "ari"), ("tianxin", "beijing"),
        ])
    func different(a: String, b: String) {
        #expect(similarity(a, b) < 0.8)
    }

    @Test("edit distance matches a reference on random words")
    func distanceProperty() {
        var generator = SystemRandomNumberGenerator()
        func reference(_ a: [UInt8], _ b: [UInt8]) -> Int {
            var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in 0...a.count { d[i][0] = i }
            for j in 0...b.count { d[0][j] = j }
            for i in stride(from: 1, through: a.count, by: 1) {
                for j in stride(from: 1, through: b.count, by: 1) {
                    d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                        d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                    }
                }
            }
            return d[a.count][b.count]
        }
        for _ in 0..<2_000 {
            let a = (0..<Int.random(in: 0...9, using: &generator)).map { _ in
                UInt8.random(in: 97...100, using: &generator)
            }
            let b = (0..<Int.random(in: 0...9, using: &generator)).map { _ in
                UInt8.random(in: 97...100, using: &generator)
            }
            let expected = reference(a, b)
            #expect(Similarity.distance(a, b, limit: 20) == expected)
            #expect(Similarity.distance(a, b, limit: 2) == min(expected, 3))
            let oneEdit = a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { Similarity.withinOneEdit(a, $0) }
            }
            #expect(oneEdit == (expected <= 1), "\(a) \(b)")
        }
    }

    @Test("the one-edit key table finds every filed string within one edit of a looked-up one")
    func oneEditKeysFindEverything() {
        var generator = SeededRandom(seed: 3)
        // A small alphabet, so that many strings are one edit apart.
        func word() -> [UInt8] {
            (0..<Int.random(in: 0...12, using: &generator)).map { _ in UInt8.random(in: 97...99, using: &generator) }
        }
        let filed = (0..<3_000).map { _ in word() }
        let table = OneEditKeys(filed.enumerated().map { ($0.element, Int32($0.offset)) })
        var near = 0
        for _ in 0..<500 {
            let query = word()
            var found = Set<Int32>()
            table.forEach(near: query) { found.insert($0) }
            for (index, string) in filed.enumerated() where string.count >= OneEditKeys.minimumLength {
                if Similarity.distance(query, string, limit: 1) <= 1 {
                    near += 1
                    #expect(found.contains(Int32(index)), "\(query) misses \(string)")
                }
            }
        }
        #expect(near > 1_000)
    }
}
