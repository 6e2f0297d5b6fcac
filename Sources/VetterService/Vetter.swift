public import Foundation
import Synchronization
public import VetterCore
import VetterLists
public import VetterMatch
public import VetterOwnership
import VetterPostgres
package import VetterStore

/// The one door to Vetter's use cases, shared by the CLI and the server, which see no store and no reader:
/// screening and checking (``Screener``), the import pipeline (``ingest(paths:format:options:allowShrink:now:)``,
/// ``update(sources:timeout:)``), history (`Vetter+History`), monitoring (`Vetter+Monitoring`) and API keys
/// (`Vetter+Keys`).
public final class Vetter: Sendable {
    package let store: any Store
    /// Where the built index is cached between runs (beside the database), or `nil` for no cache.
    public let indexCachePath: String?

    /// The bundled snapshot: the full Consolidated Screening List as published in May 2022.
    public static let snapshotDescription = "Consolidated Screening List, May 2022 (newest start date 2022-04-21)"

    /// Where screenings wait to be recorded together (``RecordQueue``).
    let recordQueue: RecordQueue

    /// The Affiliates rule's dated table: the published rows, plus any the configuration adds
    /// (``AffiliatesRule/configured(environment:)``).
    public let affiliatesRule: AffiliatesRule

    /// Counts the ownership imports and case decisions made through this process: a screener's short-lived view of
    /// the stored ownership data is renewed at once after one (``Screener/storedOwnership(on:rule:)``).
    let ownershipChanges = Atomic<Int>(0)

    package init(store: any Store, indexCachePath: String? = nil, affiliatesRule: AffiliatesRule = AffiliatesRule()) {
        self.store = store
        self.indexCachePath = indexCachePath
        self.affiliatesRule = affiliatesRule
        recordQueue = RecordQueue(store: store)
    }

    /// Opens the SQLite store at `path` (see ``defaultDatabasePath(environment:)``), caching the index beside it.
    public convenience init(databasePath: String) throws {
        self.init(
            store: try SQLiteStore(path: databasePath), indexCachePath: databasePath + ".index",
            affiliatesRule: try AffiliatesRule.configured())
    }

    /// Opens the store `database` names: a PostgreSQL address (`postgres://user@host:port/db`, a pool of at most
    /// `poolSize` connections, the index cached under the user's cache folder, shared by the servers of one host),
    /// else a SQLite file.
    public static func open(database: String, poolSize: Int = 10) async throws -> Vetter {
        guard PostgresAddress.isAddress(database) else { return try Vetter(databasePath: database) }
        let rule = try AffiliatesRule.configured()
        let store = try await PostgresStore(address: database, poolSize: poolSize)
        return Vetter(store: store, indexCachePath: indexCachePath(for: store.address), affiliatesRule: rule)
    }

    /// Where the index of a PostgreSQL database is cached: `$XDG_CACHE_HOME/vetter/` (else `~/.cache/vetter/`),
    /// named by the address without its password.
    static func indexCachePath(
        for address: PostgresAddress, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        let base =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache")
        let folder = (base as NSString).appendingPathComponent("vetter")
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil
        else { return nil }
        return (folder as NSString).appendingPathComponent(
            "postgres-" + String(SHA256.hex(address.description).prefix(16)) + ".index")
    }

    /// The database as messages name it: a file's path, or a PostgreSQL address without its password.
    public var databaseDescription: String {
        if let store = store as? PostgresStore { return store.address.description }
        if let store = store as? SQLiteStore { return store.path }
        return "the database"
    }

    /// Calls `handler` whenever another process commits an import or revokes a key, until cancelled; `false` at
    /// once where the store cannot announce changes (SQLite, which the server polls).
    public func followChanges(_ handler: @escaping @Sendable (StoreChange) async -> Void) async throws -> Bool {
        try await store.followChanges(handler)
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

    /// This build's version (`vetter --version`).
    public static let version = "0.9.0-dev"

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

    /// The screening index over the current version of every source: read from the cache beside the database
    /// when it was built for the same list contents and parameters, else built and cached.
    public func loadIndex() async throws -> ScreeningIndex { try await currentIndex().index }

    /// ``loadIndex()`` with the versions it was built from. With `waitingForCache`, an index not in the cache yet
    /// is waited for that long before it is built here: the process that imported the lists builds and caches
    /// it, and reading it back takes a fraction of building it again on cores that process is using.
    func currentIndex(
        waitingForCache wait: Duration = .zero
    ) async throws -> (index: ScreeningIndex, versions: [ListVersion]) {
        let parameters = try Self.matchParameters()
        let versions = try await store.currentVersions().sorted { $0.source < $1.source }
        if wait > .zero, indexCachePath != nil {
            let key = try Self.cacheKey(versions: versions, parameters: parameters)
            let deadline = ContinuousClock.now + wait
            while ContinuousClock.now < deadline {
                if let index = cachedIndex(key: key, parameters: parameters) { return (index, versions) }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return (try await index(over: versions, parameters: parameters), versions)
    }

    /// The cached index for `key`, when the cache holds it. Only the file's header is read to tell, so that waiting
    /// for another process's cache costs next to nothing.
    private func cachedIndex(key: String, parameters: MatchParameters) -> ScreeningIndex? {
        guard let path = indexCachePath, let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let prefix = try? handle.read(upToCount: IndexSnapshot.headerLength(for: key)),
            IndexSnapshot.isSnapshot(prefix, for: key), (try? handle.seek(toOffset: 0)) != nil,
            let data = try? handle.readToEnd()
        else { return nil }
        return IndexSnapshot.read(data, key: key, parameters: parameters)
    }

    private func index(over versions: [ListVersion], parameters: MatchParameters) async throws -> ScreeningIndex {
        let key = try Self.cacheKey(versions: versions, parameters: parameters)
        if let index = cachedIndex(key: key, parameters: parameters) { return index }
        let entries = try await store.entries(versionIDs: versions.map(\.id))
        let index = ScreeningIndex(entries: entries, parameters: parameters)
        try cache(index, versions: versions)
        return index
    }

    /// Writes `index` to the cache beside the database as the index of `versions`.
    func cache(_ index: ScreeningIndex, versions: [ListVersion]) throws {
        guard let path = indexCachePath else { return }
        let key = try Self.cacheKey(versions: versions, parameters: index.parameters)
        // A cache that cannot be written (a read-only directory) only costs speed.
        try? IndexSnapshot.write(index, key: key).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// An index over the list versions in force on `date` (``Store/versionsInForce(on:)``). With
    /// `filterEntries`, entries whose own start date is later, or end date earlier, are left out too.
    public func loadIndex(
        asOf date: LocalDate, filterEntries: Bool = true
    ) async throws -> (ScreeningIndex, [ListVersion]) {
        let parameters = try Self.matchParameters()
        let versions = try await store.versionsInForce(on: date)
        var entries = try await store.entries(versionIDs: versions.map(\.id))
        if filterEntries { entries = entries.filter { $0.isInForce(on: date) } }
        return (ScreeningIndex(entries: entries, parameters: parameters), versions)
    }

    /// The scorer's parameters: the defaults, or `VETTER_MATCH_PARAMETERS` (`name=value,…`).
    static func matchParameters() throws -> MatchParameters {
        guard let overrides = ProcessInfo.processInfo.environment["VETTER_MATCH_PARAMETERS"], !overrides.isEmpty else {
            return MatchParameters()
        }
        return try MatchParameters(overrides: overrides)
    }

    /// The content of these lists, as one string: the lists in force change exactly when an import, here or in
    /// any other process sharing the database, creates a version.
    static func listsKey(_ versions: [ListVersion]) -> String {
        versions.sorted { $0.source < $1.source }.map { "\($0.source.code):\($0.contentSHA256)" }
            .joined(separator: ",")
    }

    /// The key of the lists in force now.
    package func currentListsKey() async throws -> String { Self.listsKey(try await store.currentVersions()) }

    /// What an index depends on: every current version's content and the scorer's parameters.
    static func cacheKey(versions: [ListVersion], parameters: MatchParameters) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return listsKey(versions) + "|" + String(decoding: try encoder.encode(parameters), as: UTF8.self)
    }

    /// Matches with their full entries: an index read from its cache holds only summaries.
    package func complete(_ matches: [ScreeningMatch], from index: ScreeningIndex) async throws -> [ScreeningMatch] {
        guard index.isSummary, !matches.isEmpty else { return matches }
        let versionIDs = try await store.currentVersions().map(\.id)
        var completed: [ScreeningMatch] = []
        for var match in matches {
            let full = try await store.entries(id: match.entry.id, versionIDs: versionIDs)
            if let entry = full.first(where: { $0.source == match.entry.source }) { match.entry = entry }
            completed.append(match)
        }
        return completed
    }
}
