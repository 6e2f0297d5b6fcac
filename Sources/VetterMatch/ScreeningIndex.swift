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
///     queryCoverage  = Σ similarity × weight of aligned query words / Σ weight of query words
///     listedCoverage = the same over the listed name's words
///     nameScore      = queryCoverage² × (0.6 + 0.4 × listedCoverage)
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

    struct Name: Sendable {
        var entry: Int32
        /// -1 for the primary name, else the alias index.
        var alias: Int32
        var tokens: [Int32]
        var kinds: [Token.Kind]
        var isWeak: Bool
    }

    let names: [Name]
    let vocabulary: [String: Int32]
    let tokenBytes: [[UInt8]]
    let tokenSkeletons: [[UInt8]]
    let weights: [Double]
    let postings: [[Int32]]
    let deletions: [Int: [Int32]]
    let skeletons: [Int: [Int32]]
    let entryCountries: [Set<String>]
    let unknownWordWeight: Double
    public let buildSeconds: Double

    public let parameters: MatchParameters

    public init(entries: [ListEntry], parameters: MatchParameters = MatchParameters()) {
        let start = Date()
        self.entries = entries
        self.parameters = parameters
        var vocabulary: [String: Int32] = [:]
        var tokenBytes: [[UInt8]] = []
        var documentFrequency: [Int32] = []
        var names: [Name] = []
        var postings: [[Int32]] = []
        var entryCountries: [Set<String>] = []
        entryCountries.reserveCapacity(entries.count)
        for (entryIndex, entry) in entries.enumerated() {
            var seenInEntry = Set<Int32>()
            for (aliasIndex, item) in entry.allNames.enumerated() {
                let normalized = NameNormalizer.normalize(item.name, isPerson: entry.type == .individual)
                guard !normalized.tokens.isEmpty else { continue }
                var ids: [Int32] = []
                for token in normalized.tokens {
                    let id: Int32
                    if let existing = vocabulary[token.text] {
                        id = existing
                    } else {
                        id = Int32(tokenBytes.count)
                        vocabulary[token.text] = id
                        tokenBytes.append(Array(token.text.utf8))
                        documentFrequency.append(0)
                        postings.append([])
                    }
                    ids.append(id)
                    if seenInEntry.insert(id).inserted { documentFrequency[Int(id)] += 1 }
                    let nameIndex = Int32(names.count)
                    if postings[Int(id)].last != nameIndex { postings[Int(id)].append(nameIndex) }
                }
                names.append(Name(entry: Int32(entryIndex), alias: Int32(aliasIndex - 1), tokens: ids,
                    kinds: normalized.tokens.map(\.kind), isWeak: item.alias?.isWeak ?? false))
            }
            var countries = Set(entry.countries)
            for address in entry.addresses { if let country = address.country, country.count == 2 { countries.insert(country) } }
            entryCountries.append(countries)
        }
        let total = Double(max(entries.count, 1))
        let weights = documentFrequency.map { pow(log(1 + total / Double($0)), parameters.idfExponent) }
        var deletions: [Int: [Int32]] = [:]
        var skeletons: [Int: [Int32]] = [:]
        var tokenSkeletons: [[UInt8]] = []
        tokenSkeletons.reserveCapacity(tokenBytes.count)
        for (id, bytes) in tokenBytes.enumerated() {
            let skeleton = Similarity.skeleton(bytes)
            tokenSkeletons.append(skeleton)
            if bytes.count >= 4 {
                for key in Self.deletionKeys(bytes) { deletions[key, default: []].append(Int32(id)) }
                if skeleton.count >= 2 { skeletons[Self.hashKey(skeleton), default: []].append(Int32(id)) }
            }
        }
        self.names = names
        self.vocabulary = vocabulary
        self.tokenBytes = tokenBytes
        self.tokenSkeletons = tokenSkeletons
        self.weights = weights
        self.postings = postings
        self.deletions = deletions
        self.skeletons = skeletons
        self.entryCountries = entryCountries
        self.unknownWordWeight = pow(log(1 + total / 0.5), parameters.idfExponent)
        self.buildSeconds = Date().timeIntervalSince(start)
    }

    /// Number of names and aliases indexed.
    public var nameCount: Int { names.count }

    // MARK: - Keys

    static func hashKey(_ bytes: [UInt8]) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(bitPattern: UInt(hash))
    }

    /// The word and every variant with up to ``Similarity/indexedDeletions(_:)`` letters deleted.
    static func deletionKeys(_ bytes: [UInt8]) -> Set<Int> {
        var keys: Set<Int> = [hashKey(bytes)]
        let edits = Similarity.indexedDeletions(bytes.count)
        var frontier: Set<[UInt8]> = [bytes]
        for _ in 0..<edits {
            var next: Set<[UInt8]> = []
            for word in frontier where word.count > 2 {
                for position in 0..<word.count {
                    var shorter = word
                    shorter.remove(at: position)
                    if next.insert(shorter).inserted { keys.insert(hashKey(shorter)) }
                }
            }
            frontier = next
        }
        return keys
    }

    // MARK: - Query

    struct QueryWord {
        var text: String
        var bytes: [UInt8]
        var kind: Token.Kind
        var weight: Double
        /// Vocabulary words this query word may be, with their similarity.
        var similar: [Int32: Double]
    }

    func prepare(_ normalized: NormalizedName) -> [QueryWord] {
        normalized.tokens.map { token in
            let bytes = Array(token.text.utf8)
            var similar: [Int32: Double] = [:]
            let known = vocabulary[token.text]
            if let known { similar[known] = 1 }
            for alternative in token.alternatives {
                if let id = vocabulary[alternative] { similar[id] = 1 }
            }
            if token.kind == .word && bytes.count >= 3 && !token.isExact {
                let skeleton = Similarity.skeleton(bytes)
                var candidates = Set<Int32>()
                for key in Self.deletionKeys(bytes) { if let ids = deletions[key] { candidates.formUnion(ids) } }
                if skeleton.count >= 2, let ids = skeletons[Self.hashKey(skeleton)] { candidates.formUnion(ids) }
                for id in candidates where similar[id] == nil {
                    let similarity = Similarity.words(bytes, tokenBytes[Int(id)], skeletonA: skeleton,
                        skeletonB: tokenSkeletons[Int(id)])
                    if similarity > 0 { similar[id] = similarity }
                }
            }
            let weight: Double = switch token.kind {
            case .legalForm: parameters.legalFormWeight
            case .stopWord: parameters.stopWordWeight
            case .word: known.map { weights[Int($0)] } ?? unknownWordWeight
            }
            return QueryWord(text: token.text, bytes: bytes, kind: token.kind, weight: weight, similar: similar)
        }
    }

    /// Screens one party.
    ///
    /// A name that carries its own aliases ("X (a.k.a. Y)") is screened under each, keeping the best score.
    public func screen(_ query: ScreeningQuery) -> [ScreeningMatch] {
        let lowered = query.name.lowercased()
        guard lowered.contains("a.k.a") || lowered.contains("f.k.a") else { return screenOne(query) }
        let cleaned = NameCleaner.clean(query.name)
        var best: [Int: ScreeningMatch] = [:]
        for name in [cleaned.name] + cleaned.aliases.map(\.name) {
            var part = query
            part.name = name
            for match in screenOne(part) {
                let key = match.entry.id.hashValue ^ match.entry.source.hashValue
                if match.score > (best[key]?.score ?? -1) { best[key] = match }
            }
        }
        return Array(best.values.sorted { $0.score > $1.score }.prefix(query.limit))
    }

    func screenOne(_ query: ScreeningQuery) -> [ScreeningMatch] {
        let normalized = NameNormalizer.normalize(query.name, isPerson: query.type == .individual)
        let words = prepare(normalized)
        guard words.contains(where: { $0.kind == .word }) || !words.isEmpty else { return [] }
        let candidates = collectCandidates(words, minimum: query.threshold * 0.9)
        var best: [Int32: (score: Double, name: Int32)] = [:]
        for nameIndex in candidates {
            let name = names[Int(nameIndex)]
            let entry = entries[Int(name.entry)]
            if let sources = query.sources, !sources.contains(entry.source) { continue }
            if query.filterByCountry, let country = query.country, !entryCountries[Int(name.entry)].contains(country) {
                continue
            }
            let score = scoreName(words, name, query: query, strictListed: normalized.isChinesePersonName, explanation: nil)
            if score >= query.threshold, score > (best[name.entry]?.score ?? -1) {
                best[name.entry] = (score, nameIndex)
            }
        }
        let ranked = best.sorted { $0.value.score != $1.value.score ? $0.value.score > $1.value.score : $0.key < $1.key }
            .prefix(query.limit)
        return ranked.map { entryIndex, value in
            var explanation = MatchExplanation(queryTokens: [], listedTokens: [], alignments: [], unmatchedQuery: [],
                unmatchedListed: [], queryCoverage: 0, listedCoverage: 0, nameScore: 0, adjustments: [],
                normalization: normalized.notes)
            let name = names[Int(value.name)]
            _ = withUnsafeMutablePointer(to: &explanation) {
                scoreName(words, name, query: query, strictListed: normalized.isChinesePersonName, explanation: $0)
            }
            let entry = entries[Int(entryIndex)]
            let alias = name.alias >= 0 ? entry.aliases[Int(name.alias)] : nil
            return ScreeningMatch(entry: entry, score: (value.score * 1000).rounded() / 1000,
                matchedName: alias?.name ?? entry.name, matchedNameKind: alias?.kind.rawValue ?? "primary",
                matchedWeakAlias: alias?.isWeak ?? false, explanation: explanation)
        }
    }

    /// Names that could score at least `minimum`: rarest query words first, stopping when the words left could
    /// not lift a name that has none of the words taken so far.
    func collectCandidates(_ words: [QueryWord], minimum: Double) -> [Int32] {
        let total = words.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return [] }
        var order = words.indices.filter { !words[$0].similar.isEmpty }.sorted { words[$0].weight > words[$1].weight }
        var remaining = words.reduce(0) { $0 + $1.weight }
        var seen = Set<Int32>()
        var result: [Int32] = []
        func take(_ ids: some Sequence<Int32>) {
            for id in ids {
                for name in postings[Int(id)] where seen.insert(name).inserted { result.append(name) }
            }
        }
        // Two query words written as one listed word ("Hik Vision" / "Hikvision").
        for index in words.indices.dropLast() where words[index].kind == .word {
            let joined = words[index].text + words[index + 1].text
            if let id = vocabulary[joined] { take([id]) }
        }
        while !order.isEmpty {
            let ceiling = remaining / total
            if ceiling * ceiling < minimum { break }
            let index = order.removeFirst()
            take(words[index].similar.keys)
            remaining -= words[index].weight
        }
        _ = order
        return result
    }

    /// The score of one listed name for a query, with the explanation when asked.

    private func listedWeight(_ name: Name, _ position: Int) -> Double {
        switch name.kinds[position] {
        case .legalForm: parameters.legalFormWeight
        case .stopWord: parameters.stopWordWeight
        case .word: weights[Int(name.tokens[position])]
        }
    }

    /// The score of one listed name for a query, filling `explanation` when given.
    /// - Parameter strictListed: every listed word counts fully (a Chinese person's name has no middle names).
    private func scoreName(_ words: [QueryWord], _ name: Name, query: ScreeningQuery, strictListed: Bool,
        explanation: UnsafeMutablePointer<MatchExplanation>?) -> Double
    {
        let n = words.count, m = name.tokens.count
        // Candidate pairs.
        var pairs: [(q: Int, l: Int, similarity: Double, how: UInt8)] = []
        pairs.reserveCapacity(n * 2)
        for q in 0..<n {
            let word = words[q]
            for l in 0..<m {
                let id = name.tokens[l]
                if let similarity = word.similar[id] {
                    pairs.append((q, l, similarity, similarity == 1 ? 0 : similarity == 0.85 ? 2 : 1))
                } else if word.kind == .word, name.kinds[l] == .word {
                    let listed = tokenBytes[Int(id)]
                    // Initials: "J" for "Jorge" either way round.
                    if word.bytes.count == 1, listed.count > 1, listed[0] == word.bytes[0] {
                        pairs.append((q, l, 0.6, 3))
                    } else if listed.count == 1, word.bytes.count > 1, word.bytes[0] == listed[0] {
                        pairs.append((q, l, 0.6, 3))
                    }
                }
            }
        }
        pairs.sort { lhs, rhs in
            let left = lhs.similarity * (words[lhs.q].weight + listedWeight(name, lhs.l))
            let right = rhs.similarity * (words[rhs.q].weight + listedWeight(name, rhs.l))
            return left > right
        }
        var queryMatched = [Double](repeating: 0, count: n)
        var listedMatched = [Double](repeating: 0, count: m)
        var queryUsed = [Bool](repeating: false, count: n)
        var listedUsed = [Bool](repeating: false, count: m)
        var aligned: [(q: [Int], l: [Int], similarity: Double, how: UInt8)] = []
        for pair in pairs where !queryUsed[pair.q] && !listedUsed[pair.l] {
            queryUsed[pair.q] = true
            listedUsed[pair.l] = true
            queryMatched[pair.q] = pair.similarity
            listedMatched[pair.l] = pair.similarity
            aligned.append(([pair.q], [pair.l], pair.similarity, pair.how))
        }
        // Compounds among what is left: two adjacent words on one side written as one on the other.
        if n > 1 || m > 1 {
            for q in 0..<n where !queryUsed[q] && words[q].kind == .word && words[q].bytes.count >= 4 {
                for l in 0..<max(0, m - 1) where !listedUsed[l] && !listedUsed[l + 1] {
                    let joined = tokenBytes[Int(name.tokens[l])] + tokenBytes[Int(name.tokens[l + 1])]
                    let similarity = compoundSimilarity(words[q].bytes, joined)
                    if similarity > 0 {
                        queryUsed[q] = true; listedUsed[l] = true; listedUsed[l + 1] = true
                        queryMatched[q] = similarity; listedMatched[l] = similarity; listedMatched[l + 1] = similarity
                        aligned.append(([q], [l, l + 1], similarity, 4))
                        break
                    }
                }
            }
            for l in 0..<m where !listedUsed[l] && name.kinds[l] == .word && tokenBytes[Int(name.tokens[l])].count >= 4 {
                for q in 0..<max(0, n - 1) where !queryUsed[q] && !queryUsed[q + 1] {
                    let similarity = compoundSimilarity(words[q].bytes + words[q + 1].bytes, tokenBytes[Int(name.tokens[l])])
                    if similarity > 0 {
                        queryUsed[q] = true; queryUsed[q + 1] = true; listedUsed[l] = true
                        queryMatched[q] = similarity; queryMatched[q + 1] = similarity; listedMatched[l] = similarity
                        aligned.append(([q, q + 1], [l], similarity, 4))
                        break
                    }
                }
            }
        }
        // Whole-name fallback: the same letters split differently ("XC-ilent" / "X-Cilent").
        if queryUsed.contains(false) || listedUsed.contains(false) {
            let queryJoined = (0..<n).filter { words[$0].kind == .word }.flatMap { words[$0].bytes }
            let listedJoined = (0..<m).filter { name.kinds[$0] == .word }.flatMap { tokenBytes[Int(name.tokens[$0])] }
            if queryJoined.count >= 4, compoundSimilarity(queryJoined, listedJoined) > 0 {
                let similarity = compoundSimilarity(queryJoined, listedJoined)
                let qs = (0..<n).filter { words[$0].kind == .word }, ls = (0..<m).filter { name.kinds[$0] == .word }
                if qs.contains(where: { queryMatched[$0] < similarity }) {
                    aligned.removeAll { item in item.q.contains { qs.contains($0) } }
                    for q in qs { queryUsed[q] = true; queryMatched[q] = similarity }
                    for l in ls { listedUsed[l] = true; listedMatched[l] = similarity }
                    aligned.append((qs, ls, similarity, 4))
                }
            }
        }
        var queryTotal = 0.0, queryAligned = 0.0, queryHit = 0.0, listedTotal = 0.0, listedHit = 0.0
        for q in 0..<n {
            queryTotal += words[q].weight
            if queryUsed[q] { queryAligned += words[q].weight }
            queryHit += words[q].weight * queryMatched[q]
        }
        for l in 0..<m {
            let weight = listedWeight(name, l)
            listedTotal += weight
            listedHit += weight * listedMatched[l]
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
        let entry = entries[Int(name.entry)]
        if name.isWeak {
            score *= parameters.weakAlias
            adjustments.append("weak alias × \(parameters.weakAlias) (OFAC: weak aliases confirm, they do not match on their own)")
        }
        if let country = query.country, !country.isEmpty {
            let countries = entryCountries[Int(name.entry)]
            if countries.contains(country) {
                score = min(1, score + parameters.countryMatchBonus)
                adjustments.append("country \(country) matches + \(parameters.countryMatchBonus)")
            } else if !countries.isEmpty {
                score *= parameters.countryConflict
                adjustments.append("country \(country) not among \(countries.sorted().joined(separator: ", ")) × \(parameters.countryConflict)")
            }
        }
        if let type = query.type, type != .unknown, entry.type != .unknown, isConflict(type, entry.type) {
            score *= parameters.typeConflict
            adjustments.append("type \(type.rawValue) against listed \(entry.type.rawValue) × \(parameters.typeConflict)")
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
                    contribution: ((item.q.reduce(0) { $0 + words[$1].weight } * item.similarity / queryTotal) * 1000).rounded() / 1000)
            }
            explanation.pointee.unmatchedQuery = (0..<n).filter { !queryUsed[$0] }.map { words[$0].text }
            explanation.pointee.unmatchedListed = (0..<m).filter { !listedUsed[$0] }.map { explanation.pointee.listedTokens[$0] }
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
