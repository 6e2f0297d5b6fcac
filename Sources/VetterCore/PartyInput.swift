/// Why a party as given cannot be screened: the field at fault and what is wrong with it.
public struct PartyInputError: Error, Sendable, CustomStringConvertible, Equatable {
    /// `name`, `country` or `type`.
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}

/// The checks of a party's name, country and type, the same for every way a party comes in: the command line,
/// JSON, CSV rows of a batch or a watch list, the parties of a transaction, the web form.
public enum PartyInput {
    /// The longest name screened, in Unicode scalars. Listed names are at most a few hundred characters; a
    /// longer one is refused rather than screened at a cost out of proportion.
    public static let maximumNameLength = 1_000

    /// The name, trimmed; throws when it is empty or longer than ``maximumNameLength``.
    public static func name(_ text: String?) throws(PartyInputError) -> String {
        let trimmed = (text ?? "").trimmed
        guard !trimmed.isEmpty else { throw PartyInputError(field: "name", "the name is empty") }
        try refuseControlCharacters(trimmed, field: "name")
        let length = trimmed.unicodeScalars.count
        guard length <= maximumNameLength else {
            throw PartyInputError(
                field: "name", "the name is \(length) characters long; at most \(maximumNameLength) are screened")
        }
        return trimmed
    }

    /// An identifier a user gives a party (a watch list's or a batch's id): trimmed, `nil` when empty; throws
    /// when it holds a control character.
    public static func id(_ text: String?) throws(PartyInputError) -> String? {
        guard let trimmed = text?.trimmed, !trimmed.isEmpty else { return nil }
        try refuseControlCharacters(trimmed, field: "id")
        return trimmed
    }

    /// A name or id never holds a control character: one would be cut short in storage (NUL) or forge a log
    /// line; it is refused rather than removed, so that what is screened is what was given.
    static func refuseControlCharacters(
        _ text: String, field: String, holder: String? = nil
    ) throws(PartyInputError) {
        if let scalar = text.unicodeScalars.first(where: \.isControl) {
            let code = String(scalar.value, radix: 16, uppercase: true).leftPadded(4)
            throw PartyInputError(field: field, "\(holder ?? "the \(field)") holds the control character U+\(code)")
        }
    }

    /// The ISO code of a country (code or name), `nil` when none is given; throws for anything else.
    public static func country(_ text: String?) throws(PartyInputError) -> String? {
        guard let text, !text.trimmed.isEmpty else { return nil }
        guard let code = Countries.isoCode(for: text) else {
            throw PartyInputError(
                field: "country",
                "'\(text.escapingControlCharacters)' is not a country name or ISO 3166 code such as CN or RU")
        }
        return code
    }

    /// A date of birth, `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a day of the calendar), `nil` when none is given.
    /// Written exactly so: no spaces around it (a file's cells are trimmed before).
    public static func dateOfBirth(_ text: String?) throws(PartyInputError) -> String? {
        guard let text else { return nil }
        guard birthDate(text) != nil else {
            throw PartyInputError(
                field: "date_of_birth",
                "'\(text.escapingControlCharacters)' is not a date of birth: YYYY, YYYY-MM or YYYY-MM-DD")
        }
        return text
    }

    /// The parts of a date of birth written `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (month and day 0 when not given), a
    /// year from 1850 to 2100 and a day the calendar has; `nil` for anything else.
    public static func birthDate(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let widths = [4, 2, 2]
        guard (1...3).contains(parts.count),
            parts.enumerated().allSatisfy({ $1.count == widths[$0] && $1.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), (1850...2100).contains(year)
        else { return nil }
        let month = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let day = parts.count > 2 ? Int(parts[2]) ?? 0 : 0
        guard parts.count < 2 || (1...12).contains(month) else { return nil }
        guard parts.count < 3 || (1...LocalDate.days(inMonth: month, year: year)).contains(day) else { return nil }
        return (year, month, day)
    }

    /// The most identifiers a party may give, and the longest one.
    public static let maximumIdentifiers = 20
    public static let maximumIdentifierLength = 100

    /// Identifiers (passport, national ID, registration, IMO numbers), trimmed, blanks dropped; throws for more
    /// than ``maximumIdentifiers``, one longer than ``maximumIdentifierLength`` or one with a control character
    /// (both checked as given, before trimming).
    public static func identifiers(_ values: [String]?) throws(PartyInputError) -> [String] {
        let values = values ?? []
        guard values.count <= maximumIdentifiers else {
            throw PartyInputError(
                field: "identifiers", "\(values.count) identifiers; at most \(maximumIdentifiers) are compared")
        }
        for value in values {
            try refuseControlCharacters(value, field: "identifiers", holder: "an identifier")
            guard value.unicodeScalars.count <= maximumIdentifierLength else {
                throw PartyInputError(
                    field: "identifiers",
                    "an identifier is \(value.unicodeScalars.count) characters long; at most \(maximumIdentifierLength)"
                )
            }
        }
        return values.map(\.trimmed).filter { !$0.isEmpty }
    }

    /// The party type, `nil` when none is given; throws for a type that is not one of the four.
    public static func type(_ text: String?) throws(PartyInputError) -> PartyType? {
        guard let text, !text.trimmed.isEmpty else { return nil }
        let type = PartyType(lenient: text)
        guard type != .unknown else {
            throw PartyInputError(
                field: "type", "'\(text.escapingControlCharacters)' is not individual, entity, vessel or aircraft")
        }
        return type
    }
}

extension String {
    /// The text with every control character (C0, DEL and C1, line breaks and tabs included) written as
    /// `\u{…}`, so that a value from a request or a file can never forge a log line or drive a terminal.
    public var escapingControlCharacters: String { escapingControls(keepingLineBreaks: false) }

    /// The same, but line breaks and tabs are kept: for multi-line text written to a terminal.
    public var escapingControlCharactersButLineBreaks: String { escapingControls(keepingLineBreaks: true) }

    private func escapingControls(keepingLineBreaks: Bool) -> String {
        func escaped(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isControl && !(keepingLineBreaks && (scalar == "\n" || scalar == "\t"))
        }
        guard unicodeScalars.contains(where: escaped) else { return self }
        var out = ""
        out.unicodeScalars.reserveCapacity(unicodeScalars.count)
        for scalar in unicodeScalars {
            if escaped(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

extension Unicode.Scalar {
    /// C0 controls, DEL and C1 controls.
    var isControl: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
}
