/// One word of a normalised name.
public struct Token: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A word that can identify a party.
        case word
        /// A canonical legal form (`ltd`, `llc`, `jsc` …): weak evidence, never the match.
        case legalForm = "legal_form"
        /// An article or preposition: kept for display, nearly weightless.
        case stopWord = "stop_word"
    }

    /// Lowercase ASCII.
    public var text: String
    public var kind: Kind

    public init(_ text: String, kind: Kind = .word) {
        self.text = text
        self.kind = kind
    }
}

/// A name after normalisation, with a record of what was changed on the way.
public struct NormalizedName: Sendable, Codable, Hashable {
    public var tokens: [Token]
    /// Steps that changed the name, for explanations: "Cyrillic romanised (BGN)", "'Co., Ltd.' → ltd" …
    public var notes: [String]

    public init(tokens: [Token], notes: [String] = []) {
        self.tokens = tokens
        self.notes = notes
    }

    /// The tokens joined by spaces.
    public var text: String { tokens.map(\.text).joined(separator: " ") }
}
