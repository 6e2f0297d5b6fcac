public import VetterCore
import VetterLists

/// Reads the party CSVs users give — a batch to screen, a watch list — strictly: the header names the columns
/// (`name`; `id`, required for a watch list; `country`, `type`, `address`), quoted fields may hold commas and line
/// breaks, and every row is checked as ``PartyInput`` checks a party from anywhere else, with the file, line and
/// field of the first fault.
///
/// It streams: ``feed(_:emit:)`` then ``finish(emit:)``, so a batch of any size is read in constant memory.
public struct PartyFileReader {
    private var reader: PartyCSVReader

    /// - Parameter requireID: every row must have an id, and ids must be unique (a watch list).
    public init(file: String, requireID: Bool = false) {
        reader = PartyCSVReader(file: file, requireID: requireID)
    }

    public mutating func feed(
        _ chunk: some Collection<UInt8>, emit: (PartyRow) throws(ListReadError) -> Void
    ) throws(ListReadError) {
        try reader.feed(chunk, emit: emit)
    }

    public mutating func finish(emit: (PartyRow) throws(ListReadError) -> Void) throws(ListReadError) {
        try reader.finish(emit: emit)
    }

    /// Every row of a whole file.
    public static func rows(_ bytes: [UInt8], file: String, requireID: Bool = false) throws(ListReadError) -> [PartyRow]
    {
        try PartyCSVReader.rows(bytes, file: file, requireID: requireID)
    }
}
