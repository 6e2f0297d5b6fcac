import Foundation
import FuzzSupport
import VetterCore
import VetterLists
import VetterMatch

/// The normaliser and the scorer on any text: against the CSL sample (or the list file in VETTER_FUZZ_LIST),
/// scores stay in 0…1, best first, above the threshold, within the limit, and explanations hold together.
let index: ScreeningIndex = {
    let path = ProcessInfo.processInfo.environment["VETTER_FUZZ_LIST"] ?? "../shared/data/csl/sample-2025-06.csv"
    guard let file = try? ListReader.read(path: path) else {
        fatalError("set VETTER_FUZZ_LIST to a list file (\(path) cannot be read)")
    }
    return ScreeningIndex(entries: file.entries)
}()

runFuzzer { data, size in
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    let normalized = NameNormalizer.normalize(text, isPerson: size % 2 == 0)
    for token in normalized.tokens { precondition(!token.text.isEmpty, "no empty word") }
    let threshold = size > 0 ? Double(data![0] % 100) / 100 : 0.75
    let query = ScreeningQuery(name: text, threshold: threshold, limit: 5, explain: true)
    let matches = index.screen(query)
    precondition(matches.count <= 5)
    for (position, match) in matches.enumerated() {
        precondition((0...1).contains(match.score) && match.score >= threshold - 0.0005, "score \(match.score)")
        if position > 0 { precondition(matches[position - 1].score >= match.score, "best first") }
        precondition((0...1.0001).contains(match.explanation.nameScore))
    }
    return 0
}
