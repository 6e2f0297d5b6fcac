import Foundation

/// A citation of the Federal Register, the official record of every list change.
///
/// Lists write them in many ways: `84 FR 54002`, `68 F.R. 38290 6/27/03`, `66 FR 24266 (5/14/01)`,
/// `Vol. 74, No. 11, 01/16/09`. ``parseAll(_:)`` finds each citation in such a cell, in order.
public struct FederalRegisterCitation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The FR volume (84 is 2019).
    public var volume: Int
    /// The first page, when the citation gives one.
    public var page: Int?
    /// The issue number, when the citation gives one (`No. 195`).
    public var issue: Int?
    /// The publication date, when the citation gives one.
    public var date: LocalDate?

    /// Keys of the canonical form of an entry (``ListEntry/canonicalJSON()``).
    enum CodingKeys: String, CodingKey { case volume, page, issue, date }

    public init(volume: Int, page: Int? = nil, issue: Int? = nil, date: LocalDate? = nil) {
        self.volume = volume
        self.page = page
        self.issue = issue
        self.date = date
    }

    public var description: String {
        var text = page.map { "\(volume) FR \($0)" } ?? "Vol. \(volume)"
        if let issue { text += ", No. \(issue)" }
        if let date { text += " (\(date))" }
        return text
    }

    /// Every citation in a free-text cell, in the order written. Text that holds no citation gives `[]`.
    public static func parseAll(_ text: String) -> [FederalRegisterCitation] {
        guard text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return [] }
        let ns = text as NSString
        var found: [(location: Int, citation: FederalRegisterCitation)] = []
        let range = NSRange(location: 0, length: ns.length)
        for match in pageCitation.matches(in: text, range: range) {
            var citation = FederalRegisterCitation(
                volume: Int(ns.substring(with: match.range(at: 1)))!,
                page: Int(ns.substring(with: match.range(at: 2)))!
            )
            if match.range(at: 3).location != NSNotFound {
                citation.issue = Int(ns.substring(with: match.range(at: 3)))
            }
            if match.range(at: 4).location != NSNotFound {
                citation.date = LocalDate(parsing: ns.substring(with: match.range(at: 4)))
            }
            found.append((match.range.location, citation))
        }
        for match in volumeCitation.matches(in: text, range: range) {
            var citation = FederalRegisterCitation(volume: Int(ns.substring(with: match.range(at: 1)))!)
            citation.issue = Int(ns.substring(with: match.range(at: 2)))
            if match.range(at: 3).location != NSNotFound {
                citation.date = LocalDate(parsing: ns.substring(with: match.range(at: 3)))
            }
            found.append((match.range.location, citation))
        }
        return found.sorted { $0.location < $1.location }.map(\.citation)
    }

    // Compiled once: `NSRegularExpression` is immutable and safe to share.
    private static let pageCitation = try! NSRegularExpression(
        pattern:
            #"(\d{1,3})\s*F\.?\s?R\.?\s*(\d{1,6})(?:\s*,?\s*No\.\s*(\d+))?(?:\s*,?\s*\(?(\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})\)?)?"#
    )
    private static let volumeCitation = try! NSRegularExpression(
        pattern: #"Vol\.\s*(\d{1,3}),\s*No\.\s*(\d+)(?:,\s*(\d{1,2}/\d{1,2}/\d{2,4}))?"#
    )
}
