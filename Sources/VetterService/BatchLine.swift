import Foundation
import VetterCore
public import VetterMatch

/// One line of batch output in the evaluation format: `{"id", "matches": [{"entry_id", "score", "source", "name",
/// "matched_name"}]}`, shared by `vetter batch` and `POST /v1/screen/batch`.
public enum BatchLine {
    struct Line: Encodable {
        struct Hit: Encodable {
            var entry_id: String
            var score: Double
            var source: String
            var name: String
            var matched_name: String
        }

        var id: String
        var matches: [Hit]
    }

    /// The JSON line, newline included.
    public static func json(id: String, matches: [ScreeningMatch]) -> String {
        let line = Line(
            id: id,
            matches: matches.map {
                .init(
                    entry_id: $0.entry.id, score: $0.score, source: $0.entry.source.code, name: $0.entry.name,
                    matched_name: $0.matchedName)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(line)).map { String(decoding: $0, as: UTF8.self) } ?? "{}") + "\n"
    }
}
