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
/// name over the threshold.
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
        var isWeak: Bool
    }

    /// A name's words, borrowed from the flat arrays for the time of one screen.
    struct Name {
        var entry: Int32
        var alias: Int32
        var tokens: UnsafeBufferPointer<Int32>
        var kinds: UnsafeBufferPointer<Token.Kind>
        var isWeak: Bool
    }

    let names: [NameRecord]
    let nameTokens: [Int32]
    let nameKinds: [Token.Kind]
    let tokenLengths: [Int32]
    let tokenFirstBytes: [UInt8]
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
    let entrySources: [ListSource]
    let entryTypes: [PartyType]
    let entryCountries: [[String]]
    /// Each entry's countries as two-letter codes packed in a `UInt16`, flat: entry `e` has
    /// `countryCodes[countryStarts[e]..<countryStarts[e + 1]]` (no reference counting in the scorer).
    let countryCodes: [UInt16]
    let countryStarts: [Int32]
    let unknownWordWeight: Double
    public let buildSeconds: Double
    /// The entries are summaries read from a snapshot (id, list, type, names, countries): fetch full entries from
    /// the store for what is shown.
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
        var postings = [[Int32]](repeating: [], count: tokenBytes.count)
        for (index, record) in core.names.enumerated() {
            for position in Int(record.start)..<Int(record.start + record.count) {
                let id = Int(core.nameTokens[position])
                if postings[id].last != Int32(index) { postings[id].append(Int32(index)) }
            }
        }
        self.postings = postings
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
        self.buildSeconds = Date().timeIntervalSince(start)
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
            for (aliasIndex, item) in entry.allNames.enumerated() {
                let normalized = NameNormalizer.normalize(item.name, isPerson: entry.type == .individual)
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
                names.append(
                    NameRecord(
                        entry: Int32(entryIndex), alias: Int32(aliasIndex - 1),
                        start: Int32(nameTokens.count), count: Int32(ids.count), isWeak: item.alias?.isWeak ?? false))
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

    static func pack(_ country: String) -> UInt16 {
        let bytes = Array(country.utf8)
        return bytes.count == 2 ? UInt16(bytes[0]) << 8 | UInt16(bytes[1]) : 0
    }

    /// Number of names and aliases indexed.
    public var nameCount: Int { names.count }

    // MARK: - Keys

    /// FNV-1a over `bytes`, skipping the positions `skip1` and `skip2` (-1 for none); never 0, which marks an
    /// empty slot.
    @inline(__always)
    static func hash(_ bytes: ArraySlice<UInt8>, skipping skip1: Int = -1, _ skip2: Int = -1) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var position = bytes.startIndex
        for byte in bytes {
            if position != skip1 && position != skip2 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            position += 1
        }
        return (hash ^ (hash >> 29)) | 1
    }

    /// Calls `body` with the hash of the word and of every variant with up to
    /// ``Similarity/indexedDeletions(_:)`` letters deleted (repeats possible, harmless to a lookup).
    static func forEachDeletionHash(_ bytes: [UInt8], _ body: (UInt64) -> Void) {
        let slice = bytes[...]
        body(hash(slice))
        let edits = Similarity.indexedDeletions(bytes.count)
        guard edits >= 1 else { return }
        for i in 0..<bytes.count {
            body(hash(slice, skipping: i))
            if edits >= 2 {
                for j in (i + 1)..<bytes.count { body(hash(slice, skipping: i, j)) }
            }
        }
    }

    /// The words indexed under a deletion hash.
    func tokens(deletionHash: UInt64, into result: inout [Int32]) {
        let mask = deletionSlots.count - 1
        var slot = Int(truncatingIfNeeded: deletionHash) & mask
        while deletionSlots[slot] != 0 {
            if deletionSlots[slot] == deletionHash {
                let start = Int(deletionStarts[slot])
                result.append(contentsOf: deletionTokens[start..<start + Int(deletionCounts[slot])])
                return
            }
            slot = (slot + 1) & mask
        }
    }

    // MARK: - Query

    struct QueryWord {
        var text: String
        var bytes: [UInt8]
        var kind: Token.Kind
        var weight: Double
        /// Vocabulary words this query word may be, and their similarity (parallel arrays, scanned linearly:
        /// they hold a handful of words).
        var similarIDs: [Int32]
        var similarValues: [Double]
        /// Bit `id % 64` set for every similar id: rejects most non-matches without a scan.
        var mask: UInt64
        var length: Int { bytes.count }
        var first: UInt8 { bytes.first ?? 0 }

        init(
            text: String, bytes: [UInt8], kind: Token.Kind, weight: Double, similarIDs: [Int32], similarValues: [Double]
        ) {
            self.text = text
            self.bytes = bytes
            self.kind = kind
            self.weight = weight
            self.similarIDs = similarIDs
            self.similarValues = similarValues
            self.mask = similarIDs.reduce(0) { $0 | (1 << UInt64($1 & 63)) }
        }

        @inline(__always)
        func similarity(to id: Int32) -> Double? {
            guard mask & (1 << UInt64(id & 63)) != 0 else { return nil }
            for index in similarIDs.indices where similarIDs[index] == id { return similarValues[index] }
            return nil
        }
    }

    /// The query words' hot fields in flat, manually managed buffers for the time of one screen, so that the
    /// scorer's inner loop reads plain memory.
    struct QueryTables {
        let count: Int
        let weight: UnsafeMutableBufferPointer<Double>
        let kind: UnsafeMutableBufferPointer<Token.Kind>
        let length: UnsafeMutableBufferPointer<Int>
        let first: UnsafeMutableBufferPointer<UInt8>
        let mask: UnsafeMutableBufferPointer<UInt64>
        let similarStart: UnsafeMutableBufferPointer<Int>
        let similarIDs: UnsafeMutableBufferPointer<Int32>
        let similarValues: UnsafeMutableBufferPointer<Double>
        let hasLegalForm: Bool

        init(_ words: [QueryWord]) {
            count = words.count
            weight = .allocate(capacity: count)
            kind = .allocate(capacity: count)
            length = .allocate(capacity: count)
            first = .allocate(capacity: count)
            mask = .allocate(capacity: count)
            similarStart = .allocate(capacity: count + 1)
            let total = words.reduce(0) { $0 + $1.similarIDs.count }
            similarIDs = .allocate(capacity: max(1, total))
            similarValues = .allocate(capacity: max(1, total))
            var offset = 0
            for (q, word) in words.enumerated() {
                weight[q] = word.weight
                kind[q] = word.kind
                length[q] = word.length
                first[q] = word.first
                mask[q] = word.mask
                similarStart[q] = offset
                for (id, value) in zip(word.similarIDs, word.similarValues) {
                    similarIDs[offset] = id
                    similarValues[offset] = value
                    offset += 1
                }
            }
            similarStart[count] = offset
            hasLegalForm = words.contains { $0.kind == .legalForm }
        }

        func deallocate() {
            weight.deallocate(); kind.deallocate(); length.deallocate(); first.deallocate(); mask.deallocate()
            similarStart.deallocate(); similarIDs.deallocate(); similarValues.deallocate()
        }

        @inline(__always)
        func similarity(_ q: Int, to id: Int32) -> Double? {
            guard mask[q] & (1 << UInt64(id & 63)) != 0 else { return nil }
            for index in similarStart[q]..<similarStart[q + 1] where similarIDs[index] == id {
                return similarValues[index]
            }
            return nil
        }
    }

    func prepare(_ normalized: NormalizedName, session: Session?) -> [QueryWord] {
        normalized.tokens.map { token in
            let key = token.isExact || !token.alternatives.isEmpty ? nil : token.text
            if let key, let cached = session?.words[key], cached.kind == token.kind { return cached }
            let word = prepare(token)
            if let key, let session {
                if session.words.count >= Session.capacity { session.words.removeAll(keepingCapacity: true) }
                session.words[key] = word
            }
            return word
        }
    }

    func prepare(_ token: Token) -> QueryWord {
        do {
            let bytes = Array(token.text.utf8)
            var ids: [Int32] = []
            var values: [Double] = []
            let known = vocabulary[token.text]
            if let known {
                ids.append(known)
                values.append(1)
            }
            for alternative in token.alternatives {
                if let id = vocabulary[alternative], !ids.contains(id) {
                    ids.append(id)
                    values.append(1)
                }
            }
            if (token.kind == .word || token.kind == .place) && bytes.count >= 3 && !token.isExact {
                let skeleton = Similarity.skeleton(bytes)
                var candidates: [Int32] = []
                Self.forEachDeletionHash(bytes) { tokens(deletionHash: $0, into: &candidates) }
                if bytes.count >= 4 && skeleton.count >= 3, let more = skeletons[Self.hash(skeleton[...])] {
                    candidates.append(contentsOf: more)
                }
                candidates.sort()
                var previous: Int32 = -1
                for id in candidates where id != previous {
                    previous = id
                    if ids.contains(id) { continue }
                    let similarity = Similarity.words(
                        bytes, tokenBytes[Int(id)], skeletonA: skeleton,
                        skeletonB: tokenSkeletons[Int(id)])
                    if similarity > 0 {
                        ids.append(id)
                        values.append(similarity)
                    }
                }
            }
            let weight: Double =
                switch token.kind {
                case .legalForm: parameters.legalFormWeight
                case .stopWord: parameters.stopWordWeight
                case .word where bytes.count == 1 && bytes[0] >= UInt8(ascii: "a"): parameters.initialWeight
                case .word: known.map { weights[Int($0)] } ?? misspeltWeight(ids, values)
                case .place: parameters.placeWeight
                }
            return QueryWord(
                text: token.text, bytes: bytes, kind: token.kind, weight: weight, similarIDs: ids,
                similarValues: values)
        }
    }

    /// The weight of a query word the lists do not contain: that of the listed word it most resembles (a
    /// misspelt "Technologv" weighs what "Technology" weighs), or, with no resemblance, that of the rarest word.
    func misspeltWeight(_ ids: [Int32], _ values: [Double]) -> Double {
        var best = -1.0, weight = unknownWordWeight
        for (id, value) in zip(ids, values) where value > best || (value == best && weights[Int(id)] > weight) {
            best = value
            weight = weights[Int(id)]
        }
        return weight
    }

    /// Per-thread memory of query words already looked up, for batch screening: the words of company names
    /// repeat ("Technology", "Trading", "Ltd"), and their typo neighbourhoods cost more than the rest of a
    /// screen. Not thread-safe: one per worker.
    public final class Session {
        static let capacity = 50_000
        var words: [String: QueryWord] = [:]

        public init() {}
    }

    /// The query's most distinctive word and its share of the query's total weight, as this index weighs them.
    /// A name can only reach a score of `s` if words carrying at least √(s − country bonus) of its weight align,
    /// so when the key word's share exceeds the rest, no match is possible without it: re-screening uses this
    /// to skip parties a list change cannot affect.
    ///
    /// A key word this index does not know, nor any near spelling of, can still align through the compound
    /// and whole-name rules ("Al Afy" / "Alfay"): it is reported with a share of 0, so that the caller treats
    /// the name as one any change can affect.
    public func keyWord(of name: String, session: Session? = nil) -> (word: String, share: Double)? {
        let words = prepare(NameNormalizer.normalize(name), session: session)
        let total = words.reduce(0) { $0 + $1.weight }
        guard total > 0, let key = words.filter({ $0.kind == .word }).max(by: { $0.weight < $1.weight }) else {
            return nil
        }
        return (key.text, key.similarIDs.isEmpty ? 0 : key.weight / total)
    }

    /// Whether a word of this index is `word` or a near spelling of it (typing errors, transliteration).
    public func containsSimilarWord(_ word: String) -> Bool {
        !prepare(Token(word)).similarIDs.isEmpty
    }

    /// Indices of the entries with a name that shares a word, or a near spelling of one, with `name`: the
    /// entries whose screening against `name` could score at all. Used to find the watched parties a changed
    /// listing can affect.
    public func entriesSharingWords(with name: String) -> [Int] {
        let words = prepare(NameNormalizer.normalize(name), session: nil).filter {
            $0.kind == .word || $0.kind == .place
        }
        var result = Set<Int>()
        for word in words {
            for id in word.similarIDs {
                for nameIndex in postings[Int(id)] { result.insert(Int(names[Int(nameIndex)].entry)) }
            }
        }
        for index in words.indices.dropLast() {
            if let id = vocabulary[words[index].text + words[index + 1].text] {
                for nameIndex in postings[Int(id)] { result.insert(Int(names[Int(nameIndex)].entry)) }
            }
        }
        return result.sorted()
    }

    /// Screens one party.
    ///
    /// A name that carries its own aliases ("X (a.k.a. Y)") is screened under each, keeping the best score.
    /// - Parameter session: a per-thread ``Session`` to reuse word look-ups across the queries of a batch.
    public func screen(_ query: ScreeningQuery, session: Session? = nil) -> [ScreeningMatch] {
        let lowered = query.name.lowercased()
        guard lowered.contains("a.k.a") || lowered.contains("f.k.a") else { return screenOne(query, session: session) }
        let cleaned = NameCleaner.clean(query.name)
        var best: [Int: ScreeningMatch] = [:]
        for name in [cleaned.name] + cleaned.aliases.map(\.name) {
            var part = query
            part.name = name
            for match in screenOne(part, session: session) {
                let key = match.entry.id.hashValue ^ match.entry.source.hashValue
                if match.score > (best[key]?.score ?? -1) { best[key] = match }
            }
        }
        return Array(best.values.sorted { $0.score > $1.score }.prefix(query.limit))
    }

    func screenOne(_ query: ScreeningQuery, session: Session?) -> [ScreeningMatch] {
        nameTokens.withUnsafeBufferPointer { tokens in
            nameKinds.withUnsafeBufferPointer { kinds in
                screenOne(query, session: session, tokens: tokens, kinds: kinds)
            }
        }
    }

    func view(_ index: Int32, tokens: UnsafeBufferPointer<Int32>, kinds: UnsafeBufferPointer<Token.Kind>) -> Name {
        let record = names[Int(index)]
        let range = Int(record.start)..<Int(record.start + record.count)
        return Name(
            entry: record.entry, alias: record.alias, tokens: UnsafeBufferPointer(rebasing: tokens[range]),
            kinds: UnsafeBufferPointer(rebasing: kinds[range]), isWeak: record.isWeak)
    }

    func screenOne(
        _ query: ScreeningQuery, session: Session?, tokens: UnsafeBufferPointer<Int32>,
        kinds: UnsafeBufferPointer<Token.Kind>
    ) -> [ScreeningMatch] {
        let normalized = NameNormalizer.normalize(query.name, isPerson: query.type == .individual)
        let words = prepare(normalized, session: session)
        guard !words.isEmpty else { return [] }
        // No name can score more than alignedShare² plus the country bonus: collection may stop below that.
        let candidates = collectCandidates(words, minimum: query.threshold - parameters.countryMatchBonus - 1e-9)
        var best: [Int32: (score: Double, name: Int32)] = [:]
        let tables = QueryTables(words)
        defer { tables.deallocate() }
        for nameIndex in candidates {
            let name = view(nameIndex, tokens: tokens, kinds: kinds)
            if let sources = query.sources, !sources.contains(entrySources[Int(name.entry)]) { continue }
            if query.filterByCountry, let country = query.country, !entryCountries[Int(name.entry)].contains(country) {
                continue
            }
            let score = scoreName(
                words, tables, name, query: query, strictListed: normalized.isChinesePersonName, explanation: nil)
            if score >= query.threshold, score > (best[name.entry]?.score ?? -1) {
                best[name.entry] = (score, nameIndex)
            }
        }
        let ranked = best.sorted {
            $0.value.score != $1.value.score ? $0.value.score > $1.value.score : $0.key < $1.key
        }
        .prefix(query.limit)
        return ranked.map { entryIndex, value in
            var explanation = MatchExplanation(
                queryTokens: [], listedTokens: [], alignments: [], unmatchedQuery: [],
                unmatchedListed: [], queryCoverage: 0, listedCoverage: 0, nameScore: 0, adjustments: [],
                normalization: normalized.notes)
            let name = view(value.name, tokens: tokens, kinds: kinds)
            if query.explain {
                _ = withUnsafeMutablePointer(to: &explanation) {
                    scoreName(
                        words, tables, name, query: query, strictListed: normalized.isChinesePersonName,
                        explanation: $0)
                }
            }
            let entry = entries[Int(entryIndex)]
            let alias = name.alias >= 0 ? entry.aliases[Int(name.alias)] : nil
            return ScreeningMatch(
                entry: entry, score: (value.score * 1000).rounded() / 1000,
                matchedName: alias?.name ?? entry.name, matchedNameKind: alias?.kind.rawValue ?? "primary",
                matchedWeakAlias: alias?.isWeak ?? false, explanation: explanation)
        }
    }

    /// Names that could score at least `minimum`: rarest query words first, stopping when the words left could
    /// not lift a name that has none of the words taken so far.
    func collectCandidates(_ words: [QueryWord], minimum: Double) -> [Int32] {
        let total = words.reduce(0) { $0 + $1.weight }
        guard total > 0, words.count < 256 else { return [] }
        var order = words.indices.filter { !words[$0].similarIDs.isEmpty }.sorted {
            words[$0].weight > words[$1].weight
        }
        var remaining = total
        // (name << 8 | query word): which query words each candidate name shares.
        var pairs: [UInt64] = []
        // Two query words written as one listed word ("Hik Vision" / "Hikvision").
        for index in words.indices.dropLast() where words[index].kind == .word {
            if let id = vocabulary[words[index].text + words[index + 1].text] {
                for name in postings[Int(id)] {
                    pairs.append(UInt64(name) << 8 | UInt64(index))
                    pairs.append(UInt64(name) << 8 | UInt64(index + 1))
                }
            }
        }
        while !order.isEmpty {
            let ceiling = remaining / total
            if ceiling * ceiling < minimum { break }
            let index = order.removeFirst()
            for id in words[index].similarIDs {
                for name in postings[Int(id)] { pairs.append(UInt64(name) << 8 | UInt64(index)) }
            }
            remaining -= words[index].weight
        }
        pairs.sort()
        // Count filter: a name can align at most the query words it shares plus those not taken; when every
        // query word is a known word, a name whose share cannot reach the threshold is not scored.
        let filter = words.allSatisfy { !$0.similarIDs.isEmpty }
        var unique: [Int32] = []
        var position = 0
        while position < pairs.count {
            let name = pairs[position] >> 8
            var shared = 0.0
            var previousWord = -1
            while position < pairs.count && pairs[position] >> 8 == name {
                let word = Int(pairs[position] & 0xFF)
                if word != previousWord {
                    shared += words[word].weight
                    previousWord = word
                }
                position += 1
            }
            let bound = (shared + remaining) / total
            if !filter || bound * bound >= minimum { unique.append(Int32(name)) }
        }
        return unique
    }

    private func listedWeight(_ name: Name, _ position: Int) -> Double {
        switch name.kinds[position] {
        case .legalForm: parameters.legalFormWeight
        case .stopWord: parameters.stopWordWeight
        case .word:
            tokenLengths[Int(name.tokens[position])] == 1
                && tokenFirstBytes[Int(name.tokens[position])] >= UInt8(ascii: "a")
                ? parameters.initialWeight : weights[Int(name.tokens[position])]
        case .place: parameters.placeWeight
        }
    }

    /// The score of one listed name for a query, filling `explanation` when given.
    /// - Parameter strictListed: every listed word counts fully (a Chinese person's name has no middle names).
    private struct Pair {
        var q: Int32
        var l: Int32
        var similarity: Double
        var priority: Double
        var how: UInt8
    }

    private func scoreName(
        _ words: [QueryWord], _ tables: QueryTables, _ name: Name, query: ScreeningQuery,
        strictListed: Bool, explanation: UnsafeMutablePointer<MatchExplanation>?
    ) -> Double {
        let n = words.count, m = name.tokens.count
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: n + m) { matched in
            withUnsafeTemporaryAllocation(of: Pair.self, capacity: max(1, n * m)) { pairBuffer in
                matched.initialize(repeating: -1)  // -1: not aligned; else the similarity
                let queryMatched = UnsafeMutableBufferPointer(rebasing: matched[0..<n])
                let listedMatched = UnsafeMutableBufferPointer(rebasing: matched[n..<(n + m)])
                return scoreName(
                    words, tables, name, query: query, strictListed: strictListed, explanation: explanation,
                    queryMatched: queryMatched, listedMatched: listedMatched, pairBuffer: pairBuffer)
            }
        }
    }

    private func scoreName(
        _ words: [QueryWord], _ tables: QueryTables, _ name: Name, query: ScreeningQuery,
        strictListed: Bool, explanation: UnsafeMutablePointer<MatchExplanation>?,
        queryMatched: UnsafeMutableBufferPointer<Double>,
        listedMatched: UnsafeMutableBufferPointer<Double>, pairBuffer: UnsafeMutableBufferPointer<Pair>
    ) -> Double {
        let n = words.count, m = name.tokens.count
        let explaining = explanation != nil
        let queryHasLegalForm = tables.hasLegalForm
        var aligned: [(q: [Int], l: [Int], similarity: Double, how: UInt8)] = []
        // Candidate pairs.
        var pairCount = 0
        for q in 0..<n {
            let queryKind = tables.kind[q], queryLength = tables.length[q], queryFirst = tables.first[q]
            let queryWeight = tables.weight[q]
            for l in 0..<m {
                let id = name.tokens[l]
                var similarity = 0.0
                var how: UInt8 = 0
                if let value = tables.similarity(q, to: id) {
                    similarity = value
                    how = value == 1 ? 0 : value == 0.85 ? 2 : 1
                } else if queryKind == .word, name.kinds[l] == .word {
                    let listedLength = Int(tokenLengths[Int(id)])
                    // Initials: "J" for "Jorge" either way round.
                    if (queryLength == 1 || listedLength == 1) && queryLength + listedLength > 2
                        && queryFirst == tokenFirstBytes[Int(id)]
                    {
                        similarity = 0.6
                        how = 3
                    }
                }
                if similarity > 0 {
                    pairBuffer[pairCount] = Pair(
                        q: Int32(q), l: Int32(l), similarity: similarity,
                        priority: similarity * (queryWeight + listedWeight(name, l)), how: how)
                    pairCount += 1
                }
            }
        }
        var pairs = UnsafeMutableBufferPointer(rebasing: pairBuffer[0..<pairCount])
        pairs.sort { $0.priority > $1.priority }
        var unalignedQuery = n, unalignedListed = m
        for pair in pairs where queryMatched[Int(pair.q)] < 0 && listedMatched[Int(pair.l)] < 0 {
            queryMatched[Int(pair.q)] = pair.similarity
            listedMatched[Int(pair.l)] = pair.similarity
            unalignedQuery -= 1
            unalignedListed -= 1
            if explaining { aligned.append(([Int(pair.q)], [Int(pair.l)], pair.similarity, pair.how)) }
        }
        // Compounds among what is left: two adjacent words on one side written as one on the other.
        if unalignedQuery > 0 && unalignedListed > 0 {
            for q in 0..<n where queryMatched[q] < 0 && tables.kind[q] == .word && tables.length[q] >= 4 {
                for l in 0..<max(0, m - 1) where listedMatched[l] < 0 && listedMatched[l + 1] < 0 {
                    let lengths = Int(tokenLengths[Int(name.tokens[l])] + tokenLengths[Int(name.tokens[l + 1])])
                    guard abs(lengths - tables.length[q]) <= 1 else { continue }
                    let first = tokenBytes[Int(name.tokens[l])], second = tokenBytes[Int(name.tokens[l + 1])]
                    let similarity = compoundSimilarity(words[q].bytes, first + second)
                    if similarity > 0 {
                        queryMatched[q] = similarity; listedMatched[l] = similarity; listedMatched[l + 1] = similarity
                        unalignedQuery -= 1; unalignedListed -= 2
                        if explaining { aligned.append(([q], [l, l + 1], similarity, 4)) }
                        break
                    }
                }
            }
            for l in 0..<m
            where listedMatched[l] < 0 && name.kinds[l] == .word && tokenLengths[Int(name.tokens[l])] >= 4 {
                let listedLength = Int(tokenLengths[Int(name.tokens[l])])
                for q in 0..<max(0, n - 1) where queryMatched[q] < 0 && queryMatched[q + 1] < 0 {
                    guard abs(tables.length[q] + tables.length[q + 1] - listedLength) <= 1 else { continue }
                    let listed = tokenBytes[Int(name.tokens[l])]
                    let similarity = compoundSimilarity(words[q].bytes + words[q + 1].bytes, listed)
                    if similarity > 0 {
                        queryMatched[q] = similarity; queryMatched[q + 1] = similarity; listedMatched[l] = similarity
                        unalignedQuery -= 2; unalignedListed -= 1
                        if explaining { aligned.append(([q, q + 1], [l], similarity, 4)) }
                        break
                    }
                }
            }
        }
        // Whole-name fallback: the same letters split differently ("XC-ilent" / "X-Cilent").
        if unalignedQuery > 0 || unalignedListed > 0 {
            var queryLetters = 0, listedLetters = 0
            for q in 0..<n where tables.kind[q] == .word { queryLetters += tables.length[q] }
            for l in 0..<m where name.kinds[l] == .word { listedLetters += Int(tokenLengths[Int(name.tokens[l])]) }
            if queryLetters >= 4, abs(queryLetters - listedLetters) <= 1 {
                let qs = (0..<n).filter { words[$0].kind == .word }, ls = (0..<m).filter { name.kinds[$0] == .word }
                let similarity = compoundSimilarity(
                    qs.flatMap { words[$0].bytes }, ls.flatMap { tokenBytes[Int(name.tokens[$0])] })
                if similarity > 0, qs.contains(where: { queryMatched[$0] < similarity }) {
                    if explaining { aligned.removeAll { item in item.q.contains { qs.contains($0) } } }
                    for q in qs { queryMatched[q] = similarity }
                    for l in ls { listedMatched[l] = similarity }
                    if explaining { aligned.append((qs, ls, similarity, 4)) }
                }
            }
        }
        var queryTotal = 0.0, queryAligned = 0.0, queryHit = 0.0, listedTotal = 0.0, listedHit = 0.0
        for q in 0..<n {
            queryTotal += tables.weight[q]
            if queryMatched[q] >= 0 {
                queryAligned += tables.weight[q]
                queryHit += tables.weight[q] * queryMatched[q]
            }
        }
        for l in 0..<m {
            let weight = listedWeight(name, l)
            listedTotal += weight
            if listedMatched[l] >= 0 { listedHit += weight * listedMatched[l] }
        }
        guard queryTotal > 0, listedTotal > 0 else { return 0 }
        let queryCoverage = queryHit / queryTotal
        let alignedShare = queryAligned / queryTotal
        let quality = queryAligned > 0 ? queryHit / queryAligned : 0
        let listedCoverage = listedHit / listedTotal
        let floor = strictListed ? 0 : parameters.listedFloor
        let nameScore = alignedShare * alignedShare * quality * (floor + (1 - floor) * listedCoverage)
        var score = nameScore
        var adjustments: [String] = []
        // The listed name's most distinctive word left out while only lesser words matched: generic words
        // ("Digital Technology Co., Ltd.") must not carry a match to a company on their own. People are exempt:
        // a middle name left out is the most ordinary of variants.
        let listedType = entryTypes[Int(name.entry)]
        let isCompany =
            listedType != .individual && query.type != .individual
            && (listedType == .entity || listedType == .vessel || listedType == .aircraft
                || name.kinds.contains(.legalForm) || queryHasLegalForm)
        var heaviestMatched = 0.0, heaviestMissed = 0.0
        for l in 0..<m where isCompany && name.kinds[l] == .word {
            let weight = listedWeight(name, l)
            if listedMatched[l] >= 0 {
                heaviestMatched = max(heaviestMatched, weight)
            } else {
                heaviestMissed = max(heaviestMissed, weight)
            }
        }
        if heaviestMissed > heaviestMatched, parameters.missingCorePenalty > 0 {
            let factor = 1 - parameters.missingCorePenalty * (heaviestMissed - heaviestMatched) / heaviestMissed
            score *= factor
            if explaining {
                adjustments.append(
                    "the listed name's most distinctive word is not in the query × \((factor * 1000).rounded() / 1000)")
            }
        }
        var queryPlaceMissed = false
        for q in 0..<n where tables.kind[q] == .place && queryMatched[q] < 0 { queryPlaceMissed = true }
        if queryPlaceMissed
            && (0..<m).contains(where: { name.kinds[$0] == .place && listedMatched[$0] < 0 })
        {
            score *= parameters.placeConflict
            if explaining {
                adjustments.append(
                    "different places × \(parameters.placeConflict): another legal entity, possibly an affiliate")
            }
        }
        if name.isWeak {
            score *= parameters.weakAlias
            if explaining {
                adjustments.append(
                    "weak alias × \(parameters.weakAlias) (OFAC: weak aliases confirm, they do not match on their own)")
            }
        }
        if let country = query.country, !country.isEmpty {
            let packed = Self.pack(country)
            let range = Int(countryStarts[Int(name.entry)])..<Int(countryStarts[Int(name.entry) + 1])
            if range.contains(where: { countryCodes[$0] == packed }) {
                score = min(1, score + parameters.countryMatchBonus)
                if explaining { adjustments.append("country \(country) matches + \(parameters.countryMatchBonus)") }
            } else if !range.isEmpty {
                score *= parameters.countryConflict
                if explaining {
                    let countries = entryCountries[Int(name.entry)].sorted().joined(separator: ", ")
                    adjustments.append("country \(country) not among \(countries) × \(parameters.countryConflict)")
                }
            }
        }
        if let type = query.type, type != .unknown, listedType != .unknown, isConflict(type, listedType) {
            score *= parameters.typeConflict
            if explaining {
                adjustments.append(
                    "type \(type.rawValue) against listed \(listedType.rawValue) × \(parameters.typeConflict)")
            }
        }
        if let explanation {
            let how = ["exact", "typo", "transliteration", "initial", "compound"]
            explanation.pointee.queryTokens = words.map(\.text)
            explanation.pointee.listedTokens = name.tokens.map { String(decoding: tokenBytes[Int($0)], as: UTF8.self) }
            explanation.pointee.alignments = aligned.map { item in
                let weight = item.l.reduce(0) { $0 + listedWeight(name, $1) }
                return .init(
                    query: item.q.map { words[$0].text }.joined(separator: "+"),
                    listed: item.l.map { explanation.pointee.listedTokens[$0] }.joined(separator: "+"),
                    how: how[Int(item.how)], similarity: (item.similarity * 1000).rounded() / 1000,
                    weight: (weight * 100).rounded() / 100,
                    contribution: ((item.q.reduce(0) { $0 + words[$1].weight } * item.similarity / queryTotal) * 1000)
                        .rounded() / 1000)
            }
            explanation.pointee.unmatchedQuery = (0..<n).filter { queryMatched[$0] < 0 }.map { words[$0].text }
            explanation.pointee.unmatchedListed = (0..<m).filter { listedMatched[$0] < 0 }.map {
                explanation.pointee.listedTokens[$0]
            }
            explanation.pointee.queryCoverage = (queryCoverage * 1000).rounded() / 1000
            explanation.pointee.listedCoverage = (listedCoverage * 1000).rounded() / 1000
            explanation.pointee.nameScore = (nameScore * 1000).rounded() / 1000
            explanation.pointee.adjustments = adjustments
        }
        return score
    }

    private func compoundSimilarity(_ a: [UInt8], _ b: [UInt8]) -> Double {
        if a == b { return 1 }
        let allowed = min(1, Similarity.allowedEdits(min(a.count, b.count), max(a.count, b.count)))
        guard allowed > 0 else { return 0 }
        return Similarity.distance(a, b, limit: allowed) <= allowed ? 0.9 : 0
    }

    private func isConflict(_ a: PartyType, _ b: PartyType) -> Bool {
        let person: Set<PartyType> = [.individual]
        return person.contains(a) != person.contains(b)
    }
}
