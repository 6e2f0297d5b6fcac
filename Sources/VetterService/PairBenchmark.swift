import Foundation
public import VetterCore
import VetterLists
public import VetterMatch

/// Vetter on other projects' name-matching yardsticks (the files of `benchmarks/name-pairs`): per set, precision,
/// recall and F1 at one threshold, and the share of should-not-match names that raise an alert.
///
/// As the benchmarks' README describes: the bundled May 2022 CSL plus one synthetic entry per distinct expected
/// name form the index; each query name is screened (limit 50), and a pair counts as matched when its own entry is
/// among the answers. The negatives are screened against the CSL alone.
public enum PairBenchmark {
    public struct Result: Sendable, Encodable {
        public var set: String
        public var pairs: Int
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0
        public var trueNegatives = 0
        /// For a set of should-not-match names: how many raised any alert.
        public var alerts: Int?
        /// Right answers per quality tier (nomenklatura's STRONG / MEDIUM / WEAK), as "right/all".
        public var tiers: [String: String] = [:]

        public var precision: Double?
        public var recall: Double?
        public var f1: Double?

        /// Sets precision, recall and F1 from the counts.
        mutating func finish() {
            let found = truePositives + falsePositives, expected = truePositives + falseNegatives
            precision = found == 0 ? nil : Double(truePositives) / Double(found)
            recall = expected == 0 ? nil : Double(truePositives) / Double(expected)
            if let precision, let recall, precision + recall > 0 { f1 = 2 * precision * recall / (precision + recall) }
        }
    }

    struct Pair {
        var query: String
        var expected: String
        var isMatch: Bool
        var isPerson: Bool?
        var tier: String
    }

    /// The sets this reads from `directory`, and the pairs of each.
    static func sets(in directory: String) throws -> [(name: String, pairs: [Pair])] {
        func table(_ file: String) throws -> CSVTable {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ListReadError(.unreadable, file: path, "the benchmark file cannot be read")
            }
            return try CSVTable(bytes: [UInt8](data), file: path)
        }
        func labelled(_ file: String) throws -> [Pair] {
            try table(file).rows.map { row in
                Pair(
                    query: row["name1"], expected: row["name2"], isMatch: row["is_match"].lowercased() == "true",
                    isPerson: row["schema"].isEmpty ? nil : row["schema"] == "Person", tier: row["quality"])
            }
        }
        let treated = try table("yente-positives_un_treated.csv").rows
        let untreated = try table("yente-positives_un_untreated.csv").rows
        // The rows the typing errors and reordering changed (the others are the same name twice).
        let yente = zip(treated, untreated).filter { $0["full_name"] != $1["full_name"] }.map { changed, original in
            Pair(query: changed["full_name"], expected: original["full_name"], isMatch: true, isPerson: nil, tier: "")
        }
        let negatives = try table("yente-negatives-sample.csv").rows.map {
            Pair(query: $0["full_name"], expected: "", isMatch: false, isPerson: nil, tier: "")
        }
        return [
            ("nomenklatura name bench", try labelled("nomenklatura-name_bench-cases.csv")),
            ("watchman Cascade pairs, lot 1", try labelled("watchman-cascade-name-pairs.csv")),
            ("watchman Cascade pairs, lot 2", try labelled("watchman-cascade-name-pairs-2.csv")),
            ("yente UN typo/reorder positives", yente),
            ("yente customer-like negatives", negatives),
        ]
    }

    /// Scores every set at `threshold`; prints a table and returns the figures.
    public static func run(
        directory: String, threshold: Double = ScreeningIndex.defaultThreshold, print: (String) -> Void
    ) throws -> [Result] {
        guard let snapshot = Vetter.snapshotPath else {
            throw ListReadError(.unreadable, file: "csl-2022-05.csv.gz", "the bundled snapshot is missing")
        }
        let csl = try ListReader.read(path: snapshot, format: .csl).entries
        let sets = try sets(in: directory)
        // One synthetic Entity List entry per distinct expected name of the labelled sets.
        var ids: [String: String] = [:]
        var synthetic: [ListEntry] = []
        for (_, pairs) in sets {
            for pair in pairs where !pair.expected.isEmpty && ids[pair.expected] == nil {
                let id = "pair-\(synthetic.count)"
                ids[pair.expected] = id
                synthetic.append(
                    ListEntry(
                        id: id, source: .entityList,
                        type: pair.isPerson.map { $0 ? PartyType.individual : .entity } ?? .unknown,
                        name: pair.expected))
            }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let withPairs = ScreeningIndex(entries: csl + synthetic)
        let listsOnly = ScreeningIndex(entries: csl)
        print("index      \(csl.count) CSL entries + \(synthetic.count) expected names in \(clock.now - start)")
        var results: [Result] = []
        for (name, pairs) in sets {
            let negatives = pairs.allSatisfy { $0.expected.isEmpty }
            let index = negatives ? listsOnly : withPairs
            let queries = pairs.map { pair in
                ScreeningQuery(
                    name: pair.query,
                    type: pair.isPerson.map { $0 ? PartyType.individual : .entity }, threshold: threshold, limit: 50,
                    explain: false)
            }
            let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
            let answers = index.screen(queries, sessions: (0..<workers).map { _ in ScreeningIndex.Session() })
            var result = Result(set: name, pairs: pairs.count)
            var tiers: [String: (right: Int, all: Int)] = [:]
            if negatives { result.alerts = 0 }
            for (pair, found) in zip(pairs, answers) {
                if negatives {
                    if !found.isEmpty { result.alerts! += 1 }
                    continue
                }
                let hit = found.contains { $0.entry.id == ids[pair.expected] }
                switch (pair.isMatch, hit) {
                case (true, true): result.truePositives += 1
                case (true, false): result.falseNegatives += 1
                case (false, true): result.falsePositives += 1
                case (false, false): result.trueNegatives += 1
                }
                if !pair.tier.isEmpty {
                    tiers[pair.tier, default: (0, 0)].all += 1
                    if hit == pair.isMatch { tiers[pair.tier, default: (0, 0)].right += 1 }
                }
            }
            result.tiers = tiers.mapValues { "\($0.right)/\($0.all)" }
            result.finish()
            results.append(result)
        }
        func figure(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }
        print("threshold  \(threshold)")
        for result in results {
            if let alerts = result.alerts {
                print(
                    "\(result.set): \(alerts) of \(result.pairs) alert (\(String(format: "%.2f", 100 * Double(alerts) / Double(max(1, result.pairs)))) %)"
                )
            } else {
                let tiers = result.tiers.sorted { $0.key > $1.key }.map { "\($0.key) \($0.value)" }
                print(
                    "\(result.set): \(result.pairs) pairs, precision \(figure(result.precision)), recall \(figure(result.recall)), F1 \(figure(result.f1))"
                        + (tiers.isEmpty ? "" : "; right by tier: " + tiers.joined(separator: ", ")))
            }
        }
        return results
    }
}
