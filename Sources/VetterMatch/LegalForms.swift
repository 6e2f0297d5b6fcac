/// Legal-form and other generic phrases, each mapped to one canonical token.
///
/// "Co., Ltd.", "Company Limited", "Ltd" and "有限公司" all mean the same thing and identify nobody, so they are
/// folded to one token (`ltd`) and weighted as weak evidence (``Token/Kind/legalForm``). The table covers the
/// jurisdictions that dominate US lists: English, Russian (romanised by BGN and in common spellings), Spanish,
/// French, German, Italian, Portuguese, Arabic and Chinese forms.
enum LegalForms {
    /// Phrase (normalised tokens joined by spaces) → canonical token. Longest phrases are matched first.
    static let phrases: [String: String] = {
        var table: [String: String] = [:]
        func add(_ canonical: String, _ variants: [String]) {
            for variant in variants { table[variant] = canonical }
        }
        add(
            "ltd",
            [
                "ltd", "limited", "co ltd", "company limited", "co limited", "company ltd", "coltd", "pvt ltd",
                "private limited", "pte ltd", "pty ltd", "sdn bhd", "bhd", "kk", "kabushiki kaisha", "yugen kaisha",
                "limited company", "limited liability company ltd", "plc", "public limited company", "llp", "lp",
            ])
        add(
            "llc",
            [
                "llc", "l l c", "ooo", "obshchestvo s ogranichennoy otvetstvennostyu",
                "obshchestvo s ogranichennoi otvetstvennostyu", "obshestvo s ogranichennoy otvetstvennostyu",
                "obschestvo s ogranichennoy otvetstvennostyu", "obshchestvo s organichennoi otvetstvennostyu",
                "limited liability company", "limited liability partnership", "tov", "too", "mchj", "sp z o o", "spzoo",
            ])
        add(
            "jsc",
            [
                "jsc", "ojsc", "cjsc", "pjsc", "ao", "oao", "zao", "pao", "nao", "jstock", "joint stock company",
                "open joint stock company", "closed joint stock company", "public joint stock company",
                "aktsionernoe obshchestvo", "aktsionernoye obshchestvo", "otkrytoe aktsionernoe obshchestvo",
                "otkrytoye aktsionernoye obshchestvo", "zakrytoe aktsionernoe obshchestvo",
                "zakrytoye aktsionernoye obshchestvo", "publichnoe aktsionernoe obshchestvo",
                "publichnoye aktsionernoye obshchestvo", "aktsionernoe obschestvo", "joint stock co",
                "open joint stock co", "closed joint stock co", "public joint stock co", "joint-stock company",
                "jt stock co", "ad", "dd", "a s", "as", "asa", "ab",
            ])
        add("inc", ["inc", "incorporated", "corp", "corporation"])
        add("co", ["co", "company", "cia", "compania", "compagnie", "cie"])
        add("gmbh", ["gmbh", "gesellschaft mit beschrankter haftung", "mbh", "ug", "kg", "gmbh co kg", "ohg"])
        add("ag", ["ag", "aktiengesellschaft", "se"])
        add(
            "sa",
            [
                "sa", "s a", "sociedad anonima", "societe anonyme", "sa de cv", "s a de c v", "sa de c v",
                "sapi de cv", "s de rl", "s de rl de cv", "s de r l", "s de r l de c v", "srl", "s r l", "sarl",
                "s a r l", "spa", "s p a", "sas", "s a s", "ltda", "limitada", "sociedade anonima", "sl", "s l",
                "eirl", "cv", "c v", "sac", "saa", "sca", "scs",
            ])
        add("bv", ["bv", "b v", "nv", "n v", "besloten vennootschap", "naamloze vennootschap"])
        add("fze", ["fze", "fzco", "fzc", "fz llc", "fzllc", "dmcc", "llc fz"])
        add("pjsc", [])
        add(
            "sal",
            ["sal", "s a l", "sarl offshore", "wll", "w l l", "spc", "bsc", "b s c", "psc", "qsc", "saog", "saoc"])
        return table
    }()

    /// Words that only ever belong to legal forms, read as one when left alone by a phrase that did not match
    /// ("Company Limited Liability Company").
    static let standaloneWords: [String: String] = [
        "liability": "llc", "obshchestvo": "co", "obshchestva": "co", "aktsionernoe": "jsc", "aktsionernoye": "jsc",
        "otvetstvennostyu": "llc", "ogranichennoy": "llc", "ogranichennoi": "llc", "gesellschaft": "gmbh",
        "anonima": "sa", "anonyme": "sa", "kabushiki": "ltd", "kaisha": "ltd",
        "incorporated": "inc", "corporation": "inc", "limited": "ltd", "company": "co", "pvt": "ltd", "pty": "ltd",
    ]

    /// Every word that appears in a legal-form phrase.
    static let words: Set<String> = Set(phrases.keys.flatMap { $0.split(separator: " ").map(String.init) })

    /// The words of five letters or more, for typing-error correction.
    static let longWords: [[UInt8]] = words.filter { $0.count >= 5 }.sorted().map { Array($0.utf8) }

    /// For each word that starts a phrase, the longest phrase it starts (in words): words that start none are
    /// skipped without building any phrase.
    static let longestPhraseStarting: [String: Int] = {
        var table: [String: Int] = [:]
        for phrase in phrases.keys {
            let words = phrase.split(separator: " ")
            table[String(words[0])] = max(table[String(words[0])] ?? 0, words.count)
        }
        return table
    }()

    /// Words that carry no identity: articles and prepositions in the languages of the lists, and the
    /// ``addedWords``.
    static let stopWords: Set<String> = Set([
        "the", "of", "and", "for", "in", "on", "at", "to", "by", "a", "an",
        "de", "del", "la", "las", "los", "el", "y", "e", "da", "do", "dos", "das", "di", "du", "des", "le", "les",
        "et", "und", "der", "die", "das", "fur", "von", "imeni", "im",
    ]).union(addedWords)

    /// Stop words that records add around a name rather than write in it: honorifics, which customers' records
    /// carry and the lists do not ("Mr.", "Dr.", "Mme"), and "branch" (a branch of a listed company is the
    /// company: "… Bank - Malindi Branch"). Unlike articles and particles ("Van der Bilt", "De La Rue"), they are
    /// not among a name's letters when it is compared written as one word.
    static let addedWords: Set<String> = [
        "mr", "mrs", "ms", "miss", "mme", "mlle", "dr", "prof", "sir", "madam", "herr", "frau", "sr", "sra", "srta",
        "messrs", "messr", "branch",
    ]
}
