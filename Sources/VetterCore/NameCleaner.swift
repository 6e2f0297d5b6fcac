import Foundation

/// Splits the name cells of BIS rows into a primary name and aliases.
///
/// Entity List cells carry more than a name: inline aliases ("Far East Trading Company, Inc. (a.k.a. FETCO, Inc.)",
/// "…, a.k.a. Chi-Chung Electronics Company Ltd."), the clause "and any successor, sub-unit, or subsidiary
/// thereof", and alias cells that join two names with ", and ". Screening needs each name on its own.
public enum NameCleaner {
    public struct Cleaned: Sendable {
        public var name: String
        public var aliases: [Alias]
        public var coversSuccessors: Bool

        public init(name: String, aliases: [Alias], coversSuccessors: Bool) {
            self.name = name
            self.aliases = aliases
            self.coversSuccessors = coversSuccessors
        }
    }

    static let successorClause = try! NSRegularExpression(
        pattern:
            #"[;,]?\s*(and|including)\s+(any|all)\s+(of\s+its\s+)?successors?(,\s*|\s+or\s+|\s+and\s+)?(sub-?units?,?\s*)?(or\s+|and\s+)?(subsidiar(y|ies))?(\s+thereof)?\.?"#,
        options: [.caseInsensitive]
    )
    static let akaMarker = try! NSRegularExpression(
        pattern: #"\s*[,;]?\s*\(?\b(a\.k\.a\.?|f\.k\.a\.?|n\.k\.a\.?)\s*,?\s*(the\s+following\s+\w+\s+aliases\s*:?)?"#,
        options: [.caseInsensitive]
    )

    public static func clean(_ raw: String) -> Cleaned {
        var text = raw.trimmed
        var covers = false
        let ns = text as NSString
        let lowered = text.lowercased()
        if lowered.contains("successor"),
            successorClause.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) != nil
        {
            covers = true
            text = successorClause.stringByReplacingMatches(
                in: text, range: NSRange(location: 0, length: ns.length), withTemplate: "")
        }
        var aliases: [Alias] = []
        guard lowered.contains("k.a") else {
            let name = trimPunctuation(text)
            return Cleaned(name: name.isEmpty ? raw.trimmed : name, aliases: [], coversSuccessors: covers)
        }
        let matches = akaMarker.matches(in: text, range: NSRange(location: 0, length: (text as NSString).length))
        if let first = matches.first {
            let textNS = text as NSString
            let head = textNS.substring(to: first.range.location)
            var pieces: [(String, Alias.Kind)] = []
            for (offset, match) in matches.enumerated() {
                let end = offset + 1 < matches.count ? matches[offset + 1].range.location : textNS.length
                let start = match.range.location + match.range.length
                let marker = textNS.substring(with: match.range(at: 1)).lowercased()
                let kind: Alias.Kind = marker.hasPrefix("f") ? .fka : marker.hasPrefix("n") ? .nka : .aka
                pieces.append((textNS.substring(with: NSRange(location: start, length: max(0, end - start))), kind))
            }
            text = head
            for (piece, kind) in pieces {
                // "(a.k.a. A; B)" — drop the closing parenthesis, split on ";" and on leading dashes.
                var body = piece.trimmed
                if body.hasSuffix(")") && !body.contains("(") { body.removeLast() }
                for part in splitAliasList(body) { aliases.append(Alias(name: part, kind: kind)) }
            }
        }
        let name = trimPunctuation(text)
        return Cleaned(
            name: name.isEmpty ? raw.trimmed : name, aliases: aliases,
            coversSuccessors: covers)
    }

    /// Splits an alias cell: `; `-separated, with ", and " joining the last two names of BIS cells, "–" bullets in
    /// Federal Register style lists, and an alias's own aliases ("Yichang Testing Technology Research Institute
    /// a.k.a. Yichang Institute of Testing Technology" is two names).
    public static func splitAliasList(_ text: String) -> [String] {
        var out: [String] = []
        for part in text.components(separatedBy: ";") {
            var piece = part.trimmed
            if piece.lowercased().hasPrefix("and ") { piece = String(piece.dropFirst(4)) }
            for sub in piece.components(separatedBy: ", and ") {
                let cleaned = trimPunctuation(sub.trimmingCharacters(in: CharacterSet(charactersIn: "-–— ")))
                guard !cleaned.isEmpty else { continue }
                guard cleaned.lowercased().contains("k.a") else {
                    out.append(cleaned)
                    continue
                }
                let inner = clean(cleaned)
                for name in [inner.name] + inner.aliases.map(\.name) where !name.isEmpty && !out.contains(name) {
                    out.append(name)
                }
            }
        }
        return out
    }

    public static func trimPunctuation(_ text: String) -> String {
        var result = text.trimmed
        while let last = result.last, last == "," || last == ";" || last == ":" {
            result.removeLast()
            result = result.trimmed
        }
        return result
    }
}
