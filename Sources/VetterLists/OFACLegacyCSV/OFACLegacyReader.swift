import Foundation
import VetterCore

/// Reads OFAC's legacy CSV set: the primary file (`sdn.csv` or `cons_prim.csv`) and, when present beside it, its
/// addresses (`add.csv` / `cons_add.csv`), aliases (`alt.csv` / `cons_alt.csv`) and remark continuations
/// (`sdn_comments.csv` / `cons_comments.csv`).
///
/// The files have no header; `-0-` means empty; a DOS end-of-file byte ends them. Weak aliases are the quoted
/// `a.k.a. 'X'` clauses of the remarks (OFAC FAQ 122), flagged ``Alias/isWeak``. The non-SDN set mixes several
/// lists; each record's source comes from its program (``source(forNonSDNPrograms:)``).
enum OFACLegacyReader {
    struct FileSet {
        var primary: String
        var addresses: String?
        var aliases: String?
        var comments: String?
        var isNonSDN: Bool
    }

    /// Finds the set's files from a directory or from the path of its primary file.
    static func fileSet(at path: String) -> FileSet? {
        var isDirectory: ObjCBool = false
        let manager = FileManager.default
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        let directory = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        let primaryName = isDirectory.boolValue ? nil : (path as NSString).lastPathComponent
        func existing(_ name: String) -> String? {
            let candidate = (directory as NSString).appendingPathComponent(name)
            return manager.fileExists(atPath: candidate) ? candidate : nil
        }
        let isNonSDN =
            primaryName.map { $0.hasPrefix("cons") } ?? (existing("cons_prim.csv") != nil && existing("sdn.csv") == nil)
        let primary = isDirectory.boolValue ? existing(isNonSDN ? "cons_prim.csv" : "sdn.csv") : path
        guard let primary else { return nil }
        // Companions only belong to the set when the primary is the plainly named file.
        let plain = (primary as NSString).lastPathComponent == (isNonSDN ? "cons_prim.csv" : "sdn.csv")
        return FileSet(
            primary: primary,
            addresses: plain ? existing(isNonSDN ? "cons_add.csv" : "add.csv") : nil,
            aliases: plain ? existing(isNonSDN ? "cons_alt.csv" : "alt.csv") : nil,
            comments: plain ? existing(isNonSDN ? "cons_comments.csv" : "sdn_comments.csv") : nil,
            isNonSDN: isNonSDN)
    }

    static func read(
        set: FileSet, load: (String) throws(ListReadError) -> [UInt8], options: ReadOptions
    )
        throws(ListReadError) -> ListFile
    {
        var hasher = SHA256()
        func records(_ path: String?, fieldCount: Int) throws(ListReadError) -> [CSVParser.Record] {
            guard let path else { return [] }
            let bytes = try load(path)
            hasher.update(bytes)
            var all = try CSVParser(bytes: bytes, file: path).records(
                allowCutLastRecord: options.dropIncompleteLastRecord)
            if options.dropIncompleteLastRecord, let last = all.last, last.fields.count < fieldCount {
                all.removeLast()
            }
            for record in all where record.fields.count != fieldCount {
                throw ListReadError(
                    .wrongFieldCount, file: path, line: record.line,
                    field: "#\(min(record.fields.count, fieldCount) + 1)",
                    "expected \(fieldCount) fields, found \(record.fields.count)")
            }
            return all
        }
        func clean(_ text: String) -> String? {
            let trimmed = text.trimmed
            return trimmed == "-0-" || trimmed.isEmpty ? nil : trimmed
        }
        let primary = try records(set.primary, fieldCount: 12)
        if primary.isEmpty { throw ListReadError(.empty, file: set.primary, line: 1, "the file holds no records") }
        let addressRows = try records(set.addresses, fieldCount: 6)
        let aliasRows = try records(set.aliases, fieldCount: 5)
        let commentRows = try records(set.comments, fieldCount: 2)

        var addresses: [String: [Address]] = [:]
        for row in addressRows {
            let raw = [row.fields[2], row.fields[3], row.fields[4]].compactMap(clean).joined(separator: ", ")
            let country = clean(row.fields[4])
            addresses[row.fields[0], default: []].append(
                Address(
                    street: clean(row.fields[2]), city: clean(row.fields[3]),
                    country: country.flatMap { Countries.code(for: $0) } ?? country, raw: raw.isEmpty ? nil : raw))
        }
        var aliases: [String: [Alias]] = [:]
        for row in aliasRows {
            guard let name = clean(row.fields[3]) else { continue }
            let kind = Alias.Kind(rawValue: (clean(row.fields[2]) ?? "aka").lowercased()) ?? .aka
            aliases[row.fields[0], default: []].append(Alias(name: name, kind: kind))
        }
        var comments: [String: String] = [:]
        for row in commentRows { comments[row.fields[0], default: ""] += row.fields[1] }

        var entries: [ListEntry] = []
        var seen: [String: Int] = [:]
        for row in primary {
            let id = row.fields[0].trimmed
            guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
                throw ListReadError(
                    .invalidValue, file: set.primary, line: row.line, field: "ent_num",
                    "'\(row.fields[0])' is not an OFAC entity number")
            }
            if let line = seen[id] {
                throw ListReadError(
                    .duplicateID, file: set.primary, line: row.line, field: "ent_num",
                    "entity number \(id) already used on line \(line)")
            }
            seen[id] = row.line
            guard let name = clean(row.fields[1]) else {
                throw ListReadError(
                    .invalidValue, file: set.primary, line: row.line, field: "SDN_Name", "the name is empty")
            }
            let programs = (clean(row.fields[3]) ?? "").components(separatedBy: "] [")
                .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")) }.filter { !$0.isEmpty }
            var remarks = clean(row.fields[11]) ?? ""
            if let more = comments[id] { remarks += more }
            var entryAliases = aliases[id] ?? []
            for weak in weakAliases(in: remarks) where !entryAliases.contains(where: { $0.name == weak }) {
                entryAliases.append(Alias(name: weak, kind: .aka, isWeak: true))
            }
            let entryAddresses = addresses[id] ?? []
            let countries = countryCodes(of: entryAddresses)
            let vessel = VesselDetails(
                callSign: clean(row.fields[5]), vesselType: clean(row.fields[6]),
                grossTonnage: clean(row.fields[7]), grossRegisteredTonnage: clean(row.fields[8]),
                flag: clean(row.fields[9]), owner: clean(row.fields[10]))
            let type = clean(row.fields[2]).map { PartyType(lenient: $0) } ?? .entity
            entries.append(
                ListEntry(
                    id: id, source: set.isNonSDN ? source(forNonSDNPrograms: programs) : .sdn, type: type, name: name,
                    aliases: entryAliases, addresses: entryAddresses, countries: countries, programs: programs,
                    datesOfBirth: remarkValues(remarks, label: "DOB"),
                    placesOfBirth: remarkValues(remarks, label: "POB"),
                    title: clean(row.fields[4]), remarks: remarks.isEmpty ? nil : remarks, entityNumber: id,
                    vessel: vessel.isEmpty ? nil : vessel))
        }
        // A primary file alone is a valid import, but a thinner one: say what is missing.
        let primaryName = (set.primary as NSString).lastPathComponent
        var warnings: [String] = []
        for (path, name, what) in [
            (set.aliases, set.isNonSDN ? "cons_alt.csv" : "alt.csv", "aliases"),
            (set.addresses, set.isNonSDN ? "cons_add.csv" : "add.csv", "addresses"),
        ] where path == nil {
            warnings.append(
                "\(set.primary): no \(name) beside \(primaryName): the entries have no \(what) from it"
                    + (what == "aliases" ? " (only the weak a.k.a. of the remarks)" : ""))
        }
        return ListFile(
            format: .ofacLegacyCSV, fileName: set.primary, fileSHA256: hasher.finalizeHex(), entries: entries,
            warnings: warnings)
    }

    /// The non-SDN list a program belongs to. Programs not named here are OFAC's menu-based sanctions.
    static func source(forNonSDNPrograms programs: [String]) -> ListSource {
        let joined = programs.joined(separator: " ")
        if joined.contains("NS-PLC") { return .palestinianLegislativeCouncil }
        if joined.contains("UKRAINE-EO13662") { return .sectoral }
        if joined.contains("CMIC") { return .chineseMilitaryIndustrial }
        if joined.contains("561") || joined.contains("CAPTA") { return .capta }
        if joined.contains("NS-ISA") { return .iranSanctionsAct }
        if joined.contains("FSE") { return .sanctionsEvaders }
        return .menuBased
    }

    /// The two-letter country codes of `addresses`, each once, in order: OFAC gives no country field of its own.
    static func countryCodes(of addresses: [Address]) -> [String] {
        var countries: [String] = []
        for code in addresses.compactMap(\.country) where code.count == 2 && !countries.contains(code) {
            countries.append(code)
        }
        return countries
    }

    static let weakPattern = try! NSRegularExpression(pattern: #"a\.k\.a\.,?\s+'([^']+)'"#)

    /// Quoted `a.k.a. 'X'` clauses: OFAC's weak aliases.
    static func weakAliases(in remarks: String) -> [String] {
        let ns = remarks as NSString
        return weakPattern.matches(in: remarks, range: NSRange(location: 0, length: ns.length)).map {
            ns.substring(with: $0.range(at: 1))
        }
    }

    /// Values of "DOB 19 Jun 1951; alt. DOB 1950" style remarks.
    static func remarkValues(_ remarks: String, label: String) -> [String] {
        remarks.components(separatedBy: ";").compactMap { part in
            var piece = part.trimmed
            if piece.hasPrefix("alt. ") { piece = String(piece.dropFirst(5)) }
            guard piece.hasPrefix(label + " ") else { return nil }
            return String(piece.dropFirst(label.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: " ."))
        }
    }
}
