import Foundation
import VetterCore
import VetterMatch
import VetterTesting

/// One index over the full May 2022 CSL, built once for all matching tests.
enum Fixtures {
    static let index: ScreeningIndex = {
        let entries = (try? SharedData.fullCSL().entries) ?? []
        return ScreeningIndex(entries: entries)
    }()

    static func ids(
        _ name: String, country: String? = nil, type: PartyType? = nil, threshold: Double? = nil
    ) -> [String] {
        matches(name, country: country, type: type, threshold: threshold).map(\.entry.id)
    }

    static func matches(
        _ name: String, country: String? = nil, type: PartyType? = nil, threshold: Double? = nil,
        explain: Bool = true
    )
        -> [ScreeningMatch]
    {
        index.screen(
            ScreeningQuery(
                name: name, country: country, type: type,
                threshold: threshold ?? ScreeningIndex.defaultThreshold, limit: 50, explain: explain))
    }

    static func score(_ name: String, _ entryID: String, country: String? = nil, type: PartyType? = nil) -> Double {
        matches(name, country: country, type: type, threshold: 0.01).first { $0.entry.id == entryID }?.score ?? 0
    }

    static let hikvision = "f095626c9f8becc70b5948507fb6de6e443b257a"
}
