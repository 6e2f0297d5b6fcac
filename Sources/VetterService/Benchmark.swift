import Foundation
public import VetterCore
import VetterLists
import VetterMatch
import VetterStore

/// `vetter bench`: imports the bundled snapshot into a fresh database, loads the index, then screens generated
/// queries (list names with typing errors, dropped and reordered words, case changes, Cyrillic and Chinese
/// renderings, and made-up names) in batch on all cores and one at a time for latency; or, with `rescreen`, times
/// a delta re-screen of watched parties against a full one.
public struct Benchmark: Sendable {
    public var queries: Int
    public var scale: Int
    public var latencySamples: Int
    public var seed: UInt64
    public var slowest: Int
    public var rescreen: Int
    /// Instead: screen this many generated queries as a batch without and then with the screening log, and
    /// verify the audit chain they make.
    public var log: Int

    public init(
        queries: Int, scale: Int, latencySamples: Int, seed: UInt64, slowest: Int, rescreen: Int, log: Int = 0
    ) {
        self.log = log
        self.queries = queries
        self.scale = scale
        self.latencySamples = latencySamples
        self.seed = seed
        self.slowest = slowest
        self.rescreen = rescreen
    }

    /// Runs the benchmark, handing each line of figures to `print` as it is measured.
    public func run(print: (String) -> Void) async throws {
        do {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vetter-bench-\(getpid())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let dbPath = directory.appendingPathComponent("bench.sqlite").path
            guard let snapshot = Vetter.snapshotPath else {
                throw StoreError(.notFound, "the bundled list snapshot is missing from this build")
            }

            var clock = Date()
            let file = try ListReader.read(path: snapshot, format: .csl)
            let readSeconds = Date().timeIntervalSince(clock)
            let vetter = try Vetter(databasePath: dbPath)
            clock = Date()
            _ = try await vetter.store.importList(file, importedAt: Date())
            let writeSeconds = Date().timeIntervalSince(clock)
            let dbSize =
                (try FileManager.default.attributesOfItem(atPath: dbPath)[.size] as? Int ?? 0)
                + ((try? FileManager.default.attributesOfItem(atPath: dbPath + "-wal")[.size] as? Int) ?? 0)
            print(
                "import   read+parse \(ms(readSeconds)), write \(ms(writeSeconds)), total \(ms(readSeconds + writeSeconds)) for \(file.entries.count) entries; database \(dbSize / 1024) KiB"
            )

            clock = Date()
            let versions = try await vetter.store.currentVersions()
            var entries = try await vetter.store.entries(versionIDs: versions.map(\.id))
            let loadSeconds = Date().timeIntervalSince(clock)
            var random = SeededRandom(seed: seed)
            if scale > 1 { entries = Self.grow(entries, times: scale, random: &random) }
            let index = ScreeningIndex(entries: entries)
            let builtPeak = Self.peakResidentMiB()
            print(
                "index    load from store \(ms(loadSeconds)), build \(ms(index.buildSeconds)) for \(entries.count) entries, "
                    + "\(index.nameCount) names"
            )

            if rescreen > 0 {
                try await benchRescreen(vetter: vetter, file: file, random: &random, print: print)
                return
            }
            if log > 0 {
                try await benchLog(vetter: vetter, file: file, dbPath: dbPath, random: &random, print: print)
                return
            }
            let generated = Self.makeQueries(from: file.entries, count: queries, random: &random)
            clock = Date()
            let workers = ProcessInfo.processInfo.activeProcessorCount
            let chunk = (generated.count + workers - 1) / workers
            let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers)
            hits.initialize(repeating: 0)
            defer { hits.deallocate() }
            nonisolated(unsafe) let counts = hits
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var found = 0
                let session = ScreeningIndex.Session()
                for position in (worker * chunk)..<min(generated.count, (worker + 1) * chunk) {
                    found += index.screen(generated[position], session: session).isEmpty ? 0 : 1
                }
                counts[worker] = found
            }
            let batchSeconds = Date().timeIntervalSince(clock)
            let alerted = hits.reduce(0, +)
            print(
                "batch    \(generated.count) queries on \(workers) cores in \(String(format: "%.2f", batchSeconds)) s: \(Int(Double(generated.count) / batchSeconds)) queries/s (\(alerted) with an alert)"
            )

            var latencies: [Double] = []
            latencies.reserveCapacity(latencySamples)
            var timed: [(Double, String)] = []
            for query in generated.prefix(latencySamples) {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = index.screen(query)
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
                if slowest > 0 { timed.append((latencies.last!, query.name)) }
            }
            for (micros, name) in timed.sorted(by: { $0.0 > $1.0 }).prefix(slowest) {
                print("slow     \(Int(micros)) µs  \(name)")
            }
            latencies.sort()
            func percentile(_ p: Double) -> Double {
                latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
            }
            print(
                "latency  one query at a time (\(latencies.count)): p50 \(Int(percentile(0.5))) µs, p90 \(Int(percentile(0.9))) µs, p99 \(Int(percentile(0.99))) µs, max \(Int(latencies.last ?? 0)) µs"
            )
            let (screening, screeningPeak) = (Self.residentMiB(field: "VmRSS:"), Self.peakResidentMiB())
            // A server holds two indexes while it replaces one: the snapshot round trip measures that too.
            let written = IndexSnapshot.write(index, key: "bench")
            clock = Date()
            _ = IndexSnapshot.read(written, key: "bench", parameters: index.parameters)
            print("snapshot \(written.count / 1_048_576) MiB, read back in \(ms(Date().timeIntervalSince(clock)))")
            print(
                "memory   peak \(builtPeak) MiB once the index is built; \(screening) MiB resident after screening (peak \(screeningPeak) MiB); peak \(Self.peakResidentMiB()) MiB with a second index read from the snapshot"
            )
        }
    }

    func ms(_ seconds: Double) -> String { "\(Int(seconds * 1000)) ms" }

    /// Watches generated parties, imports a version of the lists with 1 % of entries changed (a third amended,
    /// a third delisted, a third newly listed), and times the delta re-screen against a full one.
    func benchRescreen(
        vetter: Vetter, file: ListFile, random: inout SeededRandom, print: (String) -> Void
    ) async throws {
        let queries = Self.makeQueries(from: file.entries, count: rescreen, random: &random)
        let parties = queries.enumerated().map {
            WatchedParty(id: "w\($0.offset)", name: $0.element.name, country: $0.element.country)
        }
        var clock = Date()
        let hits = try await vetter.watch(parties)
        print(
            "watch    \(parties.count) parties screened and stored in \(String(format: "%.2f", Date().timeIntervalSince(clock))) s (\(hits.count) hits)"
        )
        var changed = file
        let step = 100
        var added: [ListEntry] = []
        var removed = Set<Int>()
        for index in stride(from: 0, to: changed.entries.count, by: step) {
            switch (index / step) % 3 {
            case 0: changed.entries[index].aliases.append(Alias(name: changed.entries[index].name + " Trading"))
            case 1: removed.insert(index)
            default:
                var entry = changed.entries[index]
                entry.id += "-new"
                entry.name = Self.mutate(entry.name, random: &random) + " International"
                entry.aliases = []
                added.append(entry)
            }
        }
        changed.entries = changed.entries.enumerated().filter { !removed.contains($0.offset) }.map(\.element) + added
        let outcome = try await vetter.store.importList(changed, importedAt: Date())
        let touched = file.entries.count / step
        print(
            "change   new versions of \(outcome.created.count) lists, \(touched) entries changed (\(String(format: "%.1f", 100 * Double(touched) / Double(file.entries.count)))%)"
        )
        clock = Date()
        let delta = try await vetter.rescreen(after: outcome.created)
        let deltaSeconds = Date().timeIntervalSince(clock)
        clock = Date()
        let full = try await vetter.rescreen(after: outcome.created, full: true)
        let fullSeconds = Date().timeIntervalSince(clock)
        print(
            "delta    \(delta.screened) of \(delta.watched) parties re-screened in \(String(format: "%.2f", deltaSeconds)) s, \(delta.alerts.count) alerts"
        )
        print(
            "full     \(full.screened) parties re-screened in \(String(format: "%.2f", fullSeconds)) s, \(full.alerts.count) further alerts"
        )
        if slowest > 0 {
            for alert in full.alerts.prefix(slowest) {
                print(
                    "further  \(alert.kind.rawValue) \(alert.partyName) — \(alert.source.code) \(alert.entryName) (score \(alert.score))"
                )
            }
        }
        print("ratio    delta / full = \(String(format: "%.1f", 100 * deltaSeconds / fullSeconds))%")
    }

    /// Screens `log` generated queries as a batch on all cores, alternately without and with recording (every row
    /// in the screening log, its hits applied to cases), twice each, for two workloads: made-up names (what most
    /// of a customer file is: no hit) and the generated mix (three in four hit; the first recorded run opens a
    /// case for each hit, the second finds them open). Then verifies the chain they made.
    func benchLog(
        vetter: Vetter, file: ListFile, dbPath: String, random: inout SeededRandom, print: (String) -> Void
    ) async throws {
        let workloads: [(String, [ScreeningQuery])] = [
            ("unlisted", Self.madeUpQueries(count: log, random: &random)),
            ("mixed", Self.makeQueries(from: file.entries, count: log, random: &random)),
        ]
        let screener = try await Screener(vetter: vetter)
        let batch = screener.batch(workers: ProcessInfo.processInfo.activeProcessorCount, actor: "bench")
        for (name, queries) in workloads {
            let rows = queries.enumerated().map { (id: "q\($0.offset)", query: $0.element) }
            var plain: [Double] = []
            var recorded: [(seconds: Double, growth: Double)] = []
            var hits = 0
            // Six runs, alternating, so that a slower moment of the machine does not fall on one side only.
            for round in 0..<6 {
                let recording = round % 2 == 1
                try await vetter.checkpoint()
                let before = Self.fileSize(dbPath)
                let clock = Date()
                // As `vetter batch` does: a chunk is recorded while the next one is screened.
                var writing: Task<Void, any Error>?
                hits = 0
                for start in stride(from: 0, to: rows.count, by: 4096) {
                    let chunk = Array(rows[start..<min(rows.count, start + 4096)])
                    let found = batch.screen(chunk.map(\.query))
                    hits += found.reduce(0) { $0 + ($1.isEmpty ? 0 : 1) }
                    if recording {
                        try await writing?.value
                        writing = Task { try await batch.record(chunk, matches: found) }
                    }
                }
                try await writing?.value
                let seconds = Date().timeIntervalSince(clock)
                guard recording else {
                    plain.append(seconds)
                    continue
                }
                try await vetter.checkpoint()
                recorded.append(
                    (seconds, Double(Self.fileSize(dbPath) - before) / Double(rows.count) * 100_000 / 1_048_576))
            }
            // The best of each side; the first recorded run apart, as it opens the cases (the mixed workload).
            let best = plain.min()!
            let later = recorded.dropFirst().min { $0.seconds < $1.seconds }!
            func rate(_ seconds: Double) -> String { Int(Double(rows.count) / seconds).formatted() }
            func figures(_ run: (seconds: Double, growth: Double)) -> String {
                "\(rate(run.seconds)) recorded (\(String(format: "%+.1f", 100 * (best / run.seconds - 1)))% throughput), database +\(String(format: "%.1f", run.growth)) MiB per 100,000"
            }
            print(
                "log      \(name): \(rows.count.formatted()) queries (\(hits.formatted()) with a hit): \(rate(best)) queries/s not recorded; first run \(figures(recorded[0])); later runs \(figures(later))"
            )
        }
        let cases = try await vetter.cases(limit: 10_000_000).count
        let chunks = try await vetter.store.screeningChunks().count
        let verification = try await vetter.verifyAudit()
        // Three recorded runs of each workload.
        let screenings = 3 * workloads.reduce(0) { $0 + $1.1.count }
        print(
            "verify   \(verification.records.formatted()) audit records (\(screenings.formatted()) screenings in \(chunks.formatted()) chunks, \(cases.formatted()) cases opened) verified in \(String(format: "%.2f", verification.seconds)) s: \(verification.isIntact ? "intact" : verification.problem ?? "")"
        )
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
            + ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0)
    }

    /// Names made of syllables: companies and people no list has.
    static func madeUpQueries(count: Int, random: inout SeededRandom) -> [ScreeningQuery] {
        let syllables = ["ka", "ri", "mo", "lan", "ter", "vi", "son", "del", "ma", "ro", "chen", "li", "gar", "nes"]
        let forms = ["GmbH", "Ltd", "LLC", "S.A.", "Co., Ltd.", "", "", ""]
        return (0..<count).map { _ in
            let words = (0..<(2 + Int(random.next() % 2))).map { _ in
                (0..<(2 + Int(random.next() % 2))).map { _ in syllables[Int(random.next() % UInt64(syllables.count))] }
                    .joined().capitalized
            }
            let name = (words + [forms[Int(random.next() % UInt64(forms.count))]]).filter { !$0.isEmpty }
            return ScreeningQuery(name: name.joined(separator: " "), explain: false)
        }
    }

    static func peakResidentMiB() -> Int { residentMiB(field: "VmHWM:") }

    /// A memory figure of this process from `/proc/self/status` (`VmRSS:` now, `VmHWM:` at its peak), in MiB.
    static func residentMiB(field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let kib = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kib / 1024
        }
        return -1
    }

    /// A synthetic list `times` as large: each copy varies every name (one letter changed, a word added).
    static func grow(_ entries: [ListEntry], times: Int, random: inout SeededRandom) -> [ListEntry] {
        var grown = entries
        grown.reserveCapacity(entries.count * times)
        let extras = ["Trading", "Holdings", "Industrial", "International", "Global", "Services", "Group"]
        for copy in 1..<times {
            for entry in entries {
                var variant = entry
                variant.id = "\(entry.id)-s\(copy)"
                variant.name =
                    mutate(entry.name, random: &random) + " " + extras[Int(random.next() % UInt64(extras.count))]
                variant.aliases = entry.aliases.map {
                    Alias(name: mutate($0.name, random: &random), kind: $0.kind, isWeak: $0.isWeak)
                }
                grown.append(variant)
            }
        }
        return grown
    }

    static func mutate(_ name: String, random: inout SeededRandom) -> String {
        var characters = Array(name)
        guard characters.count > 3 else { return name }
        let position = Int(random.next() % UInt64(characters.count))
        if characters[position].isLetter {
            characters[position] = Character(UnicodeScalar(UInt8(97 + random.next() % 26)))
        }
        return String(characters)
    }

    /// Queries of every kind the engine sees.
    static func makeQueries(from entries: [ListEntry], count: Int, random: inout SeededRandom) -> [ScreeningQuery] {
        let names = entries.flatMap { entry in entry.allNames.map { ($0.name, entry) } }
        let syllables = ["ka", "ri", "mo", "lan", "ter", "vi", "son", "del", "ma", "ro", "chen", "li", "gar", "nes"]
        let han = ["科技", "有限公司", "北京", "电子", "集团", "国际", "贸易", "华", "海", "星", "光", "研究所", "大学"]
        var queries: [ScreeningQuery] = []
        queries.reserveCapacity(count)
        while queries.count < count {
            let roll = random.next() % 100
            let (name, entry) = names[Int(random.next() % UInt64(names.count))]
            var text: String
            switch roll {
            case 0..<25: text = name
            case 25..<45: text = mutate(name, random: &random)
            case 45..<55: text = mutate(mutate(name, random: &random), random: &random)
            case 55..<65:
                var words = name.split(separator: " ")
                if words.count > 1 { words.swapAt(0, words.count - 1) }
                text = words.joined(separator: " ").lowercased()
            case 65..<72:
                let words = name.split(separator: " ")
                text = words.count > 2 ? words.dropLast().joined(separator: " ") : name
            case 72..<80:
                text = name.applyingTransform(StringTransform("Latin-Cyrillic"), reverse: false) ?? name
            case 80..<85:
                text = (0..<(2 + Int(random.next() % 3))).map { _ in han[Int(random.next() % UInt64(han.count))] }
                    .joined()
            default:
                text = (0..<(2 + Int(random.next() % 2))).map { _ in
                    (0..<(2 + Int(random.next() % 2))).map { _ in
                        syllables[Int(random.next() % UInt64(syllables.count))]
                    }
                    .joined().capitalized
                }.joined(separator: " ")
            }
            let country = random.next() % 2 == 0 ? entry.countries.first : nil
            queries.append(ScreeningQuery(name: text, country: country, explain: false))
        }
        return queries
    }
}
