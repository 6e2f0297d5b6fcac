public import Foundation
public import VetterCore
import VetterLists
import VetterStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where `vetter update` fetches a list from.
public struct UpdateSource: Sendable, Codable, Hashable {
    /// `csl`, `ofac-sdn`, `ofac-cons` or `bis-dpl`.
    public var name: String
    /// A file URL, or a directory URL (ending in `/`) from which ``files`` are fetched.
    public var url: String
    public var files: [String]

    public init(name: String, url: String, files: [String] = []) {
        self.name = name
        self.url = url
        self.files = files
    }

    /// The agencies' own download addresses.
    public static let defaults: [UpdateSource] = [
        UpdateSource(
            name: "csl", url: "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"),
        UpdateSource(
            name: "ofac-sdn", url: "https://www.treasury.gov/ofac/downloads/",
            files: ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]),
        UpdateSource(
            name: "ofac-cons", url: "https://www.treasury.gov/ofac/downloads/consolidated/",
            files: ["cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"]),
    ]

    /// The files a source names when its URL is a directory.
    public static func defaultFiles(for name: String) -> [String] {
        defaults.first { $0.name == name }?.files ?? []
    }
}

/// Why an update could not be done; the lists in force are unchanged.
public struct UpdateError: Error, CustomStringConvertible, Sendable {
    public var source: String
    public var url: String
    public var message: String
    public var description: String { "\(source): \(url): \(message); the lists in force are unchanged" }
}

/// What an update did.
public struct UpdateReport: Sendable, Codable {
    public var created: [ListVersion]
    public var unchanged: [String]
    public var rescreen: RescreenReport?
}

extension Vetter {
    /// Fetches every source, reads every file, and only then imports them all and re-screens the watched
    /// parties. A download or a file that fails anywhere leaves the lists as they were.
    /// The files pass the shrink guard (``ShrinkGuard``) like any import, unless `allowShrink`.
    public func update(
        sources: [UpdateSource], timeout: TimeInterval = 60, allowShrink: Bool = false
    ) async throws -> UpdateReport {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vetter-update-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var files: [ListFile] = []
        for source in sources {
            let target = directory.appendingPathComponent(source.name)
            let path: String
            if source.url.hasSuffix("/") {
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                for file in source.files {
                    try await download(
                        source, url: source.url + file, to: target.appendingPathComponent(file), timeout: timeout)
                }
                path = target.path
            } else {
                let name = URL(string: source.url)?.lastPathComponent ?? source.name
                let file = target.appendingPathExtension(name.hasSuffix(".gz") ? "csv.gz" : "csv")
                try await download(source, url: source.url, to: file, timeout: timeout)
                path = file.path
            }
            files.append(try ListReader.read(path: path))
        }
        let ingested = try await ingest(files, allowShrink: allowShrink)
        return UpdateReport(
            created: ingested.outcome.created, unchanged: ingested.outcome.unchanged.map(\.code),
            rescreen: ingested.rescreen)
    }

    func download(_ source: UpdateSource, url: String, to file: URL, timeout: TimeInterval) async throws {
        guard let address = URL(string: url) else {
            throw UpdateError(source: source.name, url: url, message: "not a URL")
        }
        var request = URLRequest(url: address)
        request.timeoutInterval = timeout
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw UpdateError(source: source.name, url: url, message: "download failed: \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 200
        guard (200..<300).contains(status) else {
            throw UpdateError(source: source.name, url: url, message: "the server answered HTTP \(status)")
        }
        guard !data.isEmpty else { throw UpdateError(source: source.name, url: url, message: "the download is empty") }
        try data.write(to: file)
    }
}
