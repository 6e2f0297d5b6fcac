import ArgumentParser
import Foundation
import VetterCore
import VetterMatch
import VetterService

struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Screen every party of a CSV file.",
        discussion: """
            The input has a header with the columns id and name, and optionally country and type. The file is \
            streamed: memory does not grow with its size. Output is JSON Lines (one object per input row: \
            {"id", "matches": [{"entry_id", "score", ...}], "screened_at", "list_version_ids"}) or, for a .csv output file, one row per match.
            """
    )

    @Option(name: .shortAndLong, help: "Input CSV file (columns id,name[,country][,type]).")
    var input: String

    @Option(name: .shortAndLong, help: "Output file, .jsonl or .csv. Default: JSON Lines on standard output.")
    var output: String?

    @OptionGroup var matching: MatchOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let sources = try matching.sources()
        try await reportingErrors {
            let screener = try await Screener(vetter: try await storeOptions.open())
            let batch = screener.batch(
                workers: max(1, ProcessInfo.processInfo.activeProcessorCount), actor: Vetter.commandLineActor)
            try await screenFile(batch: batch, sources: sources)
            Terminal.note(batch.evidence.summary)
            Terminal.warnIfStale(batch.evidence)
        }
    }

    struct Row: Sendable {
        var id: String
        var query: ScreeningQuery
    }

    func screenFile(batch: BatchScreening, sources: Set<ListSource>?) async throws {
        guard let handle = FileHandle(forReadingAtPath: input) else {
            throw ListReadError(.unreadable, file: input, "the file cannot be read")
        }
        let asCSV = output?.lowercased().hasSuffix(".csv") ?? false
        let sink: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil),
                let file = FileHandle(forWritingAtPath: output)
            else {
                throw ListReadError(.unreadable, file: output, "cannot write the output file")
            }
            sink = file
        } else {
            sink = FileHandle.standardOutput
        }
        if asCSV { sink.write(Data("id,entry_id,source,score,listed_name,matched_name\n".utf8)) }
        // The bar follows the bytes read, so it needs no first pass to count rows.
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? nil
        let progress = Terminal.Progress("screening (bytes)", total: fileSize)
        var reader = PartyFileReader(file: input)
        var pending: [Row] = []
        var done = 0
        var bytesRead = 0

        // A chunk is recorded while the next one is screened; its answers are written once it is in the log.
        var writing: Task<Void, any Error>?
        func flush() async throws {
            guard !pending.isEmpty else { return }
            let rows = pending
            let found = batch.screen(rows.map(\.query))
            let lines = zip(rows, found).map { row, matches in
                Self.render(id: row.id, matches: matches, asCSV: asCSV, evidence: batch.evidence)
            }.joined()
            try await writing?.value
            writing = Task {
                try await batch.record(rows.map { (id: $0.id, query: $0.query) }, matches: found)
                sink.write(Data(lines.utf8))
            }
            done += rows.count
            pending.removeAll(keepingCapacity: true)
            progress.update(bytesRead)
        }

        while true {
            let data = handle.readData(ofLength: 1 << 20)
            if data.isEmpty { break }
            bytesRead += data.count
            try reader.feed(data) { (row) throws(ListReadError) in pending.append(makeRow(row, sources: sources)) }
            if pending.count >= 4096 { try await flush() }
        }
        try reader.finish { (row) throws(ListReadError) in pending.append(makeRow(row, sources: sources)) }
        try await flush()
        try await writing?.value
        progress.finish(bytesRead)
        if output != nil { Terminal.note("Screened \(done) parties into \(output!).") }
    }

    func makeRow(_ row: PartyRow, sources: Set<ListSource>?) -> Row {
        Row(
            id: row.id ?? "\(row.line)",
            query: ScreeningQuery(
                name: row.name, country: row.country, type: row.type, sources: sources,
                threshold: matching.threshold, limit: matching.limit, explain: false, dateOfBirth: row.dateOfBirth,
                identifiers: row.identifiers))
    }

    static func render(id: String, matches: [ScreeningMatch], asCSV: Bool, evidence: Evidence) -> String {
        if asCSV {
            func quote(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            return matches.map { match in
                [
                    quote(id), quote(match.entry.id), match.entry.source.code, String(format: "%.3f", match.score),
                    quote(match.entry.name), quote(match.matchedName),
                ].joined(separator: ",") + "\n"
            }.joined()
        }
        return BatchLine.json(id: id, matches: matches, evidence: evidence)
    }
}
