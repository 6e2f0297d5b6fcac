import VetterCore

/// A date of birth as lists and customers write it: a year, perhaps a month, perhaps a day.
struct BirthDate: Hashable, Sendable {
    var year: Int16
    /// 0 when not given.
    var month: UInt8
    /// 0 when not given.
    var day: UInt8

    /// The dates a listed date-of-birth field gives: "1962-08-06", "1962-08", "1962", "06 Aug 1962", "circa 1962",
    /// "1960 to 1962" (each year of the range, at most 15). Years outside 1850…2100 are ignored.
    static func listed(_ text: String) -> [BirthDate] {
        let numbers = text.split { !$0.isNumber }.map(String.init)
        let years = numbers.compactMap { $0.count == 4 ? Int16($0) : nil }.filter { (1850...2100).contains($0) }
        guard !years.isEmpty else { return [] }
        let lowered = text.lowercased()
        if years.count == 2, years[0] < years[1], years[1] - years[0] <= 15,
            lowered.contains(" to ") || lowered.contains("-") && numbers.count == 2
        {
            return (years[0]...years[1]).map { BirthDate(year: $0, month: 0, day: 0) }
        }
        if let exact = query(text) { return [exact] }
        return years.map { BirthDate(year: $0, month: 0, day: 0) }
    }

    /// A query's date of birth as ``PartyInput/birthDate(_:)`` reads it; `nil` for anything else.
    static func query(_ text: String) -> BirthDate? {
        guard let parts = PartyInput.birthDate(text.trimmed) else { return nil }
        return BirthDate(year: Int16(parts.year), month: UInt8(parts.month), day: UInt8(parts.day))
    }

    /// Whether the two agree as far as both go (the same year, and month and day where both give them).
    func agrees(with other: BirthDate) -> Bool {
        year == other.year && (month == 0 || other.month == 0 || month == other.month)
            && (day == 0 || other.day == 0 || day == other.day)
    }

    var text: String {
        var result = String(year)
        if month > 0 { result += "-" + (month < 10 ? "0" : "") + String(month) }
        if day > 0 { result += "-" + (day < 10 ? "0" : "") + String(day) }
        return result
    }
}

/// Identifiers (passport, national ID, registration, IMO numbers) compared as written, whatever the spacing,
/// punctuation and case: "IMO 9187629", "imo9187629" and "9187629" are one number.
enum Identifier {
    /// The comparable form: upper-case letters and digits only, an "IMO" prefix dropped. `nil` when fewer than five
    /// characters or no digit are left: lists hold text in identifier fields too ("Male", "Gender"), and a short
    /// number is no evidence.
    static func key(_ text: String) -> String? {
        var key = String(String.UnicodeScalarView(text.uppercased().unicodeScalars.filter(isKeyScalar)))
        if key.hasPrefix("IMO"), key.count == 10, key.dropFirst(3).allSatisfy(\.isNumber) { key.removeFirst(3) }
        guard key.count >= 5, key.contains(where: \.isNumber) else { return nil }
        return key
    }

    private static func isKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}

/// A query's date of birth and identifiers, read once per screen rather than for every candidate name.
struct QueryEvidence {
    /// The query's date of birth as written, and read; `nil` when none is given or it does not read.
    var birthDate: (text: String, date: BirthDate)?
    /// Each entry that carries one of the query's identifiers → the first such identifier, as the query wrote it,
    /// and its key.
    var identified: [Int32: (written: String, key: String)]

    var isEmpty: Bool { birthDate == nil && identified.isEmpty }

    init(_ query: ScreeningQuery, identifierEntries: [String: [Int32]]) {
        birthDate = query.dateOfBirth.flatMap { text in BirthDate.query(text).map { (text, $0) } }
        identified = [:]
        for identifier in query.identifiers {
            guard let key = Identifier.key(identifier), let entries = identifierEntries[key] else { continue }
            for entry in entries where identified[entry] == nil { identified[entry] = (identifier, key) }
        }
    }
}
