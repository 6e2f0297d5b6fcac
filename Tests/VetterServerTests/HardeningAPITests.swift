import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VetterCore
import VetterServer
import VetterService
import VetterTesting

/// The plain mistakes and hostile requests each get a clear, bounded answer.
@Suite("The HTTP API under bad and hostile input", .serialized)
struct HardeningAPITests {
    let api = APITests()

    func problem(_ response: TestResponse) throws -> [String: Any] {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try api.object(response.body)
    }

    @Test("unknown paths are one problem+json 404 and one metrics label; a wrong method is 405 with Allow")
    func notFoundAndMethod() async throws {
        let fixture = try await APITests.shared.value
        try await api.app().test(.router) { client in
            for number in 0..<50 {
                try await client.execute(uri: "/made-up/\(number)", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect((try? problem(response))?["status"] as? Int == 404)
                }
            }
            try await client.execute(uri: "/v1/screen", method: .get, headers: api.headers(fixture.screener)) {
                response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
                _ = try problem(response)
            }
            try await client.execute(uri: "/v1/entries/abc", method: .post) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
            try await client.execute(uri: "/metrics", method: .get, headers: api.headers(fixture.screener)) {
                response in
                let text = String(buffer: response.body)
                #expect(!text.contains("made-up"))
                #expect(text.contains(#"route="NotFound",status="404"} 50"#))
            }
        }
    }

    @Test("the Bearer scheme is case-insensitive")
    func bearerCase() async throws {
        let fixture = try await APITests.shared.value
        try await api.app().test(.router) { client in
            for scheme in ["bearer", "BEARER", "Bearer"] {
                try await client.execute(
                    uri: "/v1/lists", method: .get, headers: [.authorization: "\(scheme) \(fixture.screener)"]
                ) { response in #expect(response.status == .ok) }
            }
        }
    }

    @Test(
        "wrong JSON types are 400 naming the field, never converted",
        arguments: [
            (#"{"name": "Hikvision", "limit": 5.9}"#, "limit"),
            (#"{"name": "Hikvision", "threshold": true}"#, "threshold"),
            (#"{"name": "Hikvision", "sources": "EL"}"#, "sources"), (#"{"name": 5}"#, "name"),
            (#"{"name": "Hikvision", "explain": "yes"}"#, "explain"), (#"{"name": ""}"#, "name"),
            (#"{"name": "Hikvision", "country": "QQ"}"#, "country"),
            (#"{"name": "Hikvision", "type": "robot"}"#, "type"),
            (#"{"name": "Hikvision", "as_of": "2019-02-30"}"#, "as_of"),
            (#"{"name": "Hikvision", "as_of": "1/1/1"}"#, "as_of"),
        ])
    func strictTypes(body: String, field: String) async throws {
        let fixture = try await APITests.shared.value
        try await api.app().test(.router) { client in
            try await client.execute(
                uri: "/v1/screen", method: .post, headers: api.headers(fixture.screener), body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                #expect((try? problem(response))?["field"] as? String == field, "\(String(buffer: response.body))")
            }
        }
    }

    @Test("a 1 MiB name of one word is refused naming the field; a name at the limit is screened")
    func hugeName() async throws {
        let fixture = try await APITests.shared.value
        try await api.app().test(.router) { client in
            let word = String(repeating: "x", count: (1 << 20) - 20)
            try await client.execute(
                uri: "/v1/screen", method: .post, headers: api.headers(fixture.screener),
                body: ByteBuffer(string: #"{"name": "\#(word)"}"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect((try? problem(response))?["field"] as? String == "name")
            }
            // The time these take is measured in the README (release build), not asserted here.
            let longest = String(repeating: "hikvisionx", count: 100)
            try await client.execute(
                uri: "/v1/screen", method: .post, headers: api.headers(fixture.screener),
                body: ByteBuffer(string: #"{"name": "\#(longest)"}"#)
            ) { response in #expect(response.status == .ok) }
        }
    }

    @Test("a CSV batch is read by the strict parser: a quoted name keeps its comma; a bad row names its line")
    func csvBatch() async throws {
        let fixture = try await APITests.shared.value
        var csv = api.headers(fixture.screener)
        csv[.contentType] = "text/csv"
        let headers = csv
        try await api.app().test(.router) { client in
            try await client.execute(
                uri: "/v1/screen/batch", method: .post, headers: headers,
                body: ByteBuffer(string: "id,name,country\n1,\"Kim, Jong Un\",KP\n2,Hikvision,CN\n")
            ) { response in
                #expect(response.status == .ok)
                let lines = String(buffer: response.body).split(separator: "\n")
                #expect(lines.count == 2)
                let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
                #expect(first["id"] as? String == "1")
                let matches = try #require(first["matches"] as? [[String: Any]])
                #expect(matches.contains { ($0["name"] as? String)?.uppercased().contains("JONG UN") == true })
            }
            try await client.execute(
                uri: "/v1/screen/batch", method: .post, headers: headers,
                body: ByteBuffer(string: "id,name,type\n1,Hikvision,entity\n2,Dahua,robot\n")
            ) { response in
                #expect(response.status == .badRequest)
                #expect((try? problem(response))?["field"] as? String == "line 3.type")
            }
        }
    }

    @Test("an unknown party type is refused in a JSON batch, a watch list and a transaction")
    func unknownTypeEverywhere() async throws {
        let fixture = try await APITests.shared.value
        try await api.app().test(.router) { client in
            for (uri, key, body, field) in [
                ("/v1/screen/batch", fixture.screener, #"[{"name": "Dahua", "type": "robot"}]"#, "[0].type"),
                ("/v1/watch", fixture.reviewer, #"[{"id": "a", "name": "Dahua", "type": "robot"}]"#, "[0].type"),
                (
                    "/v1/check", fixture.screener,
                    #"{"parties": [{"name": "Dahua", "type": "robot"}], "items": [{"eccn": "EAR99"}]}"#,
                    "parties[0].type"
                ),
            ] {
                try await client.execute(
                    uri: uri, method: .post, headers: api.headers(key), body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect((try? problem(response))?["field"] as? String == field, "\(uri)")
                }
            }
        }
    }

    @Test("a transaction with too many parties or items is 413 at once")
    func checkLimits() async throws {
        let fixture = try await APITests.shared.value
        let parties = (0..<500).map { #"{"name": "Party \#($0)"}"# }.joined(separator: ",")
        let items = (0..<300).map { _ in #"{"eccn": "EAR99"}"# }.joined(separator: ",")
        try await api.app().test(.router) { client in
            for body in [
                #"{"parties": [\#(parties)], "items": [{"eccn": "EAR99"}]}"#,
                #"{"parties": [{"name": "Hikvision"}], "items": [\#(items)]}"#,
            ] {
                try await client.execute(
                    uri: "/v1/check", method: .post, headers: api.headers(fixture.screener),
                    body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .contentTooLarge)
                }
            }
        }
    }

    @Test("an upload that would gut the lists in force is refused with 422 naming allow_shrink; nothing changes")
    func shrinkOverHTTP() async throws {
        let fixture = try await APITests.shared.value
        let sample = try #require(FileManager.default.contents(atPath: SharedData.path("csl/sample-2025-06.csv")))
        let before = try await fixture.vetter.currentListsKey()
        try await api.app().test(.router) { client in
            try await client.execute(
                uri: "/v1/imports?filename=sample.csv", method: .post, headers: api.headers(fixture.admin),
                body: ByteBuffer(bytes: sample)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let body = try? problem(response)
                #expect(body?["field"] as? String == "allow_shrink")
                #expect((body?["detail"] as? String)?.contains("EL would lose 2000 of its 2001 entries") == true)
            }
        }
        #expect(try await fixture.vetter.currentListsKey() == before)
    }

    @Test(
        "the web pages keep a server-side session, never the key: signing out ends it; a key in the cookie is refused")
    func webSessions() async throws {
        let fixture = try await APITests.shared.value
        try await api.app().test(.router) { client in
            var session = ""
            try await client.execute(
                uri: "/ui/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "key=\(fixture.reviewer)")
            ) { response in
                #expect(response.status == .seeOther)
                let setCookie = response.headers[.setCookie] ?? ""
                #expect(setCookie.hasPrefix("vetter_session=") && setCookie.contains("HttpOnly"))
                #expect(!setCookie.contains(fixture.reviewer))
                session = String(setCookie.split(separator: ";").first?.split(separator: "=").last ?? "")
            }
            #expect(session.count == 64)
            let cookie: HTTPFields = [.cookie: "vetter_session=\(session)"]
            try await client.execute(uri: "/ui/alerts", method: .get, headers: cookie) { response in
                #expect(response.status == .ok)
            }
            // The key itself in the cookie opens nothing.
            try await client.execute(
                uri: "/ui/alerts", method: .get, headers: [.cookie: "vetter_session=\(fixture.reviewer)"]
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/ui/login?failed=1")
            }
            let form: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .cookie: "vetter_session=\(session)",
            ]
            // Without the session's form token, even signing out is refused.
            try await client.execute(uri: "/ui/logout", method: .post, headers: form) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(
                uri: "/ui/logout", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(Self.token(session))")
            ) { response in
                #expect(response.status == .seeOther)
            }
            // Signed out for good: the same cookie, replayed, opens nothing.
            try await client.execute(uri: "/ui/alerts", method: .get, headers: cookie) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/ui/login?failed=1")
            }
        }
    }

    /// The form token a page served to this session carries.
    static func token(_ session: String) -> String {
        HMAC.sha256(key: Array(session.utf8), message: Array("vetter form token".utf8))
    }

    /// Signs in through the form; returns the session id from the cookie.
    func signIn(_ client: some TestClientProtocol, key: String) async throws -> String {
        try await client.execute(
            uri: "/ui/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "key=\(key)")
        ) { response in
            let setCookie = response.headers[.setCookie] ?? ""
            return String(setCookie.split(separator: ";").first?.split(separator: "=").last ?? "")
        }
    }

    @Test(
        "case pages: a decision needs the session's form token (or a key header); the page carries it; bad input is shown"
    )
    func webCaseForms() async throws {
        let fixture = try await APITests.shared.value
        try await api.app().test(.router) { client in
            let session = try await signIn(client, key: fixture.reviewer)
            let cookie: HTTPFields = [.cookie: "vetter_session=\(session)"]
            var casePath = ""
            try await client.execute(
                uri: "/ui/search?q=Hangzhou+Hikvision+Digital+Technology", method: .get, headers: cookie
            ) {
                response in
                let page = String(buffer: response.body)
                #expect(page.contains("case-state open"))
                casePath =
                    page.components(separatedBy: "<a href=\"/ui/cases/").dropFirst().first
                    .map { "/ui/cases/" + $0.prefix { $0.isNumber } } ?? ""
            }
            #expect(casePath.count > "/ui/cases/".count)
            try await client.execute(uri: casePath, method: .get, headers: cookie) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("name=\"csrf\" value=\"\(Self.token(session))\""))
                #expect(page.contains("id=\"clear-form\"") && page.contains("id=\"confirm-form\""))
            }
            var form = cookie
            form[.contentType] = "application/x-www-form-urlencoded"
            let clear = "decision=clear&reason=different_name&note=another+firm%0D%0Aline+two"
            for bad in ["", "&csrf=", "&csrf=" + String(repeating: "0", count: 64), "&csrf=\(Self.token("other"))"] {
                try await client.execute(
                    uri: casePath + "/decide", method: .post, headers: form, body: ByteBuffer(string: clear + bad)
                ) { response in
                    #expect(response.status == .forbidden)
                }
            }
            // A missing reason is shown on the page, with the note kept.
            try await client.execute(
                uri: casePath + "/decide", method: .post, headers: form,
                body: ByteBuffer(string: "decision=clear&note=kept+note&csrf=\(Self.token(session))")
            ) { response in
                #expect(response.status == .badRequest)
                let page = String(buffer: response.body)
                #expect(page.contains("decision-error") && page.contains("kept note"))
            }
            try await client.execute(
                uri: casePath + "/decide", method: .post, headers: form,
                body: ByteBuffer(string: clear + "&csrf=\(Self.token(session))")
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == casePath + "#history")
            }
            // A key header is never sent by a browser on its own: no token is needed with it.
            var keyed = api.headers(fixture.reviewer)
            keyed[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(
                uri: casePath + "/decide", method: .post, headers: keyed,
                body: ByteBuffer(string: "decision=confirm&note=same+firm")
            ) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(uri: casePath, method: .get, headers: cookie) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("data-state=\"confirmed\""))
                // The CR LF of the browser's textarea is kept as a line break.
                #expect(page.contains("another firm\nline two"))
                #expect(page.contains("data-action=\"cleared\"") && page.contains("data-action=\"opened\""))
            }
            try await client.execute(
                uri: "/ui/cases?party=hikvision+digital&state=confirmed", method: .get, headers: cookie
            ) {
                response in
                #expect(String(buffer: response.body).contains("data-state=\"confirmed\""))
            }
            // A screener may screen but not review.
            let screener = try await signIn(client, key: fixture.screener)
            try await client.execute(
                uri: casePath, method: .get, headers: [.cookie: "vetter_session=\(screener)"]
            ) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test("the web search decodes '+' as a space; forms posted from another site are refused")
    func webForms() async throws {
        let fixture = try await APITests.shared.value
        try await api.app().test(.router) { client in
            var session = ""
            try await client.execute(
                uri: "/ui/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "key=\(fixture.screener)")
            ) { response in
                let setCookie = response.headers[.setCookie] ?? ""
                session = String(setCookie.split(separator: ";").first?.split(separator: "=").last ?? "")
            }
            let cookie: HTTPFields = [.cookie: "vetter_session=\(session)"]
            try await client.execute(uri: "/ui/search?q=Hangzhou+Hikvision&country=", method: .get, headers: cookie) {
                response in
                let page = String(buffer: response.body)
                #expect(page.contains("value=\"Hangzhou Hikvision\""))
                #expect(!page.contains("Hangzhou+Hikvision"))
            }
            try await client.execute(
                uri: "/ui/login", method: .post,
                headers: [
                    .contentType: "application/x-www-form-urlencoded", .origin: "https://evil.example",
                ],
                body: ByteBuffer(string: "key=\(fixture.screener)")
            ) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[.setCookie] == nil)
            }
            let crossSite: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", .init("Sec-Fetch-Site")!: "cross-site",
                .cookie: "vetter_session=\(session)",
            ]
            try await client.execute(uri: "/ui/logout", method: .post, headers: crossSite) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(
                uri: "/ui/login", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .init("X-Forwarded-Proto")!: "https"],
                body: ByteBuffer(string: "key=\(fixture.screener)")
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.contains("Secure") == true)
            }
        }
    }
}

/// A log line cannot be forged: control characters in messages and metadata are escaped.
@Suite("Log escaping")
struct LogEscapingTests {
    final class Recorder: LogHandler, @unchecked Sendable {
        var lines: [String] = []
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
            function: String, line: UInt
        ) {
            lines.append(
                "\(message) \(metadata?.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ") ?? "")")
        }
    }

    @Test("a key name with a line break and an escape sequence is logged on one line, escaped")
    func escaped() {
        let recorder = Recorder()
        let logger = Logger(label: "test") { _ in EscapingLogHandler(recorder) }
        logger.info(
            "request\nforged", metadata: ["key_name": "evil\ninfo vetter: forged\u{1B}[2J", "list": ["a\rb"]])
        #expect(recorder.lines.count == 1)
        let line = recorder.lines[0]
        #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\u{1B}"))
        #expect(line.contains(#"request\u{A}forged"#))
        #expect(line.contains(#"evil\u{A}info vetter: forged\u{1B}[2J"#))
    }
}
