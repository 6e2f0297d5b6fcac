import Foundation
import VetterCore

/// Reads OFAC's XML publications: the classic `sdn.xml` / `consolidated.xml` (root `sdnList`) and the Sanctions
/// List Service's Enhanced XML (root `sanctionsData`, also inside a zip). Entries carry the same fields as from
/// OFAC's CSV sets; the Enhanced XML adds names in their own scripts (as aliases), listing dates, and identity
/// documents.
///
/// A consolidated (non-SDN) publication can name an entity's SDN listing too; those listings are left out, since
/// the file is not the SDN list and importing them would replace the SDN list with a fragment of it.
enum OFACXMLReader {
    static func read(bytes: [UInt8], file: String, format: ListFormat) throws(ListReadError) -> ListFile {
        let root = try XMLTreeNode.parse(bytes, file: file)
        var warnings: [String] = []
        let entries: [ListEntry]
        switch root.name {
        case "sdnList":
            entries = try classic(root, file: file, nonSDN: format == .ofacConsolidatedXML, warnings: &warnings)
        case "sanctionsData":
            entries = try enhanced(root, file: file, warnings: &warnings)
        default:
            throw ListReadError(
                .unknownFormat, file: file, line: root.line, field: root.name,
                "the XML root is <\(root.name)>, not OFAC's <sdnList> or <sanctionsData>")
        }
        if entries.isEmpty { throw ListReadError(.empty, file: file, line: root.line, "the file lists no party") }
        return ListFile(
            format: format, fileName: file, fileSHA256: SHA256.hex(bytes), entries: entries, warnings: warnings)
    }

    /// Whether an `sdnList` document is the non-SDN consolidated list. OFAC gives both the same schema: the file's
    /// name tells (`consolidated.xml`, `cons_*.xml`), else a program or a field only the non-SDN lists have.
    static func isConsolidated(path: String, bytes: [UInt8]) -> Bool {
        if (path as NSString).lastPathComponent.lowercased().contains("cons") { return true }
        let text = String(decoding: bytes, as: UTF8.self)
        return nonSDNMarkers.contains { text.contains($0) }
    }

    static let nonSDNMarkers = [
        "<nspType>", "<program>NS-PLC", "<program>FSE-", "<program>561", "<program>CMIC", "<program>NS-ISA",
        "<program>UKRAINE-EO13662", "<program>CAPTA",
    ]

    // MARK: - sdn.xml and consolidated.xml

    /// Entries of an `sdnList` document. A uid repeated for the same list (consolidated.xml lists Bank of Kunlun
    /// twice, once per 561 program) is one entry with both programs, and a warning.
    static func classic(
        _ root: XMLTreeNode, file: String, nonSDN: Bool, warnings: inout [String]
    ) throws(ListReadError) -> [ListEntry] {
        var entries: [ListEntry] = []
        var seen: [String: (line: Int, index: Int)] = [:]
        for node in root.all("sdnEntry") {
            guard let id = node.value("uid"), id.allSatisfy(\.isNumber) else {
                throw ListReadError(
                    .invalidValue, file: file, line: node.line, field: "uid", "an sdnEntry needs a numeric <uid>")
            }
            guard let name = fullName(node) else {
                throw ListReadError(
                    .invalidValue, file: file, line: node.line, field: "lastName", "sdnEntry \(id) has no name")
            }
            let programs = node.items("programList", "program").compactMap { $0.text.trimmed.nilIfEmpty }
            var aliases: [Alias] = node.items("akaList", "aka").compactMap { aka in
                guard let alias = fullName(aka) else { return nil }
                let kind = Alias.Kind(rawValue: (aka.value("type") ?? "a.k.a.").replacingOccurrences(of: ".", with: ""))
                return Alias(name: alias, kind: kind ?? .aka, isWeak: aka.value("category") == "weak")
            }
            let remarks = node.value("remarks")
            for weak in OFACLegacyReader.weakAliases(in: remarks ?? "")
            where !aliases.contains(where: { $0.name == weak }) {
                aliases.append(Alias(name: weak, isWeak: true))
            }
            let addresses = node.items("addressList", "address").map { address in
                let country = address.value("country")
                let street = ["address1", "address2", "address3"].compactMap { address.value($0) }
                    .joined(separator: ", ").nilIfEmpty
                let raw = [
                    street, address.value("city"), address.value("stateOrProvince"), address.value("postalCode"),
                    country,
                ].compactMap { $0 }.joined(separator: ", ")
                return Address(
                    street: street, city: address.value("city"), state: address.value("stateOrProvince"),
                    postalCode: address.value("postalCode"),
                    country: country.map { Countries.code(for: $0) ?? $0 }, raw: raw.nilIfEmpty)
            }
            let countries = OFACLegacyReader.countryCodes(of: addresses)
            let documents = node.items("idList", "id").compactMap { document -> IdentityDocument? in
                guard let type = document.value("idType"), let number = document.value("idNumber") else { return nil }
                return IdentityDocument(
                    type: type, number: number,
                    country: document.value("idCountry").map { Countries.code(for: $0) ?? $0 })
            }
            let vessel = node.child("vesselInfo").map { info in
                VesselDetails(
                    callSign: info.value("callSign"), vesselType: info.value("vesselType"),
                    grossTonnage: info.value("tonnage"), grossRegisteredTonnage: info.value("grossRegisteredTonnage"),
                    flag: info.value("vesselFlag"), owner: info.value("vesselOwner"))
            }
            let source = nonSDN ? OFACLegacyReader.source(forNonSDNPrograms: programs) : .sdn
            if let earlier = seen[source.code + "|" + id] {
                var merged = entries[earlier.index]
                merged.programs += programs.filter { !merged.programs.contains($0) }
                for alias in aliases where !merged.aliases.contains(alias) { merged.aliases.append(alias) }
                for address in addresses where !merged.addresses.contains(address) { merged.addresses.append(address) }
                entries[earlier.index] = merged
                warnings.append("\(file):\(node.line): uid \(id) repeats the entry of line \(earlier.line); merged")
                continue
            }
            seen[source.code + "|" + id] = (node.line, entries.count)
            entries.append(
                ListEntry(
                    id: id, source: source,
                    type: node.value("sdnType").map { PartyType(lenient: $0) } ?? .entity, name: name,
                    aliases: aliases, addresses: addresses, countries: countries, programs: programs,
                    identityDocuments: documents,
                    datesOfBirth: node.items("dateOfBirthList", "dateOfBirthItem").compactMap {
                        $0.value("dateOfBirth")
                    },
                    placesOfBirth: node.items("placeOfBirthList", "placeOfBirthItem").compactMap {
                        $0.value("placeOfBirth")
                    },
                    nationalities: node.items("nationalityList", "nationality").compactMap { $0.value("country") }
                        .map { Countries.code(for: $0) ?? $0 },
                    citizenships: node.items("citizenshipList", "citizenship").compactMap { $0.value("country") }
                        .map { Countries.code(for: $0) ?? $0 },
                    title: node.value("title"), remarks: remarks, entityNumber: id,
                    vessel: vessel.flatMap { $0.isEmpty ? nil : $0 }))
        }
        return entries
    }

    /// "LAST, First" as OFAC's CSV writes an individual; the last name alone for others.
    static func fullName(_ node: XMLTreeNode) -> String? {
        let last = node.value("lastName")
        let first = node.value("firstName")
        switch (last, first) {
        case (let last?, let first?): return "\(last), \(first)"
        case (let last?, nil): return last
        case (nil, let first?): return first
        default: return nil
        }
    }

    // MARK: - Enhanced XML

    /// The list a `sanctionsList` element names.
    static func source(list: String) -> ListSource? {
        let text = list.lowercased()
        if text.hasPrefix("sdn list") || text == "specially designated nationals and blocked persons list" {
            return .sdn
        }
        if text.contains("sectoral sanctions") { return .sectoral }
        if text.contains("palestinian legislative council") { return .palestinianLegislativeCouncil }
        if text.contains("cmic") || text.contains("chinese military-industrial") { return .chineseMilitaryIndustrial }
        if text.contains("menu-based") { return .menuBased }
        if text.contains("capta") || text.contains("correspondent account") { return .capta }
        if text.hasPrefix("fse") || text.contains("sanctions evaders") { return .sanctionsEvaders }
        if text.contains("iran sanctions act") { return .iranSanctionsAct }
        if text.contains("561") { return .part561 }
        return nil
    }

    static func enhanced(
        _ root: XMLTreeNode, file: String, warnings: inout [String]
    ) throws(ListReadError) -> [ListEntry] {
        // A "Consolidated List" publication is the non-SDN lists: SDN listings it repeats are not the SDN list.
        let filters = root.child("publicationInfo")?.child("filters")?.items("sanctionsLists", "sanctionsList") ?? []
        let consolidatedOnly =
            !filters.isEmpty && filters.allSatisfy { $0.text.trimmed.lowercased() == "consolidated list" }
        guard let entities = root.child("entities") else {
            throw ListReadError(
                .invalidValue, file: file, line: root.line, field: "entities", "the document has no <entities>")
        }
        var entries: [ListEntry] = []
        var seen: [String: Int] = [:]
        var skippedSDN = 0
        for node in entities.all("entity") {
            guard let id = node.attributes["id"], !id.isEmpty, id.allSatisfy(\.isNumber) else {
                throw ListReadError(
                    .invalidValue, file: file, line: node.line, field: "entity", "an <entity> needs a numeric id")
            }
            if let line = seen[id] {
                throw ListReadError(
                    .duplicateID, file: file, line: node.line, field: "entity",
                    "entity id \(id) already used on line \(line)")
            }
            seen[id] = node.line
            let names = node.items("names", "name")
            guard let primary = names.first(where: { $0.value("isPrimary") == "true" }) ?? names.first,
                let name = formattedName(primary)
            else {
                throw ListReadError(
                    .invalidValue, file: file, line: node.line, field: "names", "entity \(id) has no primary name")
            }
            var aliases: [Alias] = []
            for other in names {
                let translations = other.items("translations", "translation")
                let kind: Alias.Kind =
                    switch other.value("aliasType")?.lowercased() {
                    case "f.k.a.": .fka
                    case "n.k.a.": .nka
                    default: .aka
                    }
                let weak = other.value("isLowQuality") == "true"
                for translation in translations {
                    guard let full = translation.value("formattedFullName"), full != name,
                        !aliases.contains(where: { $0.name == full })
                    else { continue }
                    aliases.append(Alias(name: full, kind: kind, isWeak: weak))
                }
            }
            let programs = node.items("sanctionsPrograms", "sanctionsProgram").compactMap { $0.text.trimmed.nilIfEmpty }
            let addresses = node.items("addresses", "address").compactMap { address -> Address? in
                let country = address.value("country")
                let parts =
                    address.child("translations")?.all("translation").first { $0.value("isPrimary") == "true" }?
                    .items("addressParts", "addressPart") ?? []
                func part(_ type: String) -> String? {
                    parts.filter { $0.value("type") == type }.compactMap { $0.value("value") }
                        .joined(separator: ", ").nilIfEmpty
                }
                let street = ["ADDRESS1", "ADDRESS2", "ADDRESS3"].compactMap(part).joined(separator: ", ").nilIfEmpty
                let raw = [street, part("CITY"), part("STATE/PROVINCE"), part("POSTAL CODE"), country]
                    .compactMap { $0 }.joined(separator: ", ")
                if raw.isEmpty { return nil }
                return Address(
                    street: street, city: part("CITY"), state: part("STATE/PROVINCE"),
                    postalCode: part("POSTAL CODE"), country: country.map { Countries.code(for: $0) ?? $0 },
                    raw: raw)
            }
            let countries = OFACLegacyReader.countryCodes(of: addresses)
            let features = node.items("features", "feature")
            func feature(_ type: String) -> [String] {
                features.filter { $0.value("type") == type }.compactMap { $0.value("value") }
            }
            let documents = node.items("identityDocuments", "identityDocument").compactMap {
                document -> IdentityDocument? in
                guard let type = document.value("type"), let number = document.value("documentNumber") else {
                    return nil
                }
                return IdentityDocument(
                    type: type, number: number,
                    country: document.value("issuingCountry").map { Countries.code(for: $0) ?? $0 })
            }
            let typeText = node.child("generalInfo")?.value("entityType") ?? ""
            // One entry per list the entity is on, as the CSL has it.
            var sources: [(ListSource, LocalDate?)] = []
            for list in node.items("sanctionsLists", "sanctionsList") {
                guard let source = source(list: list.text.trimmed) else { continue }
                if source == .sdn && consolidatedOnly {
                    skippedSDN += 1
                    continue
                }
                if !sources.contains(where: { $0.0 == source }) {
                    sources.append((source, list.attributes["datePublished"].flatMap(LocalDate.init(strict:))))
                }
            }
            if sources.isEmpty, !consolidatedOnly || !programs.isEmpty {
                if node.items("sanctionsLists", "sanctionsList").contains(where: {
                    source(list: $0.text.trimmed) == .sdn
                }) {
                    continue  // only on the SDN list, in a consolidated publication
                }
                sources.append((OFACLegacyReader.source(forNonSDNPrograms: programs), nil))
            }
            for (source, listed) in sources {
                entries.append(
                    ListEntry(
                        id: id, source: source, type: PartyType(lenient: typeText), name: name, aliases: aliases,
                        addresses: addresses, countries: countries, programs: programs,
                        identityDocuments: documents, datesOfBirth: feature("Birthdate"),
                        placesOfBirth: feature("Place of Birth"),
                        nationalities: feature("Nationality Country").map { Countries.code(for: $0) ?? $0 },
                        citizenships: feature("Citizenship Country").map { Countries.code(for: $0) ?? $0 },
                        startDate: listed, remarks: node.value("remarks"), entityNumber: id))
            }
        }
        if skippedSDN > 0 {
            warnings.append(
                "\(file): \(skippedSDN) SDN listings repeated in this consolidated (non-SDN) publication were left out; import the SDN list itself for them"
            )
        }
        return entries
    }

    /// The Latin-script full name of a `name` element ("HANIYA, Ismail Abdul Salah"), else its first translation's.
    static func formattedName(_ name: XMLTreeNode) -> String? {
        let translations = name.items("translations", "translation")
        let chosen =
            translations.first { $0.value("isPrimary") == "true" && $0.value("script") == "Latin" }
            ?? translations.first { $0.value("script") == "Latin" } ?? translations.first
        return chosen?.value("formattedFullName")
    }
}
