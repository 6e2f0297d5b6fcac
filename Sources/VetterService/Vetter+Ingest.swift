public import Foundation
public import VetterCore
import VetterLists
import VetterMatch
import VetterStore

/// Refusal of an import that would shrink a list by more than ``ShrinkGuard/maximumShare``.
public struct ShrinkError: Error, CustomStringConvertible, Sendable {
    /// One sentence per list at fault: what would go, out of how many.
    public var problems: [String]

    public var description: String {
        "the import would remove more than \(Int(ShrinkGuard.maximumShare * 100)) % of a list in force: "
            + problems.joined(separator: "; ")
            + ". Nothing was imported: a cut or partial file looks like this (give --allow-shrink if the change is real)"
    }
}

/// The check that stops a partial file from becoming the list in force.
public enum ShrinkGuard {
    /// An import may remove at most this share of a list's entries, aliases or addresses.
    public static let maximumShare = 0.10
    /// Lists smaller than this may shrink freely: a handful of delistings is a large share of a tiny list.
    public static let minimumSize = 20

    /// What `new` would remove from `old`, in one sentence, when it has fewer entries, aliases or addresses by
    /// more than the share allowed; `nil` when it does not.
    static func problem(source: ListSource, old: [ListEntry], new: [ListEntry]) -> String? {
        // Net counts, not ids: the same list read from another format (the CSL's Denied Persons rows, then BIS's
        // own dpl.txt) has other ids but loses nothing.
        let removed = max(0, old.count - new.count)
        let aliasesBefore = old.reduce(0) { $0 + $1.aliases.count }
        let aliasesAfter = new.reduce(0) { $0 + $1.aliases.count }
        let addressesBefore = old.reduce(0) { $0 + $1.addresses.count }
        let addressesAfter = new.reduce(0) { $0 + $1.addresses.count }
        var losses: [String] = []
        for (what, before, lost) in [
            ("entries", old.count, removed), ("aliases", aliasesBefore, max(0, aliasesBefore - aliasesAfter)),
            ("addresses", addressesBefore, max(0, addressesBefore - addressesAfter)),
        ] where before >= minimumSize && Double(lost) > Double(before) * maximumShare {
            losses.append("\(lost) of its \(before) \(what)")
        }
        guard !losses.isEmpty else { return nil }
        return "\(source.code) would lose " + losses.joined(separator: ", ")
    }
}

/// What an import did: the files read, the versions written, and the re-screen of watched parties.
public struct IngestReport: Sendable {
    public var files: [ListFile]
    public var outcome: ImportOutcome
    public var rescreen: RescreenReport?

    /// The versions written from one of the files.
    public func created(by file: ListFile) -> [ListVersion] {
        outcome.created.filter { $0.fileSHA256 == file.fileSHA256 }
    }

    /// The lists of one of the files whose content was already in force.
    public func unchanged(in file: ListFile) -> [ListSource] {
        let created = Set(created(by: file).map(\.source))
        return file.entriesBySource.map(\.source).filter { !created.contains($0) && outcome.unchanged.contains($0) }
    }
}

/// What the import of one uploaded file did: the answer of `POST /v1/imports`.
public struct UploadReport: Encodable, Sendable {
    public var file: String
    public var format: String
    public var entries: Int
    public var created: [ListVersion]
    public var unchanged: [String]
    public var warnings: [String]
    public var rescreen: RescreenReport?
}

extension Vetter {
    /// Imports one uploaded file, as ``ingest(paths:format:options:allowShrink:fullRescreen:)`` does a file on
    /// disk. `name` (the client's file name, made safe) names the file in the report and in errors.
    public func ingest(
        upload body: Data, name: String, format: ListFormat?, options: ReadOptions = ReadOptions(),
        allowShrink: Bool = false, actor: String
    ) async throws -> UploadReport {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vetter-import-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let safeName = String(name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
        let fileName = safeName.isEmpty ? "upload" : safeName
        let path = directory.appendingPathComponent(fileName).path
        try body.write(to: URL(fileURLWithPath: path))
        let ingested: IngestReport
        do {
            ingested = try await ingest(
                paths: [path], format: format, options: options, allowShrink: allowShrink, actor: actor)
        } catch var error as ListReadError {
            // A member of an uploaded zip keeps its name: `upload.zip!sdn.csv`.
            let member = error.file.firstIndex(of: "!").map { String(error.file[$0...]) } ?? ""
            error.file = fileName + member
            error.message = error.message.replacingOccurrences(of: directory.path + "/", with: "")
            throw error
        }
        guard let file = ingested.files.first else { throw ListReadError(.empty, file: fileName, "nothing read") }
        return UploadReport(
            file: fileName, format: file.format.rawValue, entries: file.entries.count,
            created: ingested.outcome.created, unchanged: ingested.outcome.unchanged.map(\.code),
            warnings: file.warnings.map { $0.replacingOccurrences(of: directory.path + "/", with: "") },
            rescreen: ingested.rescreen)
    }

    /// Reads list files and imports them: all of them or none (``ingest(_:allowShrink:now:)``).
    public func ingest(
        paths: [String], format: ListFormat?, options: ReadOptions = ReadOptions(), allowShrink: Bool = false,
        fullRescreen: Bool = false, actor: String = Vetter.commandLineActor
    ) async throws -> IngestReport {
        // Every file is read before anything is written, so one bad file leaves the store untouched.
        var files: [ListFile] = []
        for path in paths { files.append(try ListReader.read(path: path, format: format, options: options)) }
        return try await ingest(files, allowShrink: allowShrink, fullRescreen: fullRescreen, actor: actor)
    }

    /// The one pipeline by which lists change: the shrink guard, then every file's new versions in one
    /// transaction that also records the re-screen they owe, then the re-screen of watched parties, whose alerts
    /// (and webhook deliveries) commit together with the end of that debt. A crash anywhere leaves either the old
    /// lists, or the new ones with the re-screen still owed (``resumePendingRescreens()``). `fullRescreen`
    /// re-screens every watched party instead of only those whose result can change.
    public func ingest(
        _ files: [ListFile], allowShrink: Bool = false, fullRescreen: Bool = false, now: Date = Date(),
        actor: String = Vetter.commandLineActor
    ) async throws -> IngestReport {
        // Re-screens a crash interrupted come first, against the versions they were owed for.
        _ = try await resumePendingRescreens()
        if !allowShrink { try await checkShrink(files) }
        let prepared = try Recording.prepare(files)
        // The index of the lists as they will be is built and cached before the commit: every server reading this
        // cache (the same host) switches as the commit is announced, instead of building its own or waiting.
        if indexCachePath != nil { try await cacheIndex(after: prepared) }
        let outcome = try await store.importLists(prepared: prepared, files: files, importedAt: now, actor: actor)
        var rescreen: RescreenReport?
        if !outcome.created.isEmpty {
            // Only this import's own job: another one pending belongs to an import still re-screening elsewhere.
            let created = Set(outcome.created.map(\.id))
            let jobs = try await store.pendingRescreens().filter { Set($0.versionIDs) == created }
            rescreen = try await self.rescreen(
                after: outcome.created, full: fullRescreen, now: now, completing: jobs.map(\.id))
        }
        // The importer builds the index of the new lists and caches it beside the database, so that a server on
        // the same database, and the next command, read it back instead of each building it again.
        if !outcome.created.isEmpty, indexCachePath != nil { _ = try await loadIndex() }
        return IngestReport(files: files, outcome: outcome, rescreen: rescreen)
    }

    /// Builds and caches the index over the lists in force once `prepared` is stored: the versions of other sources
    /// as they are, those of `prepared` with their new entries, in the order the store will read them back (by
    /// version, then entry id). Nothing is built when no list changes.
    func cacheIndex(after prepared: [Recording.PreparedList]) async throws {
        let current = try await store.currentVersions().sorted { $0.id < $1.id }
        let changed = prepared.filter { item in
            current.first { $0.source == item.source }?.contentSHA256 != item.content
        }
        guard !changed.isEmpty else { return }
        let replaced = Set(changed.map(\.source))
        let kept = current.filter { !replaced.contains($0.source) }
        var entries = try await store.entries(versionIDs: kept.map(\.id))
        for item in changed {
            let listed = item.file.entriesBySource.first { $0.source == item.source }?.entries ?? []
            entries += listed.sorted { $0.id < $1.id }
        }
        let versions = kept + changed.map { Recording.version($0, id: 0, importedAt: Date()) }
        try cache(ScreeningIndex(entries: entries, parameters: try Self.matchParameters()), versions: versions)
    }

    /// Throws ``ShrinkError`` when a file would remove too much of a list in force.
    func checkShrink(_ files: [ListFile]) async throws {
        let current = Dictionary(
            try await store.currentVersions().map { ($0.source, $0) }, uniquingKeysWith: { a, _ in a })
        var problems: [String] = []
        for file in files {
            for (source, entries) in file.entriesBySource {
                guard let version = current[source], version.entryCount >= ShrinkGuard.minimumSize else { continue }
                let old = try await store.entries(versionIDs: [version.id])
                if let problem = ShrinkGuard.problem(source: source, old: old, new: entries) {
                    problems.append("\((file.fileName as NSString).lastPathComponent): \(problem)")
                }
            }
        }
        if !problems.isEmpty { throw ShrinkError(problems: problems) }
    }

    /// Does the re-screens that imports recorded as owed but a crash (or a kill) kept from finishing: one full
    /// re-screen settles them all. Returns what it did, or `nil` when nothing was owed.
    @discardableResult
    public func resumePendingRescreens(now: Date = Date()) async throws -> RescreenReport? {
        let jobs = try await store.pendingRescreens()
        guard !jobs.isEmpty else { return nil }
        return try await rescreen(after: [], full: true, now: now, completing: jobs.map(\.id))
    }
}
