public import Foundation

/// One immutable import of one ``ListSource``: what was loaded, from where, and when.
public struct ListVersion: Hashable, Sendable, Codable {
    /// Store-assigned, increasing with every import.
    public var id: Int64
    public var source: ListSource
    /// When the import ran.
    public var importedAt: Date
    /// The data's own date where the file says (newest start date, or a date the file carries).
    public var dataDate: LocalDate?
    /// SHA-256 of the file's bytes, hex.
    public var fileSHA256: String
    /// SHA-256 over the sorted entry hashes: equal for two files that list the same entries.
    public var contentSHA256: String
    public var fileName: String
    /// The reader that produced it (`csl`, `ofac-legacy-csv`, `bis-dpl`).
    public var format: String
    public var entryCount: Int

    public init(
        id: Int64, source: ListSource, importedAt: Date, dataDate: LocalDate?, fileSHA256: String,
        contentSHA256: String, fileName: String, format: String, entryCount: Int
    ) {
        self.id = id
        self.source = source
        self.importedAt = importedAt
        self.dataDate = dataDate
        self.fileSHA256 = fileSHA256
        self.contentSHA256 = contentSHA256
        self.fileName = fileName
        self.format = format
        self.entryCount = entryCount
    }
}

extension ListVersion {
    /// How old the version's data is at `now`: from its data date (the newest start date it carries), or from
    /// its import when it carries none.
    public func dataAge(at now: Date = Date()) -> TimeInterval {
        now.timeIntervalSince(dataDate?.startUTC ?? importedAt)
    }
}
