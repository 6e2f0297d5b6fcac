import Foundation
import Testing
import VetterService
import VetterTesting

/// The yardstick command (`vetter bench --pairs`) reads every set whole and accounts for every pair.
@Suite("Third-party name-pair benchmarks")
struct PairBenchmarkTests {
    @Test("every pair of every set is counted once; the figures follow from the counts")
    func accounting() throws {
        var printed: [String] = []
        let results = try PairBenchmark.run(
            directory: SharedData.path("benchmarks/name-pairs"), print: { printed.append($0) })
        #expect(
            results.map(\.pairs) == [826, 300, 185, 170, 10_000],
            "\(results.map { "\($0.set) \($0.pairs)" })")
        for result in results where result.alerts == nil {
            #expect(
                result.truePositives + result.falsePositives + result.falseNegatives + result.trueNegatives
                    == result.pairs)
            let precision = try #require(result.precision), recall = try #require(result.recall)
            #expect(abs(try #require(result.f1) - 2 * precision * recall / (precision + recall)) < 1e-12)
        }
        // The nomenklatura set's quality tiers cover all its pairs.
        let tiers = try #require(results.first?.tiers)
        #expect(tiers.values.map { Int($0.split(separator: "/")[1])! }.reduce(0, +) == 826)
        // The yente pairs are names with typing errors and reordering: the engine finds nearly all of them.
        #expect(try #require(results[3].recall) > 0.9)
        #expect(printed.contains { $0.hasPrefix("yente customer-like negatives:") })
    }
}
