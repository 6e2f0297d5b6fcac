public import Foundation
public import VetterCore
public import VetterMatch

/// One line of batch output: `{"id", "matches": [{"entry_id", "score", "source", "name", "matched_name"}],
/// "screened_at", "list_version_ids"}` — the evaluation format, with the evidence of the answer. Shared by
/// `vetter batch` and `POST /v1/screen/batch`; the versions are those of ``Evidence/listVersions``.
public enum BatchLine {
    struct Line: Encodable {
        struct Hit: Encodable {
            var entryID: String
            var score: Double
            var source: String
            var name: String
            var matchedName: String
        }

        var id: String
        var matches: [Hit]
        var screenedAt: Date
        var listVersionIDs: [Int64]

        enum CodingKeys: String, CodingKey {
            // The encoder's conversion would write "list_version_i_ds".
            case id, matches, screenedAt, listVersionIDs = "list_version_ids"
        }
    }

    /// The JSON line, newline included.
    public static func json(id: String, matches: [ScreeningMatch], evidence: Evidence) -> String {
        let line = Line(
            id: id,
            matches: matches.map {
                .init(
                    entryID: $0.entry.id, score: $0.score, source: $0.entry.source.code, name: $0.entry.name,
                    matchedName: $0.matchedName)
            }, screenedAt: evidence.screenedAt, listVersionIDs: evidence.listVersions.map(\.versionID))
        return ((try? Wire.string(line)) ?? "{}") + "\n"
    }
}
