import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VetterServer
import VetterService
import VetterTesting

/// Every route and every error, in process, plus one test over a real socket.
@Suite("The HTTP API", .serialized)
struct APITests {
    struct Fixture: Sendable {
        let vetter: Vetter
        let screener: String
        let reviewer: String
    }

    /// Seeded once; awaited, never waited on with a blocking call (the test pool has only as many threads as
    /// cores).
    static let shared = Task { () async throws -> Fixture in
        let directory = try makeTemporaryDirectory()
        let vetter = try Vetter(databasePath: directory.appendingPathComponent("v.sqlite").path)
        _ = try await vetter.seedIfEmpty()
        return Fixture(
            vetter: vetter,
            screener: try await VetterServer.createKey(in: vetter, role: .screener, name: "test screener"),
            reviewer: try await VetterServer.createKey(in: vetter, role: .reviewer, name: "test reviewer"))
    }

    func app() async throws -> some ApplicationProtocol {
        let fixture = try await Self.shared.value
        let index = try await fixture.vetter.loadIndex()
        let router = VetterServer.router(vetter: fixture.vetter, index: index, logger: Logger(label: "test"))
        return Application(router: router)
    }

    func headers(_ key: String?) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        if let key { fields[.authorization] = "Bearer \(key)" }
        return fields
    }

    func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test("GET /healthz needs no key")
    func health() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
        }
    }

    @Test("POST /v1/screen answers as 'vetter screen --json'")
    func screen() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/screen", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(string: #"{"name": "Hikvision", "explain": true}"#)
            ) { response in
                #expect(response.status == .ok)
                let body = try object(response.body)
                let matches = try #require(body["matches"] as? [[String: Any]])
                let el = try #require(
                    matches.first { $0["entry_id"] as? String == "f095626c9f8becc70b5948507fb6de6e443b257a" })
                #expect(el["source"] as? String == "EL")
                #expect((el["license_policy"] as? String)?.contains("presumption of denial") == true)
                #expect((el["explanation"] as? [String: Any])?["alignments"] != nil)
            }
        }
    }

    @Test("POST /v1/check gives the licence decision")
    func check() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/check", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(
                    string:
                        #"{"parties": [{"name": "Hikvision"}], "items": [{"eccn": "1A004.c"}, {"eccn": "EAR99"}], "date": "2022-05-01"}"#
                )
            ) { response in
                #expect(response.status == .ok)
                let body = try object(response.body)
                #expect(body["decision"] as? String == "licence_required")
                let entries = try #require(body["entries"] as? [[String: Any]])
                #expect(
                    entries.filter { $0["source"] as? String == "EL" }.map { $0["review_policy"] as? String } == [
                        "case_by_case", "presumption_of_denial",
                    ])
            }
        }
    }

    @Test("GET /v1/entries/{id} and GET /v1/lists")
    func reads() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.router) { client in
            try await client.execute(uri: "/v1/entries/21944", method: .get, headers: headers(fixture.screener)) {
                response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("ABBAS, Rim"))
            }
            try await client.execute(uri: "/v1/entries/nope", method: .get, headers: headers(fixture.screener)) {
                response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/v1/lists", method: .get, headers: headers(fixture.screener)) {
                response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""entryCount":2001"#))
            }
        }
    }

    @Test("errors: 401 without or with a wrong key, 403 for a weak role, 400 naming the field, 413 for a big body")
    func errors() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.router) { client in
            try await client.execute(uri: "/v1/lists", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect((try? object(response.body))?["status"] as? Int == 401)
            }
            try await client.execute(uri: "/v1/lists", method: .get, headers: headers("vk_wrong")) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/alerts", method: .get, headers: headers(fixture.screener)) {
                response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/v1/alerts", method: .get, headers: headers(fixture.reviewer)) {
                response in
                #expect(response.status == .ok)
            }
            for (body, field) in [
                (#"{"name": ""}"#, "name"), (#"{"name": "x", "country": "Narnia"}"#, "country"),
                (#"{"name": "x", "threshold": 2}"#, "threshold"), (#"{"name": "x", "sources": ["XYZ"]}"#, "sources"),
                (#"{"name": "x", "type": "robot"}"#, "type"), (#"{"name": "x", "limit": 0}"#, "limit"),
            ] {
                try await client.execute(
                    uri: "/v1/screen", method: .post, headers: headers(fixture.screener),
                    body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest)
                    #expect((try? object(response.body))?["field"] as? String == field)
                }
            }
            try await client.execute(
                uri: "/v1/screen", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(string: "[1")
            ) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(
                uri: "/v1/check", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(
                    string: #"{"parties": [{"name": "X", "role": "buyer"}], "items": [{"eccn": "EAR99"}]}"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect((try? object(response.body))?["field"] as? String == "parties[0].role")
            }
            let big = String(repeating: "x", count: 2 << 20)
            try await client.execute(
                uri: "/v1/screen", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(string: #"{"name": ""# + big + #""}"#)
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(!String(buffer: response.body).contains("Swift"))
            }
        }
    }

    @Test("POST /v1/screen/batch answers JSON Lines for a JSON array or a CSV, and names a bad row")
    func batch() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/screen/batch", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(
                    string: #"[{"id": "a", "name": "Hikvision"}, {"id": "b", "name": "Zyxwvut Quorblat"}]"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/x-ndjson")
                let lines = String(buffer: response.body).split(separator: "\n")
                #expect(lines.count == 2)
                #expect(lines[0].hasPrefix(#"{"id":"a","matches":[{"entry_id":"#))
                #expect(lines[1] == #"{"id":"b","matches":[]}"#)
            }
            var csv = headers(fixture.screener)
            csv[.contentType] = "text/csv"
            try await client.execute(
                uri: "/v1/screen/batch", method: .post, headers: csv,
                body: ByteBuffer(string: "id,name,country\nq1,ABBAS Rim,SY\n")
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""entry_id":"21944""#))
            }
            try await client.execute(
                uri: "/v1/screen/batch", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(string: #"[{"name": "Hikvision"}, {"name": "Dahua", "country": "Narnia"}]"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect((try? object(response.body))?["field"] as? String == "[1].country")
            }
        }
    }

    @Test("over a real socket")
    func liveSocket() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.live) { client in
            try await client.execute(
                uri: "/v1/screen", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(string: #"{"name": "ABBAS, Rim"}"#)
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("21944"))
            }
        }
    }
}
