public import VetterCore

/// Reads party CSVs — the header names the column `name` (and `id`, required for a watch list), and optionally
/// `country`, `type` and `address`, and for a batch `date_of_birth` and `identifiers` (`;` between them), in any
/// order — through the strict CSV parser (quotes, embedded commas and line breaks), and checks
/// every row as ``PartyInput`` checks a party from anywhere else, naming the file, line and field at fault.
///
/// It streams: ``feed(_:emit:)`` then ``finish(emit:)``, so a batch of any size is read in constant memory.
public struct PartyCSVReader {
    public static let knownColumns = ["id", "name", "country", "type", "address", "date_of_birth", "identifiers"]
    /// A watch list's columns: a watched party is kept as its name, country, type and address.
    public static let watchColumns = ["id", "name", "country", "type", "address"]

    var allowedColumns: [String] { requireID ? Self.watchColumns : Self.knownColumns }

    let file: String
    let requireID: Bool
    private var parser: CSVParser
    private var columns: [String: Int]?
    private var width = 0
    private var seenIDs: [String: Int] = [:]

    /// - Parameter requireID: every row must have an id, and ids must be unique (a watch list); otherwise a row
    ///   without one is known by its line.
    public init(file: String, requireID: Bool = false) {
        self.file = file
        self.requireID = requireID
        parser = CSVParser(file: file)
    }

    /// Rows are checked as the parser completes them, so the first error in the file is the one reported,
    /// however the bytes are split into chunks.
    public mutating func feed(
        _ chunk: some Collection<UInt8>, emit: (PartyRow) throws(ListReadError) -> Void
    ) throws(ListReadError) {
        var parser = self.parser
        defer { self.parser = parser }
        try parser.feed(chunk) { (record) throws(ListReadError) in if let row = try take(record) { try emit(row) } }
    }

    public mutating func finish(emit: (PartyRow) throws(ListReadError) -> Void) throws(ListReadError) {
        var parser = self.parser
        defer { self.parser = parser }
        try parser.finish { (record) throws(ListReadError) in if let row = try take(record) { try emit(row) } }
        if columns == nil { throw ListReadError(.empty, file: file, line: 1, "the file is empty: no header") }
    }

    /// Every row of a whole file's bytes.
    public static func rows(
        _ bytes: some Collection<UInt8>, file: String, requireID: Bool = false
    ) throws(ListReadError)
        -> [PartyRow]
    {
        var reader = PartyCSVReader(file: file, requireID: requireID)
        var rows: [PartyRow] = []
        try reader.feed(bytes) { rows.append($0) }
        try reader.finish { rows.append($0) }
        return rows
    }

    private mutating func take(_ record: CSVParser.Record) throws(ListReadError) -> PartyRow? {
        guard let columns else {
            let names = record.fields.map { $0.trimmed.lowercased() }
            for required in requireID ? ["id", "name"] : ["name"] where !names.contains(required) {
                throw ListReadError(
                    .missingColumn, file: file, line: record.line, field: required,
                    "the header must name the columns \(requireID ? "id and name" : "name (and id)") and optionally \(allowedColumns.dropFirst(2).joined(separator: ", "))"
                )
            }
            for name in names where !allowedColumns.contains(name) {
                throw ListReadError(
                    .missingColumn, file: file, line: record.line, field: name,
                    "unknown column '\(name.escapingControlCharacters)'; the columns are \(allowedColumns.joined(separator: ", "))"
                )
            }
            self.columns = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            width = names.count
            return nil
        }
        guard record.fields.count == width else {
            throw ListReadError(
                .wrongFieldCount, file: file, line: record.line,
                "expected \(width) fields as in the header, found \(record.fields.count) (quote a value that holds a comma)"
            )
        }
        func value(_ column: String) -> String? {
            guard let index = columns[column] else { return nil }
            let text = record.fields[index].trimmed
            return text.isEmpty ? nil : text
        }
        func checked<T>(_ body: () throws(PartyInputError) -> T) throws(ListReadError) -> T {
            do { return try body() } catch {
                throw ListReadError(.invalidValue, file: file, line: record.line, field: error.field, error.message)
            }
        }
        let id = try checked { () throws(PartyInputError) in try PartyInput.id(value("id")) }
        if requireID {
            guard let id else {
                throw ListReadError(.invalidValue, file: file, line: record.line, field: "id", "the id is empty")
            }
            if let line = seenIDs[id] {
                throw ListReadError(
                    .duplicateID, file: file, line: record.line, field: "id",
                    "id \(id.escapingControlCharacters) is already used on line \(line)")
            }
            seenIDs[id] = record.line
        }
        return PartyRow(
            line: record.line, id: id,
            name: try checked { () throws(PartyInputError) in try PartyInput.name(value("name")) },
            country: try checked { () throws(PartyInputError) in try PartyInput.country(value("country")) },
            type: try checked { () throws(PartyInputError) in try PartyInput.type(value("type")) },
            address: value("address"),
            dateOfBirth: try checked { () throws(PartyInputError) in try PartyInput.dateOfBirth(value("date_of_birth"))
            },
            identifiers: try checked { () throws(PartyInputError) in
                try PartyInput.identifiers(value("identifiers")?.split(separator: ";").map(String.init))
            })
    }
}
