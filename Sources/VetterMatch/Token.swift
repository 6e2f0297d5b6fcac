/// One word of a normalised name.
public struct Token: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A word that can identify a party.
        case word
        /// A canonical legal form (`ltd`, `llc`, `jsc` …): weak evidence, never the match.
        case legalForm = "legal_form"
        /// An article or preposition: kept for display, nearly weightless.
        case stopWord = "stop_word"
        /// A province or city ("Hangzhou", "Zhejiang"): context with a small fixed weight (``Places``).
        case place
        /// A Russian, Ukrainian or Belarusian patronymic ("Vladimirovich", "Petrovna"): the father's given name,
        /// which lists and customers' records as often leave out as write; a small fixed weight
        /// (``MatchParameters/patronymicWeight``).
        case patronymic
    }

    /// Lowercase ASCII.
    public var text: String
    public var kind: Kind
    /// Other renderings that count as this word: a Chinese word with two usual translations ("航空":
    /// aviation or aeronautics).
    public var alternatives: [String]
    /// Produced by romanising Chinese characters: a machine transliteration has no typing errors, so the word
    /// is compared exactly (its alternatives aside).
    public var isExact: Bool
    /// Romanised from a script that writes consonants and leaves most vowels out (Hebrew, Arabic, Persian,
    /// Syriac): "zpryrym" for צפרירים, "Zafririm". Such a word is compared by its consonants
    /// (``Similarity/skeleton(_:)``), not letter by letter.
    public var isConsonantal: Bool

    public init(
        _ text: String, kind: Kind = .word, alternatives: [String] = [], isExact: Bool = false,
        isConsonantal: Bool = false
    ) {
        self.text = text
        self.kind = kind
        self.alternatives = alternatives
        self.isExact = isExact
        self.isConsonantal = isConsonantal
    }
}

/// A name after normalisation, with a record of what was changed on the way.
public struct NormalizedName: Sendable, Codable, Hashable {
    public var tokens: [Token]
    /// Steps that changed the name, for explanations: "Cyrillic romanised (BGN)", "'Co., Ltd.' → ltd" …
    public var notes: [String]
    /// A person's name written in Chinese characters: surname and one given name, no middle names, so a listed
    /// name with further words is another person.
    public var isChinesePersonName: Bool

    public init(tokens: [Token], notes: [String] = [], isChinesePersonName: Bool = false) {
        self.tokens = tokens
        self.notes = notes
        self.isChinesePersonName = isChinesePersonName
    }

    /// The tokens joined by spaces.
    public var text: String { tokens.map(\.text).joined(separator: " ") }
}
