/// Word-level similarity: typing errors, transliteration variants, initials.
enum Similarity {
    /// Optimal-string-alignment (restricted Damerau–Levenshtein) distance, or `limit + 1` for anything past
    /// `limit` (it gives up as soon as no alignment can stay within it).
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        let n = a.count, m = b.count
        if abs(n - m) > limit { return limit + 1 }
        if n == 0 { return min(m, limit + 1) }
        if m == 0 { return min(n, limit + 1) }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (m + 1)) { rows in
            var previous2 = UnsafeMutableBufferPointer(rebasing: rows[0..<(m + 1)])
            var previous = UnsafeMutableBufferPointer(rebasing: rows[(m + 1)..<(2 * m + 2)])
            var current = UnsafeMutableBufferPointer(rebasing: rows[(2 * m + 2)..<(3 * m + 3)])
            for j in 0...m {
                previous[j] = j
                previous2[j] = 0
            }
            for i in 1...n {
                current[0] = i
                var rowMin = i
                for j in 1...m {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                        value = min(value, previous2[j - 2] + 1)
                    }
                    current[j] = value
                    rowMin = min(rowMin, value)
                }
                if rowMin > limit { return limit + 1 }
                swap(&previous2, &previous)
                swap(&previous, &current)
            }
            return min(previous[m], limit + 1)
        }
    }

    /// Whether two strings are at most one edit apart (optimal string alignment: a substitution, an insertion,
    /// a deletion or two adjacent letters swapped), in one pass: past the common prefix and suffix, at most one
    /// letter may remain on each side, or two swapped.
    static func withinOneEdit(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count, m = b.count
        guard abs(n - m) <= 1 else { return false }
        let shorter = min(n, m)
        var prefix = 0
        while prefix < shorter && a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < shorter - prefix && a[n - 1 - suffix] == b[m - 1 - suffix] { suffix += 1 }
        let restA = n - prefix - suffix, restB = m - prefix - suffix
        if restA <= 1 && restB <= 1 { return true }
        return restA == 2 && restB == 2 && a[prefix] == b[prefix + 1] && a[prefix + 1] == b[prefix]
    }

    /// The similarity of words written differently split ("Hik Vision" / "Hikvision"): 1 when the letters are
    /// the same; within one edit, when the shorter has three letters or more and the longer four, what one typing
    /// error leaves of a word that long (``typoSimilarity(edits:length:)``: 0.75 for four letters … 0.9 from six);
    /// else 0.
    /// A number is not misspelt: strings whose digits differ are not similar ("warta7" / "warta1": ``sameDigits``).
    static func compound(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
        if a.count == b.count && a.elementsEqual(b) { return 1 }
        guard min(a.count, b.count) >= 3, max(a.count, b.count) >= 4, withinOneEdit(a, b), sameDigits(a, b) else {
            return 0
        }
        return typoSimilarity(edits: 1, length: max(a.count, b.count))
    }

    /// Whether two strings that both hold digits hold the same digits in the same order: a hull, unit or model
    /// number ("Warta 7", "14th Research Institute", "A380") is identity, not spelling, so a typing error may not
    /// change it. A digit on one side only is a letter mistyped or disguised ("Sech1n").
    static func sameDigits(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
        var i = 0, j = 0, digitsA = false, digitsB = false
        while true {
            while i < a.count && !isDigit(a[i]) { i += 1 }
            while j < b.count && !isDigit(b[j]) { j += 1 }
            if i == a.count || j == b.count {
                // Equal so far; more digits on one side differ, unless the other has none at all.
                return (i == a.count && j == b.count) || (i == a.count ? !digitsA : !digitsB)
            }
            guard a[i] == b[j] else { return false }
            digitsA = true
            digitsB = true
            i += 1
            j += 1
        }
    }

    /// The similarity the scorer gives a query's one-letter word standing for a listed whole word ("J" /
    /// "Jorge"): the query says little, and weighs little.
    static let initial = 0.6

    /// The similarity the scorer gives a query's whole word for a listed one-letter word ("Jorge" / "J"): the
    /// query's word weighs fully while the list confirms only its first letter, weak evidence.
    static let listedInitial = 0.45

    /// How many edits two words of these lengths may differ by and still be the same word: none when either
    /// has fewer than three letters, one up to six letters, two from seven.
    static func allowedEdits(_ shorter: Int, _ longer: Int) -> Int {
        if shorter < 3 { return 0 }
        switch longer {
        case 0...3: return 0
        case 4...6: return 1
        default: return 2
        }
    }

    /// One error in four letters leaves less of a word than one in ten: 0.75 for four letters, 0.85 for five,
    /// 0.9 from six; two errors 0.75 up to eight letters, 0.8 beyond.
    static func typoSimilarity(edits: Int, length: Int) -> Double {
        switch edits {
        case 0: 1
        case 1: length <= 4 ? 0.75 : length == 5 ? 0.85 : 0.9
        default: length <= 8 ? 0.75 : 0.8
        }
    }

    /// Deletions to index for a listed word of this length (the deletion neighbourhood's radius).
    static func indexedDeletions(_ length: Int) -> Int {
        switch length {
        case 0...3: 0
        case 4...6: 1
        case 7...maximumFuzzyLength: 2
        // No listed word is this long; a longer word is looked up as written (and by its skeleton), so that the
        // neighbourhood, whose size grows with the square of the length, stays bounded.
        default: 0
        }
    }

    /// The longest word looked up with typing errors (the longest in the lists is 24 letters).
    static let maximumFuzzyLength = 32

    /// A consonant skeleton that folds common romanisation variants together: Mohammed / Muhammad / Mohamad →
    /// `mhmd`; Sergei / Sergey → `srg`; Ivanov / Ivanoff → `fnf`. Vowels (and y, w, h after a consonant) drop,
    /// sound-alike consonants merge, doubled letters collapse. The first letter's class is kept.
    static func skeleton(_ word: [UInt8]) -> [UInt8] {
        guard let first = word.first else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(word.count)
        func fold(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"),
                UInt8(ascii: "y"), UInt8(ascii: "w"), UInt8(ascii: "h"):
                return nil
            case UInt8(ascii: "v"), UInt8(ascii: "f"), UInt8(ascii: "p"), UInt8(ascii: "b"): return UInt8(ascii: "f")
            case UInt8(ascii: "c"), UInt8(ascii: "k"), UInt8(ascii: "q"), UInt8(ascii: "g"): return UInt8(ascii: "k")
            case UInt8(ascii: "z"), UInt8(ascii: "s"): return UInt8(ascii: "s")
            case UInt8(ascii: "d"), UInt8(ascii: "t"): return UInt8(ascii: "t")
            case UInt8(ascii: "j"): return UInt8(ascii: "j")
            default: return byte
            }
        }
        // The first letter's vowel-ness matters: "Abbas" and "Bass" differ.
        let firstIsVowel = [UInt8]("aeiouy".utf8).contains(first)
        if firstIsVowel { out.append(UInt8(ascii: "a")) }
        for byte in word {
            if byte == UInt8(ascii: "x") {  // x sounds ks: Alexei / Aleksey
                if out.last != UInt8(ascii: "k") { out.append(UInt8(ascii: "k")) }
                out.append(UInt8(ascii: "s"))
                continue
            }
            guard let folded = fold(byte) else { continue }
            if out.last != folded { out.append(folded) }
        }
        return out
    }

    /// Similarity of two words in [0, 1], and how they matched; 0 means "not the same word". A typing error
    /// counts for more in a short word (``typoSimilarity(edits:length:)``); a transliteration variant (same
    /// skeleton, same first letter, close spelling) gives 0.85 — and is called one only when that beats the typo.
    /// - Parameter consonantal: one of the words was written without its vowels (romanised Hebrew or Arabic, or
    ///   a listed word so written): the same consonants make it a transliteration (0.85; 0.75 for two consonants).
    static func words(
        _ a: [UInt8], _ b: [UInt8], skeletonA: [UInt8], skeletonB: [UInt8], consonantal: Bool = false
    ) -> (similarity: Double, kind: WordMatch) {
        if a == b { return (1, .exact) }
        let shorter = min(a.count, b.count), longer = max(a.count, b.count)
        var best = (similarity: 0.0, kind: WordMatch.typo)
        let allowed = allowedEdits(shorter, longer)
        let limit = allowed + 1
        let d = distance(a, b, limit: limit)
        if d <= allowed { best.similarity = typoSimilarity(edits: d, length: longer) }
        // Transliteration variants: same skeleton, five letters or more, at most one edit beyond a typo, and
        // the same first two letters or the same last letter (Mohammed / Muhammad, Alexei / Aleksey).
        if skeletonA == skeletonB, skeletonA.count >= 3, shorter >= 5, d <= allowed + 1, a[0] == b[0],
            a[1] == b[1] || a[a.count - 1] == b[b.count - 1], best.similarity < 0.85
        {
            best = (0.85, .transliteration)
        }
        // Vowels left out make the word shorter, by a few letters, not by half ("Swisscom" is not the acronym SGM).
        if consonantal, best.similarity < 0.85, min(a.count, b.count) >= 3, abs(a.count - b.count) <= 3 {
            let consonantsA = consonants(skeletonA)
            if consonantsA.count >= 2, consonantsA == consonants(skeletonB) {
                best = (consonantsA.count >= 3 ? 0.85 : 0.75, .transliteration)
            }
        }
        if best.similarity > 0, !a.withUnsafeBufferPointer({ a in b.withUnsafeBufferPointer { sameDigits(a, $0) } }) {
            return (0, .typo)
        }
        return best
    }

    /// A skeleton without the mark of a leading vowel: what a script that does not write vowels keeps of a word
    /// ("Umizug" and ומיזוג, romanised "wmyzwg", both `msk`).
    static func consonants(_ skeleton: [UInt8]) -> ArraySlice<UInt8> {
        skeleton.first == UInt8(ascii: "a") ? skeleton.dropFirst() : skeleton[...]
    }

    /// Whether a lowercase word has a vowel letter (a, e, i, o, u).
    static func hasVowel(_ word: [UInt8]) -> Bool {
        word.contains { $0 == 97 || $0 == 101 || $0 == 105 || $0 == 111 || $0 == 117 }
    }
}
