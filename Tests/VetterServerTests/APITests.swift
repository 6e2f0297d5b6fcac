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
        let admin: String
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
            reviewer: try await VetterServer.createKey(in: vetter, role: .reviewer, name: "test reviewer"),
            admin: try await VetterServer.createKey(in: vetter, role: .admin, name: "test admin"))
    }

    func app(_ vetter: Vetter? = nil) async throws -> some ApplicationProtocol {
        var chosen: Vetter
        if let vetter { chosen = vetter } else { chosen = try await Self.shared.value.vetter }
        let router = try await VetterServer.router(
            screener: try await Screener(vetter: chosen), logger: Logger(label: "test"))
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

    @Test("POST /v1/screen with as_of answers from the lists in force that day; filter_country filters (errors below)")
    func screenAsOf() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.router) { client in
            // Hikvision was added to the Entity List on 9 October 2019.
            for (day, listed) in [("2019-10-01", false), ("2019-10-10", true)] {
                try await client.execute(
                    uri: "/v1/screen", method: .post, headers: headers(fixture.screener),
                    body: ByteBuffer(string: #"{"name": "Hikvision", "as_of": "\#(day)"}"#)
                ) { response in
                    #expect(response.status == .ok)
                    let body = try object(response.body)
                    #expect((body["query"] as? [String: Any])?["as_of"] as? String == day)
                    let sources = try #require(body["matches"] as? [[String: Any]]).compactMap {
                        $0["source"] as? String
                    }
                    #expect(sources.contains("EL") == listed, "as of \(day): \(sources)")
                }
            }
            try await client.execute(
                uri: "/v1/screen", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(string: #"{"name": "Hikvision", "country": "US", "filter_country": true}"#)
            ) { response in
                let matches = try #require(try object(response.body)["matches"] as? [Any])
                #expect(matches.isEmpty)
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
                #expect(body["decision"] as? String == "license_required")
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
                #expect(String(buffer: response.body).contains(#""entry_count":2001"#))
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
                (#"{"name": "x", "as_of": "last week"}"#, "as_of"),
                (
                    #"{"name": "x", "filter_country": true}"#,
                    "filter_country"
                ),
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
                let first = try? JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
                let hits = first?["matches"] as? [[String: Any]]
                #expect(first?["id"] as? String == "a" && hits?.first?["entry_id"] != nil)
                // Each line carries its evidence: when, and from which list versions.
                #expect((first?["list_version_ids"] as? [Int])?.count == 13 && first?["screened_at"] is String)
                #expect(lines[1].hasPrefix(#"{"id":"b","list_version_ids":["#) && lines[1].contains(#""matches":[]"#))
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
            try await client.execute(
                uri: "/v1/screen/batch", method: .post, headers: csv,
                body: ByteBuffer(string: "name\n" + String(repeating: "Acme\n", count: 10_001))
            ) { response in
                #expect(response.status == .contentTooLarge)
            }
            // More lines than one streamed chunk: every party answered, in order.
            let many = (1...450).map { #"{"id": "r\#($0)", "name": "Rim Abbas"}"# }.joined(separator: ",")
            try await client.execute(
                uri: "/v1/screen/batch", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(string: "[" + many + "]")
            ) { response in
                let lines = String(buffer: response.body).split(separator: "\n")
                #expect(lines.count == 450)
                #expect(lines.last?.hasPrefix(#"{"id":"r450","#) == true)
                #expect(lines.last?.contains(#""matches":[{"entry_id":"21944""#) == true)
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

    @Test("the OpenAPI document lists exactly the router's routes")
    func openAPIMatchesRoutes() async throws {
        let fixture = try await Self.shared.value
        let router = try VetterServer.router(
            screener: try await Screener(vetter: fixture.vetter), logger: Logger(label: "test"))
        let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let document = try await app().test(.router) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get, headers: headers(fixture.screener)) {
                response -> String in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml")
                return String(buffer: response.body)
            }
        }
        // The document is written by hand in one layout: a path at two spaces' indent, its methods at four.
        var operations = Set<String>()
        var path: String?
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "components:" { break }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path,
                let method = ["get", "post", "put", "patch", "delete"].first(where: {
                    line == "    \($0):"
                })
            {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(operations.count > 20)
        #expect(routes.subtracting(operations).sorted() == [], "routes missing from openapi.yaml")
        #expect(operations.subtracting(routes).sorted() == [], "documented operations that are not routes")
    }

    @Test("GET /metrics: request counts and latencies by route template, parties screened, list versions")
    func metrics() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/screen", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(string: #"{"name": "Hikvision"}"#)
            ) { _ in }
            try await client.execute(uri: "/v1/entries/21944", method: .get, headers: headers(fixture.screener)) {
                _ in
            }
            try await client.execute(uri: "/v1/lists", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: headers(fixture.screener)) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#"vetter_http_requests_total{method="POST",route="/v1/screen",status="200"} 1"#))
                #expect(text.contains(#"route="/v1/entries/{id}",status="200"} 1"#))
                #expect(text.contains(#"vetter_http_requests_total{method="GET",route="/v1/lists",status="401"} 1"#))
                #expect(
                    text.contains(#"vetter_http_request_duration_seconds_count{method="POST",route="/v1/screen"} 1"#))
                #expect(text.contains("vetter_screened_parties_total 1"))
                #expect(text.contains(#"vetter_list_entries{source="EL"} 2001"#))
                #expect(text.contains(#"vetter_list_version_info{source="EL",version="#))
            }
        }
    }

    @Test("a streamed batch is timed until its last line is written, not when its handler returns")
    func streamedBatchTimed() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.router) { client in
            // The rows are screened while the body streams: the handler itself returns at once.
            let rows = (1...1_500).map { #"{"id": "r\#($0)", "name": "Hangzhou Hikvision Digital \#($0)"}"# }
            let start = ContinuousClock.now
            try await client.execute(
                uri: "/v1/screen/batch", method: .post, headers: headers(fixture.screener),
                body: ByteBuffer(string: "[" + rows.joined(separator: ",") + "]")
            ) { response in
                #expect(String(buffer: response.body).split(separator: "\n").count == 1_500)
            }
            let elapsed = ContinuousClock.now - start
            try await client.execute(uri: "/metrics", method: .get, headers: headers(fixture.screener)) { response in
                let text = String(buffer: response.body)
                let prefix = #"vetter_http_request_duration_seconds_sum{method="POST",route="/v1/screen/batch"} "#
                let line = text.split(separator: "\n").first { $0.hasPrefix(prefix) }
                let recorded = line.flatMap { Double($0.dropFirst(prefix.count)) }
                let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                #expect(
                    recorded != nil && recorded! >= total * 0.25,
                    "recorded \(String(describing: recorded)) of \(total) s")
            }
        }
    }

    @Test("GET /v1/versions and /v1/diff: versions by source, the diff's errors")
    func versionsAndDiff() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.router) { client in
            try await client.execute(uri: "/v1/versions?source=EL", method: .get, headers: headers(fixture.screener)) {
                response in
                #expect(response.status == .ok)
                let versions = try #require(
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect(versions.map { $0["source"] as? String } == ["EL"])
            }
            try await client.execute(uri: "/v1/versions?source=XX", method: .get, headers: headers(fixture.screener)) {
                response in
                #expect(response.status == .badRequest)
                #expect((try? object(response.body))?["field"] as? String == "source")
            }
            try await client.execute(uri: "/v1/diff?source=EL", method: .get, headers: headers(fixture.screener)) {
                response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/v1/diff", method: .get, headers: headers(fixture.reviewer)) { response in
                #expect(response.status == .badRequest)
                #expect((try? object(response.body))?["field"] as? String == "source")
            }
            try await client.execute(uri: "/v1/diff?source=EL&from=x", method: .get, headers: headers(fixture.reviewer))
            { response in
                #expect((try? object(response.body))?["field"] as? String == "from")
            }
            // The seeded store holds one version of each list: nothing older to compare with.
            try await client.execute(uri: "/v1/diff?source=EL", method: .get, headers: headers(fixture.reviewer)) {
                response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("watched parties: add and screen, list, remove; alerts since a time; the fields at fault")
    func watching() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.router) { client in
            try await client.execute(
                uri: "/v1/watch", method: .post, headers: headers(fixture.screener), body: ByteBuffer(string: "[]")
            ) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(
                uri: "/v1/watch", method: .post, headers: headers(fixture.reviewer),
                body: ByteBuffer(
                    string:
                        #"[{"id": "w-1", "name": "Hangzhou Hikvision", "country": "CN"}, {"id": "w-2", "name": "Quorblat Zyxw"}]"#
                )
            ) { response in
                #expect(response.status == .ok)
                let body = try object(response.body)
                #expect(body["watched"] as? Int == 2)
                let hits = try #require(body["hits"] as? [[String: Any]])
                #expect(hits.contains { $0["entry_id"] as? String == "f095626c9f8becc70b5948507fb6de6e443b257a" })
                #expect(hits.allSatisfy { $0["party_id"] as? String == "w-1" })
            }
            try await client.execute(uri: "/v1/watch", method: .get, headers: headers(fixture.reviewer)) { response in
                #expect(String(buffer: response.body).contains(#""id":"w-2""#))
            }
            try await client.execute(uri: "/v1/watch/w-2", method: .delete, headers: headers(fixture.reviewer)) {
                response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/v1/watch/w-2", method: .delete, headers: headers(fixture.reviewer)) {
                response in
                #expect(response.status == .notFound)
            }
            for (body, field) in [
                (#"[{"name": "X"}]"#, "[0].id"), (#"[{"id": "a", "name": "X"}, {"id": "a", "name": "Y"}]"#, "[1].id"),
                (#"[{"id": "a", "name": ""}]"#, "[0].name"),
                (
                    #"[{"id": "a", "name": "X", "country": "Atlantis"}]"#,
                    "[0].country"
                ),
            ] {
                try await client.execute(
                    uri: "/v1/watch", method: .post, headers: headers(fixture.reviewer), body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == .badRequest)
                    #expect((try? object(response.body))?["field"] as? String == field)
                }
            }
            try await client.execute(
                uri: "/v1/alerts?since=2999-01-01T00:00:00Z", method: .get, headers: headers(fixture.reviewer)
            ) { response in
                #expect(String(buffer: response.body) == "[]")
            }
            try await client.execute(
                uri: "/v1/alerts?since=yesterday", method: .get, headers: headers(fixture.reviewer)
            ) { response in
                #expect(response.status == .badRequest)
                #expect((try? object(response.body))?["field"] as? String == "since")
            }
        }
    }

    @Test(
        "POST /v1/imports takes a zip: an OFAC CSV set, the Enhanced XML; a damaged member is named and changes nothing"
    )
    func zipImports() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let vetter = try Vetter(databasePath: directory.appendingPathComponent("v.sqlite").path)
        let admin = try await VetterServer.createKey(in: vetter, role: .admin, name: "admin")
        let set = SharedData.path("ofac/sdn-2019-01")
        let zipped = directory.appendingPathComponent("sdn.zip").path
        try writeZipArchive(["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"].map { "\(set)/\($0)" }, to: zipped)
        let setBytes = try Data(contentsOf: URL(fileURLWithPath: zipped))
        let enhanced = try Data(
            contentsOf: URL(fileURLWithPath: SharedData.path("ofac/cons-enhanced-xml-2025-01-14.zip")))
        try await app(vetter).test(.router) { client in
            try await client.execute(
                uri: "/v1/imports?filename=sdn.zip", method: .post, headers: headers(admin),
                body: ByteBuffer(bytes: setBytes)
            ) { response in
                #expect(response.status == .created)
                let body = try object(response.body)
                #expect(body["format"] as? String == "ofac-csv")
                let created = try #require(body["created"] as? [[String: Any]])
                #expect(created.map { $0["source"] as? String } == ["SDN"])
                #expect(created.first?["entry_count"] as? Int == 7_379)
            }
            var damaged = [UInt8](enhanced)
            for offset in 3_000..<3_200 { damaged[offset] ^= 0x33 }
            let versionsBefore = try await vetter.currentLists()
            try await client.execute(
                uri: "/v1/imports?filename=cons.zip", method: .post, headers: headers(admin),
                body: ByteBuffer(bytes: damaged)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("cons.zip!CONS_ENHANCED.XML"))
            }
            #expect(try await vetter.currentLists() == versionsBefore)
            try await client.execute(
                uri: "/v1/imports?filename=cons.zip", method: .post, headers: headers(admin),
                body: ByteBuffer(bytes: enhanced)
            ) { response in
                #expect(response.status == .created)
                let created = try #require(try object(response.body)["created"] as? [[String: Any]])
                #expect(
                    Set(created.compactMap { $0["source"] as? String }) == [
                        "SSI", "PLC", "CMIC", "NS-MBS", "CAP", "FSE",
                    ])
            }
        }
    }

    @Test("admin routes: an import replaces the index in use and raises alerts; a bad file changes nothing; keys")
    func admin() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let vetter = try Vetter(databasePath: directory.appendingPathComponent("v.sqlite").path)
        _ = try await vetter.seedIfEmpty()
        let admin = try await VetterServer.createKey(in: vetter, role: .admin, name: "admin")
        let reviewer = try await VetterServer.createKey(in: vetter, role: .reviewer, name: "reviewer")
        let dpl = try Data(contentsOf: URL(fileURLWithPath: SharedData.path("bis/dpl-2023-11.txt")))
        try await app(vetter).test(.router) { client in
            // A party on the 2023 DPL but not on the 2022 snapshot's (checked below): no match before the import.
            let probe = #"{"name": "Aaron Abraham Villa"}"#
            var before = 0
            try await client.execute(
                uri: "/v1/screen", method: .post, headers: headers(admin), body: ByteBuffer(string: probe)
            ) { response in
                before = try #require(try object(response.body)["matches"] as? [Any]).count
            }
            try await client.execute(
                uri: "/v1/watch", method: .post, headers: headers(admin),
                body: ByteBuffer(string: #"[{"id": "p-1", "name": "Aaron Abraham Villa"}]"#)
            ) { _ in }
            try await client.execute(
                uri: "/v1/imports?filename=dpl.txt", method: .post, headers: headers(reviewer),
                body: ByteBuffer(bytes: dpl)
            ) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(
                uri: "/v1/imports?filename=cut.txt", method: .post, headers: headers(admin),
                body: ByteBuffer(bytes: dpl.prefix(5000) + Data("\tbroken".utf8))
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("cut.txt:"))
            }
            try await client.execute(
                uri: "/v1/imports?format=xml", method: .post, headers: headers(admin), body: ByteBuffer(bytes: dpl)
            ) { response in
                #expect((try? object(response.body))?["field"] as? String == "format")
            }
            try await client.execute(
                uri: "/v1/imports?filename=dpl-2023-11.txt", method: .post, headers: headers(admin),
                body: ByteBuffer(bytes: dpl)
            ) { response in
                #expect(response.status == .created)
                let body = try object(response.body)
                let created = try #require(body["created"] as? [[String: Any]])
                #expect(created.map { $0["source"] as? String } == ["DPL"])
                #expect(created.first?["entry_count"] as? Int == 663)
                let rescreen = try #require(body["rescreen"] as? [String: Any])
                let alerts = try #require(rescreen["alerts"] as? [[String: Any]])
                #expect(alerts.contains { $0["party_id"] as? String == "p-1" && $0["kind"] as? String == "new_hit" })
            }
            try await client.execute(
                uri: "/v1/screen", method: .post, headers: headers(admin), body: ByteBuffer(string: probe)
            ) { response in
                let matches = try #require(try object(response.body)["matches"] as? [[String: Any]])
                #expect(matches.count > before)
                #expect(matches.contains { $0["source"] as? String == "DPL" })
            }
            try await client.execute(uri: "/v1/diff?source=DPL", method: .get, headers: headers(admin)) { response in
                #expect(response.status == .ok)
                let diff = try object(response.body)
                let added = try #require(diff["added"] as? [[String: Any]])
                #expect(added.contains { ($0["name"] as? String)?.uppercased() == "AARON ABRAHAM VILLA" })
            }
            try await client.execute(
                uri: "/v1/imports?filename=dpl-2023-11.txt", method: .post, headers: headers(admin),
                body: ByteBuffer(bytes: dpl)
            ) { response in
                #expect(response.status == .ok)
                #expect((try? object(response.body))?["unchanged"] as? [String] == ["DPL"])
            }
            var created = ""
            try await client.execute(
                uri: "/v1/keys", method: .post, headers: headers(admin),
                body: ByteBuffer(string: #"{"role": "screener", "name": "erp"}"#)
            ) { response in
                #expect(response.status == .created)
                created = try #require(try object(response.body)["key"] as? String)
            }
            try await client.execute(uri: "/v1/lists", method: .get, headers: headers(created)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/v1/keys", method: .post, headers: headers(created),
                body: ByteBuffer(string: #"{"role": "admin"}"#)
            ) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(
                uri: "/v1/keys", method: .post, headers: headers(admin), body: ByteBuffer(string: #"{"role": "root"}"#)
            ) { response in
                #expect((try? object(response.body))?["field"] as? String == "role")
            }
            // Revocation: listed without secrets, refused at once, listed as revoked.
            let listed = try await client.execute(uri: "/v1/keys", method: .get, headers: headers(admin)) {
                response -> [[String: Any]] in
                #expect(!String(buffer: response.body).contains("vk_"))
                return try #require(
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
            }
            let erp = try #require(listed.first { $0["name"] as? String == "erp" }?["id"] as? Int)
            try await client.execute(uri: "/v1/keys/\(erp)", method: .delete, headers: headers(created)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/v1/keys/\(erp)", method: .delete, headers: headers(admin)) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/v1/lists", method: .get, headers: headers(created)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/keys/\(erp)", method: .delete, headers: headers(admin)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/keys", method: .get, headers: headers(admin)) { response in
                let keys = try #require(
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect(keys.first { $0["id"] as? Int == erp }?["revoked_at"] != nil)
            }
        }
    }

    @Test("web pages: a visit without a key goes to sign-in; the session cookie signs in; pages escape what they show")
    func webPages() async throws {
        let fixture = try await Self.shared.value
        try await app().test(.router) { client in
            try await client.execute(uri: "/ui/search?q=Hikvision", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/ui/login")
            }
            try await client.execute(
                uri: "/ui/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "key=vk_wrong")
            ) { response in
                #expect(response.headers[.location] == "/ui/login?failed=1")
            }
            var cookie = ""
            try await client.execute(
                uri: "/ui/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "key=\(fixture.screener)")
            ) { response in
                #expect(response.status == .seeOther)
                let setCookie = try #require(response.headers[.setCookie])
                #expect(setCookie.contains("HttpOnly"))
                #expect(setCookie.contains("SameSite=Strict"))
                cookie = String(setCookie.split(separator: ";")[0])
            }
            try await client.execute(
                uri: "/ui/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", method: .get, headers: [.cookie: cookie]
            ) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(!html.contains("<script>alert"))
                #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            }
            try await client.execute(uri: "/ui/search?q=Hikvision", method: .get, headers: [.cookie: cookie]) {
                response in
                let html = String(buffer: response.body)
                #expect(html.contains("data-entry=\"f095626c9f8becc70b5948507fb6de6e443b257a\""))
                #expect(html.contains("Presumption of denial for all other items"))
                // The EL entry has no party type: its line shows none (not the search form's empty one).
                #expect(html.contains("Bureau of Industry and Security · CN"))
            }
            try await client.execute(
                uri: "/ui/search?q=Hikvision&as_of=2019-10-01", method: .get, headers: [.cookie: cookie]
            ) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("on the lists in force on 2019-10-01"))
                #expect(!html.contains("data-entry=\"f095626c9f8becc70b5948507fb6de6e443b257a\""))
            }
            try await client.execute(uri: "/ui/entries/nope", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/ui/alerts", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/ui/lists", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<td class=\"num\">2001</td>"))
            }
            try await client.execute(
                uri: "/ui/alerts", method: .get, headers: [.authorization: "Bearer \(fixture.reviewer)"]
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/ui/search?q=Hikvision&country=Atlantis", method: .get, headers: [.cookie: cookie]
            ) { response in
                #expect(String(buffer: response.body).contains("is not a country name"))
            }
            // The sign-out form on every page carries the session's token.
            let token = try await client.execute(uri: "/ui/lists", method: .get, headers: [.cookie: cookie]) {
                response in
                String(buffer: response.body).components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?
                    .prefix(64) ?? ""
            }
            #expect(token.count == 64)
            try await client.execute(
                uri: "/ui/logout", method: .post,
                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=\(token)")
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            // Signed out: the session is closed, so the old cookie signs nothing in.
            try await client.execute(uri: "/ui/search?q=Hikvision", method: .get, headers: [.cookie: cookie]) {
                response in
                #expect(response.status == .seeOther)
            }
        }
    }
}
