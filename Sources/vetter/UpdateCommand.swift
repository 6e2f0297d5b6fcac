import ArgumentParser
import Foundation
import VetterCore
import VetterService

struct UpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Fetch the current lists from the agencies, import what changed, re-screen watched parties.",
        discussion: """
            Sources and their default addresses: csl (trade.gov's consolidated CSV), ofac-sdn and ofac-cons \
            (OFAC's legacy CSV sets). Override an address with --url NAME=URL; a URL ending in / is a directory \
            from which the set's files are fetched. Everything is downloaded and read before anything is \
            imported: a failed download or a malformed file keeps the lists in force, is reported, and exits 2. \
            Alerts go to the registered webhooks.
            """)

    @Option(help: "Only these sources (csl, ofac-sdn, ofac-cons); repeatable.")
    var only: [String] = []

    @Option(help: "NAME=URL: fetch a source from another address; repeatable.")
    var url: [String] = []

    @Option(help: "Seconds to wait for each download.")
    var timeout: Double = 60

    @Flag(help: "Import even if a list would lose more than 10 % of its entries, aliases or addresses.")
    var allowShrink = false

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    /// The sources to fetch: the defaults, with `urls` (`NAME=URL`) replacing addresses (or adding `bis-dpl`),
    /// cut to `only` when given. `options` names the two options in messages (`update` and `serve` differ).
    static func sources(
        only: [String], urls: [String], options: (only: String, url: String) = ("--only", "--url")
    )
        throws -> [UpdateSource]
    {
        var sources = UpdateSource.defaults
        for item in urls {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("\(options.url): '\(item)' is not NAME=URL")
            }
            if let index = sources.firstIndex(where: { $0.name == parts[0] }) {
                sources[index].url = parts[1]
            } else if parts[0] == "bis-dpl" {
                sources.append(UpdateSource(name: "bis-dpl", url: parts[1]))
            } else {
                throw ValidationError(
                    "\(options.url): '\(parts[0])' is not one of csl, ofac-sdn, ofac-cons, bis-dpl")
            }
        }
        if !only.isEmpty {
            for name in only where !sources.contains(where: { $0.name == name }) {
                throw ValidationError("\(options.only): '\(name)' is not a configured source")
            }
            sources = sources.filter { only.contains($0.name) }
        }
        return sources
    }

    func run() async throws {
        let chosen = try Self.sources(only: only, urls: url)
        let report = try await reportingErrors {
            let vetter = try await storeOptions.open()
            let report = try await vetter.update(sources: chosen, timeout: timeout, allowShrink: allowShrink)
            _ = try await vetter.deliverWebhooks()
            return report
        }
        if json {
            print(try Terminal.json(report))
            return
        }
        for version in report.created {
            print("\(version.source.code): new version \(version.id), \(version.entryCount) entries")
        }
        if !report.unchanged.isEmpty { print("unchanged: \(report.unchanged.joined(separator: ", "))") }
        if let rescreen = report.rescreen { printReport(rescreen) }
    }
}
