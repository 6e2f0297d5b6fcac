public import Foundation
public import VetterCore
public import VetterLists
public import VetterMatch
public import VetterStore

/// The application layer shared by the CLI and, later, the server: a store, seeded on first use with the
/// bundled list snapshot, and the screening index over its current versions.
public final class Vetter: Sendable {
    public let store: any Store

    /// The bundled snapshot: the full Consolidated Screening List as published in May 2022.
    public static let snapshotDescription = "Consolidated Screening List, May 2022 (newest start date 2022-04-21)"

    public init(store: any Store) {
        self.store = store
    }

    /// Opens the SQLite store at `path` (see ``defaultDatabasePath(environment:)``).
    public convenience init(databasePath: String) throws {
        self.init(store: try SQLiteStore(path: databasePath))
    }

    /// `$VETTER_DB`, else `$XDG_DATA_HOME/vetter/vetter.sqlite`, else `~/.local/share/vetter/vetter.sqlite`.
    public static func defaultDatabasePath(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let path = environment["VETTER_DB"], !path.isEmpty { return path }
        let base =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return ((base as NSString).appendingPathComponent("vetter") as NSString).appendingPathComponent("vetter.sqlite")
    }

    /// Path of the bundled snapshot file.
    public static var snapshotPath: String? {
        Bundle.module.path(forResource: "csl-2022-05.csv", ofType: "gz")
    }

    /// Imports the bundled snapshot when the store holds no list yet. Returns what was imported, if anything.
    @discardableResult
    public func seedIfEmpty() async throws -> ImportOutcome? {
        guard try await store.isEmpty() else { return nil }
        guard let path = Self.snapshotPath else {
            throw StoreError(.notFound, "the bundled list snapshot is missing from this build")
        }
        let file = try ListReader.read(path: path, format: .csl)
        return try await store.importList(file, importedAt: Date())
    }

    /// Reads and imports list files: all of them or none.
    public func importFiles(
        _ paths: [String], format: ListFormat?, options: ReadOptions = ReadOptions()
    )
        async throws -> [(file: ListFile, outcome: ImportOutcome)]
    {
        // Every file is read before anything is written, so one bad file leaves the store untouched.
        var files: [ListFile] = []
        for path in paths { files.append(try ListReader.read(path: path, format: format, options: options)) }
        var results: [(file: ListFile, outcome: ImportOutcome)] = []
        for file in files { results.append((file, try await store.importList(file, importedAt: Date()))) }
        return results
    }

    /// Builds the screening index over the current version of every source.
    public func loadIndex() async throws -> ScreeningIndex {
        let versions = try await store.currentVersions()
        let entries = try await store.entries(versionIDs: versions.map(\.id))
        var parameters = MatchParameters()
        if let overrides = ProcessInfo.processInfo.environment["VETTER_MATCH_PARAMETERS"], !overrides.isEmpty {
            parameters = try MatchParameters(overrides: overrides)
        }
        return ScreeningIndex(entries: entries, parameters: parameters)
    }

    /// The entries with this id in the current versions.
    public func entries(id: String) async throws -> [ListEntry] {
        let versions = try await store.currentVersions()
        return try await store.entries(id: id, versionIDs: versions.map(\.id))
    }
}
