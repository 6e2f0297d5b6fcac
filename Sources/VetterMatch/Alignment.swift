import Foundation
import VetterCore

/// The scorer: aligns a query's words with a listed name's (exact, typo, transliteration, initial, compound),
/// turns the alignment into a name score, adjusts it for context, and explains it when asked.
extension ScreeningIndex {
    func listedWeight(_ name: Name, _ position: Int) -> Double {
        listedWeight(name.kinds[position], Int(name.tokens[position]))
    }

    /// The weight of token `id` written as a word of this kind in a listed name.
    @inline(__always)
    func listedWeight(_ kind: Token.Kind, _ id: Int) -> Double {
        Self.listedWeight(
            kind, length: Int(tokenLengths[id]), first: tokenFirstBytes[id], weight: weights[id], parameters: parameters
        )
    }

    /// The weight of a token of `length` letters, the first `first`, and vocabulary weight `weight`, written as a
    /// word of this kind in a listed name: one-letter words weigh as initials.
    @inline(__always)
    static func listedWeight(
        _ kind: Token.Kind, length: Int, first: UInt8, weight: Double, parameters: MatchParameters
    ) -> Double {
        switch kind {
        case .legalForm: parameters.legalFormWeight
        case .stopWord: parameters.stopWordWeight
        case .word: length == 1 && first >= UInt8(ascii: "a") ? parameters.initialWeight : weight
        case .place: parameters.placeWeight
        case .patronymic: parameters.patronymicWeight
        }
    }

    /// The score of one listed name for a query, filling `explanation` when given.
    /// - Parameter strictListed: every listed word counts fully (a Chinese person's name has no middle names).
    struct Pair {
        var q: Int32
        var l: Int32
        var similarity: Double
        var priority: Double
        var how: WordMatch
    }

    func scoreName(
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

    func scoreName(
        _ words: [QueryWord], _ tables: QueryTables, _ name: Name, query: ScreeningQuery,
        strictListed: Bool, explanation: UnsafeMutablePointer<MatchExplanation>?,
        queryMatched: UnsafeMutableBufferPointer<Double>,
        listedMatched: UnsafeMutableBufferPointer<Double>, pairBuffer: UnsafeMutableBufferPointer<Pair>
    ) -> Double {
        let n = words.count, m = name.tokens.count
        let explaining = explanation != nil
        let queryHasLegalForm = tables.hasLegalForm
        var aligned: [(q: [Int], l: [Int], similarity: Double, how: WordMatch)] = []
        // Candidate pairs.
        var pairCount = 0
        for q in 0..<n {
            let queryKind = tables.kind[q], queryLength = tables.length[q], queryFirst = tables.first[q]
            let queryWeight = tables.weight[q]
            for l in 0..<m {
                let id = name.tokens[l]
                var similarity = 0.0
                var how = WordMatch.exact
                if let known = tables.similarity(q, to: id) {
                    similarity = known.value
                    how = known.kind
                } else if queryKind == .word || queryKind == .patronymic,
                    name.kinds[l] == .word || name.kinds[l] == .patronymic
                {
                    let listedLength = Int(tokenLengths[Int(id)])
                    // Initials: "J" for "Jorge" either way round.
                    if (queryLength == 1 || listedLength == 1) && queryLength + listedLength > 2
                        && queryFirst == tokenFirstBytes[Int(id)]
                    {
                        similarity = queryLength == 1 ? Similarity.initial : Similarity.listedInitial
                        how = .initial
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
        var letterPairs: [(q: Int32, l: Int32)] = []
        for pair in pairs where queryMatched[Int(pair.q)] < 0 && listedMatched[Int(pair.l)] < 0 {
            if tables.length[Int(pair.q)] == 1, tokenLengths[Int(name.tokens[Int(pair.l)])] == 1 {
                letterPairs.append((pair.q, pair.l))
            }
            queryMatched[Int(pair.q)] = pair.similarity
            // In an organisation's name a query's initial confirms one letter of the listed word, not the word:
            // the listed side is credited what an initial weighs ("H.D. Technologies" covers little of "Huawei
            // Technologies Dusseldorf"). Initials for given names are how people's names are written.
            listedMatched[Int(pair.l)] =
                pair.how == .initial && tables.length[Int(pair.q)] == 1 && entryTypes[Int(name.entry)] != .individual
                ? pair.similarity * min(1, parameters.initialWeight / max(listedWeight(name, Int(pair.l)), 1e-9))
                : pair.similarity
            unalignedQuery -= 1
            unalignedListed -= 1
            if explaining { aligned.append(([Int(pair.q)], [Int(pair.l)], pair.similarity, pair.how)) }
        }
        // Compounds among what is left: two adjacent words on one side written as one on the other.
        if unalignedQuery > 0 && unalignedListed > 0 {
            for q in 0..<n where queryMatched[q] < 0 && tables.kind[q] == .word && tables.length[q] >= 4 {
                for l in 0..<max(0, m - 1)
                where listedMatched[l] < 0 && listedMatched[l + 1] < 0 && Self.joins(name.kinds[l])
                    && Self.joins(name.kinds[l + 1])
                {
                    let lengths = Int(tokenLengths[Int(name.tokens[l])] + tokenLengths[Int(name.tokens[l + 1])])
                    guard abs(lengths - tables.length[q]) <= 1 else { continue }
                    let first = tokenBytes[Int(name.tokens[l])], second = tokenBytes[Int(name.tokens[l + 1])]
                    let similarity = compoundSimilarity(words[q].bytes, first + second, exact: words[q].isExact)
                    if similarity > 0 {
                        queryMatched[q] = similarity; listedMatched[l] = similarity; listedMatched[l + 1] = similarity
                        unalignedQuery -= 1; unalignedListed -= 2
                        if explaining { aligned.append(([q], [l, l + 1], similarity, .compound)) }
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
                    let similarity = compoundSimilarity(
                        words[q].bytes + words[q + 1].bytes, listed, exact: words[q].isExact || words[q + 1].isExact)
                    if similarity > 0 {
                        queryMatched[q] = similarity; queryMatched[q + 1] = similarity; listedMatched[l] = similarity
                        unalignedQuery -= 2; unalignedListed -= 1
                        if explaining { aligned.append(([q, q + 1], [l], similarity, .compound)) }
                        break
                    }
                }
            }
        }
        // Whole-name fallback: the same letters split differently ("XC-ilent" / "X-Cilent"), when it beats the
        // word-by-word alignment.
        if unalignedQuery > 0 || unalignedListed > 0 || (0..<n).contains(where: { queryMatched[$0] < 1 }) {
            var queryLetters = 0
            for q in 0..<n where tables.spells[q] { queryLetters += tables.length[q] }
            let listedLetters = wholeLetters.length(Int(name.index))
            // Three letters only as they are ("ABC" / "A.B.C."): one edit is never allowed on them.
            if queryLetters >= 4 && abs(queryLetters - listedLetters) <= 1 || queryLetters == 3 && listedLetters == 3 {
                let qs = (0..<n).filter { tables.spells[$0] }
                let letters = qs.flatMap { words[$0].bytes }
                let similarity =
                    qs.contains { words[$0].isExact }
                    ? (wholeLetters.withString(Int(name.index)) { letters.elementsEqual($0) } ? 1 : 0)
                    : letters.withUnsafeBufferPointer { query in
                        wholeLetters.withString(Int(name.index)) { Similarity.compound(query, $0) }
                    }
                if similarity > 0, qs.contains(where: { queryMatched[$0] < similarity }) {
                    if explaining { aligned.removeAll { item in item.q.contains { qs.contains($0) } } }
                    for q in qs { queryMatched[q] = similarity }
                    for l in 0..<m where Self.spells(name.kinds[l], added: tokenIsAdded[Int(name.tokens[l])]) {
                        listedMatched[l] = similarity
                    }
                    if explaining {
                        let ls = (0..<m).filter {
                            Self.spells(name.kinds[$0], added: tokenIsAdded[Int(name.tokens[$0])])
                        }
                        aligned.append((qs, ls, similarity, .compound))
                    }
                }
            }
        }
        var queryTotal = 0.0, queryAligned = 0.0, queryHit = 0.0, listedHit = 0.0
        let listedTotal = nameWeights[Int(name.index)]
        for q in 0..<n {
            queryTotal += tables.weight[q]
            if queryMatched[q] >= 0 {
                queryAligned += tables.weight[q]
                queryHit += tables.weight[q] * queryMatched[q]
            }
        }
        for l in 0..<m where listedMatched[l] >= 0 { listedHit += listedWeight(name, l) * listedMatched[l] }
        guard queryTotal > 0, listedTotal > 0 else { return 0 }
        let queryCoverage = queryHit / queryTotal
        let alignedShare = queryAligned / queryTotal
        let quality = queryAligned > 0 ? queryHit / queryAligned : 0
        let listedCoverage = listedHit / listedTotal
        let floor = strictListed ? 0 : parameters.listedFloor
        let nameScore = alignedShare * alignedShare * quality * (floor + (1 - floor) * listedCoverage)
        var score = nameScore
        var adjustments: [String] = []
        // One word is all the query has, and it matched inexactly: a short word is one or two letters away from
        // many listed words ("Kodak" / "Kadek", "Midea" / "Midsea"), so its likeness is weaker evidence — unless
        // it is the listed word cut short.
        var distinctive = -1
        for q in 0..<n where tables.kind[q] == .word {
            distinctive = distinctive == -1 ? q : -2
        }
        if distinctive >= 0, queryMatched[distinctive] > 0, queryMatched[distinctive] < 1,
            !isTruncation(words[distinctive].bytes, of: name, matched: listedMatched)
        {
            let factor = Self.singleWordFactor(length: tables.length[distinctive])
            if factor < 1 {
                score *= factor
                if explaining {
                    adjustments.append(
                        "one word of \(tables.length[distinctive]) letters, matched inexactly × \(factor)")
                }
            }
        }
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
        if let isNumber = tables.isNumber, (0..<n).contains(where: { isNumber[$0] && queryMatched[$0] < 0 }),
            (0..<m).contains(where: { tokenIsNumber[Int(name.tokens[$0])] && listedMatched[$0] < 0 })
        {
            score *= parameters.numberConflict
            if explaining {
                adjustments.append(
                    "different numbers × \(parameters.numberConflict): another vessel, unit or branch of the same name")
            }
        }
        if tables.hasPatronymic, (0..<n).contains(where: { tables.kind[$0] == .patronymic && queryMatched[$0] < 0 }),
            (0..<m).contains(where: { name.kinds[$0] == .patronymic && listedMatched[$0] < 0 })
        {
            score *= parameters.patronymicConflict
            if explaining {
                adjustments.append(
                    "different patronymics × \(parameters.patronymicConflict): the father's names differ")
            }
        }
        // An organisation's letters spell an acronym: the same letters in another order spell another name
        // ("C.B.A. Company" / "A.B.C. Company"). People's initials are written in any order.
        if letterPairs.count >= 2, entryTypes[Int(name.entry)] != .individual, query.type != .individual {
            letterPairs.sort { $0.q < $1.q }
            if zip(letterPairs, letterPairs.dropFirst()).contains(where: { $0.l > $1.l }) {
                score *= parameters.letterOrderConflict
                if explaining {
                    adjustments.append(
                        "the same letters in another order × \(parameters.letterOrderConflict): another acronym")
                }
            }
        }
        if name.familyName >= 0, listedMatched[Int(name.familyName)] < 0 {
            score *= parameters.familyNameMissing
            if explaining {
                let word = String(decoding: tokenBytes[Int(name.tokens[Int(name.familyName)])], as: UTF8.self)
                adjustments.append(
                    "the listed family name '\(word)' is not in the query × \(parameters.familyNameMissing)")
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
        if !tables.evidence.isEmpty {
            score = applyContext(
                tables.evidence, entry: name.entry, to: score, explaining: explaining, adjustments: &adjustments)
        }
        if let explanation {
            explanation.pointee.queryTokens = words.map(\.text)
            explanation.pointee.listedTokens = name.tokens.map { String(decoding: tokenBytes[Int($0)], as: UTF8.self) }
            explanation.pointee.alignments = aligned.map { item in
                let weight = item.l.reduce(0) { $0 + listedWeight(name, $1) }
                return .init(
                    query: item.q.map { words[$0].text }.joined(separator: "+"),
                    listed: item.l.map { explanation.pointee.listedTokens[$0] }.joined(separator: "+"),
                    how: item.how, similarity: (item.similarity * 1000).rounded() / 1000,
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

    /// The query's date of birth and identifiers against the entry's: a date that agrees adds
    /// ``MatchParameters/birthDateMatchBonus``, a year more than one from every listed date multiplies by
    /// ``MatchParameters/birthDateConflict`` (lists give approximate years: one either way is no conflict), and a
    /// shared identifier lifts the score to `identifierFloor + (1 − identifierFloor) × score`. An entry without a
    /// listed date or identifier is left as it is: what a list does not say is no evidence.
    func applyContext(
        _ evidence: QueryEvidence, entry: Int32, to input: Double, explaining: Bool, adjustments: inout [String]
    ) -> Double {
        var score = input
        let listedDates = entryBirthDates[Int(entry)]
        if let (text, date) = evidence.birthDate, !listedDates.isEmpty {
            if let agreeing = listedDates.first(where: date.agrees) {
                score = min(1, score + parameters.birthDateMatchBonus)
                if explaining {
                    adjustments.append(
                        "date of birth \(text) agrees with listed \(agreeing.text) + \(parameters.birthDateMatchBonus)")
                }
            } else if !listedDates.contains(where: { abs(Int($0.year) - Int(date.year)) <= 1 }) {
                score *= parameters.birthDateConflict
                if explaining {
                    let listed = listedDates.map(\.text).joined(separator: ", ")
                    adjustments.append(
                        "date of birth \(text) more than a year from listed \(listed) × \(parameters.birthDateConflict)"
                    )
                }
            }
        }
        if let (identifier, key) = evidence.identified[entry] {
            let floor = parameters.identifierFloor
            score = floor + (1 - floor) * score
            if explaining {
                let document =
                    entries[Int(entry)].identityDocuments.first { Identifier.key($0.number) == key }
                    ?? IdentityDocument(type: "identity document", number: identifier)
                adjustments.append(
                    "identifier \(identifier) is the listed \(document.type) number: \(floor) + \(((1 - floor) * 1000).rounded() / 1000) × score"
                )
            }
        }
        return score
    }

    /// Whether `query`, five letters or more, is the start of an aligned listed word: cut short, as fixed-width
    /// fields cut names ("Megvi" for "Megvii"), rather than another word.
    func isTruncation(_ query: [UInt8], of name: Name, matched: UnsafeMutableBufferPointer<Double>) -> Bool {
        guard query.count >= 5 else { return false }
        for l in 0..<name.tokens.count where matched[l] >= 0 {
            let listed = tokenBytes[Int(name.tokens[l])]
            if listed.count > query.count && listed.starts(with: query) { return true }
        }
        return false
    }

    /// Whether a listed word of this kind can be half of a word the query writes as one ("Hang Zhou" /
    /// "Hangzhou"): words and places, not legal forms or stop words.
    @inline(__always)
    static func joins(_ kind: Token.Kind) -> Bool { kind == .word || kind == .place }

    /// Whether a word of this kind is among a name's letters when the whole name is compared written another
    /// way (``scoreName``'s whole-name fallback): words, patronymics, and the articles and particles a name is
    /// written with ("Van der Bilt" / "Vanderbilt"); not legal forms, places or what records add around a name
    /// (`added`: ``LegalForms/addedWords``).
    @inline(__always)
    static func spells(_ kind: Token.Kind, added: Bool) -> Bool {
        switch kind {
        case .word, .patronymic: true
        case .stopWord: !added
        case .legalForm, .place: false
        }
    }

    /// The factor for a query whose one word matched inexactly: 0.85 up to five letters, 0.9 for six or seven,
    /// none from eight.
    static func singleWordFactor(length: Int) -> Double {
        switch length {
        case ...5: 0.85
        case 6...7: 0.9
        default: 1
        }
    }

    /// - Parameter exact: a query word taking part was romanised by machine (Chinese): its letters are what
    ///   they are, and only the same letters count ("ting li" is not "Tangli").
    func compoundSimilarity(_ a: [UInt8], _ b: [UInt8], exact: Bool = false) -> Double {
        if exact { return a == b ? 1 : 0 }
        return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in Similarity.compound(a, b) } }
    }

    func isConflict(_ a: PartyType, _ b: PartyType) -> Bool {
        let person: Set<PartyType> = [.individual]
        return person.contains(a) != person.contains(b)
    }
}
