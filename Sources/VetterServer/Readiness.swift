import Foundation
import VetterCore

/// What `/readyz` answers: ready when lists are loaded and, with a maximum data age, their data is not older than
/// that. `/healthz` says only that the process answers; a load balancer sends traffic by this one.
struct Readiness: Encodable {
    var ready: Bool
    var status: String
    /// Why the server is not ready; empty when it is.
    var reasons: [String]
    var lists: Int
    var dataDate: LocalDate?
    var dataAgeSeconds: Int?
    var maxDataAgeSeconds: Int?

    enum CodingKeys: String, CodingKey {
        case ready, status, reasons, lists, dataDate = "data_date", dataAgeSeconds = "data_age_seconds"
        case maxDataAgeSeconds = "max_data_age_seconds"
    }

    /// The data's age is that of the newest data date of the lists in force (as answers report it); when no list
    /// carries one (OFAC's files have no dates), the time since the newest import.
    init(versions: [ListVersion], maxDataAge: Duration?, now: Date = Date()) {
        lists = versions.count
        dataDate = versions.compactMap(\.dataDate).max()
        let newestImport = versions.map(\.importedAt).max()
        let since = dataDate?.startUTC ?? newestImport
        dataAgeSeconds = since.map { Int(now.timeIntervalSince($0)) }
        maxDataAgeSeconds = maxDataAge.map { Int($0.components.seconds) }
        reasons = []
        if lists == 0 { reasons.append("no list is loaded") }
        if let limit = maxDataAgeSeconds, let age = dataAgeSeconds, age > limit {
            let what = dataDate.map { "the newest list data is from \($0)" } ?? "the newest import"
            reasons.append("\(what), \(age / 86_400) days ago: older than the \(limit) seconds --max-data-age allows")
        }
        ready = reasons.isEmpty
        status = ready ? "ready" : "not_ready"
    }
}
