import Foundation
public import VetterCore

/// The screening engine: an index over every name and alias of a set of list entries, and the scorer.
///
/// **How a score is made.** Query and listed name are normalised (``NameNormalizer``) into words. Each word
/// weighs its inverse document frequency in the loaded lists, so "Hikvision" weighs much and "Technology",
/// "Beijing" or "Trading" little; legal forms and stop words weigh almost nothing. Words are aligned one to one
/// (exact, within one or two typing errors, same transliteration skeleton, initial, or two words written as
/// one). Then
///
///     alignedShare   = Σ weight of aligned query words / Σ weight of query words
///     quality        = Σ similarity × weight of aligned query words / Σ weight of aligned query words
///     listedCoverage = Σ similarity × weight of aligned listed words / Σ weight of listed words
///     nameScore      = alignedShare² × quality × (0.6 + 0.4 × listedCoverage)
///
/// A query word the list does not know is evidence of another party (it weighs like the rarest word), so it
/// pulls the score down hard; a listed word the query leaves out (a city prefix, a middle name, "Technology")
/// costs less. Context then adjusts the name score: a country conflict × 0.92, a type conflict × 0.85, a weak
/// alias × 0.9, a country match + 0.02. The score of an entry is that of its best name. Scores are comparable
/// across queries: 1 is the same words, and ``defaultThreshold`` was chosen on the evaluation set.
///
/// **Why it is fast.** Words are looked up, not compared with every name: exact words through a dictionary,
/// typing errors through a deletion neighbourhood (every word with one or two letters deleted, so that the
/// first letter may be wrong too), transliteration variants through their skeleton. Query words are taken
/// rarest first, and candidate collection stops as soon as the words not yet taken could not lift any other
/// name over the threshold; initials and words joined or split differently have look-ups of their own, so that
/// stopping never loses a name the scorer would keep (``collectCandidates(_:minimum:)``).
public final class ScreeningIndex: Sendable {
    /// The threshold chosen on the development set (see the README for its figures).
    public static let defaultThreshold = 0.75

    public let entries: [ListEntry]

    /// One indexed name; its words are `nameTokens[start..<start+count]` (flat arrays keep the hot loop free
    /// of reference counting).
    struct NameRecord: Sendable {
        var entry: Int32
        /// -1 for the primary name, else the alias index.
        var alias: Int32
        var start: Int32
        var count: Int32
        /// The position in the name of its family name's first word, for a person listed "SURNAME, Given"
        /// (``familyNamePosition(_:)``); -1 when the name does not say.
        var familyName: Int32
        var isWeak: Bool
    }

    /// A name's words, borrowed from the flat arrays for the time of one screen.
    struct Name {
        /// The name's position in ``names``.
        var index: Int32
        var entry: Int32
        var alias: Int32
        var tokens: UnsafeBufferPointer<Int32>
        var kinds: UnsafeBufferPointer<Token.Kind>
        var familyName: Int32
        var isWeak: Bool
    }

    let names: [NameRecord]
    let nameTokens: [Int32]
    let nameKinds: [Token.Kind]
    let tokenLengths: [Int32]
    let tokenFirstBytes: [UInt8]
    /// Whether each token is one of ``LegalForms/addedWords`` (an honorific, "branch").
    let tokenIsAdded: [Bool]
    /// Whether each word is a number: digits only.
    let tokenIsNumber: [Bool]
    let vocabulary: [String: Int32]
    let tokenBytes: [[UInt8]]
    let tokenSkeletons: [[UInt8]]
    let weights: [Double]
    let postings: [[Int32]]
    /// Deletion neighbourhood: an open-addressing table from the hash of every indexed word with letters
    /// deleted to the run of ``deletionTokens`` (words it came from) that starts at ``deletionStarts``.
    let deletionSlots: [UInt64]
    let deletionStarts: [Int32]
    let deletionCounts: [Int32]
    let deletionTokens: [Int32]
    let skeletons: [UInt64: [Int32]]
    /// Words by their consonants alone (``Similarity/consonants(_:)``, two or more): every word of three letters or
    /// more, for a query romanised from Hebrew or Arabic; and the listed words written without vowels, for a query
    /// in Latin letters.
    let consonantSkeletons: FlatMultimap
    let vowellessSkeletons: FlatMultimap
    /// What the scorer's alignments beyond word for word can reach, so that candidate collection reaches it too
    /// (see ``collectCandidates(_:minimum:)``): the distinct adjacent word pairs of the names (`pairFirst`,
    /// `pairSecond`, the names holding each in `pairPostings`) filed by their joined letters; the words by their
    /// letters; each name by its words' letters joined; and, per first byte, the names with a one-letter word.
    let pairKeys: OneEditKeys
    let pairLetters: FlatStrings
    let pairPostings: FlatRuns
    let wordKeys: OneEditKeys
    /// The words' letters in one buffer, for the look-ups above (no array retained per word).
    let tokenLetters: FlatStrings
    let wholeKeys: OneEditKeys
    let wholeLetters: FlatStrings
    let initialPostings: [[Int32]]
    /// Per name, a bit (``initialBit(_:)``) for each first byte of its one-letter words.
    let initialMasks: [UInt64]
    /// Each name's total weight, as the scorer sums it (``listedWeight(_:_:)``): what a listed name's coverage is a
    /// share of.
    let nameWeights: [Double]
    /// The most any occurrence of each token weighs in a listed name.
    let tokenListedWeights: [Double]
    /// The most a one-letter listed word weighs, by its letter.
    let initialListedWeights: [Double]
    let entrySources: [ListSource]
    let entryTypes: [PartyType]
    let entryCountries: [[String]]
    /// Each entry's countries as two-letter codes packed in a `UInt16`, flat: entry `e` has
    /// `countryCodes[countryStarts[e]..<countryStarts[e + 1]]` (no reference counting in the scorer).
    let countryCodes: [UInt16]
    let countryStarts: [Int32]
    /// Each listed person's dates of birth (empty for others and when none is listed).
    let entryBirthDates: [[BirthDate]]
    /// Identifier key (``Identifier/key(_:)``) → the entries that carry it, in order.
    let identifierEntries: [String: [Int32]]
    /// The names of entry `e` are `names[entryNameStarts[e]..<entryNameStarts[e + 1]]`.
    let entryNameStarts: [Int32]
    let unknownWordWeight: Double
    public let buildSeconds: Double
    /// The entries are summaries read from a snapshot (id, list, type, names, countries, dates of birth, identity
    /// documents): fetch full entries from the store for what is shown.
    public let isSummary: Bool
    public let parameters: MatchParameters

    /// What an index is made of, before what can be derived from it: built from entries by
    /// ``init(entries:parameters:)`` or read back from a snapshot (``IndexSnapshot``).
    struct Core {
        var entries: [ListEntry]
        var names: [NameRecord]
        var nameTokens: [Int32]
        var nameKinds: [Token.Kind]
        var tokenTexts: [String]
        var weights: [Double]
        var deletionSlots: [UInt64]
        var deletionStarts: [Int32]
        var deletionCounts: [Int32]
        var deletionTokens: [Int32]
        var unknownWordWeight: Double
    }

    /// Indexes every name and alias of `entries`.
    public convenience init(entries: [ListEntry], parameters: MatchParameters = MatchParameters()) {
        let start = Date()
        self.init(core: Self.build(entries: entries, parameters: parameters), parameters: parameters, since: start)
    }

    init(core: Core, parameters: MatchParameters, since start: Date, isSummary: Bool = false) {
        self.entries = core.entries
        self.isSummary = isSummary
        self.parameters = parameters
        self.names = core.names
        self.nameTokens = core.nameTokens
        self.nameKinds = core.nameKinds
        self.weights = core.weights
        self.deletionSlots = core.deletionSlots
        self.deletionStarts = core.deletionStarts
        self.deletionCounts = core.deletionCounts
        self.deletionTokens = core.deletionTokens
        self.unknownWordWeight = core.unknownWordWeight
        let tokenBytes = core.tokenTexts.map { Array($0.utf8) }
        self.tokenBytes = tokenBytes
        self.tokenLengths = tokenBytes.map { Int32($0.count) }
        self.tokenFirstBytes = tokenBytes.map { $0.first ?? 0 }
        self.tokenIsAdded = core.tokenTexts.map(LegalForms.addedWords.contains)
        self.tokenIsNumber = tokenBytes.map(Self.isNumber)
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(core.tokenTexts.count)
        for (id, text) in core.tokenTexts.enumerated() { vocabulary[text] = Int32(id) }
        self.vocabulary = vocabulary
        var skeletons: [UInt64: [Int32]] = [:]
        var tokenSkeletons: [[UInt8]] = []
        tokenSkeletons.reserveCapacity(tokenBytes.count)
        for (id, bytes) in tokenBytes.enumerated() {
            let skeleton = Similarity.skeleton(bytes)
            tokenSkeletons.append(skeleton)
            if bytes.count >= 4 && skeleton.count >= 3 {
                skeletons[Self.hash(skeleton[...]), default: []].append(Int32(id))
            }
        }
        self.tokenSkeletons = tokenSkeletons
        self.skeletons = skeletons
        var consonantSkeletons: [(key: UInt64, item: Int32)] = [], vowellessSkeletons: [(key: UInt64, item: Int32)] = []
        for (id, bytes) in tokenBytes.enumerated() where bytes.count >= 3 {
            let consonants = Similarity.consonants(tokenSkeletons[id])
            guard consonants.count >= 2 else { continue }
            let key = Self.hash(consonants)
            consonantSkeletons.append((key, Int32(id)))
            if !Similarity.hasVowel(bytes) { vowellessSkeletons.append((key, Int32(id))) }
        }
        self.consonantSkeletons = FlatMultimap(consonantSkeletons)
        self.vowellessSkeletons = FlatMultimap(vowellessSkeletons)
        var postings = [[Int32]](repeating: [], count: tokenBytes.count)
        for (index, record) in core.names.enumerated() {
            for position in Int(record.start)..<Int(record.start + record.count) {
                let id = Int(core.nameTokens[position])
                if postings[id].last != Int32(index) { postings[id].append(Int32(index)) }
            }
        }
        self.postings = postings
        var pairIDs: [UInt64: Int32] = [:]
        var pairLetters = FlatStrings(), pairPostings: [[Int32]] = []
        var initialPostings = [[Int32]](repeating: [], count: 256)
        var initialMasks = [UInt64](repeating: 0, count: core.names.count)
        var wholeLetters = FlatStrings()
        for (index, record) in core.names.enumerated() {
            let range = Int(record.start)..<Int(record.start + record.count)
            var whole: [UInt8] = []
            for position in range {
                let id = Int(core.nameTokens[position])
                if Self.spells(core.nameKinds[position], added: tokenIsAdded[id]) { whole += tokenBytes[id] }
                if core.nameKinds[position] == .word {
                    if tokenBytes[id].count == 1, initialPostings[Int(tokenBytes[id][0])].last != Int32(index) {
                        initialPostings[Int(tokenBytes[id][0])].append(Int32(index))
                    }
                    if tokenBytes[id].count == 1 { initialMasks[index] |= Self.initialBit(tokenBytes[id][0]) }
                }
                guard position + 1 < range.upperBound, Self.joins(core.nameKinds[position]),
                    Self.joins(core.nameKinds[position + 1])
                else { continue }
                let next = Int(core.nameTokens[position + 1])
                let key = UInt64(id) << 32 | UInt64(next)
                let pair: Int
                if let known = pairIDs[key] {
                    pair = Int(known)
                } else {
                    pair = pairPostings.count
                    pairIDs[key] = Int32(pair)
                    pairLetters.append(tokenBytes[id] + tokenBytes[next])
                    pairPostings.append([])
                }
                if pairPostings[pair].last != Int32(index) { pairPostings[pair].append(Int32(index)) }
            }
            wholeLetters.append(whole)
        }
        self.pairLetters = pairLetters
        var flatPairPostings = FlatRuns()
        for names in pairPostings { flatPairPostings.append(names) }
        self.pairPostings = flatPairPostings
        self.pairKeys = OneEditKeys(pairLetters.indices.lazy.map { (pairLetters[$0], Int32($0)) })
        var tokenLetters = FlatStrings()
        for bytes in tokenBytes { tokenLetters.append(bytes) }
        self.tokenLetters = tokenLetters
        self.wordKeys = OneEditKeys(tokenBytes.indices.lazy.map { (tokenBytes[$0], Int32($0)) })
        self.wholeLetters = wholeLetters
        self.wholeKeys = OneEditKeys(wholeLetters.indices.lazy.map { (wholeLetters[$0], Int32($0)) })
        self.initialPostings = initialPostings
        self.initialMasks = initialMasks
        var entryCountries: [[String]] = []
        entryCountries.reserveCapacity(core.entries.count)
        for entry in core.entries {
            var countries = entry.countries
            for address in entry.addresses {
                if let country = address.country, country.count == 2, !countries.contains(country) {
                    countries.append(country)
                }
            }
            entryCountries.append(countries)
        }
        self.entrySources = core.entries.map(\.source)
        self.entryTypes = core.entries.map(\.type)
        self.entryCountries = entryCountries
        var codes: [UInt16] = []
        var codeStarts: [Int32] = [0]
        for countries in entryCountries {
            codes.append(contentsOf: countries.map(Self.pack))
            codeStarts.append(Int32(codes.count))
        }
        self.countryCodes = codes
        self.countryStarts = codeStarts
        self.entryBirthDates = core.entries.map { entry in
            entry.type == .individual ? entry.datesOfBirth.flatMap(BirthDate.listed) : []
        }
        var identifierEntries: [String: [Int32]] = [:]
        for (position, entry) in core.entries.enumerated() {
            for document in entry.identityDocuments {
                guard let key = Identifier.key(document.number), identifierEntries[key]?.last != Int32(position) else {
                    continue
                }
                identifierEntries[key, default: []].append(Int32(position))
            }
        }
        self.identifierEntries = identifierEntries
        var nameStarts = [Int32](repeating: 0, count: core.entries.count + 1)
        for record in core.names { nameStarts[Int(record.entry) + 1] += 1 }
        for position in nameStarts.indices.dropFirst() { nameStarts[position] += nameStarts[position - 1] }
        self.entryNameStarts = nameStarts
        var nameWeights = [Double](repeating: 0, count: core.names.count)
        var tokenListedWeights = [Double](repeating: 0, count: tokenBytes.count)
        for (index, record) in core.names.enumerated() {
            for position in Int(record.start)..<Int(record.start + record.count) {
                let id = Int(core.nameTokens[position])
                let weight = Self.listedWeight(
                    core.nameKinds[position], length: tokenBytes[id].count, first: tokenBytes[id].first ?? 0,
                    weight: core.weights[id], parameters: parameters)
                nameWeights[index] += weight
                tokenListedWeights[id] = max(tokenListedWeights[id], weight)
            }
        }
        var initialListedWeights = [Double](repeating: 0, count: 256)
        for (id, bytes) in tokenBytes.enumerated() where bytes.count == 1 {
            initialListedWeights[Int(bytes[0])] = max(initialListedWeights[Int(bytes[0])], tokenListedWeights[id])
        }
        self.nameWeights = nameWeights
        self.tokenListedWeights = tokenListedWeights
        self.initialListedWeights = initialListedWeights
        self.buildSeconds = Date().timeIntervalSince(start)
    }

    /// Particles that open family names ("BIN LADIN", "ABU ALI", "VAN DER BERG") without being the family's name;
    /// shorter ones ("al", "de", "la") are passed over by their length.
    static let familyNameParticles: Set<String> = [
        "bin", "ibn", "ben", "bint", "abu", "abd", "van", "ver", "ter", "ten",
    ]

    /// The position among `tokens` (the normalised `text`) of the family name's first word, when a person's name
    /// is written "SURNAME, Given" as OFAC and BIS write it: the first word of three letters or more of the part
    /// before the comma that is not a particle ("VALDEZ RODRIGUEZ, Manuel Arturo" → "valdez").
    static func familyNamePosition(_ text: String, _ tokens: [Token]) -> Int? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, !String(parts[1]).trimmed.isEmpty else { return nil }
        let family = NameNormalizer.normalize(String(parts[0]), isPerson: true).tokens
        guard !family.isEmpty, family.count < tokens.count,
            zip(family, tokens).allSatisfy({ $0.text == $1.text })
        else { return nil }
        return family.indices.first {
            family[$0].kind == .word && family[$0].text.utf8.count >= 3
                && !familyNameParticles.contains(family[$0].text)
        }
    }

    /// Normalises every name, counts word frequencies and builds the deletion neighbourhood.
    static func build(entries: [ListEntry], parameters: MatchParameters) -> Core {
        var vocabulary: [String: Int32] = [:]
        var tokenTexts: [String] = []
        var documentFrequency: [Int32] = []
        var names: [NameRecord] = []
        var nameTokens: [Int32] = []
        var nameKinds: [Token.Kind] = []
        var lastEntryOfToken: [Int32] = []
        for (entryIndex, entry) in entries.enumerated() {
            // A name that writes former names ("X (ex Y)") is indexed whole and as each of its names.
            let texts = entry.allNames.enumerated().flatMap { aliasIndex, item in
                let split = NameCleaner.formerNames(item.name)
                return ([item.name] + (split.map { [$0.name] + $0.former } ?? [])).map { (aliasIndex, item, $0) }
            }
            for (aliasIndex, item, text) in texts {
                let normalized = NameNormalizer.normalize(text, isPerson: entry.type == .individual)
                guard !normalized.tokens.isEmpty else { continue }
                var ids: [Int32] = []
                ids.reserveCapacity(normalized.tokens.count)
                for token in normalized.tokens {
                    let id: Int32
                    if let existing = vocabulary[token.text] {
                        id = existing
                    } else {
                        id = Int32(tokenTexts.count)
                        vocabulary[token.text] = id
                        tokenTexts.append(token.text)
                        documentFrequency.append(0)
                        lastEntryOfToken.append(-1)
                    }
                    ids.append(id)
                    if lastEntryOfToken[Int(id)] != Int32(entryIndex) {
                        lastEntryOfToken[Int(id)] = Int32(entryIndex)
                        documentFrequency[Int(id)] += 1
                    }
                }
                let familyName = entry.type == .individual ? familyNamePosition(text, normalized.tokens) : nil
                names.append(
                    NameRecord(
                        entry: Int32(entryIndex), alias: Int32(aliasIndex - 1),
                        start: Int32(nameTokens.count), count: Int32(ids.count), familyName: Int32(familyName ?? -1),
                        isWeak: item.alias?.isWeak ?? false))
                nameTokens.append(contentsOf: ids)
                nameKinds.append(contentsOf: normalized.tokens.map(\.kind))
            }
        }
        let total = Double(max(entries.count, 1))
        let weights = documentFrequency.map { pow(log(1 + total / Double($0)), parameters.idfExponent) }
        var pairs: [(hash: UInt64, token: Int32)] = []
        pairs.reserveCapacity(tokenTexts.count * 24)
        for (id, text) in tokenTexts.enumerated() {
            Self.forEachDeletionHash(Array(text.utf8)) { pairs.append(($0, Int32(id))) }
        }
        pairs.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.token < $1.token }
        var deletionTokens: [Int32] = []
        deletionTokens.reserveCapacity(pairs.count)
        var runs: [(hash: UInt64, start: Int32, count: Int32)] = []
        for pair in pairs {
            if let last = runs.last, last.hash == pair.hash {
                if deletionTokens.last == pair.token { continue }
                runs[runs.count - 1].count += 1
            } else {
                runs.append((pair.hash, Int32(deletionTokens.count), 1))
            }
            deletionTokens.append(pair.token)
        }
        var capacity = 16
        while capacity < runs.count * 2 { capacity <<= 1 }
        var slots = [UInt64](repeating: 0, count: capacity)
        var starts = [Int32](repeating: 0, count: capacity)
        var counts = [Int32](repeating: 0, count: capacity)
        for run in runs {
            var slot = Int(truncatingIfNeeded: run.hash) & (capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = run.hash
            starts[slot] = run.start
            counts[slot] = run.count
        }
        return Core(
            entries: entries, names: names, nameTokens: nameTokens, nameKinds: nameKinds, tokenTexts: tokenTexts,
            weights: weights, deletionSlots: slots, deletionStarts: starts, deletionCounts: counts,
            deletionTokens: deletionTokens, unknownWordWeight: pow(log(1 + total / 0.5), parameters.idfExponent))
    }

    /// The bit of ``initialMasks`` for a first byte: one per letter and digit, one for the rest.
    /// Digits only: a hull, unit or branch number, which tells two parties of the same name apart.
    static func isNumber(_ bytes: some Sequence<UInt8>) -> Bool {
        var any = false
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return false }
            any = true
        }
        return any
    }

    static func initialBit(_ byte: UInt8) -> UInt64 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): 1 << UInt64(byte - UInt8(ascii: "a"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): 1 << UInt64(26 + byte - UInt8(ascii: "0"))
        default: 1 << 63
        }
    }

    static func pack(_ country: String) -> UInt16 {
        let bytes = Array(country.utf8)
        return bytes.count == 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : 0
    }

    /// Number of names and aliases indexed.
    public var nameCount: Int { names.count }
}
