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
    ///
    /// A name screened under several readings (its own aliases, former names, a translation: see
    /// `hasOtherReadings`) is reported with a share of 0 too.
    public func keyWord(of name: String, session: Session? = nil) -> (word: String, share: Double)? {
        let words = prepare(NameNormalizer.normalize(name), session: session)
        let total = words.reduce(0) { $0 + $1.weight }
        guard total > 0, let key = words.filter({ $0.kind == .word }).max(by: { $0.weight < $1.weight }) else {
            return nil
        }
        if Self.hasOtherReadings(name, type: nil) { return (key.text, 0) }
        return (key.text, key.similarIDs.isEmpty ? 0 : key.weight / total)
    }

    /// Whether a word of this index is `word` or a near spelling of it (typing errors, transliteration), or a
    /// name of this index can stand for it otherwise: by a one-letter word with its first letter (or any word
    /// with its letter, when it is one), or by two adjacent words that it writes as one.
    public func containsSimilarWord(_ word: String) -> Bool {
        let prepared = prepare(Token(word))
        // A one-letter word can stand for any word with its letter.
        return !prepared.similarIDs.isEmpty || !prepared.compoundNames.isEmpty || prepared.length <= 1
            || !initialPostings[Int(prepared.first)].isEmpty
    }

    /// Whether a name of this index can align with `name` by joining or splitting words (two of its words as
    /// one listed word, or its letters split another way), which no single word of `name` shows.
    public func alignsJoined(_ name: String) -> Bool {
        !joinedCandidates(prepare(NameNormalizer.normalize(name), session: nil)).isEmpty
    }

    /// Indices of the entries with a name that shares a word, or a near spelling of one, with `name`: the
    /// entries whose screening against `name` could score at all. Used to find the watched parties a changed
    /// listing can affect.
    public func entriesSharingWords(with name: String) -> [Int] {
        let words = prepare(NameNormalizer.normalize(name), session: nil).filter {
            $0.kind == .word || $0.kind == .place || $0.kind == .patronymic
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
    /// A name that carries its own aliases ("X (a.k.a. Y)") or former names ("X (ex Y)") is screened under each
    /// and as written, and so is the name without a record's qualifiers (a role label, a vessel prefix, a branch:
    /// ``NameCleaner/withoutQualifiers(_:)``); a name in Chinese characters that holds a proper name of
    /// ``HanDictionary`` is screened with that name translated and as pinyin. Each entry keeps its best score.
    /// - Parameter session: a per-thread ``Session`` to reuse word look-ups across the queries of a batch.
    public func screen(_ query: ScreeningQuery, session: Session? = nil) -> [ScreeningMatch] {
        let readings = Self.readings(query.name, type: query.type)
        guard readings.count > 1 else {
            var part = query
            part.name = readings[0].name
            return screenOne(part, session: session, translateNames: readings[0].translateNames)
        }
        var best: [Int: ScreeningMatch] = [:]
        for reading in readings {
            var part = query
            part.name = reading.name
            for match in screenOne(part, session: session, translateNames: reading.translateNames) {
                let key = match.entry.id.hashValue ^ match.entry.source.hashValue
                if match.score > (best[key]?.score ?? -1) { best[key] = match }
            }
        }
        return Array(
            best.values.sorted {
                $0.score != $1.score
                    ? $0.score > $1.score : ($0.entry.source, $0.entry.id) < ($1.entry.source, $1.entry.id)
            }
            .prefix(query.limit))
    }

    /// Whether `name` is screened under any reading but itself as written (``readings(_:type:)``).
    static func hasOtherReadings(_ name: String, type: PartyType?) -> Bool {
        let readings = readings(name, type: type)
        return readings.count > 1 || readings[0].name != name || readings[0].translateNames
    }

    /// The readings `name` is screened under: its own aliases ("a.k.a.") and former names ("(ex …)", "formerly …":
    /// ``NameCleaner/formerNames(_:)``), each as written and without a record's qualifiers, and each with its proper
    /// names translated when it has a translated reading. Just the name for most names.
    static func readings(_ name: String, type: PartyType?) -> [(name: String, translateNames: Bool)] {
        var names = [name]
        let lowered = name.lowercased()
        if NameCleaner.mayWriteOtherNames(lowered: lowered) {
            if lowered.contains("a.k.a") || lowered.contains("f.k.a") {
                let cleaned = NameCleaner.clean(name)
                names = [cleaned.name] + cleaned.aliases.map(\.name)
            }
            // A former name is screened as a name of its own; the whole, too, in case "ex" was part of the name.
            // So is the name without a record's qualifiers (a role label, a vessel prefix, a branch).
            for name in names {
                if let split = NameCleaner.formerNames(name) {
                    names += [split.name] + split.former.filter { !names.contains($0) }
                }
            }
            for name in names {
                if let bare = NameCleaner.withoutQualifiers(name), !names.contains(bare) { names.append(bare) }
            }
        }
        var readings: [(name: String, translateNames: Bool)] = []
        for name in names {
            readings.append((name, false))
            if hasTranslatedReading(name, type: type) { readings.append((name, true)) }
        }
        return readings
    }

    /// Whether `name` reads differently with the proper names of ``HanDictionary`` translated: it holds one, and
    /// it is not a person's (a person's name in characters is a surname and a given name, never translated).
    static func hasTranslatedReading(_ name: String, type: PartyType?) -> Bool {
        type != .individual && !name.utf8.allSatisfy { $0 < 0x80 }
            && name.unicodeScalars.contains(where: HanWords.isHan)
            && HanDictionary.occurs(in: name)
    }

    func screenOne(_ query: ScreeningQuery, session: Session?, translateNames: Bool) -> [ScreeningMatch] {
        nameTokens.withUnsafeBufferPointer { tokens in
            nameKinds.withUnsafeBufferPointer { kinds in
                screenOne(query, session: session, translateNames: translateNames, tokens: tokens, kinds: kinds)
            }
        }
    }

    func view(_ index: Int32, tokens: UnsafeBufferPointer<Int32>, kinds: UnsafeBufferPointer<Token.Kind>) -> Name {
        let record = names[Int(index)]
        let range = Int(record.start)..<Int(record.start + record.count)
        return Name(
            index: index, entry: record.entry, alias: record.alias,
            tokens: UnsafeBufferPointer(rebasing: tokens[range]),
            kinds: UnsafeBufferPointer(rebasing: kinds[range]), familyName: record.familyName, isWeak: record.isWeak)
    }

    func screenOne(
        _ query: ScreeningQuery, session: Session?, translateNames: Bool, tokens: UnsafeBufferPointer<Int32>,
        kinds: UnsafeBufferPointer<Token.Kind>
    ) -> [ScreeningMatch] {
        let normalized = NameNormalizer.normalize(
            query.name, isPerson: query.type == .individual, translateNames: translateNames)
        let words = prepare(normalized, session: session)
        guard !words.isEmpty else { return [] }
        // No name can score more than alignedShare² plus the context bonuses: collection may stop below that.
        let evidence = QueryEvidence(query, identifierEntries: identifierEntries)
        let bonus = parameters.countryMatchBonus + (evidence.birthDate == nil ? 0 : parameters.birthDateMatchBonus)
        var candidates = collectCandidates(words, minimum: query.threshold - bonus - 1e-9)
        // An entry that carries one of the query's identifiers is scored whatever its names share with the query.
        for entry in evidence.identified.keys.sorted() {
            candidates.append(contentsOf: entryNameStarts[Int(entry)]..<entryNameStarts[Int(entry) + 1])
        }
        var best: [Int32: (score: Double, name: Int32)] = [:]
        let tables = QueryTables(words, evidence: evidence)
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
    ///
    /// Sound: no name the scorer would put at `minimum` or above is left out, so a screen's answer never depends
    /// on its threshold except by being cut. (One reach is not enumerated: a name aligned only through initials —
    /// a query initial for a listed word, a listed initial for a query word the lists do not know — which scores
    /// at most about 0.6; below that a screen may miss such a name, at every threshold alike.) A name's score is
    /// at most A·H/T² × (f + (1 − f)·C), where T is the query's total weight, A the weight of the query words it
    /// aligns, H their weight times their similarity, f the listed floor and C the share of the name's weight
    /// those words can cover — each at most the heaviest listed occurrence of a word it may be (the name score is
    /// alignedShare² × quality × (f + (1 − f) × listedCoverage), and every adjustment but the country bonus,
    /// which `minimum` already allows for, is a factor ≤ 1). A query initial can stand for any listed word, so a
    /// query with one left in play bounds C by 1. A query word aligns with a listed name in one of five ways,
    /// each accounted for here:
    ///
    /// - a similar word: the postings of the word's similar words, taken rarest first;
    /// - a one-letter listed word standing for a taken word (similarity 0.45): the names with that initial,
    ///   gathered for the heaviest taken words until the rest could not matter;
    /// - a query initial standing for a listed word: its weight is never counted as taken;
    /// - a query word written as two listed words, two query words written as one, or the whole name's letters
    ///   split another way: within one edit, found through ``OneEditKeys`` whatever was taken, always scored.
    func collectCandidates(_ words: [QueryWord], minimum: Double) -> [Int32] {
        let total = words.reduce(0) { $0 + $1.weight }
        guard total > 0, words.count < 256 else { return [] }
        let limit = minimum * total * total
        var order = words.indices.filter { !words[$0].similarIDs.isEmpty }.sorted {
            words[$0].weight > words[$1].weight
        }
        // Weight of the query words not taken (always including initials), and of taken words that a listed
        // initial could still stand for.
        var remaining = total, initialOnly = 0.0
        var withoutInitials: [Int] = []
        var taken = [Bool](repeating: false, count: words.count)
        func reach(_ aligned: Double, _ hit: Double) -> Double {
            (aligned + remaining + initialOnly) * (hit + remaining + Similarity.listedInitial * initialOnly)
        }
        // (name << 9 | by initial only << 8 | query word): which query words each candidate name shares, and how.
        var pairs: [UInt64] = []
        var gathered = 0
        func scanCost(_ index: Int) -> Int { words[index].similarIDs.reduce(0) { $0 + postings[Int($1)].count } }
        while true {
            // Names that share no taken word must stay out of reach; names with a one-letter word too.
            let mustScan = !order.isEmpty && remaining * remaining >= limit
            guard mustScan || reach(0, 0) >= limit else { break }
            if !mustScan, gathered < withoutInitials.count,
                order.isEmpty
                    || initialPostings[Int(words[withoutInitials[gathered]].first)].count <= scanCost(order[0])
            {
                // Gathering the names with this taken word's initial is cheaper than taking another word.
                let index = withoutInitials[gathered]
                for name in initialPostings[Int(words[index].first)] {
                    pairs.append(UInt64(name) << 9 | 1 << 8 | UInt64(index))
                }
                initialOnly -= words[index].weight
                gathered += 1
                continue
            }
            guard !order.isEmpty else { break }
            let index = order.removeFirst()
            for id in words[index].similarIDs {
                for name in postings[Int(id)] { pairs.append(UInt64(name) << 9 | UInt64(index)) }
            }
            let word = words[index]
            // A query initial can stand for any listed word with its first letter: its weight stays in play.
            guard !(word.kind == .word && word.length == 1) else { continue }
            remaining -= word.weight
            taken[index] = true
            if word.kind == .word || word.kind == .patronymic, !initialPostings[Int(word.first)].isEmpty {
                initialOnly += word.weight
                withoutInitials.append(index)
            }
        }
        let ungathered = withoutInitials.dropFirst(gathered)
        // The listed weight each query word can cover, and what the words still in play can cover of any name;
        // `nil` when a query initial, which can stand for any listed word, leaves it unbounded.
        let covers = words.map(listedReach)
        let floor = parameters.listedFloor
        var inPlay: Double? = (0...1).contains(floor) ? 0 : nil
        for index in words.indices where !taken[index] {
            inPlay = words[index].kind == .word && words[index].length == 1 ? nil : inPlay.map { $0 + covers[index] }
        }
        pairs.sort()
        // Count filter: a name can align at most the query words it shares plus those still in play.
        var unique: [Int32] = []
        var counted = [Int](repeating: -1, count: words.count)
        var position = 0
        while position < pairs.count {
            let name = pairs[position] >> 9
            var aligned = 0.0, hit = 0.0, covered = inPlay ?? 0
            // Shared words come before initial-only ones: a word counted once, at its best.
            while position < pairs.count && pairs[position] >> 9 == name {
                let word = Int(pairs[position] & 0xFF)
                if counted[word] != Int(name) {
                    counted[word] = Int(name)
                    aligned += words[word].weight
                    covered += covers[word]
                    hit += words[word].weight * (pairs[position] & 0x100 == 0 ? 1 : Similarity.listedInitial)
                }
                position += 1
            }
            // Taken words a one-letter word of this name could still stand for.
            var initials = 0.0
            let mask = initialMasks[Int(name)]
            if mask != 0 {
                for word in ungathered
                where counted[word] != Int(name) && mask & Self.initialBit(words[word].first) != 0 {
                    initials += words[word].weight
                    covered += covers[word]
                }
            }
            var reachable =
                (aligned + remaining + initials) * (hit + remaining + Similarity.listedInitial * initials)
            // The name score's last factor, floor + (1 − floor) × the listed name's coverage, at its most.
            if inPlay != nil, nameWeights[Int(name)] > 0 {
                reachable *= floor + (1 - floor) * min(1, covered / nameWeights[Int(name)])
            }
            if reachable >= limit { unique.append(Int32(name)) }
        }
        var joined = joinedCandidates(words)
        guard !joined.isEmpty else { return unique }
        joined += unique
        joined.sort()
        var previous: Int32 = -1
        return joined.filter { name in
            defer { previous = name }
            return name != previous
        }
    }

    /// The most listed weight `word` can cover in any name: the heaviest listed occurrence of a word it may be,
    /// or of a one-letter word it may stand for.
    func listedReach(_ word: QueryWord) -> Double {
        var reach = word.similarIDs.reduce(0) { max($0, tokenListedWeights[Int($1)]) }
        if word.kind == .word || word.kind == .patronymic { reach = max(reach, initialListedWeights[Int(word.first)]) }
        return reach
    }

    /// The names the scorer's compound and whole-name alignments can reach (see ``scoreName``), whichever words
    /// were taken: a query word within one edit of two adjacent listed words joined (looked up with the word,
    /// ``compoundNames(_:)``), two adjacent query words within one edit of a listed word, and the query's letters
    /// within one edit of a name's (the same, for three letters).
    func joinedCandidates(_ words: [QueryWord]) -> [Int32] {
        var result: [Int32] = []
        for word in words { result += word.compoundNames }
        for index in words.indices.dropLast() {
            let bytes = words[index].bytes + words[index + 1].bytes
            guard bytes.count >= 3 else { continue }
            bytes.withUnsafeBufferPointer { query in
                wordKeys.forEach(near: bytes) { id in
                    guard tokenLetters.length(Int(id)) >= 4, abs(tokenLetters.length(Int(id)) - query.count) <= 1,
                        tokenLetters.withString(Int(id), { Similarity.compound(query, $0) }) > 0
                    else { return }
                    result.append(contentsOf: postings[Int(id)])
                }
            }
        }
        var letters: [UInt8] = []
        for word in words
        where Self.spells(word.kind, added: word.kind == .stopWord && LegalForms.addedWords.contains(word.text)) {
            letters += word.bytes
        }
        if letters.count >= 3 {
            letters.withUnsafeBufferPointer { query in
                wholeKeys.forEach(near: letters) { name in
                    let length = wholeLetters.length(Int(name))
                    guard query.count >= 4 ? abs(length - query.count) <= 1 : length == 3,
                        wholeLetters.withString(Int(name), { Similarity.compound(query, $0) }) > 0
                    else { return }
                    result.append(name)
                }
            }
        }
        return result
    }

    /// The names with two adjacent words whose letters joined are within one edit of `bytes`.
    func compoundNames(_ bytes: [UInt8]) -> [Int32] {
        var result: [Int32] = []
        bytes.withUnsafeBufferPointer { query in
            pairKeys.forEach(near: bytes) { pair in
                guard abs(pairLetters.length(Int(pair)) - query.count) <= 1,
                    pairLetters.withString(Int(pair), { Similarity.compound(query, $0) }) > 0
                else { return }
                result.append(contentsOf: pairPostings[Int(pair)])
            }
        }
        return result
    }
}
