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

    /// A former-name clause as registries and customers write it: "(ex X)", "(ex-X, 2006)", "X ex Y",
    /// "formerly (known as) X", "previously X", "f/k/a X", "fka X". The marker must follow a word, so that a name
    /// that starts "Ex" is left alone.
    static let formerMarker = try! NSRegularExpression(
        pattern:
            #"(?<=\S)\s*[,;]?\s*(\(\s*)?\b(ex(?=[\s.\-])[.\-]?|formerly(\s+known\s+as)?|previously(\s+known\s+as)?|f/k/a|fka)[\s:\-]+(?=\S)"#,
        options: [.caseInsensitive]
    )
    static let trailingYear = try! NSRegularExpression(
        pattern: #"(\s*,\s*|\s+(until|till|to|in|since)\s+)(1[89]|20)\d\d\s*$"#, options: [.caseInsensitive])

    /// A name and its former names, when it writes them in a former-name clause ("MV Karachi Crescent (ex Mandvi
    /// Bay, ex Wanshan Pearl)" → "MV Karachi Crescent", former "Mandvi Bay", "Wanshan Pearl"); `nil` when it
    /// writes none. A year after a former name ("ex Lindos Harrier until 2019") is left out.
    public static func formerNames(_ raw: String) -> (name: String, former: [String])? {
        let lowered = raw.lowercased()
        guard mayWriteOtherNames(lowered: lowered) else { return nil }
        let ns = raw as NSString
        let matches = formerMarker.matches(in: raw, range: NSRange(location: 0, length: ns.length))
        guard let first = matches.first else { return nil }
        let name = trimPunctuation(ns.substring(to: first.range.location))
        var former: [String] = []
        for (offset, match) in matches.enumerated() {
            let start = match.range.location + match.range.length
            let end = offset + 1 < matches.count ? matches[offset + 1].range.location : ns.length
            var piece = ns.substring(with: NSRange(location: start, length: max(0, end - start))).trimmed
            while piece.hasSuffix(")") && !piece.contains("(") { piece = String(piece.dropLast()).trimmed }
            let pieceNS = piece as NSString
            piece = trailingYear.stringByReplacingMatches(
                in: piece, range: NSRange(location: 0, length: pieceNS.length), withTemplate: "")
            piece = trimPunctuation(piece)
            if !piece.isEmpty && !former.contains(piece) { former.append(piece) }
        }
        guard !name.isEmpty, !former.isEmpty else { return nil }
        return (name, former)
    }

    static let branchClause = try! NSRegularExpression(
        pattern: #"\s*(?:[-–—,;]\s*|\(\s*)[^-–—,;()]*\bbranch(?:\s+office)?\s*\)?\s*$"#, options: [.caseInsensitive])
    static let roleLabel = try! NSRegularExpression(
        pattern:
            #"^\s*(?:shipper|consignee|ultimate\s+consignee|intermediate\s+consignee|end\s+user|beneficiary|ordering\s+customer|applicant|notify\s+party|buyer|seller|payee|payer|remitter|importer|exporter|customer)\s*:\s*(?=\S)"#,
        options: [.caseInsensitive])
    static let vesselPrefix = try! NSRegularExpression(
        pattern: #"^\s*(?:m/v|m/t|s/s|f/v|m/s|n/m|m\.v\.|m\.t\.|mv|mt|ss|fv|mts)\s+(?=\S+\s+\S)"#,
        options: [.caseInsensitive])

    static let vesselPrefixes: Set<String> = [
        "m/v", "m/t", "s/s", "f/v", "m/s", "n/m", "m.v.", "m.t.", "mv", "mt", "ss", "fv", "mts",
    ]

    /// Whether a name, lowercased, may write former names or qualifiers (``formerNames(_:)``,
    /// ``withoutQualifiers(_:)``): a quick test on the words they need, so that most names skip the expressions.
    public static func mayWriteOtherNames(lowered: String) -> Bool {
        var text = lowered
        if text.withUTF8({ bytes in otherNameMarkers.contains { marker in contains(bytes, marker) } }) { return true }
        return vesselPrefixes.contains(String(lowered.drop { $0 == " " }.prefix { $0 != " " }))
    }

    static let otherNameMarkers: [[UInt8]] = [
        ":", " ex", "(ex", "branch", "formerly", "previously", "f/k/a", "fka", "a.k.a", "f.k.a",
    ].map { Array($0.utf8) }

    /// Whether `needle` occurs in `bytes` (names are short: a plain scan, without the generic string search).
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        let first = needle[0]
        for start in 0...(bytes.count - needle.count) where bytes[start] == first {
            var offset = 1
            while offset < needle.count && bytes[start + offset] == needle[offset] { offset += 1 }
            if offset == needle.count { return true }
        }
        return false
    }

    /// What a customer's record writes around a party's name, taken off: a party-role label of a payment or
    /// shipping document ("BENEFICIARY: …", "SHIPPER: …"), a vessel prefix ("MV", "M/T" …, before two words or
    /// more), a branch qualifier at the end ("… - Malindi Branch", "… (Kakamega Branch)"). The name without them,
    /// or `nil` when it writes none. A branch of a company is the company; a vessel's prefix is not its name.
    public static func withoutQualifiers(_ raw: String) -> String? {
        // The expressions run only where their words can be: most names have none.
        var text = raw
        var lowered = raw.lowercased()
        var changed = false
        for pattern in [roleLabel, vesselPrefix, branchClause] {
            switch pattern {
            case roleLabel: guard lowered.contains(":") else { continue }
            case vesselPrefix:
                let firstWord = lowered.drop { $0 == " " }.prefix { $0 != " " }
                guard vesselPrefixes.contains(String(firstWord)) else { continue }
            default: guard lowered.contains("branch") else { continue }
            }
            let range = NSRange(location: 0, length: (text as NSString).length)
            guard pattern.firstMatch(in: text, range: range) != nil else { continue }
            let stripped = pattern.stringByReplacingMatches(in: text, range: range, withTemplate: "").trimmed
            guard !stripped.isEmpty else { continue }
            text = stripped
            lowered = text.lowercased()
            changed = true
        }
        return changed ? trimPunctuation(text) : nil
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
