import Foundation
public import VetterCore
import VetterLists

/// Reads an ownership file: a CSV with the header `owner,owned,percent,relationship,source,as_of`.
///
/// `owner` and `owned` are parties by name, or a listed owner by its list entry (`EL:f095626c…`, `SDN:306`);
/// `percent` is a number from 0 to 100 (a `%` sign allowed), or empty or `unknown` when the share is not known;
/// `relationship` is `direct` (the default when empty) or `indirect`; `as_of` is a day (`YYYY-MM-DD`) or empty.
/// The whole file is read or it is refused, naming the line and field at fault.
public enum OwnershipFile {
    public static let columns = ["owner", "owned", "percent", "relationship", "source", "as_of"]

    public static func read(bytes: [UInt8], file: String) throws(ListReadError) -> [OwnershipEdge] {
        let table = try CSVTable(bytes: bytes, file: file, lowercased: true)
        try table.require(columns)
        var edges: [OwnershipEdge] = []
        for row in table.rows {
            func fail(_ field: String, _ message: String) -> ListReadError {
                ListReadError(.invalidValue, file: file, line: row.line, field: field, message)
            }
            let owner = row["owner"], owned = row["owned"]
            guard !owner.isEmpty else { throw fail("owner", "the owner is empty") }
            guard !owned.isEmpty else { throw fail("owned", "the owned party is empty") }
            var percent: Double?
            let text = row["percent"].replacingOccurrences(of: "%", with: "").trimmed
            if !text.isEmpty && text.lowercased() != "unknown" {
                guard let value = Double(text), value.isFinite, (0...100).contains(value) else {
                    throw fail("percent", "'\(row["percent"])' is not a share from 0 to 100, or unknown")
                }
                percent = value
            }
            let relationshipText = row["relationship"].lowercased()
            guard
                let relationship = relationshipText.isEmpty
                    ? .direct : OwnershipEdge.Relationship(rawValue: relationshipText)
            else { throw fail("relationship", "'\(row["relationship"])' is not direct or indirect") }
            var asOf: LocalDate?
            if !row["as_of"].isEmpty {
                guard let day = LocalDate(strict: row["as_of"]) else {
                    throw fail("as_of", "'\(row["as_of"])' is not a day (YYYY-MM-DD)")
                }
                asOf = day
            }
            edges.append(
                OwnershipEdge(
                    owner: owner, owned: owned, percent: percent, relationship: relationship, source: row["source"],
                    asOf: asOf))
        }
        if edges.isEmpty { throw ListReadError(.empty, file: file, line: 2, "the file has a header but no rows") }
        return edges
    }
}
