import Foundation
import VetterCore

/// Reads trade.gov's Consolidated Screening List CSV.
///
/// Two layouts exist: today's 29 columns starting with `_id`, and the 28-column layout of 2019 and before, which
/// has no `_id` (ids are then the OFAC `entity_number`, or a stable hash of the row's identifying fields).
/// Multi-valued cells are joined with `; `. Known quirks handled here: the header line repeated inside the file,
/// a record repeated with trivial differences (merged, with a warning), EL alias cells holding "X, and Y", and
/// inline a.k.a. clauses in EL names.
enum CSLReader {
    /// The columns of the 2019 layout, all of which the reader reads.
    static let oldLayout = [
        "source", "entity_number", "type", "programs", "name", "title", "addresses", "federal_register_notice",
        "start_date", "end_date", "standard_order", "license_requirement", "license_policy", "call_sign",
        "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks",
        "source_list_url", "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
        "source_information_url", "ids",
    ]
    /// Today's layout: the same columns and `_id` first.
    static let currentLayout = ["_id"] + oldLayout

    /// Checks that the header is one of the two layouts, whatever the order of its columns: a column missing or
    /// renamed would silently empty a field of every entry (ids, aliases, dates), so it refuses the file instead.
    static func checkHeader(_ columns: [String], file: String) throws(ListReadError) {
        let expected = columns.contains("_id") ? currentLayout : oldLayout
        let layout = columns.contains("_id") ? "today's 29-column layout" : "the 28-column layout of 2019"
        if !columns.contains("source") || !columns.contains("name") {
            throw ListReadError(
                .missingColumn, file: file, line: 1, field: columns.contains("source") ? "name" : "source",
                "the header has no '\(columns.contains("source") ? "name" : "source")' column; is this a Consolidated Screening List CSV?"
            )
        }
        var seen = Set<String>()
        for column in columns where !seen.insert(column).inserted {
            throw ListReadError(
                .invalidValue, file: file, line: 1, field: column, "the header names the column '\(column)' twice")
        }
        let missing = expected.filter { !seen.contains($0) }
        let unknown = columns.filter { !expected.contains($0) }
        guard missing.isEmpty && unknown.isEmpty else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.map { "'\($0)'" }.joined(separator: ", "))") }
            if !unknown.isEmpty { parts.append("unknown \(unknown.map { "'\($0)'" }.joined(separator: ", "))") }
            if !unknown.isEmpty && !columns.contains("_id") {
                parts.append("no '_id' column, which today's layout has")
            }
            throw ListReadError(
                .missingColumn, file: file, line: 1, field: missing.first ?? unknown.first,
                "the header does not match \(layout) of the Consolidated Screening List: "
                    + parts.joined(separator: "; ") + " (a renamed column would silently empty that field)")
        }
    }

    static func read(bytes: [UInt8], file: String, options: ReadOptions) throws(ListReadError) -> ListFile {
        var records = try CSVParser(bytes: bytes, file: file)
            .records(allowCutLastRecord: options.dropIncompleteLastRecord)
        guard let header = records.first else {
            throw ListReadError(.empty, file: file, line: 1, "the file holds no header and no records")
        }
        let columns = header.fields.map { $0.trimmed }
        try checkHeader(columns, file: file)
        var warnings: [String] = []
        if options.dropIncompleteLastRecord, let last = records.last, last.fields.count < columns.count {
            warnings.append(
                "\(file):\(last.line): last record has \(last.fields.count) of \(columns.count) fields (cut short); dropped"
            )
            records.removeLast()
        }
        let index = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var entries: [ListEntry] = []
        var positions: [String: Int] = [:]
        for record in records.dropFirst() {
            if record.fields.map({ $0.trimmed }) == columns {
                warnings.append("\(file):\(record.line): header line repeated; skipped")
                continue
            }
            guard record.fields.count == columns.count else {
                let missing = record.fields.count < columns.count ? columns[record.fields.count] : nil
                throw ListReadError(
                    .wrongFieldCount, file: file, line: record.line, field: missing,
                    "expected \(columns.count) fields as in the header, found \(record.fields.count)"
                        + (record.fields.count < columns.count
                            ? " (the record is cut short or a column is missing)" : ""))
            }
            let entry = try entry(from: record, index: index, file: file)
            let key = "\(entry.source.code)\u{1F}\(entry.id)"
            if let existing = positions[key] {
                let previous = entries[existing]
                guard previous.name == entry.name else {
                    throw ListReadError(
                        .duplicateID, file: file, line: record.line,
                        field: index["_id"] == nil ? "entity_number" : "_id",
                        "id \(entry.id) of \(entry.source.code) is already used by '\(previous.name)' for another name '\(entry.name)'"
                    )
                }
                entries[existing] = merge(previous, entry)
                warnings.append(
                    "\(file):\(record.line): \(entry.source.code) \(entry.id) repeated; merged with the earlier row")
                continue
            }
            positions[key] = entries.count
            entries.append(entry)
        }
        if entries.isEmpty {
            throw ListReadError(.empty, file: file, line: 2, "the file has a header but no records")
        }
        return ListFile(
            format: .csl, fileName: file, fileSHA256: SHA256.hex(bytes), entries: entries, warnings: warnings)
    }

    static func entry(
        from record: CSVParser.Record, index: [String: Int], file: String
    ) throws(ListReadError) -> ListEntry {
        func value(_ column: String) -> String {
            guard let position = index[column] else { return "" }
            return record.fields[position].trimmed
        }
        func list(_ column: String) -> [String] { value(column).splitList() }
        func date(_ column: String) throws(ListReadError) -> LocalDate? {
            let text = value(column)
            if text.isEmpty { return nil }
            guard let date = LocalDate(parsing: text) else {
                throw ListReadError(
                    .invalidValue, file: file, line: record.line, field: column, "'\(text)' is not a date")
            }
            return date
        }
        let sourceText = value("source")
        guard let source = ListSource(lenient: sourceText), !source.isInHouse else {
            throw ListReadError(
                .invalidValue, file: file, line: record.line, field: "source",
                "'\(sourceText)' is not a known list source")
        }
        let rawName = value("name")
        guard !rawName.isEmpty else {
            throw ListReadError(.invalidValue, file: file, line: record.line, field: "name", "the name is empty")
        }
        let entityNumber = value("entity_number")
        var id = value("_id")
        if id.isEmpty { id = entityNumber }
        if id.isEmpty {
            // Old layout without `_id`: a stable id from what identifies the row.
            id = String(
                SHA256.hex([source.code, rawName, value("addresses"), value("start_date")].joined(separator: "|"))
                    .prefix(40))
        }
        // BIS and State rows write aliases and the successor clause into the name; OFAC rows never do, and their
        // names can hold commas and parentheses that must stay.
        let isBIS = source.agency != "Treasury/OFAC"
        var cleaned =
            isBIS
            ? NameCleaner.clean(rawName) : NameCleaner.Cleaned(name: rawName, aliases: [], coversSuccessors: false)
        let altNames = value("alt_names")
        if !altNames.isEmpty {
            let names = isBIS ? NameCleaner.splitAliasList(altNames) : list("alt_names")
            for alias in names {
                // OFAC-origin rows quote weak aliases, as in its own files.
                let isQuoted =
                    alias.count > 2 && alias.first == "'" && alias.last == "'" && !isBIS
                    && alias.filter({ $0 == "'" }).count == 2
                let name = isQuoted ? String(alias.dropFirst().dropLast()) : alias
                if !cleaned.aliases.contains(where: { $0.name == name }) {
                    cleaned.aliases.append(Alias(name: name, kind: .aka, isWeak: isQuoted))
                }
            }
        }
        let addresses = list("addresses").map(parseAddress)
        let nationalities = list("nationalities")
        let citizenships = list("citizenships")
        var countries: [String] = []
        for code in addresses.compactMap(\.country) + nationalities + citizenships {
            if let iso = Countries.code(for: code), !countries.contains(iso) { countries.append(iso) }
        }
        let documents = list("ids").map { item -> IdentityDocument in
            let parts = item.components(separatedBy: ", ")
            return IdentityDocument(
                type: parts.dropFirst().first ?? "", number: parts[0],
                country: parts.count > 2 ? parts[2] : nil)
        }
        let vessel = VesselDetails(
            callSign: value("call_sign").nilIfEmpty, vesselType: value("vessel_type").nilIfEmpty,
            grossTonnage: value("gross_tonnage").nilIfEmpty,
            grossRegisteredTonnage: value("gross_registered_tonnage").nilIfEmpty,
            flag: value("vessel_flag").nilIfEmpty, owner: value("vessel_owner").nilIfEmpty)
        let standardOrder: Bool? =
            switch value("standard_order").uppercased() {
            case "Y", "YES": true
            case "N", "NO": false
            default: nil
            }
        let citation = value("federal_register_notice")
        return ListEntry(
            id: id, source: source, type: PartyType(lenient: value("type")), name: cleaned.name, rawName: rawName,
            aliases: cleaned.aliases, addresses: addresses, countries: countries, programs: list("programs"),
            identityDocuments: documents, datesOfBirth: list("dates_of_birth"), placesOfBirth: list("places_of_birth"),
            nationalities: nationalities, citizenships: citizenships, title: value("title").nilIfEmpty,
            citations: FederalRegisterCitation.parseAll(citation), rawCitation: citation.nilIfEmpty,
            startDate: try date("start_date"), endDate: try date("end_date"),
            licenseRequirement: value("license_requirement").nilIfEmpty,
            licensePolicy: value("license_policy").nilIfEmpty, standardOrder: standardOrder,
            coversSuccessors: cleaned.coversSuccessors, remarks: value("remarks").nilIfEmpty,
            entityNumber: entityNumber.nilIfEmpty, vessel: vessel.isEmpty ? nil : vessel,
            sourceListURL: value("source_list_url").nilIfEmpty,
            sourceInformationURL: value("source_information_url").nilIfEmpty)
    }

    /// "No. 555 Qianmo Road, Binjiang District, Hangzhou, 310052, CN": the last part is the ISO country.
    static func parseAddress(_ text: String) -> Address {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmed }
        var address = Address(raw: text)
        if parts.count >= 1, let last = parts.last, let code = Countries.code(for: last) {
            address.country = code
            if parts.count >= 3, parts[parts.count - 2].allSatisfy(\.isNumber) {
                address.postalCode = parts[parts.count - 2]
                address.city = parts[parts.count - 3]
            } else if parts.count >= 2 {
                address.city = parts[parts.count - 2]
            }
        }
        return address
    }

    /// Two rows for one id: keep the first, fill its gaps from the second.
    static func merge(_ first: ListEntry, _ second: ListEntry) -> ListEntry {
        var merged = first
        merged.sourceListURL = first.sourceListURL ?? second.sourceListURL
        merged.sourceInformationURL = first.sourceInformationURL ?? second.sourceInformationURL
        merged.remarks = first.remarks ?? second.remarks
        for alias in second.aliases where !merged.aliases.contains(alias) { merged.aliases.append(alias) }
        for address in second.addresses where !merged.addresses.contains(address) { merged.addresses.append(address) }
        return merged
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
