import Foundation
import VetterCore

/// Reads a company's own deny or watch list: a CSV with the header
/// `id,name,aliases,country,type,address,effect,note` (`id`, `name` and `effect` required, the others optional and
/// in any order). `aliases` and `country` hold several values separated by `;`; `country` is ISO 3166 alpha-2 or a
/// country name; `type` is individual, entity, vessel or aircraft (or empty); `effect` is `block` (a match stops
/// the export, by company policy) or `review` (a person decides). Every entry belongs to the list named on import.
enum InHouseListReader {
    static let required = ["id", "name", "effect"]
    static let optional = ["aliases", "country", "type", "address", "note"]

    static func looksLikeInHouse(header: [String]) -> Bool {
        let names = Set(header.map { $0.trimmed.lowercased() })
        return names.isSuperset(of: required) && names.isSubset(of: required + optional)
    }

    static func read(
        bytes: [UInt8], file: String, list: ListSource, options: ReadOptions
    ) throws(ListReadError) -> ListFile {
        let table = try CSVTable(bytes: bytes, file: file, options: options, lowercased: true)
        let header = table.header
        for column in required where !header.contains(column) {
            throw ListReadError(
                .missingColumn, file: file, line: 1, field: column,
                "the header has no '\(column)' column (id,name,aliases,country,type,address,effect,note)")
        }
        for column in header where !(required + optional).contains(column) {
            throw ListReadError(
                .invalidValue, file: file, line: 1, field: column,
                "'\(column)' is not a column of an in-house list (id,name,aliases,country,type,address,effect,note)")
        }
        var entries: [ListEntry] = []
        var seen: [String: Int] = [:]
        for record in table.rows {
            func value(_ column: String) -> String { record[column] }
            func fail(_ column: String, _ message: String) -> ListReadError {
                ListReadError(.invalidValue, file: file, line: record.line, field: column, message)
            }
            let id = value("id")
            guard !id.isEmpty else { throw fail("id", "the id is empty") }
            if let line = seen[id] {
                throw ListReadError(
                    .duplicateID, file: file, line: record.line, field: "id",
                    "id '\(id)' is already used on line \(line)")
            }
            seen[id] = record.line
            let name = value("name")
            guard !name.isEmpty else { throw fail("name", "the name is empty") }
            guard let effect = InHouseEffect(rawValue: value("effect").lowercased()) else {
                throw fail("effect", "'\(value("effect"))' is not block or review")
            }
            var countries: [String] = []
            for text in value("country").split(separator: ";").map({ String($0).trimmed }) where !text.isEmpty {
                guard let code = Countries.isoCode(for: text) else {
                    throw fail("country", "'\(text)' is not a country")
                }
                countries.append(code)
            }
            let typeText = value("type").lowercased()
            let type: PartyType
            switch typeText {
            case "": type = .unknown
            case "individual", "entity", "vessel", "aircraft": type = PartyType(lenient: typeText)
            default: throw fail("type", "'\(value("type"))' is not individual, entity, vessel or aircraft")
            }
            let address = value("address")
            entries.append(
                ListEntry(
                    id: id, source: list, type: type, name: name,
                    aliases: value("aliases").split(separator: ";").map { String($0).trimmed }.filter { !$0.isEmpty }
                        .map { Alias(name: $0) },
                    addresses: address.isEmpty ? [] : [Address(country: countries.first, raw: address)],
                    countries: countries, remarks: value("note").nilIfEmpty, inHouseEffect: effect))
        }
        if entries.isEmpty { throw ListReadError(.empty, file: file, line: 2, "the file has a header but no entries") }
        return ListFile(format: .inHouse, fileName: file, fileSHA256: SHA256.hex(bytes), entries: entries)
    }
}
