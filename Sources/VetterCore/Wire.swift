public import Foundation

/// The one wire format of every answer Vetter gives — `--json` output, the HTTP API, webhook bodies: `snake_case`
/// keys, ISO 8601 UTC times (`2026-11-30T08:38:47Z`), days as `YYYY-MM-DD`, enums as strings, keys sorted.
///
/// Types name their properties in Swift's camelCase; the encoder writes them in `snake_case` (`entryID` is
/// `entry_id`, `contentSHA256` is `content_sha256`), so no type can drift from the contract by forgetting a
/// coding key.
public enum Wire {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }

    public static func string<T: Encodable>(_ value: T, pretty: Bool = false) throws -> String {
        String(decoding: try encode(value, pretty: pretty), as: UTF8.self)
    }
}

/// One list version an answer was given from.
public struct VersionReference: Hashable, Sendable, Codable {
    public var source: String
    public var versionID: Int64
    /// ``ListVersion/contentSHA256``: names the content, whatever file it came in.
    public var contentSHA256: String
    /// The data's own date, where the list says.
    public var dataDate: LocalDate?
    public var importedAt: Date

    public init(_ version: ListVersion) {
        source = version.source.code
        versionID = version.id
        contentSHA256 = version.contentSHA256
        dataDate = version.dataDate
        importedAt = version.importedAt
    }
}

/// What every screening and licence answer carries so that it can be proved later: when it was given, from which
/// list versions, and how old their data was.
public struct Evidence: Sendable, Codable {
    /// Data older than this many days is called stale: the CLI warns, the answer says so.
    public static let staleAfterDays = 30

    public var screenedAt: Date
    public var listVersions: [VersionReference]
    /// The newest data date of the versions used (`nil` when no list carries one).
    public var dataDate: LocalDate?
    /// Days from ``dataDate`` to the day of ``screenedAt``.
    public var dataAgeDays: Int?

    public init(versions: [ListVersion], at date: Date = Date()) {
        screenedAt = date
        listVersions = versions.sorted { $0.source < $1.source }.map(VersionReference.init)
        dataDate = versions.compactMap(\.dataDate).max()
        dataAgeDays = dataDate.map { LocalDate(date).days(since: $0) }
    }

    public var isStale: Bool { (dataAgeDays ?? 0) > Self.staleAfterDays }

    /// One line for people: "Lists: data as of 2022-04-21 (1,684 days old), 11 lists."
    public var summary: String { Self.summary(dataDate: dataDate, ageDays: dataAgeDays, lists: listVersions.count) }

    public static func summary(dataDate: LocalDate?, ageDays: Int?, lists count: Int) -> String {
        let lists = "\(count) list\(count == 1 ? "" : "s")"
        guard let dataDate, let ageDays else { return "Lists: \(lists), data date unknown." }
        return "Lists: data as of \(dataDate) (\(ageDays) day\(ageDays == 1 ? "" : "s") old), \(lists)."
    }

    /// The stale-data warning, or `nil` when the data is fresh enough.
    public var staleWarning: String? { Self.staleWarning(dataDate: dataDate, ageDays: dataAgeDays) }

    /// The warning for data of `dataDate`, `ageDays` old, when that is more than ``staleAfterDays``.
    public static func staleWarning(dataDate: LocalDate?, ageDays: Int?) -> String? {
        guard let dataDate, let dataAgeDays = ageDays, dataAgeDays > staleAfterDays else { return nil }
        return
            "warning: the newest list data is from \(dataDate), \(dataAgeDays) days ago: parties listed since then are not found. Run `vetter update` or import current lists."
    }
}
