public import VetterCore

/// The context columns of a party row (country, type) as every reader of party CSVs checks them: `vetter batch`
/// input and watch lists alike.
public enum PartyRowFields {
    /// The ISO code of a country cell, `nil` for an empty one; throws naming the file, line and field otherwise.
    public static func country(_ text: String?, file: String, line: Int) throws(ListReadError) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard let code = Countries.code(for: text) else {
            throw ListReadError(
                .invalidValue, file: file, line: line, field: "country", "'\(text)' is not an ISO 3166 two-letter code")
        }
        return code
    }

    /// The party type of a type cell, `nil` when empty or not one of the known types.
    public static func type(_ text: String?) -> PartyType? {
        guard let text else { return nil }
        let type = PartyType(lenient: text)
        return type == .unknown ? nil : type
    }
}
