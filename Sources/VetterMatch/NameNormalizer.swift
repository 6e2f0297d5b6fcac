import Foundation
import Synchronization

/// Turns a name in any script into comparable tokens.
///
/// Steps, in order: Unicode NFKC; Chinese characters translated where they are generic words (``HanWords``) or
/// the cited names of listed organisations (``HanNames``) and romanised to pinyin otherwise; Cyrillic romanised by the BGN/PCGN system, as US lists spell Russian names;
/// any other script to Latin; diacritics removed; lowercase; apostrophes and the "?" that lists leave for lost
/// characters in possessives dropped inside words; everything else not a letter or digit splits words; legal-form
/// phrases folded to one canonical token (``LegalForms``); outside a person's name, business abbreviations
/// written out (``Abbreviations``); a name's other spellings (``NameVariants``) as alternatives. Normalising a normalised name changes nothing.
public enum NameNormalizer {
    /// - Parameter isPerson: the name is a person's: a Chinese name is then read as a one-syllable surname and
    ///   a given name ("李成" → "li cheng").
    /// - Parameter translateNames: Chinese proper names of ``HanDictionary`` are translated ("北京理工大学" →
    ///   "Beijing Institute of Technology") rather than romanised.
    public static func normalize(
        _ input: String, isPerson: Bool = false, translateNames: Bool = false
    )
        -> NormalizedName
    {
        var notes: [String] = []
        var text = input.precomposedStringWithCompatibilityMapping
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        var alternatives: [String: [String]] = [:]
        var isHan = false
        let isConsonantal = !isASCII && text.unicodeScalars.contains(where: isAbjad)
        if isConsonantal {
            // The Hebrew legal form בע״מ (Ltd), its gershayim written either way.
            for form in ["בע״מ", "בע\"מ", "בע''מ"] where text.contains(form) {
                text = text.replacingOccurrences(of: form, with: " Ltd ")
            }
            // Arabic tāʾ marbūṭa ends a word with a vowel ("Usama", "Fatima"), not the "t" ICU writes.
            text = text.replacingOccurrences(of: "\u{0629}", with: "\u{0647}")
        }
        if !isASCII {
            if text.unicodeScalars.contains(where: HanWords.isHan) {
                isHan = true
                text = romanizeHan(
                    text, isPerson: isPerson, translateNames: translateNames, alternatives: &alternatives)
                notes.append(
                    translateNames
                        ? "Chinese characters translated (proper names by CC-CEDICT) and romanised to pinyin"
                        : "Chinese characters translated and romanised to pinyin")
            }
            if text.unicodeScalars.contains(where: Burmese.isMyanmar) {
                text = Burmese.romanize(text)
                notes.append("Burmese romanised (conventional), business words translated")
            }
            if text.unicodeScalars.contains(where: { (0x0400...0x04FF).contains($0.value) }) {
                text = text.applyingTransform(StringTransform("Russian-Latin/BGN"), reverse: false) ?? text
                notes.append("Cyrillic romanised (BGN/PCGN)")
            }
            var latin = text.applyingTransform(StringTransform("Any-Latin; Latin-ASCII"), reverse: false) ?? text
            // ʿayn and hamza romanised as modifier letters are apostrophes: inside a word, not between two.
            for mark in ["\u{02BF}", "\u{02BE}", "\u{02BC}"] where latin.contains(mark) {
                latin = latin.replacingOccurrences(of: mark, with: "'")
            }
            if latin != text
                && !notes.contains(where: {
                    $0.hasPrefix("Cyrillic") || $0.hasPrefix("Chinese") || $0.hasPrefix("Burmese")
                })
            {
                notes.append("converted to Latin letters without diacritics")
            }
            text = latin
        }
        let words = correctLegalWords(joinLetterRuns(split(text), notes: &notes), notes: &notes).map(stem)
        var tokens = foldLegalForms(words, notes: &notes)
        if !isPerson { expandAbbreviations(&tokens, notes: &notes) }
        addVariants(&tokens)
        markPatronymic(&tokens, notes: &notes)
        if isConsonantal {
            for index in tokens.indices where tokens[index].kind == .word { tokens[index].isConsonantal = true }
        }
        if isHan {
            for index in tokens.indices {
                tokens[index].alternatives = alternatives[tokens[index].text] ?? []
                tokens[index].isExact = true
            }
        }
        return NormalizedName(tokens: tokens, notes: notes, isChinesePersonName: isHan && isPerson)
    }

    /// "Tech" → "technology", "Intl" → "international" (``Abbreviations``), keeping the abbreviation and the other
    /// readings as the token's alternatives.
    static func expandAbbreviations(_ tokens: inout [Token], notes: inout [String]) {
        for index in tokens.indices where tokens[index].kind == .word {
            guard let readings = Abbreviations.table[tokens[index].text] else { continue }
            notes.append("'\(tokens[index].text)' read as '\(readings[0])'")
            tokens[index].alternatives = [tokens[index].text] + readings.dropFirst()
            tokens[index].text = readings[0]
        }
    }

    /// "Osama" may be written "Usama", "ibn" "bin" (``NameVariants``): the other spellings of the word's class
    /// become its alternatives. The word itself stays as written, so that a listed name keeps its own spelling
    /// and a typing error in it is still found.
    static func addVariants(_ tokens: inout [Token]) {
        for index in tokens.indices where tokens[index].kind == .word {
            guard let variants = NameVariants.classes[tokens[index].text] else { continue }
            tokens[index].alternatives += variants.filter { $0 != tokens[index].text }
        }
    }

    /// Hebrew, Arabic (with Persian and Urdu letters and presentation forms) and Syriac: scripts that leave most
    /// vowels unwritten.
    static func isAbjad(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0590...0x05FF, 0x0600...0x06FF, 0x0700...0x074F, 0x0750...0x077F, 0x08A0...0x08FF, 0xFB1D...0xFDFF,
            0xFE70...0xFEFF:
            true
        default: false
        }
    }

    /// Folds English plurals and a few word forms that lists and users write either way: "Technologies" /
    /// "Technology", "Systems" / "System", "Chinese" / "China". Applied to list and query alike, so it only has to
    /// be consistent, not linguistically exact. Words under six letters are left alone (names such as "Abbas").
    static func stem(_ word: String) -> String {
        if word == "chinese" { return "china" }
        guard word.count >= 6, word.utf8.allSatisfy({ $0 >= 97 && $0 <= 122 }) else { return word }
        if word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is") {
            return String(word.dropLast())
        }
        return word
    }

    /// Splits into lowercase ASCII words.
    static func split(_ text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        let bytes = Array(text.utf8)
        func isLetter(_ byte: UInt8) -> Bool {
            (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90)
        }
        for (position, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                current.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                current.append(byte + 32)
            case UInt8(ascii: "'"), UInt8(ascii: "`"):
                continue  // O'Brien, 'Abbas, People's: apostrophes join
            case UInt8(ascii: "?"):
                // "People?s": a possessive whose apostrophe was lost upstream; elsewhere "?" separates.
                let before = position > 0 && isLetter(bytes[position - 1])
                let after =
                    position + 1 < bytes.count
                    && (bytes[position + 1] == UInt8(ascii: "s")
                        || bytes[position + 1] == UInt8(ascii: "S"))
                let ends = position + 2 >= bytes.count || !isLetter(bytes[position + 2])
                if before && after && ends { continue }
                if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)); current.removeAll() }
            default:
                if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)); current.removeAll() }
            }
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    /// Endings of East Slavic patronymics as lists romanise them: "-ovich", "-evich" (Russian, Belarusian; "-ovitch"
    /// in French-style spellings), "-ovych", "-evych" (Ukrainian), "-ovna", "-evna", "-ichna", "-ivna" (women's).
    static let patronymicEndings: [[UInt8]] = [
        "ovich", "evich", "ovitch", "evitch", "ovych", "evych", "ovna", "evna", "ichna", "ivna",
    ].map { Array($0.utf8) }

    /// Marks a name's patronymic: in a name of three words or more, the first word after the first with a
    /// patronymic ending ("Vladimir Vladimirovich Putin", "PUTIN Vladimir Vladimirovich"). A surname with the same
    /// ending ("Abramovich") is the name's first word or follows the patronymic, so it stays a word.
    static func markPatronymic(_ tokens: inout [Token], notes: inout [String]) {
        var wordCount = 0
        for token in tokens where token.kind == .word { wordCount += 1 }
        guard wordCount >= 3 else { return }
        var isFirst = true
        for position in tokens.indices where tokens[position].kind == .word {
            if isFirst {
                isFirst = false
                continue
            }
            // Every ending ends in "h" or "a"; a patronymic has seven letters or more.
            let bytes = tokens[position].text.utf8
            guard bytes.count >= 7, let last = bytes.last, last == UInt8(ascii: "h") || last == UInt8(ascii: "a"),
                patronymicEndings.contains(where: { bytes.suffix($0.count).elementsEqual($0) })
            else { continue }
            tokens[position].kind = .patronymic
            notes.append("'\(tokens[position].text)' read as a patronymic: weighs little")
            return
        }
    }

    /// "G.m.b.H.", "S.A.", "F.Z.E.": a run of single letters that spells a legal form becomes that word.
    static func joinLetterRuns(_ words: [String], notes: inout [String]) -> [String] {
        var out: [String] = []
        var index = 0
        while index < words.count {
            var end = index
            while end < words.count && words[end].count == 1 { end += 1 }
            if end - index >= 2 {
                // Only a whole run counts: "C.A.D." stays three letters, not "C" and "AD".
                let joined = words[index..<end].joined()
                if LegalForms.phrases[joined] != nil {
                    out.append(joined)
                    notes.append("'\(words[index..<end].joined(separator: "."))' read as \(joined)")
                } else {
                    out.append(contentsOf: words[index..<end])
                }
                index = end
                continue
            }
            out.append(words[index])
            index += 1
        }
        return out
    }

    /// Words of five letters or more within one typing error of a legal-form word ("Compayn", "Limmited",
    /// "Jiont") are read as that word, so that the legal form is recognised and weighs as one. A word that is a
    /// legal form only inside a phrase ("joint", "societe") is corrected only beside another legal-form word,
    /// so that "Society" or the surname "Klisha" stay what they are.
    static func correctLegalWords(_ words: [String], notes: inout [String]) -> [String] {
        var result = words
        for (index, word) in words.enumerated() where word.count >= 5 && !LegalForms.words.contains(word) {
            let bytes = Array(word.utf8)
            let besideLegal =
                (index > 0 && LegalForms.words.contains(words[index - 1]))
                || (index + 1 < words.count && LegalForms.words.contains(words[index + 1]))
            // One edit cannot change both the first and the last letter of a word of five or more.
            for candidate in LegalForms.longWords
            where abs(candidate.count - bytes.count) <= 1
                && (candidate.first == bytes.first || candidate.last == bytes.last)
            {
                let corrected = String(decoding: candidate, as: UTF8.self)
                guard LegalForms.phrases[corrected] != nil || besideLegal else { continue }
                if Similarity.distance(bytes, candidate, limit: 1) <= 1 {
                    notes.append("'\(word)' read as '\(corrected)'")
                    result[index] = corrected
                    break
                }
            }
        }
        return result
    }

    /// Replaces legal-form phrases by their canonical token. Phrases of three letters or fewer ("ao", "sa",
    /// "co") count only at the start or end of a name or beside another legal form, since short words inside a
    /// name are usually part of it.
    static func foldLegalForms(_ words: [String], notes: inout [String]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        var legalAt: [Bool] = []
        while index < words.count {
            var matched = false
            let longest = min(LegalForms.longestPhraseStarting[words[index]] ?? 0, words.count - index)
            for length in stride(from: longest, through: 1, by: -1) {
                let phrase = length == 1 ? words[index] : words[index..<index + length].joined(separator: " ")
                guard let canonical = LegalForms.phrases[phrase] else { continue }
                // Letters that a further letter follows spell an acronym ("A.S.P. Builders"), not a legal form
                // ("A.S."); a run that is one whole is joined before (``joinLetterRuns``).
                if length >= 2, index + length < words.count, words[index + length].count == 1,
                    words[index..<index + length].allSatisfy({ $0.count == 1 })
                {
                    continue
                }
                let short = phrase.count <= 3
                let atEdge =
                    index == 0 || index + length == words.count || (legalAt.last ?? false)
                    || (index + length < words.count && isLegalStart(words, at: index + length))
                if short && !atEdge { continue }
                tokens.append(Token(canonical, kind: .legalForm))
                legalAt.append(true)
                if phrase != canonical { notes.append("'\(phrase)' → \(canonical)") }
                index += length
                matched = true
                break
            }
            if !matched {
                let word = words[index]
                if let canonical = LegalForms.standaloneWords[word] {
                    tokens.append(Token(canonical, kind: .legalForm))
                    legalAt.append(true)
                    index += 1
                    continue
                }
                let kind: Token.Kind =
                    LegalForms.stopWords.contains(word) ? .stopWord : Places.names.contains(word) ? .place : .word
                tokens.append(Token(word, kind: kind))
                legalAt.append(false)
                index += 1
            }
        }
        // Consecutive legal forms ("Co. (Pvt.) Ltd", "Company LLC") are one: the last that is more than "co".
        var collapsed: [Token] = []
        for token in tokens {
            if token.kind == .legalForm, let last = collapsed.last, last.kind == .legalForm {
                if token.text != "co" || last.text == "co" { collapsed[collapsed.count - 1] = token }
                continue
            }
            collapsed.append(token)
        }
        tokens = collapsed
        // A name made only of legal forms, places and stop words ("Co. Ltd", "Beijing") keeps them as words.
        if !tokens.isEmpty && tokens.allSatisfy({ $0.kind != .word }) {
            return tokens.map { Token($0.text, kind: .word) }
        }
        return tokens
    }

    static func isLegalStart(_ words: [String], at index: Int) -> Bool {
        let longest = min(LegalForms.longestPhraseStarting[words[index]] ?? 0, words.count - index)
        for length in stride(from: longest, through: 1, by: -1) {
            let phrase = words[index..<index + length].joined(separator: " ")
            if let _ = LegalForms.phrases[phrase], phrase.count > 3 || index + length == words.count { return true }
        }
        return false
    }

    /// Whether a word of two characters or more of ``HanWords`` or ``HanNames`` starts at `index`.
    static func startsKnownWord(_ characters: [Character], at index: Int) -> Bool {
        let longest = max(HanWords.longest, HanNames.longest)
        return HanWords.longestWord(characters, at: index, longest: longest, minimum: 2) {
            HanNames.table[$0] ?? HanWords.table[$0]
        } != nil
    }

    private static let pinyinCache = Mutex<[Character: String]>([:])

    /// The pinyin of one character, without tones (ICU's Han-Latin/Names, cached: the transform is slow).
    static func pinyin(_ character: Character) -> String {
        if let known = pinyinCache.withLock({ $0[character] }) { return known }
        let latin =
            String(character).applyingTransform(StringTransform("Han-Latin/Names; Latin-ASCII"), reverse: false)
            ?? String(character)
        let cleaned = latin.replacingOccurrences(of: " ", with: "")
        pinyinCache.withLock { $0[character] = cleaned }
        return cleaned
    }

    /// What a word of the Chinese tables reads as: a proper name (``HanNames``, ``HanDictionary``) or a generic
    /// word (``HanWords``: its English rendering, alternatives after "|").
    enum HanReading {
        case name(String)
        case word(String)
    }

    /// Translates the generic words of a Chinese name and romanises the rest. Runs of romanised characters are
    /// written as words of two syllables ("依图" → "yitu"), the usual length of a Chinese word; a run of three
    /// stays whole.
    static func romanizeHan(
        _ text: String, isPerson: Bool = false, translateNames: Bool = false, alternatives: inout [String: [String]]
    ) -> String {
        let characters = Array(text)
        var output = ""
        var run: [Character] = []
        func flushRun() {
            guard !run.isEmpty else { return }
            var chunks: [[Character]] = []
            var start = 0
            if isPerson && output.trimmingCharacters(in: .whitespaces).isEmpty && run.count >= 2 && run.count <= 4 {
                // A Chinese personal name: the surname (one character), then the given name written as one word.
                chunks = [[run[0]], Array(run[1...])]
                start = run.count
            }
            while start < run.count {
                let remaining = run.count - start
                let size = remaining == 3 ? 3 : min(2, remaining)
                chunks.append(Array(run[start..<start + size]))
                start += size
            }
            for chunk in chunks {
                output += " " + chunk.map(pinyin).joined() + " "
            }
            run.removeAll()
        }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character.unicodeScalars.allSatisfy(HanWords.isHan) else {
                flushRun()
                output.append(character)
                index += 1
                continue
            }
            var found = false
            let longest = max(HanWords.longest, HanNames.longest, translateNames ? HanDictionary.longest : 0)
            let known = HanWords.longestWord(characters, at: index, longest: longest) { word -> HanReading? in
                if let name = HanNames.table[word] ?? (translateNames ? HanDictionary.names[word] : nil) {
                    return .name(name)
                }
                return HanWords.table[word].map(HanReading.word)
            }
            switch known {
            case let (length, .name(name))?:
                flushRun()
                output += " \(name) "
                index += length
                found = true
            case let (length, .word(rendering))?:
                let word = String(characters[index..<index + length])
                let choices = rendering.components(separatedBy: "|")
                let english = choices[0]
                // Alternatives are compared with the listed words as normalised: stemmed ("aeronautics").
                if choices.count > 1, !english.contains(" ") {
                    alternatives[stem(english)] = choices.dropFirst().map(stem)
                }
                // Single-character words only when they end a name ("…局", "…厂") or a known word follows
                // ("厦门市美亚柏科"): inside a name the character is usually part of another word.
                if length == 1 && index + 1 < characters.count
                    && characters[index + 1].unicodeScalars.allSatisfy(HanWords.isHan)
                    && !startsKnownWord(characters, at: index + 1)
                {
                    break
                }
                flushRun()
                // An administrative suffix inside a name ("厦门市美亚柏科": Xiamen City Meiya Pico) is left out, as
                // English renderings leave it out ("Xiamen Meiya Pico").
                if !(length == 1 && index + 1 < characters.count && HanWords.administrative.contains(word)) {
                    output += " \(english) "
                }
                index += length
                found = true
            case nil: break
            }
            if !found {
                run.append(character)
                index += 1
            }
        }
        flushRun()
        return output
    }
}
