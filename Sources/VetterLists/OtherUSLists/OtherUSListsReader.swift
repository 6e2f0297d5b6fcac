import Foundation
import VetterCore

/// Reads the US lists outside the Consolidated Screening List, in the CSV layouts they are collected in (the
/// OpenSanctions source tables): BIS's Military-Intelligence End Users, DoD's Section 1260H Chinese military
/// companies, the FCC Covered List, and the statutory lists (NDAA sections 889, 5949, 154 and 1286, Section 353(b),
/// INKSNA). Each row becomes an entry of its own source (``ListSource/isOutsideCSL``), identified by a hash of the
/// source and the name so that a row keeps its id from one edition to the next.
enum OtherUSListsReader {
    /// The columns that tell each layout apart, as its header writes them.
    static let mieuColumns = ["Type", "Name", "Alias", "Country", "Program", "Date", "End date"]
    static let milcorpsColumns = ["Name", "Clean Name", "Alias", "Previous Name", "Start date", "End date"]
    static let fccColumns = ["covered_equipment_or_services", "date_of_inclusion_on_covered_list"]
    static let statuteColumns = ["schema", "name", "aliases", "program", "start-date", "end-date", "country"]

    /// The layout a header row belongs to, if any.
    static func format(header: [String]) -> ListFormat? {
        let names = Set(header.map(\.trimmed))
        if names.isSuperset(of: statuteColumns) { return .usStatuteLists }
        if names.isSuperset(of: milcorpsColumns) { return .dod1260H }
        if names.isSuperset(of: mieuColumns) { return .bisMIEU }
        if names.isSuperset(of: fccColumns) { return .fccCoveredList }
        return nil
    }

    static func read(
        bytes: [UInt8], file: String, format: ListFormat, options: ReadOptions
    ) throws(ListReadError)
        -> ListFile
    {
        var table = try CSVTable(bytes: bytes, file: file, options: options)
        switch format {
        case .bisMIEU: try table.require(mieuColumns)
        case .dod1260H: try table.require(milcorpsColumns)
        case .fccCoveredList: try table.require(fccColumns)
        default: try table.require(statuteColumns)
        }
        var entries: [ListEntry] = []
        var positions: [String: Int] = [:]
        for row in table.rows {
            let entry: ListEntry?
            switch format {
            case .bisMIEU: entry = try mieu(row)
            case .dod1260H: entry = try milcorp(row)
            case .fccCoveredList: entry = try fcc(row, warnings: &table.warnings)
            default: entry = try statute(row)
            }
            guard let entry else { continue }
            // These tables stack their editions: a party named in several reports (1286: one row per year) or
            // designated again (1260H) is one listing, in force as long as any of its rows is.
            let key = entry.source.code + "|" + entry.id
            if let position = positions[key] {
                entries[position] = merge(entries[position], entry)
            } else {
                positions[key] = entries.count
                entries.append(entry)
            }
        }
        if entries.isEmpty { throw ListReadError(.empty, file: file, line: 2, "the file lists no party") }
        return ListFile(
            format: format, fileName: file, fileSHA256: SHA256.hex(bytes), entries: entries, warnings: table.warnings)
    }

    /// One listing from two rows of the same party: names, countries and programs together, the earliest start,
    /// no end unless both rows end (then the later end), the latest row's link.
    static func merge(_ first: ListEntry, _ later: ListEntry) -> ListEntry {
        var merged = first
        for alias in later.aliases where !merged.aliases.contains(where: { $0.name == alias.name }) {
            merged.aliases.append(alias)
        }
        merged.countries += later.countries.filter { !merged.countries.contains($0) }
        merged.programs += later.programs.filter { !merged.programs.contains($0) }
        merged.citations += later.citations.filter { !merged.citations.contains($0) }
        merged.startDate = [first.startDate, later.startDate].compactMap { $0 }.min()
        merged.endDate = first.endDate.flatMap { end in later.endDate.map { max(end, $0) } }
        if let remarks = later.remarks, !(merged.remarks ?? "").contains(remarks) {
            merged.remarks = [merged.remarks, remarks].compactMap { $0 }.joined(separator: " ")
        }
        merged.coversSuccessors = first.coversSuccessors || later.coversSuccessors
        merged.sourceInformationURL = later.sourceInformationURL ?? first.sourceInformationURL
        return merged
    }

    // MARK: - The layouts

    /// `Type,Name,Alias,Country,Topics,Program,Date,End date,Source URL` (Supplement No. 8 to Part 744).
    static func mieu(_ row: CSVTable.Row) throws(ListReadError) -> ListEntry {
        let name = try row.name("Name")
        var entry = ListEntry(
            id: id(.militaryIntelligenceEndUser, name), source: .militaryIntelligenceEndUser,
            type: PartyType(lenient: row["Type"] == "Organization" ? "entity" : row["Type"]), name: name,
            aliases: row.list("Alias").map { Alias(name: $0) }, countries: row.countries("Country"),
            programs: row.list("Program"), startDate: try row.date("Date", end: false),
            endDate: try row.date("End date", end: true),
            // The rule itself (§744.22(b), (e)): the file carries no per-entry text.
            licenseRequirement: "For all items subject to the EAR (§744.22(b)).",
            licensePolicy: "Presumption of denial.",
            sourceInformationURL: row["Source URL"].nilIfEmpty)
        entry.citations = FederalRegisterCitation.parseAll(row["Source URL"])
        return entry
    }

    /// `Name,Clean Name,Alias,Previous Name,Parent Name,Note,Start date,End date,Source Url`: the name as DoD
    /// prints it ("… (Qihoo 360)*") is kept as the raw name; the clean name is screened.
    static func milcorp(_ row: CSVTable.Row) throws(ListReadError) -> ListEntry {
        let printed = try row.name("Name")
        let clean = row["Clean Name"].nilIfEmpty ?? printed
        var aliases = row.list("Alias").map { Alias(name: $0) }
        aliases += row.list("Previous Name").map { Alias(name: $0, kind: .fka) }
        let parent = row["Parent Name"].nilIfEmpty.map { "Parent: \($0)." }
        return ListEntry(
            id: id(.chineseMilitaryCompanies, clean), source: .chineseMilitaryCompanies, type: .entity, name: clean,
            rawName: printed, aliases: aliases, countries: ["CN"], programs: ["Section 1260H"],
            startDate: try row.date("Start date", end: false), endDate: try row.date("End date", end: true),
            remarks: [parent, row["Note"].nilIfEmpty].compactMap { $0 }.joined(separator: " ").nilIfEmpty,
            sourceInformationURL: row["Source Url"].nilIfEmpty)
    }

    /// `covered_equipment_or_services,date_of_inclusion_on_covered_list`: the company is named inside the
    /// description ("… produced by Huawei Technologies Company, including …"); a row that covers a category of
    /// foreign-produced equipment names no party and is kept as a warning.
    static func fcc(_ row: CSVTable.Row, warnings: inout [String]) throws(ListReadError) -> ListEntry? {
        let text = row["covered_equipment_or_services"]
        guard !text.isEmpty else {
            throw ListReadError(
                .invalidValue, file: row.file, line: row.line, field: "covered_equipment_or_services",
                "the description is empty")
        }
        guard let names = coveredParties(text) else {
            warnings.append(
                "\(row.file):\(row.line): covers a category of equipment, not a named party; not screened: \(text.prefix(80))"
            )
            return nil
        }
        // The first date of "December 22, 2025Updated:January 7, 2026…" is the inclusion.
        let dateText = row["date_of_inclusion_on_covered_list"].components(separatedBy: "Updated").first ?? ""
        return ListEntry(
            id: id(.fccCovered, names[0]), source: .fccCovered, type: .entity, name: names[0],
            aliases: names.dropFirst().map { Alias(name: $0) }, programs: ["FCC Covered List"],
            startDate: try row.date(dateText, column: "date_of_inclusion_on_covered_list", end: false),
            remarks: text)
    }

    /// The companies a Covered List description names: the words after "produced by", "provided by" or
    /// "supplied … by", up to the clause that follows; a wholly-owned subsidiary named alongside is an alias.
    static func coveredParties(_ text: String) -> [String]? {
        let pattern =
            #"(?:produced|provided|supplied|produced or provided)(?:, directly or indirectly,)? by (.+?)(?:,? including\b|, to the extent\b|,? subject to\b| or any of its\b|,? its subsidiaries\b|\.$|$)"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        let named = String(text[range]).trimmed
        if named.lowercased().hasPrefix("such ") { return nil }
        return named.components(separatedBy: " and its wholly-owned subsidiary ").map(\.trimmed).filter {
            !$0.isEmpty
        }
    }

    /// `schema,name,aliases,topics,program,authority,reason,report-date,start-date,end-date,country,notes,source_url`:
    /// the program names the statute, and with it the source.
    static func statute(_ row: CSVTable.Row) throws(ListReadError) -> ListEntry {
        let name = try row.name("name")
        let program = row["program"]
        guard let source = statuteSource(program) else {
            throw ListReadError(
                .invalidValue, file: row.file, line: row.line, field: "program",
                "'\(program.prefix(80))' is not a list Vetter knows (Sections 889, 5949, 154, 1286, 353(b), INKSNA)")
        }
        let schema = row["schema"].lowercased()
        let notes = row["notes"]
        return ListEntry(
            id: id(source, name), source: source,
            type: schema == "person" ? .individual : schema.isEmpty ? .unknown : .entity, name: name,
            aliases: row.list("aliases").map { Alias(name: $0) }, countries: row.countries("country"),
            programs: [program], citations: FederalRegisterCitation.parseAll(row["source_url"]),
            startDate: try row.date("start-date", end: false), endDate: try row.date("end-date", end: true),
            coversSuccessors: notes.lowercased().contains("successor"),
            remarks: [row["reason"].nilIfEmpty, notes.nilIfEmpty].compactMap { $0 }.joined(separator: " ").nilIfEmpty,
            sourceInformationURL: row["source_url"].nilIfEmpty)
    }

    static func statuteSource(_ program: String) -> ListSource? {
        let text = program.lowercased()
        if text.hasPrefix("section 889 ") { return .section889 }
        if text.hasPrefix("section 5949 ") { return .section5949 }
        if text.hasPrefix("section 154 ") { return .section154 }
        if text.hasPrefix("section 1286 ") { return .section1286 }
        if text.hasPrefix("section 353(b) ") { return .section353 }
        if text.contains("nonproliferation sanctions (isn)") || text.contains("inksna") { return .inksna }
        return nil
    }

    static func id(_ source: ListSource, _ name: String) -> String {
        String(SHA256.hex(source.code + "|" + name.lowercased()).prefix(40))
    }
}
