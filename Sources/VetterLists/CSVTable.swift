import Foundation
package import VetterCore

/// A CSV file with a header row, read whole: every record has the header's number of fields (or the file is
/// refused at that line), blank lines are skipped, and fields are found by column name.
package struct CSVTable {
    package var rows: [Row] = []
    package var warnings: [String] = []
    package let header: [String]
    package let file: String

    /// Reads the table; with `lowercased`, column names are compared in lower case.
    package init(
        bytes: [UInt8], file: String, options: ReadOptions = ReadOptions(), lowercased: Bool = false
    ) throws(ListReadError) {
        var records = try CSVParser(bytes: bytes, file: file).records(
            allowCutLastRecord: options.dropIncompleteLastRecord)
        guard let first = records.first else {
            throw ListReadError(.empty, file: file, line: 1, "the file is empty")
        }
        self.file = file
        header = first.fields.map {
            let name = $0.trimmed.replacingOccurrences(of: "\u{FEFF}", with: "")
            return lowercased ? name.lowercased() : name
        }
        if options.dropIncompleteLastRecord, let last = records.last, last.fields.count < header.count {
            records.removeLast()
        }
        let index = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for record in records.dropFirst() {
            if record.fields.allSatisfy({ $0.trimmed.isEmpty }) { continue }
            guard record.fields.count == header.count else {
                throw ListReadError(
                    .wrongFieldCount, file: file, line: record.line,
                    field: record.fields.count < header.count ? header[record.fields.count] : nil,
                    "expected \(header.count) fields, found \(record.fields.count)")
            }
            rows.append(Row(file: file, line: record.line, fields: record.fields, index: index))
        }
    }

    package func require(_ columns: [String]) throws(ListReadError) {
        for column in columns where !header.contains(column) {
            throw ListReadError(
                .missingColumn, file: file, line: 1, field: column, "the header has no '\(column)' column")
        }
    }

    /// One record, its fields by column name.
    package struct Row {
        package let file: String
        package let line: Int
        package let fields: [String]
        package let index: [String: Int]

        package subscript(_ column: String) -> String { index[column].map { fields[$0].trimmed } ?? "" }

        package func name(_ column: String) throws(ListReadError) -> String {
            let value = self[column]
            guard !value.isEmpty else {
                throw ListReadError(.invalidValue, file: file, line: line, field: column, "the name is empty")
            }
            return value
        }

        /// A cell of values separated by semicolons.
        package func list(_ column: String) -> [String] {
            self[column].split(separator: ";").map { String($0).trimmed }.filter { !$0.isEmpty }
        }

        /// ISO codes where the name is known; the text as written otherwise ("Russian"), as the other readers do.
        package func countries(_ column: String) -> [String] {
            list(column).map { Countries.code(for: $0) ?? $0 }
        }

        package func date(_ column: String, end: Bool) throws(ListReadError) -> LocalDate? {
            try date(self[column], column: column, end: end)
        }

        /// A day written `2021-03-16`, `March 12, 2021`, `December 2023` or `2022`; a month or a year alone is
        /// its first day for a start and its last day for an end.
        package func date(_ raw: String, column: String, end: Bool) throws(ListReadError) -> LocalDate? {
            let text = raw.trimmed
            if text.isEmpty { return nil }
            if let day = LocalDate(strict: text) { return day }
            if text.count == 4, let year = Int(text) {
                return end ? LocalDate(year: year, month: 12, day: 31) : LocalDate(year: year, month: 1, day: 1)
            }
            let words = text.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
            if words.count >= 2, let month = Self.months.firstIndex(of: words[0].lowercased()),
                let year = Int(words[words.count - 1]), (1900...2200).contains(year)
            {
                if words.count == 3, let day = Int(words[1]),
                    (1...LocalDate.days(inMonth: month + 1, year: year)).contains(day)
                {
                    return LocalDate(year: year, month: month + 1, day: day)
                }
                if words.count == 2 {
                    return LocalDate(
                        year: year, month: month + 1, day: end ? LocalDate.days(inMonth: month + 1, year: year) : 1)
                }
            }
            throw ListReadError(.invalidValue, file: file, line: line, field: column, "'\(text)' is not a date")
        }

        static let months = [
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december",
        ]
    }
}
