import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VetterCore
import VetterRules
import VetterService

/// The reviewers' work pages: the case queue, a case with its decision forms, history and export, and a party's
/// record (its cases and every screening of it). Forms carry the session's token (``FormFields/token(for:)``).
struct WebCasePages {
    let screener: Screener
    let pages: Pages
    var vetter: Vetter { screener.vetter }

    static let pageSize = 50

    static func casePath(_ id: Int64) -> String { "/ui/cases/\(id)" }

    static func partyPath(_ key: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&+=#")
        return "/ui/party?key=" + (key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key)
    }

    func add(to router: Router<VetterRequestContext>) {
        let vetter = vetter, pages = pages
        router.get("/ui/cases") { request, context -> Response in
            try context.require(.reviewer)
            let parameters = FormFields.parse(request.uri.query ?? "")
            var page = CasesPage(
                party: parameters["party"]?.trimmed ?? "", state: parameters["state"] ?? "",
                number: max(1, min(Int(parameters["page"] ?? "") ?? 1, 100_000)))
            let state = CaseState(rawValue: page.state)
            let found = try await vetter.cases(
                CaseFilter(state: state, partyContains: page.party.isEmpty ? nil : page.party),
                limit: Self.pageSize + 1, offset: (page.number - 1) * Self.pageSize)
            page.cases = found.prefix(Self.pageSize).map(CaseRow.init)
            page.none = found.isEmpty
            let counts = try await vetter.caseCounts()
            let choices = [("", "all states")] + CaseState.allCases.map { ($0.rawValue, $0.rawValue) }
            page.states = choices.map { value, label in
                let count = CaseState(rawValue: value).map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
                return CasesPage.Option(value: value, label: "\(label) (\(count))", selected: value == page.state)
            }
            page.openCount = counts[.open] ?? 0
            func link(_ number: Int) -> String {
                var items = [URLQueryItem(name: "page", value: String(number))]
                if !page.party.isEmpty { items.append(URLQueryItem(name: "party", value: page.party)) }
                if state != nil { items.append(URLQueryItem(name: "state", value: page.state)) }
                var components = URLComponents()
                components.queryItems = items
                return "/ui/cases" + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
            }
            if page.number > 1 { page.previous = link(page.number - 1) }
            if found.count > Self.pageSize { page.next = link(page.number + 1) }
            return pages.render("cases", page, title: "Cases", context: context)
        }
        router.get("/ui/cases/{id}") { _, context -> Response in
            try context.require(.reviewer)
            return try await Self.casePage(try Self.caseID(context), vetter: vetter, pages: pages, context: context)
        }
        router.post("/ui/cases/{id}/decide") { request, context -> Response in
            try context.require(.reviewer)
            let id = try Self.caseID(context)
            let fields = FormFields.parse(
                String(decoding: try await VetterServer.readBody(request, limit: 32_768), as: UTF8.self))
            try FormFields.requireToken(fields, request: request, context: context)
            // A browser sends a textarea's line breaks as CR LF.
            let note = fields["note"]?.replacingOccurrences(of: "\r\n", with: "\n")
            do {
                let checked = try DecisionRequest(reason: fields["reason"], note: note).checkedNote()
                switch fields["decision"] {
                case "clear":
                    guard let text = fields["reason"], let reason = ClearReason(rawValue: text) else {
                        throw Problem(.badRequest, "Invalid request", detail: "choose why the hit is a false positive")
                    }
                    _ = try await vetter.clearCase(id: id, reason: reason, note: checked, actor: context.actor)
                case "confirm":
                    _ = try await vetter.confirmCase(id: id, note: checked, actor: context.actor)
                default:
                    throw Problem(.badRequest, "Invalid request", detail: "the form names no decision")
                }
            } catch let problem as Problem {
                return try await Self.casePage(
                    id, vetter: vetter, pages: pages, context: context, error: problem.detail, note: note ?? "",
                    status: problem.status)
            }
            return Response(status: .seeOther, headers: [.location: Self.casePath(id) + "#history"])
        }
        router.get("/ui/cases/{id}/export") { request, context -> Response in
            try context.require(.reviewer)
            let id = try Self.caseID(context)
            guard let export = try await vetter.exportCase(id: id) else {
                throw Problem(.notFound, "Not found", detail: "no case with id \(id)")
            }
            if request.uri.queryParameters["format"] == "json" {
                var response = try VetterServer.json(export)
                response.headers[.contentDisposition] = "attachment; filename=\"case-\(id).json\""
                return response
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8",
                    // The export has its own inline style and nothing else.
                    .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
                    .cacheControl: "no-store",
                ],
                body: .init(byteBuffer: ByteBuffer(string: export.html)))
        }
        router.get("/ui/party") { request, context -> Response in
            try context.require(.reviewer)
            let key = FormFields.parse(request.uri.query ?? "")["key"] ?? ""
            guard !key.isEmpty else { throw Problem(.badRequest, "Invalid request", detail: "name a party: ?key=") }
            let cases = try await vetter.cases(CaseFilter(partyKey: key), limit: 500)
            let screenings = try await vetter.screeningLog(partyKey: key, limit: 200)
            let name =
                screenings.first?.screening?.party.name ?? cases.first?.partyName
                ?? String(key.split(separator: "|").first ?? "")
            var page = PartyPage(
                name: name, country: key.split(separator: "|", omittingEmptySubsequences: false).last.map(String.init),
                blocked: cases.contains { $0.state == .confirmed }, cases: cases.map(CaseRow.init),
                screenings: screenings.map(ScreeningRow.init))
            page.ownership = try await screener.ownershipGrounds(for: name, on: LocalDate(Date())).map {
                OwnershipRow($0, party: name)
            }
            page.hasOwnership = !page.ownership.isEmpty
            return pages.render(
                "party", page, title: name, context: context,
                status: cases.isEmpty && screenings.isEmpty ? .notFound : .ok)
        }
    }

    static func caseID(_ context: VetterRequestContext) throws -> Int64 {
        let text = try context.parameters.require("id")
        guard let id = Int64(text) else { throw Problem(.notFound, "Not found", detail: "no case with id \(text)") }
        return id
    }

    static func casePage(
        _ id: Int64, vetter: Vetter, pages: Pages, context: VetterRequestContext, error: String? = nil,
        note: String = "", status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let detail = try await vetter.caseDetail(id: id) else {
            throw Problem(.notFound, "Not found", detail: "no case with id \(id)")
        }
        let found = detail.reviewCase
        let entry = try await vetter.entry(hash: found.entryHash)
        let screenings = try await vetter.screeningLog(partyKey: found.partyKey, limit: 100)
        var page = CasePage(found, events: detail.events, entry: entry)
        page.screenings = screenings.map(ScreeningRow.init)
        page.error = error
        page.note = note
        page.csrf = context.formToken ?? ""
        return pages.render("case", page, title: "Case \(id): \(found.partyName)", context: context, status: status)
    }
}

struct CasesPage {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    var party: String
    var state: String
    var number: Int
    var states: [Option] = []
    var openCount = 0
    var cases: [CaseRow] = []
    var none = false
    var previous: String?
    var next: String?
}

/// A case in a list: the queue, a party's page.
struct CaseRow {
    var id: Int64
    var path: String
    var partyName: String
    var partyPath: String
    var source: String
    var entryID: String
    var entryName: String
    var entryPath: String
    var score: String
    var state: String
    var updatedAt: String

    init(_ found: ReviewCase) {
        id = found.id
        path = WebCasePages.casePath(found.id)
        partyName = found.partyName
        partyPath = WebCasePages.partyPath(found.partyKey)
        source = found.source
        entryID = found.entryID
        entryName = found.entryName
        entryPath = WebRoutes.entryPath(found.entryID)
        score = WebFormat.percent(found.score)
        state = found.state.rawValue
        updatedAt = WebFormat.time(found.updatedAt)
    }
}

struct CasePage {
    struct Event {
        var at: String
        var actor: String
        var action: String
        var reason: String?
        var note: String?
        var auditSeq: Int64
    }

    struct Option {
        var value: String
        var label: String
    }

    var id: Int64
    var row: CaseRow
    var open: Bool
    var blocked: Bool
    var openedAt: String
    var entryHash: String
    /// Why the case is open again, when a change reopened it.
    var reopened: String?
    var listing: ListingView?
    var events: [Event]
    var reasons = ClearReason.allCases.map { Option(value: $0.rawValue, label: $0.summary) }
    var screenings: [ScreeningRow] = []
    var error: String?
    var note = ""
    var csrf = ""
    var exportHTML: String
    var exportJSON: String

    init(_ found: ReviewCase, events: [CaseEvent], entry: ListEntry?) {
        id = found.id
        row = CaseRow(found)
        open = found.state == .open
        blocked = found.state == .confirmed
        openedAt = WebFormat.time(found.openedAt)
        entryHash = found.entryHash
        if open, let last = events.last, last.action == .reopened { reopened = last.note }
        listing = entry.map(ListingView.init)
        self.events = events.reversed().map {
            Event(
                at: WebFormat.time($0.at), actor: $0.actor, action: $0.action.rawValue, reason: $0.reason?.summary,
                note: $0.note, auditSeq: $0.auditSeq)
        }
        exportHTML = WebCasePages.casePath(found.id) + "/export"
        exportJSON = exportHTML + "?format=json"
    }
}

/// One screening of the log, as the pages show it.
struct ScreeningRow {
    struct Hit {
        var source: String
        var entryID: String
        var entryPath: String
        var score: String
        var hash: String
    }

    /// The audit record, and the row in it for a record of many.
    var record: String
    var at: String
    var actor: String
    var channel: String
    var pruned: Bool
    var threshold: String
    var versions: String
    var hits: [Hit]
    var none: Bool

    init(_ logged: LoggedScreening) {
        record = String(logged.seq) + (logged.position.map { " row \($0)" } ?? "")
        at = WebFormat.time(logged.at)
        actor = logged.actor
        let record = logged.screening
        channel = record?.channel ?? ""
        pruned = record == nil
        threshold = record.map { WebFormat.percent($0.threshold) } ?? ""
        versions = record?.versionIDs.map(String.init).joined(separator: ", ") ?? ""
        hits = (record?.matches ?? []).map {
            Hit(
                source: $0.source, entryID: $0.entryID, entryPath: WebRoutes.entryPath($0.entryID),
                score: WebFormat.percent($0.score), hash: String($0.entryHash.prefix(12)))
        }
        none = record != nil && hits.isEmpty
    }
}

struct PartyPage {
    var name: String
    var country: String?
    var blocked: Bool
    var cases: [CaseRow]
    var screenings: [ScreeningRow]
    var hasCases: Bool
    var hasScreenings: Bool
    var ownership: [OwnershipRow] = []
    var hasOwnership = false

    init(name: String, country: String?, blocked: Bool, cases: [CaseRow], screenings: [ScreeningRow]) {
        self.name = name
        self.country = country.flatMap { $0.isEmpty ? nil : $0 }
        self.blocked = blocked
        self.cases = cases
        self.screenings = screenings
        hasCases = !cases.isEmpty
        hasScreenings = !screenings.isEmpty
    }
}

/// Times and figures on the pages.
enum WebFormat {
    /// A score or a share in whole percent: 0.873 → "87".
    static func percent(_ value: Double) -> String { String(Int((value * 100).rounded())) }

    /// UTC, to the second, as the log keeps them.
    static func time(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date).replacingOccurrences(of: "T", with: " ")
            .replacingOccurrences(of: "Z", with: " UTC")
    }
}

/// What the stored ownership data makes of a party under one rule, with its drawing.
struct OwnershipRow {
    var rule: String
    var verdict: String
    var restricted: Bool
    var share: String
    var chain: String?
    var redFlag: String?
    var citation: String
    /// Server-made SVG (``OwnershipDrawing``), every text in it escaped.
    var drawing: String

    init(_ ground: OwnershipGround, party: String) {
        rule = ground.rule == .ofac50Percent ? "OFAC's 50 percent rule" : "BIS Affiliates rule"
        restricted = ground.restricted
        verdict =
            ground.restricted
            ? (ground.rule == .ofac50Percent ? "blocked by ownership" : "restricted by ownership")
            : ground.restrictedWhileSuspended ? "would be restricted, but the rule is suspended" : "not restricted"
        share = String(format: "%g", ground.restrictedShare) + " %"
        chain = ground.chain.isEmpty ? nil : ground.chain.joined(separator: " → ")
        redFlag =
            ground.redFlag29
            ? "Red Flag 29: listed owners of unknown share (\(ground.unknownShareOwners.joined(separator: ", ")))" : nil
        citation = ground.citation
        drawing = OwnershipDrawing.svg(ground, party: party)
    }
}
