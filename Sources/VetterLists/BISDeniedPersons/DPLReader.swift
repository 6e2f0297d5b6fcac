import Foundation
import VetterCore

/// Reads BIS's own Denied Persons file (`dpl.txt`): tab-separated, quoted, with a header row.
///
/// The file carries no ids. A person denied under several orders appears on several rows; each row is one
/// listing, identified by a hash of its name, address and effective date, so that the same row keeps its id from
/// one edition of the file to the next.
enum DPLReader {
    static let columns = [
        "Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date",
        "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation",
    ]

    static func read(bytes: [UInt8], file: String, options: ReadOptions) throws(ListReadError) -> ListFile {
        var records = try CSVParser(bytes: bytes, file: file, separator: UInt8(ascii: "\t"))
            .records(allowCutLastRecord: options.dropIncompleteLastRecord)
        guard let header = records.first else { throw ListReadError(.empty, file: file, line: 1, "the file is empty") }
        let names = header.fields.map { $0.trimmed }
        for column in columns where !names.contains(column) {
            throw ListReadError(
                .missingColumn, file: file, line: 1, field: column, "the header has no '\(column)' column")
        }
        if options.dropIncompleteLastRecord, let last = records.last, last.fields.count < names.count {
            records.removeLast()
        }
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var entries: [ListEntry] = []
        var seen: [String: Int] = [:]
        var rows: [Int: [String]] = [:]
        var warnings: [String] = []
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                throw ListReadError(
                    .wrongFieldCount, file: file, line: record.line,
                    field: record.fields.count < names.count ? names[record.fields.count] : nil,
                    "expected \(names.count) tab-separated fields, found \(record.fields.count)")
            }
            func value(_ column: String) -> String {
                record.fields[index[column]!].trimmed
            }
            func date(_ column: String) throws(ListReadError) -> LocalDate? {
                let text = value(column)
                if text.isEmpty { return nil }
                guard let date = LocalDate(parsing: text) else {
                    throw ListReadError(
                        .invalidValue, file: file, line: record.line, field: column, "'\(text)' is not a date")
                }
                return date
            }
            let name = value("Name")
            guard !name.isEmpty else {
                throw ListReadError(.invalidValue, file: file, line: record.line, field: "Name", "the name is empty")
            }
            let country = value("Country")
            let address = Address(
                street: value("Street_Address").nilIfEmpty, city: value("City").nilIfEmpty,
                state: value("State").nilIfEmpty, postalCode: value("Postal_Code").nilIfEmpty,
                country: Countries.code(for: country) ?? country.nilIfEmpty)
            let id = String(
                SHA256.hex(
                    [name, address.formatted, value("Effective_Date"), value("FR_Citation")]
                        .joined(separator: "|")
                ).prefix(40))
            if let line = seen[id] {
                guard rows[line] == record.fields else {
                    throw ListReadError(
                        .duplicateID, file: file, line: record.line, field: "Name",
                        "the same listing already appears on line \(line) with other details")
                }
                warnings.append("\(file):\(record.line): the row of line \(line) is repeated; skipped")
                continue
            }
            rows[record.line] = record.fields
            seen[id] = record.line
            let citation = value("FR_Citation")
            entries.append(
                ListEntry(
                    id: id, source: .deniedPersons, type: .unknown, name: name, addresses: [address],
                    countries: address.country.map { [$0] } ?? [],
                    citations: FederalRegisterCitation.parseAll(citation),
                    rawCitation: citation.nilIfEmpty, startDate: try date("Effective_Date"),
                    endDate: try date("Expiration_Date"), standardOrder: value("Standard_Order").uppercased() == "Y",
                    remarks: value("Action").nilIfEmpty))
        }
        if entries.isEmpty { throw ListReadError(.empty, file: file, line: 2, "the file has a header but no records") }
        return ListFile(
            format: .bisDPL, fileName: file, fileSHA256: SHA256.hex(bytes), entries: entries, warnings: warnings)
    }
}
