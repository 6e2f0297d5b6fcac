public import VetterCore

extension ListEntry {
    /// Every field that has a value, labelled, in reading order: what `vetter show` prints and the entry page
    /// shows.
    public var labelledFields: [(label: String, value: String)] {
        var fields: [(String, String)] = [("id", id), ("name", name)]
        if rawName != name { fields.append(("name as listed", rawName)) }
        fields.append(("type", type.rawValue))
        for alias in aliases {
            fields.append((alias.kind.rawValue, alias.name + (alias.isWeak ? " (weak alias)" : "")))
        }
        for address in addresses { fields.append(("address", address.formatted)) }
        if !countries.isEmpty { fields.append(("countries", countries.joined(separator: ", "))) }
        if !programs.isEmpty { fields.append(("programs", programs.joined(separator: ", "))) }
        if let title { fields.append(("title", title)) }
        for document in identityDocuments {
            fields.append(
                ("id document", "\(document.type) \(document.number)\(document.country.map { " (\($0))" } ?? "")"))
        }
        if !datesOfBirth.isEmpty { fields.append(("born", datesOfBirth.joined(separator: "; "))) }
        if !placesOfBirth.isEmpty { fields.append(("place of birth", placesOfBirth.joined(separator: "; "))) }
        if !nationalities.isEmpty { fields.append(("nationality", nationalities.joined(separator: ", "))) }
        if !citizenships.isEmpty { fields.append(("citizenship", citizenships.joined(separator: ", "))) }
        if let startDate { fields.append(("start date", startDate.description)) }
        if let endDate { fields.append(("end date", endDate.description)) }
        if let licenseRequirement { fields.append(("licence requirement", licenseRequirement)) }
        if let licensePolicy { fields.append(("licence review policy", licensePolicy)) }
        if let standardOrder { fields.append(("standard order", standardOrder ? "Y" : "N")) }
        if coversSuccessors { fields.append(("covers", "any successor, sub-unit, or subsidiary thereof")) }
        if let rawCitation { fields.append(("Federal Register", rawCitation)) }
        if let vessel {
            let parts = [
                ("call sign", vessel.callSign), ("type", vessel.vesselType), ("flag", vessel.flag),
                ("owner", vessel.owner), ("tonnage", vessel.grossTonnage), ("GRT", vessel.grossRegisteredTonnage),
            ]
            fields.append(
                ("vessel", parts.compactMap { label, value in value.map { "\(label) \($0)" } }.joined(separator: ", ")))
        }
        if let remarks { fields.append(("remarks", remarks)) }
        if let sourceListURL { fields.append(("source list", sourceListURL)) }
        if let sourceInformationURL { fields.append(("source information", sourceInformationURL)) }
        return fields
    }
}
