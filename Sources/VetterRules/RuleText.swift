import Foundation

/// Shared handling of the free texts of Entity List rows: clean-up of the typing errors the real rows carry,
/// EAR section references, and the check that nothing was left unread.
enum RuleText {
    /// Lowercase, straight quotes, single spaces, known typing errors of the published rows repaired
    /// ("casa-by-case", "semiconducto rs", "subjects to", "part§", "in§").
    static func clean(_ raw: String) -> String {
        var text = raw.lowercased()
        let replacements: [(String, String)] = [
            ("\u{201C}", "\""), ("\u{201D}", "\""), ("\u{2019}", "'"), ("\u{00A0}", " "),
            ("casa-by-case", "case-by-case"), ("case by case", "case-by-case"), ("case-by-case basis", "case-by-case"),
            ("semiconducto rs", "semiconductors"), ("items subjects to", "items subject to"), ("part§", "§"),
            ("in§", "in §"), ("§ ", "§"), ("§§ ", "§§"), ("u.s.", "us"),
        ]
        for (from, to) in replacements { text = text.replacingOccurrences(of: from, with: to) }
        text = text.replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// EAR sections cited (`744.11`, `734.9(g)`, `746.8(a)(3)` …), in order, without repeats.
    static func references(in text: String) -> [String] {
        var found: [String] = []
        let pattern = #"(?<![\d.])(7\d{2}\.\d+(?:\s?\([a-z0-9]+\))*)"#
        let regex = try! NSRegularExpression(pattern: pattern)
        let ns = text as NSString
        for match in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let reference = ns.substring(with: match.range(at: 1)).replacingOccurrences(of: " ", with: "")
            if !found.contains(reference) { found.append(reference) }
        }
        return found
    }

    /// What is left after the recognised phrases are removed, references and filler words dropped: empty when
    /// the whole text was understood.
    static func residue(of text: String, removing phrases: [String]) -> String {
        var rest = text
        for phrase in phrases { rest = rest.replacingOccurrences(of: phrase, with: " ", options: .regularExpression) }
        // Section references ("§§734.9(g),3", "746.8(a)(3)", "§ 736.2(b)(3)(vi)") and their wrappers.
        rest = rest.replacingOccurrences(
            of: #"§*\s?7\d{2}\.\d+(\s?\([a-z0-9]+\))*(,\s?\d(?!\d))?"#, with: " ", options: .regularExpression)
        rest = rest.replacingOccurrences(of: #"\b(see|part)\b|§"#, with: " ", options: .regularExpression)
        let filler: Set<String> = [
            "of", "the", "ear", "and", "or", "for", "this", "part", "see", "all", "items", "subject", "to", "a", "an",
        ]
        let words = rest.split { !$0.isLetter && !$0.isNumber }.map(String.init).filter {
            !filler.contains($0) && !($0.allSatisfy(\.isNumber))
        }
        return words.joined(separator: " ")
    }
}
