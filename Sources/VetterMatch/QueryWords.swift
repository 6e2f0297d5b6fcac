import Foundation
import VetterCore

/// A query's words, looked up once per screen: the vocabulary words each may be, how similar and how they
/// matched, and their weights, in flat tables for the scorer.
extension ScreeningIndex {

    struct QueryWord {
        var text: String
        var bytes: [UInt8]
        var kind: Token.Kind
        var weight: Double
        /// Vocabulary words this query word may be, and their similarity (parallel arrays, scanned linearly:
        /// they hold a handful of words).
        var similarIDs: [Int32]
        var similarValues: [Double]
        var similarKinds: [WordMatch]
        /// Bit `id % 64` set for every similar id: rejects most non-matches without a scan.
        var mask: UInt64
        /// The names with two adjacent words that this word, within one edit, writes as one (``joinedCandidates``).
        var compoundNames: [Int32] = []
        /// Romanised by machine (``Token/isExact``): compared as written, in compounds too.
        var isExact = false
        var length: Int { bytes.count }
        var first: UInt8 { bytes.first ?? 0 }

        init(
            text: String, bytes: [UInt8], kind: Token.Kind, weight: Double, similarIDs: [Int32],
            similarValues: [Double], similarKinds: [WordMatch]
        ) {
            self.text = text
            self.bytes = bytes
            self.kind = kind
            self.weight = weight
            self.similarIDs = similarIDs
            self.similarValues = similarValues
            self.similarKinds = similarKinds
            self.mask = similarIDs.reduce(0) { $0 | (1 << UInt64($1 & 63)) }
        }
    }

    /// The query words' hot fields in flat, manually managed buffers for the time of one screen, so that the
    /// scorer's inner loop reads plain memory.
    struct QueryTables {
        let count: Int
        let weight: UnsafeMutableBufferPointer<Double>
        let kind: UnsafeMutableBufferPointer<Token.Kind>
        /// Whether each word is among the query's letters for the whole-name comparison (``ScreeningIndex/spells``).
        let spells: UnsafeMutableBufferPointer<Bool>
        let length: UnsafeMutableBufferPointer<Int>
        let first: UnsafeMutableBufferPointer<UInt8>
        let mask: UnsafeMutableBufferPointer<UInt64>
        let similarStart: UnsafeMutableBufferPointer<Int>
        let similarIDs: UnsafeMutableBufferPointer<Int32>
        let similarValues: UnsafeMutableBufferPointer<Double>
        let similarKinds: UnsafeMutableBufferPointer<WordMatch>
        let hasLegalForm: Bool
        let hasPatronymic: Bool
        /// Whether each word is a number (digits only, as "7" in "Warta 7"), when any is.
        let isNumber: [Bool]?
        let evidence: QueryEvidence

        init(_ words: [QueryWord], evidence: QueryEvidence) {
            self.evidence = evidence
            count = words.count
            weight = .allocate(capacity: count)
            kind = .allocate(capacity: count)
            spells = .allocate(capacity: count)
            length = .allocate(capacity: count)
            first = .allocate(capacity: count)
            mask = .allocate(capacity: count)
            similarStart = .allocate(capacity: count + 1)
            let total = words.reduce(0) { $0 + $1.similarIDs.count }
            similarIDs = .allocate(capacity: max(1, total))
            similarValues = .allocate(capacity: max(1, total))
            similarKinds = .allocate(capacity: max(1, total))
            var offset = 0
            for (q, word) in words.enumerated() {
                weight[q] = word.weight
                kind[q] = word.kind
                spells[q] = ScreeningIndex.spells(
                    word.kind, added: word.kind == .stopWord && LegalForms.addedWords.contains(word.text))
                length[q] = word.length
                first[q] = word.first
                mask[q] = word.mask
                similarStart[q] = offset
                for position in word.similarIDs.indices {
                    similarIDs[offset] = word.similarIDs[position]
                    similarValues[offset] = word.similarValues[position]
                    similarKinds[offset] = word.similarKinds[position]
                    offset += 1
                }
            }
            similarStart[count] = offset
            hasLegalForm = words.contains { $0.kind == .legalForm }
            hasPatronymic = words.contains { $0.kind == .patronymic }
            let numbers = words.map { $0.kind == .word && ScreeningIndex.isNumber($0.text.utf8) }
            isNumber = numbers.contains(true) ? numbers : nil
        }

        func deallocate() {
            weight.deallocate(); kind.deallocate(); spells.deallocate(); length.deallocate(); first.deallocate();
            mask.deallocate()
            similarStart.deallocate(); similarIDs.deallocate(); similarValues.deallocate(); similarKinds.deallocate()
        }

        @inline(__always)
        func similarity(_ q: Int, to id: Int32) -> (value: Double, kind: WordMatch)? {
            guard mask[q] & (1 << UInt64(id & 63)) != 0 else { return nil }
            for index in similarStart[q]..<similarStart[q + 1] where similarIDs[index] == id {
                return (similarValues[index], similarKinds[index])
            }
            return nil
        }
    }

    func prepare(_ normalized: NormalizedName, session: Session?) -> [QueryWord] {
        var words: [QueryWord] = []
        for word in prepareEach(normalized, session: session) {
            if let split = splitJoined(word) { words += split } else { words.append(word) }
        }
        return words
    }

    /// A query word that the lists do not know, nor any near spelling of, written as two words they know
    /// ("VladimirPutin", "Hikvisiondigital"): the two words, the split chosen where the rarer part weighs most.
    func splitJoined(_ word: QueryWord) -> [QueryWord]? {
        guard word.kind == .word, word.similarIDs.isEmpty, word.length >= 7, word.compoundNames.isEmpty else {
            return nil
        }
        var best: (at: Int, weight: Double)?
        for at in 3...(word.length - 3) {
            guard let first = vocabulary[String(decoding: word.bytes[..<at], as: UTF8.self)],
                let second = vocabulary[String(decoding: word.bytes[at...], as: UTF8.self)]
            else { continue }
            let weight = min(weights[Int(first)], weights[Int(second)])
            if weight > best?.weight ?? -1 { best = (at, weight) }
        }
        guard let best else { return nil }
        // The parts are taken as written: a split word is already a guess, a typing error in a part would be a
        // second one.
        return [word.bytes[..<best.at], word.bytes[best.at...]].map {
            prepare(Token(String(decoding: $0, as: UTF8.self), isExact: true))
        }
    }

    func prepareEach(_ normalized: NormalizedName, session: Session?) -> [QueryWord] {
        normalized.tokens.map { token in
            // Everything of the token that the look-up depends on (its text, kind, flags and alternatives).
            var key = token.text
            if token.isExact || token.isConsonantal || !token.alternatives.isEmpty {
                key += "\u{0}\(token.isExact ? 1 : 0)\(token.isConsonantal ? 1 : 0)"
                for alternative in token.alternatives { key += "\u{0}" + alternative }
            }
            if let cached = session?.words[key], cached.kind == token.kind { return cached }
            let word = prepare(token)
            if let session {
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
            var kinds: [WordMatch] = []
            let known = vocabulary[token.text]
            if let known {
                ids.append(known)
                values.append(1)
                kinds.append(.exact)
            }
            for alternative in token.alternatives {
                if let id = vocabulary[alternative], !ids.contains(id) {
                    ids.append(id)
                    values.append(1)
                    kinds.append(.transliteration)
                }
            }
            if token.kind == .word || token.kind == .place || token.kind == .patronymic, bytes.count >= 3,
                !token.isExact
            {
                let skeleton = Similarity.skeleton(bytes)
                var candidates: [Int32] = []
                Self.forEachDeletionHash(bytes) { tokens(deletionHash: $0, into: &candidates) }
                if bytes.count >= 4 && skeleton.count >= 3, let more = skeletons[Self.hash(skeleton[...])] {
                    candidates.append(contentsOf: more)
                }
                // Written without vowels on one side: the same consonants.
                let consonants = Similarity.consonants(skeleton)
                if consonants.count >= 2 {
                    let table = token.isConsonantal ? consonantSkeletons : vowellessSkeletons
                    table.forEach(Self.hash(consonants)) { candidates.append($0) }
                }
                candidates.sort()
                var previous: Int32 = -1
                for id in candidates where id != previous {
                    previous = id
                    if ids.contains(id) { continue }
                    let listed = tokenBytes[Int(id)]
                    let (similarity, kind) = Similarity.words(
                        bytes, listed, skeletonA: skeleton, skeletonB: tokenSkeletons[Int(id)],
                        consonantal: token.isConsonantal || (listed.count >= 3 && !Similarity.hasVowel(listed)))
                    if similarity > 0 {
                        ids.append(id)
                        values.append(similarity)
                        kinds.append(kind)
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
                case .patronymic: parameters.patronymicWeight
                }
            var word = QueryWord(
                text: token.text, bytes: bytes, kind: token.kind, weight: weight, similarIDs: ids,
                similarValues: values, similarKinds: kinds)
            if token.kind == .word && bytes.count >= 4 { word.compoundNames = compoundNames(bytes) }
            word.isExact = token.isExact
            return word
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
}
