import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import VetterCore
import VetterMatch
import VetterRules
import VetterService

/// The reviewers' web pages under `/ui`, rendered on the server from the Mustache templates in `Resources`. They
/// use the same index, store and rules as the API; a key signs in once and is kept in an HttpOnly cookie.
struct WebRoutes {
    let screener: Screener
    let metrics: ServerMetrics

    /// The entry page's address for an id, escaped for a URL path.
    static func entryPath(_ id: String) -> String {
        "/ui/entries/" + (id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)
    }

    static let templates = [
        "layout-top", "layout-bottom", "login", "search", "entry", "lists", "alerts", "cases", "case", "party",
        "screenings", "ownership",
    ]

    func add(to router: Router<VetterRequestContext>) throws {
        var library = MustacheLibrary()
        for name in Self.templates {
            do {
                try library.register(try Resource.text(name, "mustache"), named: name)
            } catch {
                throw Problem(.internalServerError, "Internal error", detail: "template \(name): \(error)")
            }
        }
        let pages = Pages(library: library)
        let style = try Resource.text("style", "css")
        let screener = screener, vetter = screener.vetter, metrics = metrics

        router.get("/ui/style.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: style)))
        }
        router.get("/ui/login") { request, _ in
            pages.render(
                "login", LoginPage(failed: request.uri.queryParameters["failed"] != nil), title: "Sign in", role: nil)
        }
        router.post("/ui/login") { request, _ -> Response in
            try FormFields.requireSameOrigin(request)
            let body = try await VetterServer.readBody(request, limit: 4096)
            let key =
                FormFields.parse(String(decoding: body, as: UTF8.self))["key"]?.trimmingCharacters(in: .whitespaces)
                ?? ""
            // The cookie holds a session id of its own, never the key: signing out ends it for good.
            guard !key.isEmpty, let session = try await vetter.openSession(secret: key) else {
                return Response(status: .seeOther, headers: [.location: "/ui/login?failed=1"])
            }
            var headers: HTTPFields = [.location: "/ui/search"]
            headers[.setCookie] =
                Cookie(
                    name: Authenticator.cookieName, value: session, maxAge: Int(Vetter.sessionLifetime), path: "/ui",
                    secure: FormFields.isHTTPS(request), httpOnly: true, sameSite: .strict
                ).description
            return Response(status: .seeOther, headers: headers)
        }
        router.post("/ui/logout") { request, context -> Response in
            let fields = FormFields.parse(
                String(decoding: try await VetterServer.readBody(request, limit: 4096), as: UTF8.self))
            try FormFields.requireToken(fields, request: request, context: context)
            if let session = request.cookies[Authenticator.cookieName]?.value, !session.isEmpty {
                try await vetter.closeSession(id: session)
            }
            var headers: HTTPFields = [.location: "/ui/login"]
            headers[.setCookie] =
                Cookie(
                    name: Authenticator.cookieName, value: "", maxAge: 0, path: "/ui", httpOnly: true, sameSite: .strict
                )
                .description
            return Response(status: .seeOther, headers: headers)
        }
        router.get("/ui") { _, context -> Response in
            try context.require(.screener)
            return Response(status: .seeOther, headers: [.location: "/ui/search"])
        }
        router.get("/ui/search") { request, context -> Response in
            try context.require(.screener)
            // A form's query: "+" is a space, "%2B" a plus.
            let parameters = FormFields.parse(request.uri.query ?? "")
            var page = SearchPage(
                q: parameters["q"] ?? "", country: parameters["country"] ?? "", type: parameters["type"] ?? "",
                asOf: parameters["as_of"] ?? "")
            page.types = ["", "entity", "individual", "vessel", "aircraft"].map {
                SearchPage.Option(value: $0, label: $0.isEmpty ? "any type" : $0, selected: $0 == page.type)
            }
            let versions = try await vetter.currentLists()
            page.listsLine = ListsLine(versions).text
            let name = page.q.trimmingCharacters(in: .whitespaces)
            if !name.isEmpty {
                var query = ScreeningQuery(name: name, limit: 25, explain: true)
                do throws(PartyInputError) {
                    query.name = try PartyInput.name(name)
                    query.country = try PartyInput.country(page.country)
                    query.type = try PartyInput.type(page.type)
                } catch {
                    page.error = error.message
                }
                var day: LocalDate?
                if !page.asOf.isEmpty {
                    day = LocalDate(strict: page.asOf)
                    if day == nil { page.error = "“\(page.asOf)” is not a day (YYYY-MM-DD)." }
                }
                page.dated = day?.description
                if page.error == nil {
                    let start = ContinuousClock.now
                    let (matches, _, reviews) = try await screener.screen(
                        query, asOf: day, actor: context.actor, channel: "web")
                    let elapsed = ContinuousClock.now - start
                    metrics.screened(1)
                    page.searched = true
                    page.milliseconds = String(
                        format: "%.1f",
                        Double(elapsed.components.attoseconds) * 1e-15 + Double(elapsed.components.seconds) * 1000)
                    let reviewer = (context.role ?? .screener) >= .reviewer
                    page.results = zip(matches, reviews).map { ResultView($0, review: $1, linked: reviewer) }
                    page.count = matches.count
                    page.none = matches.isEmpty
                    page.blocked = reviews.contains { $0?.state == .confirmed }
                    if reviewer {
                        page.partyPath = WebCasePages.partyPath(
                            PartyRecord(name: query.name, country: query.country, type: query.type).key)
                    }
                    page.ownership = try await screener.ownershipGrounds(
                        for: query.name, on: day ?? LocalDate(Date())
                    ).map { OwnershipRow($0, party: query.name) }
                    page.hasOwnership = !page.ownership.isEmpty
                }
            }
            return pages.render("search", page, title: name.isEmpty ? "Screen a party" : name, context: context)
        }
        router.get("/ui/entries/{id}") { _, context -> Response in
            try context.require(.screener)
            let id = try context.parameters.require("id")
            let entries = try await vetter.entries(id: id)
            guard !entries.isEmpty else {
                return pages.render(
                    "entry", EntryPage(id: id, listings: []), title: "Not found", context: context, status: .notFound)
            }
            return pages.render(
                "entry", EntryPage(id: id, listings: entries.map(ListingView.init)), title: entries[0].name,
                context: context)
        }
        router.get("/ui/lists") { _, context -> Response in
            try context.require(.screener)
            let versions = try await vetter.currentLists()
            return pages.render(
                "lists",
                ListsPage(versions: versions.map(VersionView.init), total: versions.reduce(0) { $0 + $1.entryCount }),
                title: "Lists loaded", context: context)
        }
        WebCasePages(screener: screener, pages: pages).add(to: router)
        router.get("/ui/alerts") { _, context -> Response in
            try context.require(.reviewer)
            let alerts = try await vetter.alerts().sorted { $0.id > $1.id }
            return pages.render(
                "alerts", AlertsPage(alerts: alerts.prefix(500).map(AlertView.init), count: alerts.count),
                title: "Alerts", context: context)
        }
    }
}

/// Renders a page between the shared top and bottom of the layout.
struct Pages: Sendable {
    let library: MustacheLibrary

    struct Frame {
        var title: String
        var signedIn: Bool
        var reviewer: Bool
        /// The session's form token, for the sign-out form.
        var csrf: String
    }

    /// A page for a signed-in request.
    func render(
        _ template: String, _ page: Any, title: String, context: VetterRequestContext,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        render(template, page, title: title, role: context.role, csrf: context.formToken ?? "", status: status)
    }

    func render(
        _ template: String, _ page: Any, title: String, role: APIRole?, csrf: String = "",
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let frame = Frame(
            title: title, signedIn: role != nil, reviewer: (role ?? .screener) >= .reviewer, csrf: csrf)
        let html =
            (library.render(frame, withTemplate: "layout-top") ?? "")
            + (library.render(page, withTemplate: template) ?? "")
            + (library.render(frame, withTemplate: "layout-bottom") ?? "")
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

struct LoginPage {
    var failed: Bool
}

struct SearchPage {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    var q: String
    var country: String
    var type: String
    var asOf: String
    /// The day searched, when not today.
    var dated: String?
    var types: [Option] = []
    var listsLine = ""
    var error: String?
    var searched = false
    var count = 0
    var milliseconds = ""
    var results: [ResultView] = []
    var none = false
    /// A reviewer confirmed one of the matches as this party.
    var blocked = false
    /// The party's record (its cases and screenings), for a reviewer.
    var partyPath: String?
    var ownership: [OwnershipRow] = []
    var hasOwnership = false
}

/// "14,159 entries on 13 lists; newest data 2022-05-02."
struct ListsLine {
    var text: String

    init(_ versions: [ListVersion]) {
        let entries = versions.reduce(0) { $0 + $1.entryCount }
        let newest = versions.compactMap(\.dataDate).max()
        text =
            "\(entries.formatted()) entries on \(versions.count) lists"
            + (newest.map { "; newest data \($0)" } ?? "")
    }
}

/// What a listing means for an export, in plain words.
struct MeaningView {
    var effectClass: String
    var effectLabel: String
    var effectSummary: String
    var regulation: String
    var requirement: String?
    var requirementFlag: String?
    var policy: String?
    var policyFlag: String?

    init(_ entry: ListEntry) {
        let effect = ListEffect.of(entry)
        effectClass = effect.effect.rawValue.replacingOccurrences(of: "_", with: "-")
        effectLabel =
            switch effect.effect {
            case .prohibition: "Prohibited"
            case .licenseRequirement: "Licence required"
            case .redFlag: "Red flag"
            case .procurementRestriction: "Procurement restriction"
            case .notExportMeasure: "Not an export measure"
            }
        effectSummary = effect.summary
        regulation = effect.regulation
        if let text = entry.licenseRequirement, !text.isEmpty {
            let rule = LicenceRequirementRule.parse(text)
            requirement = "A licence is required for " + rule.summary + "."
            requirementFlag = rule.manualReview
        }
        if let text = entry.licensePolicy, !text.isEmpty {
            let rule = ReviewPolicyRule.parse(text)
            let clauses = rule.clauses.map { clause in
                clause.policy.plain.prefix(1).uppercased() + clause.policy.plain.dropFirst() + " for "
                    + clause.scopes.map(Self.describe).joined(separator: " and ")
            }
            policy = clauses.isEmpty ? nil : clauses.joined(separator: "; ") + "."
            policyFlag = rule.manualReview
        }
    }

    static func describe(_ scope: ReviewPolicyRule.Scope) -> String {
        switch scope {
        case .all: "all items"
        case .allOther: "all other items"
        case .eccns(let eccns): "items classified \(eccns.map(\.value).joined(separator: ", "))"
        case .ccl: "items on the Commerce Control List"
        case .ear99: "EAR99 items"
        case .described(let text), .ear99Described(let text): text
        }
    }
}

struct ResultView {
    struct Pair {
        var query: String
        var listed: String
        var how: String
        var similarity: String
        var contribution: String
    }

    var entryID: String
    var entryPath: String
    var name: String
    var source: String
    var sourceTitle: String
    var score: String
    var strong: Bool
    /// Not `type`: a Mustache name missing here would be looked up in the page around it, which has a `type`.
    var partyType: String?
    var countries: String?
    var matchedName: String
    var matchedKind: String
    var viaAlias: Bool
    var weakAlias: Bool
    var meaning: MeaningView
    var citations: String?
    var pairs: [Pair]
    var unmatchedQuery: String?
    var unmatchedListed: String?
    var notes: [String]
    /// The case of this (party, entry) pair: its state, and its page for a reviewer.
    var caseID: Int64?
    var caseState: String?
    var casePath: String?

    init(_ match: ScreeningMatch, review: HitReview? = nil, linked: Bool = false) {
        caseID = review?.caseID
        caseState = review?.state.rawValue
        casePath = linked ? review.map { WebCasePages.casePath($0.caseID) } : nil
        let entry = match.entry
        entryID = entry.id
        entryPath = WebRoutes.entryPath(entry.id)
        name = entry.name
        source = entry.source.code
        sourceTitle = entry.source.title
        score = WebFormat.percent(match.score)
        strong = match.score >= 0.9
        partyType = entry.type == .unknown ? nil : entry.type.rawValue
        countries = Self.nonEmpty(entry.countries)
        matchedName = match.matchedName
        matchedKind = match.matchedNameKind
        viaAlias = match.matchedName != entry.name
        weakAlias = match.matchedWeakAlias
        meaning = MeaningView(entry)
        citations = Self.nonEmpty(entry.citations.map(\.description), separator: "; ")
        let explanation = match.explanation
        pairs = explanation.alignments.map {
            Pair(
                query: $0.query, listed: $0.listed, how: $0.how.rawValue,
                similarity: WebFormat.percent($0.similarity),
                contribution: WebFormat.percent($0.contribution))
        }
        unmatchedQuery = Self.nonEmpty(explanation.unmatchedQuery)
        unmatchedListed = Self.nonEmpty(explanation.unmatchedListed)
        notes = explanation.normalization + explanation.adjustments
    }

    /// The values joined, or nil for none: a Mustache section shows even an empty string.
    static func nonEmpty(_ values: [String], separator: String = ", ") -> String? {
        values.isEmpty ? nil : values.joined(separator: separator)
    }
}

struct EntryPage {
    var id: String
    var listings: [ListingView]
    var missing: Bool

    init(id: String, listings: [ListingView]) {
        self.id = id
        self.listings = listings
        missing = listings.isEmpty
    }
}

struct ListingView {
    struct Field {
        var label: String
        var value: String
    }

    struct Citation {
        var text: String
        var url: String?
    }

    var name: String
    var source: String
    var sourceTitle: String
    var meaning: MeaningView
    var rawRequirement: String?
    var rawPolicy: String?
    var citations: [Citation]
    var hasCitations: Bool
    /// The citations on one line.
    var citationsLine: String
    var fields: [Field]

    init(_ entry: ListEntry) {
        name = entry.name
        source = entry.source.code
        sourceTitle = entry.source.title
        meaning = MeaningView(entry)
        rawRequirement = entry.licenseRequirement
        rawPolicy = entry.licensePolicy
        citations = entry.citations.map { citation in
            Citation(
                text: citation.description,
                url: citation.page.map { "https://www.federalregister.gov/citation/\(citation.volume)-FR-\($0)" })
        }
        hasCitations = !citations.isEmpty
        citationsLine = citations.map(\.text).joined(separator: "; ")
        fields = entry.labelledFields.map { Field(label: $0.label, value: $0.value) }
    }
}

struct ListsPage {
    var versions: [VersionView]
    var total: Int
}

struct VersionView {
    var source: String
    var title: String
    var id: Int64
    var entries: Int
    var dataDate: String
    var importedAt: String
    var fileName: String
    var sha: String

    init(_ version: ListVersion) {
        source = version.source.code
        title = version.source.title
        id = version.id
        entries = version.entryCount
        dataDate = version.dataDate?.description ?? "—"
        importedAt = ISO8601DateFormatter().string(from: version.importedAt)
        fileName = version.fileName
        sha = String(version.contentSHA256.prefix(12))
    }
}

struct AlertsPage {
    var alerts: [AlertView]
    var count: Int
    var none: Bool

    init(alerts: [AlertView], count: Int) {
        self.alerts = alerts
        self.count = count
        none = alerts.isEmpty
    }
}

struct AlertView {
    var id: Int64
    var kind: String
    var partyID: String
    var partyName: String
    var source: String
    var entryPath: String
    var entryName: String
    var score: String
    var createdAt: String

    init(_ alert: Alert) {
        id = alert.id
        kind = alert.kind.rawValue.replacingOccurrences(of: "_", with: " ")
        partyID = alert.partyID
        partyName = alert.partyName
        source = alert.source.code
        entryPath = WebRoutes.entryPath(alert.entryID)
        entryName = alert.entryName
        score = WebFormat.percent(alert.score)
        createdAt = ISO8601DateFormatter().string(from: alert.createdAt)
    }
}
