import ArgumentParser
import Foundation
import VetterCore
import VetterMatch
import VetterService

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure import, index and screening speed and memory; prints figures.",
        discussion: """
            Imports the bundled snapshot into a fresh temporary database, loads the index from it, then screens \
            --queries generated queries (list names with typing errors, dropped and reordered words, case changes, \
            Cyrillic and Chinese renderings, and made-up names) in batch on all cores, and one at a time for \
            latency. --scale K screens against a synthetic list K times larger, made by varying the real names. \
            Build with -c release for meaningful figures.
            """
    )

    @Option(help: "Number of queries to screen.")
    var queries = 100_000

    @Option(help: "Grow the list this many times with synthetic variants of its entries.")
    var scale = 1

    @Option(help: "Queries timed one at a time for latency percentiles.")
    var latencySamples = 20_000

    @Option(help: "Random seed, for repeatable runs.")
    var seed: UInt64 = 42

    @Option(help: "Also print the N slowest queries of the latency run.")
    var slowest = 0

    @Option(
        help:
            "Instead: watch this many generated parties, import a version with 1% of entries changed, and time the delta and the full re-screen."
    )
    var rescreen = 0

    @Option(
        help:
            "Instead: screen this many generated queries as a batch without and with the screening log, and time the audit chain's verification."
    )
    var log = 0

    @Option(
        help: ArgumentHelp(
            "Instead: score the name-pair benchmarks in this folder (precision, recall, F1 per set, alert rate on the negatives).",
            valueName: "folder"))
    var pairs: String?

    @Option(help: "The threshold for --pairs (default: the screening default).")
    var threshold: Double?

    @Flag(help: "With --pairs, print the figures as JSON.")
    var json = false

    func run() async throws {
        if let pairs {
            let results = try await reportingErrors {
                try PairBenchmark.run(directory: pairs, threshold: threshold ?? ScreeningIndex.defaultThreshold) {
                    if !json { Swift.print($0) }
                }
            }
            if json { Swift.print(try Terminal.json(results)) }
            return
        }
        try await reportingErrors {
            try await Benchmark(
                queries: queries, scale: scale, latencySamples: latencySamples, seed: seed, slowest: slowest,
                rescreen: rescreen, log: log
            ).run { Swift.print($0) }
        }
    }
}
