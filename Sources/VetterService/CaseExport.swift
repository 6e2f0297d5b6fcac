public import Foundation
public import VetterCore
import VetterStore

/// Everything an auditor needs about one case, in one document: the party, the listing as it stood (licence
/// requirement, review policy, Federal Register citations), every screening of the party with the list versions
/// used, every decision with who, when and why, and the audit records behind them with the chain's proof.
public struct CaseExport: Sendable, Encodable {
    /// One audit record as the proof shows it: enough to recompute its place in the chain.
    public struct ProvenRecord: Sendable, Encodable {
        public var seq: Int64
        public var at: Date
        public var kind: String
        public var actor: String
        public var contentHash: String
        public var hash: String
        public var body: String?
    }

    /// The whole chain's check when the export was made.
    public struct ChainProof: Sendable, Encodable {
        public var verified: Bool
        public var problem: String?
        public var records: Int
        public var headSeq: Int64?
        public var headHash: String?
        /// How to check a record: what its hashes are made of.
        public var method: String
    }

    public var generatedAt: Date
    public var reviewCase: ReviewCase
    public var events: [CaseEvent]
    /// The listing with the content hash the case was last decided on.
    public var entry: ListEntry?
    public var screenings: [LoggedScreening]
    public var listVersions: [ListVersion]
    public var auditRecords: [ProvenRecord]
    public var chain: ChainProof

    enum CodingKeys: String, CodingKey {
        case generatedAt, reviewCase = "case", events, entry, screenings, listVersions, auditRecords, chain
    }
}

extension Vetter {
    /// The export of case `id`, or `nil` when there is none.
    public func exportCase(id: Int64, now: Date = Date()) async throws -> CaseExport? {
        guard let detail = try await caseDetail(id: id) else { return nil }
        let found = detail.reviewCase
        let logged = try await screeningLog(partyKey: found.partyKey, limit: 500)
        let versionIDs = Set(logged.compactMap(\.screening).flatMap(\.versionIDs))
        let versions = try await store.versions(source: nil).filter { versionIDs.contains($0.id) }
            .sorted { ($0.source, $0.id) < ($1.source, $1.id) }
        let seqs = Set(detail.events.map(\.auditSeq) + logged.map(\.seq))
        let records = try await store.auditRecords(seqs: seqs.sorted())
        let verification = try await verifyAudit()
        return CaseExport(
            generatedAt: now, reviewCase: found, events: detail.events,
            entry: try await store.entry(hash: found.entryHash), screenings: logged, listVersions: versions,
            auditRecords: records.map {
                .init(
                    seq: $0.seq, at: $0.at, kind: $0.kind, actor: $0.actor, contentHash: $0.contentHash,
                    hash: $0.hash, body: $0.body)
            },
            chain: .init(
                verified: verification.isIntact, problem: verification.problem, records: verification.records,
                headSeq: verification.headSeq, headHash: verification.head,
                method:
                    "content_hash = SHA-256 of the JSON array [at (ms since 1970), kind, actor, subject, body]; hash = SHA-256 of the previous record's hash, the decimal seq and content_hash, concatenated as text"
            ))
    }
}

extension CaseExport {
    /// A self-contained HTML page: no script, no link to anything, styled for screen and print.
    public var html: String {
        func e(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let time = ISO8601DateFormatter()
        func row(_ cells: [String], header: Bool = false) -> String {
            let tag = header ? "th" : "td"
            return "<tr>" + cells.map { "<\(tag)>\(e($0))</\(tag)>" }.joined() + "</tr>"
        }
        var page: [String] = [
            "<!doctype html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<title>Case \(reviewCase.id): \(e(reviewCase.partyName))</title>",
            "<style>body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#111}"
                + "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
                + "th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}"
                + "th{background:#eee}code,.hash{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}"
                + ".state{font-weight:bold;text-transform:uppercase}@media print{body{margin:0;max-width:none}}</style>",
            "</head><body>",
            "<h1>Case \(reviewCase.id): \(e(reviewCase.partyName))</h1>",
            "<p>State: <span class=\"state\">\(e(reviewCase.state.rawValue))</span>"
                + (reviewCase.state == .confirmed ? " — the party is blocked" : "")
                + ". Exported \(e(time.string(from: generatedAt))).</p>",
            "<h2>Party and listing</h2><table>",
            row(["party as screened", reviewCase.partyName]),
            row(["listed entry", "\(reviewCase.source) \(reviewCase.entryID) — \(reviewCase.entryName)"]),
            row(["entry content hash", reviewCase.entryHash]),
            row(["score", String(reviewCase.score)]),
        ]
        for (label, value) in entry?.labelledFields ?? [] { page.append(row([label, value])) }
        for citation in entry?.citations ?? [] { page.append(row(["citation", citation.description])) }
        page.append("</table><h2>Decisions</h2><table>")
        page.append(row(["when", "who", "what", "reason", "note", "audit record"], header: true))
        for event in events {
            page.append(
                row([
                    time.string(from: event.at), event.actor, event.action.rawValue, event.reason?.summary ?? "",
                    event.note ?? "", String(event.auditSeq),
                ]))
        }
        page.append("</table><h2>Screenings of the party</h2><table>")
        page.append(row(["record", "when", "who", "channel", "threshold", "matches"], header: true))
        for screening in screenings {
            let record = screening.screening
            page.append(
                row([
                    String(screening.seq) + (screening.position.map { " row \($0)" } ?? ""),
                    time.string(from: screening.at), screening.actor,
                    record?.channel ?? "(pruned)",
                    record.map { String($0.threshold) } ?? "",
                    record?.matches.map { "\($0.source) \($0.entryID) \($0.score) [\($0.entryHash.prefix(12))…]" }
                        .joined(separator: "; ") ?? "",
                ]))
        }
        page.append("</table><h2>List versions used</h2><table>")
        page.append(row(["list", "version", "data date", "imported", "content hash"], header: true))
        for version in listVersions {
            page.append(
                row([
                    version.source.code, String(version.id), version.dataDate?.description ?? "",
                    time.string(from: version.importedAt), version.contentSHA256,
                ]))
        }
        page.append("</table><h2>Audit records and the chain</h2>")
        page.append(
            "<p>Chain \(chain.verified ? "verified" : "NOT verified: " + e(chain.problem ?? "")) over \(chain.records) records; head record \(chain.headSeq.map(String.init) ?? "none"), hash <code>\(e(chain.headHash ?? ""))</code>. \(e(chain.method)).</p><table>"
        )
        page.append(row(["seq", "when", "kind", "actor", "content hash", "hash"], header: true))
        for record in auditRecords {
            page.append(
                row([
                    String(record.seq), time.string(from: record.at), record.kind, record.actor, record.contentHash,
                    record.hash,
                ]))
        }
        page.append("</table></body></html>")
        return page.joined(separator: "\n")
    }
}
