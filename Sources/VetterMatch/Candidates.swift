import Foundation
import Synchronization
import VetterCore

/// Screening: the per-thread session, the names worth scoring (candidate collection, rarest query words
/// first), and the best-scoring names of each entry.
extension ScreeningIndex {
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

    /// Screens `queries` on one thread per session, each with its own. Each thread takes the next 32 queries as it
    /// finishes its last ones: a thread slowed by other work (another process, the recording of a previous batch)
    /// does not hold the others back, as fixed shares would.
    public func screen(_ queries: [ScreeningQuery], sessions: [Session]) -> [[ScreeningMatch]] {
        var results = [[ScreeningMatch]](repeating: [], count: queries.count)
        guard !queries.isEmpty, !sessions.isEmpty else { return results }
        let next = Atomic<Int>(0)
        let step = 32
        // Each session is used by its own thread only.
        nonisolated(unsafe) let sessions = sessions
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: sessions.count) { worker in
                while true {
                    let start = next.add(step, ordering: .relaxed).oldValue
                    guard start < queries.count else { return }
                    for position in start..<min(queries.count, start + step) {
                        out[position] = screen(queries[position], session: sessions[worker])
                    }
                }
            }
        }
        return results
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
}
