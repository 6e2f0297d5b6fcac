/// Burmese (Myanmar script) written in Latin letters as Myanmar names are conventionally romanised in company
/// registrations, passports and US lists: one Latin word per syllable ("ကောင်းမြတ်ထက်" → "kaung myat htet",
/// "ရွှေ" → "shwe", "နိုင်" → "naing"), digits as digits, the commonest business words translated (``words``).
///
/// ICU has no Myanmar transliterator. This follows the conventional system (close to the BGN/PCGN 1970 table
/// for consonants and the spellings of Myanmar's own registries for rhymes); the script does not write the voicing
/// and vowel changes of speech ("ရတနာ" is said and written "Yadana"), so a romanised syllable can be a letter from
/// the usual spelling, which the matcher's typing-error tolerance absorbs.
enum Burmese {
    static func isMyanmar(_ scalar: Unicode.Scalar) -> Bool { (0x1000...0x109F).contains(scalar.value) }

    /// Business words of Myanmar company names, translated as registrations translate them.
    static let words: [String: String] = [
        "ကုမ္ပဏီလီမိတက်": "company limited", "ကုမ္ပဏီ": "company", "လီမိတက်": "limited",
        "ကုန်သွယ်ရေး": "trading", "စက်မှုလုပ်ငန်း": "industries", "ဆောက်လုပ်ရေး": "construction",
        "ဝန်ဆောင်မှု": "services", "ဘဏ်": "bank", "အုပ်စု": "group", "ထုတ်လုပ်ရေး": "manufacturing",
        "သွင်းကုန်ထုတ်ကုန်": "import export", "ရေကြောင်း": "marine", "သတ္တုတွင်း": "mining",
        "ကျောက်မျက်": "gems", "ရေနံ": "petroleum", "စိုက်ပျိုးရေး": "agriculture", "အထွေထွေ": "general",
        "လုပ်ငန်း": "enterprise", "ပို့ဆောင်ရေး": "transport",
    ]
    static let longestWord = words.keys.map { $0.unicodeScalars.count }.max() ?? 0

    private static let onsets: [UInt32: String] = [
        0x1000: "k", 0x1001: "kh", 0x1002: "g", 0x1003: "g", 0x1004: "ng", 0x1005: "s", 0x1006: "hs", 0x1007: "z",
        0x1008: "z", 0x1009: "ny", 0x100A: "ny", 0x100B: "t", 0x100C: "ht", 0x100D: "d", 0x100E: "d", 0x100F: "n",
        0x1010: "t", 0x1011: "ht", 0x1012: "d", 0x1013: "d", 0x1014: "n", 0x1015: "p", 0x1016: "ph", 0x1017: "b",
        0x1018: "b", 0x1019: "m", 0x101A: "y", 0x101B: "y", 0x101C: "l", 0x101D: "w", 0x101E: "th", 0x101F: "h",
        0x1020: "l", 0x1021: "", 0x103F: "th",
    ]
    private static let independentVowels: [UInt32: String] = [
        0x1023: "i", 0x1024: "i", 0x1025: "u", 0x1026: "oo", 0x1027: "ay", 0x1029: "aw", 0x102A: "aw",
    ]

    /// One syllable as written: an onset, its medials, vowel signs and a final consonant.
    private struct Syllable {
        var onset: UInt32
        var medialY = false, medialW = false, medialH = false
        var vowels: Set<UInt32> = []
        var final: UInt32?
        var independent: String?

        var latin: String {
            if let independent, final == nil, vowels.isEmpty { return independent }
            var start = Burmese.onsets[onset] ?? ""
            if medialY {
                switch start {
                case "k": start = "ky"
                case "kh": start = "ch"
                case "g": start = "gy"
                case "ng": start = "ny"
                case "y": break
                default: start += "y"
                }
            }
            if medialH {
                switch start {
                case "y", "ly", "ky": start = "sh"
                case "w": start = "hw"
                default: start = "h" + start
                }
            }
            let rhyme = self.rhyme
            if medialW && !rhyme.hasPrefix("w") && !rhyme.hasPrefix("u") { start += "w" }
            return start + rhyme
        }

        private var rhyme: String {
            let has = { (value: UInt32) in vowels.contains(value) }
            let aw = has(0x1031) && (has(0x102C) || has(0x102B))
            let o = has(0x102D) && has(0x102F)
            let i = !o && (has(0x102D) || has(0x102E))
            let u = !o && (has(0x102F) || has(0x1030))
            guard let final else {
                if aw { return "aw" }
                if o { return "o" }
                if has(0x1031) { return medialW ? "we" : "ay" }
                if has(0x1032) { return "e" }
                if has(0x102C) || has(0x102B) { return "ar" }
                if i { return "i" }
                if u { return "u" }
                return medialW ? "wa" : "a"
            }
            switch final {
            case 0x1000:  // -k
                return aw ? "auk" : o ? "aik" : medialW ? "wet" : "et"
            case 0x1004:  // -ng
                return aw ? "aung" : o ? "aing" : medialW ? "win" : "in"
            case 0x1005: return "it"
            case 0x1009, 0x100A: return "i"
            case 0x1010, 0x1015:  // -t, -p
                return i ? "eik" : u ? "oke" : medialW ? "ut" : "at"
            case 0x1014, 0x1019, 0x1036:  // -n, -m, anusvara
                return i ? "ein" : u ? "one" : medialW ? "un" : "an"
            case 0x101A: return "e"
            default: return aw ? "aw" : "at"
            }
        }
    }

    /// The Latin words of a text in Myanmar script; other characters are kept.
    static func romanize(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = ""
        var current: Syllable?
        func flush() {
            if let syllable = current { output += " " + syllable.latin + " " }
            current = nil
        }
        var index = 0
        while index < scalars.count {
            let value = scalars[index].value
            // A business word, longest first.
            if onsets[value] != nil || independentVowels[value] != nil, startsSyllable(scalars, index) {
                var matched = false
                for length in stride(from: min(longestWord, scalars.count - index), through: 2, by: -1) {
                    let word = String(String.UnicodeScalarView(scalars[index..<index + length]))
                    if let english = words[word], !continuesSyllable(scalars, index + length) {
                        flush()
                        output += " \(english) "
                        index += length
                        matched = true
                        break
                    }
                }
                if matched { continue }
            }
            switch value {
            case 0x1040...0x1049:
                flush()
                output += String(value - 0x1040)
                if !(index + 1 < scalars.count && (0x1040...0x1049).contains(scalars[index + 1].value)) {
                    output += " "
                }
            case _ where onsets[value] != nil:
                let next = index + 1 < scalars.count ? scalars[index + 1].value : 0
                let after = index + 2 < scalars.count ? scalars[index + 2].value : 0
                if (next == 0x103A || next == 0x1039 || (next == 0x1037 && after == 0x103A)), current != nil {
                    // A final consonant (asat), or the first of a stacked pair (virama): it closes the syllable.
                    current?.final = value
                    index += next == 0x1037 ? 3 : 2
                    if index < scalars.count, scalars[index].value == 0x1039 { index += 1 }
                    continue
                }
                flush()
                current = Syllable(onset: value)
            case _ where independentVowels[value] != nil:
                flush()
                current = Syllable(onset: 0x1021, independent: independentVowels[value])
            case 0x103B, 0x103C: current?.medialY = true
            case 0x103D: current?.medialW = true
            case 0x103E: current?.medialH = true
            case 0x102B...0x1032: current?.vowels.insert(value)
            case 0x1036: if current != nil { current?.final = 0x1036 }
            case 0x1037, 0x1038, 0x103A, 0x1039: break  // tones; a stray asat or virama
            default:
                flush()
                output.unicodeScalars.append(scalars[index])
            }
            index += 1
        }
        flush()
        return output
    }

    /// Whether the consonant at `index` starts a syllable rather than closing one (a final takes an asat, the
    /// first of a stacked pair a virama).
    private static func startsSyllable(_ scalars: [Unicode.Scalar], _ index: Int) -> Bool {
        let next = index + 1 < scalars.count ? scalars[index + 1].value : 0
        let after = index + 2 < scalars.count ? scalars[index + 2].value : 0
        return !(next == 0x103A || next == 0x1039 || (next == 0x1037 && after == 0x103A))
    }

    /// Whether a word ending before `index` would cut a syllable: the next scalar is a sign or a final.
    private static func continuesSyllable(_ scalars: [Unicode.Scalar], _ index: Int) -> Bool {
        guard index < scalars.count else { return false }
        let value = scalars[index].value
        if (0x102B...0x103E).contains(value) { return true }
        let next = index + 1 < scalars.count ? scalars[index + 1].value : 0
        return onsets[value] != nil && (next == 0x103A || next == 0x1039)
    }
}
