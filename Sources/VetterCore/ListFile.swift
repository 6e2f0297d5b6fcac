public import Foundation

/// The formats Vetter reads.
public enum ListFormat: String, CaseIterable, Sendable, Codable {
    /// trade.gov's Consolidated Screening List CSV, 29-column layout (with `_id`) or the older 28-column one.
    case csl
    /// OFAC's legacy CSV set: `sdn.csv` (+ `add.csv`, `alt.csv`, `sdn_comments.csv`), or the non-SDN
    /// `cons_prim.csv` set.
    case ofacLegacyCSV = "ofac-csv"
    /// BIS's tab-separated Denied Persons file `dpl.txt`.
    case bisDPL = "bis-dpl"
    /// BIS's Military-Intelligence End User list (Supplement No. 8 to Part 744), as a CSV table.
    case bisMIEU = "bis-mieu"
    /// DoD's Section 1260H list of Chinese military companies, with start and end dates.
    case dod1260H = "dod-1260h"
    /// The FCC Covered List table (the company named inside each description).
    case fccCoveredList = "fcc-covered"
    /// Lists set by statute (NDAA sections 889, 5949, 154, 1286; Section 353(b); INKSNA), one table.
    case usStatuteLists = "us-statute"
    /// OFAC's XML: the classic `sdn.xml` (schema `sdnList`) or the Enhanced XML (`sanctionsData`), zipped or not.
    case ofacXML = "ofac-xml"
    /// OFAC's classic `consolidated.xml`: the non-SDN lists in the `sdnList` schema.
    case ofacConsolidatedXML = "ofac-cons-xml"
    /// A company's own list: `id,name,aliases,country,type,address,effect,note` (`vetter import --as NAME`).
    case inHouse = "in-house"
}

/// What one list file holds once read: its entries, grouped by the source they belong to.
public struct ListFile: Sendable {
    public var format: ListFormat
    public var fileName: String
    /// SHA-256 of the bytes read (for a set of files, of all of them in a fixed order).
    public var fileSHA256: String
    public var entries: [ListEntry]
    /// Things the reader repaired or skipped, each naming its line; empty for a clean file.
    public var warnings: [String]

    public init(format: ListFormat, fileName: String, fileSHA256: String, entries: [ListEntry], warnings: [String] = [])
    {
        self.format = format
        self.fileName = fileName
        self.fileSHA256 = fileSHA256
        self.entries = entries
        self.warnings = warnings
    }

    /// Entries per source, sources in a fixed order.
    public var entriesBySource: [(source: ListSource, entries: [ListEntry])] {
        Dictionary(grouping: entries, by: \.source).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The newest start date of the entries of `source` up to `today`: the best available "data as of" date (a
    /// list can name a measure that starts in the future, as Section 154 does from 1 October 2027).
    public func dataDate(for source: ListSource, today: LocalDate = LocalDate(Date())) -> LocalDate? {
        entries.lazy.filter { $0.source == source }.compactMap(\.startDate).filter { $0.year > 1900 && $0 <= today }
            .max()
    }
}
