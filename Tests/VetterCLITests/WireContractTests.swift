import Foundation
import Testing
import VetterTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One wire contract: every `--json` output, every API answer and the webhook body use `snake_case` keys,
/// ISO 8601 UTC times and `YYYY-MM-DD` days.
@Suite("One wire contract for the CLI, the API and webhooks", .serialized)
struct WireContractTests {
    /// What is wrong with a JSON document: camelCase keys, and times or days not written as ISO 8601 — each with
    /// its path.
    static func violations(_ value: Any, path: String = "$") -> [String] {
        var found: [String] = []
        if let object = value as? [String: Any] {
            for (key, child) in object {
                let at = path + "." + key
                if key.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil {
                    found.append("\(at): key is not snake_case")
                }
                if key.hasSuffix("_at") || key == "since" {
                    if !(child is NSNull), !isTime(child) {
                        found.append("\(at): \(child) is not an ISO 8601 UTC time")
                    }
                } else if key == "date" || key.hasSuffix("_date") || key == "as_of" {
                    if !(child is NSNull), !isDay(child) { found.append("\(at): \(child) is not YYYY-MM-DD") }
                }
                found += violations(child, path: at)
            }
        } else if let array = value as? [Any] {
            for (position, child) in array.enumerated() { found += violations(child, path: "\(path)[\(position)]") }
        }
        return found
    }

    static func isTime(_ value: Any) -> Bool {
        guard let text = value as? String else { return false }
        return text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"#, options: .regularExpression) != nil
    }

    static func isDay(_ value: Any) -> Bool {
        guard let text = value as? String else { return false }
        return text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil
    }

    /// Parses one JSON document, or JSON Lines.
    static func documents(_ text: String, lines: Bool = false) throws -> [Any] {
        let parts = lines ? text.split(separator: "\n").map(String.init) : [text]
        return try parts.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) }
    }

    @Test("the walker itself finds camelCase keys, seconds-since-2001 dates and US-style days")
    func walkerFinds() throws {
        let bad = try Self.documents(
            #"{"entryID": "1", "nested": [{"imported_at": 786000000.5}], "data_date": "04/21/2022", "ok_at": "2026-11-30T08:00:00Z"}"#
        )[0]
        let found = Self.violations(bad)
        #expect(found.count == 3, "\(found)")
        #expect(Self.violations(try Self.documents(#"{"entry_id": "1", "as_of": "2026-11-30"}"#)[0]).isEmpty)
    }

    @Test("every --json output, every API answer and the webhook body")
    func everything() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("v.sqlite").path
        let log = directory.appendingPathComponent("hooks.jsonl").path
        let receiver = try LocalServer.webhookReceiver(failures: 0, log: log)
        defer { receiver.stop() }
        let watch = directory.appendingPathComponent("watch.csv")
        try "id,name,country\nw1,\"Hikvision, Hangzhou\",CN\nw2,Sberbank of Russia,RU\n".write(
            to: watch, atomically: true, encoding: .utf8)
        let batch = directory.appendingPathComponent("batch.csv")
        try "id,name,type\nb1,\"Dahua, Zhejiang\",entity\nb2,Megvii,entity\n".write(
            to: batch, atomically: true, encoding: .utf8)
        let transaction = directory.appendingPathComponent("t.json")
        try #"{"parties": [{"name": "Hikvision", "role": "end_user"}], "items": [{"eccn": "EAR99"}]}"#.write(
            to: transaction, atomically: true, encoding: .utf8)

        func cli(_ arguments: [String], lines: Bool = false) throws -> [Any] {
            let result = try CLITests.run(["--db", database] + arguments)
            #expect(result.status == 0, "vetter \(arguments.joined(separator: " ")): \(result.stderr)")
            return try Self.documents(result.stdout, lines: lines)
        }
        var outputs: [(String, Any)] = []
        func record(_ name: String, _ documents: [Any]) {
            for document in documents { outputs.append((name, document)) }
        }
        record("lists", try cli(["lists", "--json"]))
        #expect(try CLITests.run(["--db", database, "watch", "import", watch.path]).status == 0)
        #expect(try CLITests.run(["--db", database, "webhook", "add", receiver.baseURL]).status == 0)
        record(
            "import",
            try cli(["import", SharedData.path("ofac/sdn-2021-07"), "--allow-shrink", "--json"]))
        record("screen", try cli(["screen", "Hikvision", "--json", "--explain"]))
        record("screen --as-of", try cli(["screen", "Hikvision", "--json", "--as-of", "2020-01-01"]))
        record("check", try cli(["check", "--party", "Hikvision", "--eccn", "EAR99", "--json"]))
        record("check --transaction", try cli(["check", "--transaction", transaction.path, "--json"]))
        record("batch", try cli(["batch", "--input", batch.path], lines: true))
        record("versions", try cli(["versions", "--json"]))
        record("diff", try cli(["diff", "--source", "SDN", "--json"]))
        record("show", try cli(["show", "17018", "--json"]))
        record("watch list", try cli(["watch", "list", "--hits", "--json"]))
        record("alerts", try cli(["alerts", "--json"]))
        record("keys list", try cli(["keys", "list", "--json"]))
        record("rules", try cli(["rules", "--coverage", "--json"]))
        record("log", try cli(["log", "--json", "--limit", "5"]))
        let cases = try cli(["cases", "--json"])
        record("cases", cases)
        let caseID = try #require(((cases.first as? [[String: Any]])?.first?["id"] as? Int))
        record("case show", try cli(["case", "show", String(caseID), "--json"]))
        record("audit verify", try cli(["audit", "verify", "--json"]))
        let ownership = directory.appendingPathComponent("ownership.csv").path
        let holdings =
            "owner,owned,percent,relationship,source,as_of\nSDN:306,Caribbean Trading SA,60,direct,register,2025-06-01\n"
        try holdings.write(toFile: ownership, atomically: true, encoding: .utf8)
        record("ownership import", try cli(["ownership", "import", ownership, "--json"]))
        try (holdings + "SDN:306,Havana Leasing Ltd,,direct,,\n").write(
            toFile: ownership, atomically: true, encoding: .utf8)
        record("ownership import", try cli(["ownership", "import", ownership, "--json"]))
        record("ownership versions", try cli(["ownership", "versions", "--json"]))
        record("ownership diff", try cli(["ownership", "diff", "--json"]))
        record("ownership check", try cli(["ownership", "check", "--json"]))
        let owned = try cli(["check", "--party", "Caribbean Trading SA", "--eccn", "EAR99", "--json"])
        #expect(
            ((owned.first as? [String: Any])?["parties"] as? [[String: Any]])?.first?["owned_by"] as? [Any] != nil)
        record("check (owned)", owned)
        #expect(
            try CLITests.run(["--db", database, "webhook", "deliver", "--wait", "20", "--backoff", "1"]).status == 0)
        let hooks = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(!hooks.isEmpty, "no webhook was delivered")
        for line in hooks {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let body = try #require(object["body"] as? String)
            record("webhook body", try Self.documents(body))
        }

        let server = try ServeTests.Server(database: database)
        defer { server.stop() }
        let base = try await server.started()
        let key = try #require(try CLITests.run(["--db", database, "keys", "create", "--role", "admin"]).stdout)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        func api(
            _ method: String, _ path: String, _ body: String? = nil, type: String = "application/json"
        )
            async throws -> [Any]
        {
            var request = URLRequest(url: URL(string: base + path)!)
            request.httpMethod = method
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
            request.setValue(type, forHTTPHeaderField: "Content-Type")
            request.httpBody = body.map { Data($0.utf8) }
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            #expect(
                (200..<300).contains(status), "\(method) \(path): \(status) \(String(decoding: data, as: UTF8.self))")
            let text = String(decoding: data, as: UTF8.self)
            return try Self.documents(text, lines: path.hasSuffix("/batch"))
        }
        record("POST /v1/screen", try await api("POST", "/v1/screen", #"{"name": "Hikvision", "explain": true}"#))
        record(
            "POST /v1/screen as_of",
            try await api("POST", "/v1/screen", #"{"name": "Hikvision", "as_of": "2020-01-01"}"#))
        record(
            "POST /v1/screen/batch CSV",
            try await api("POST", "/v1/screen/batch", "id,name\nq1,\"Hikvision, Hangzhou\"\n", type: "text/csv"))
        record("POST /v1/screen/batch", try await api("POST", "/v1/screen/batch", #"[{"id": "j1", "name": "Dahua"}]"#))
        record(
            "POST /v1/check",
            try await api("POST", "/v1/check", String(contentsOf: transaction, encoding: .utf8)))
        record("GET /v1/entries", try await api("GET", "/v1/entries/17018"))
        record("GET /v1/lists", try await api("GET", "/v1/lists"))
        record("GET /v1/versions", try await api("GET", "/v1/versions"))
        record("GET /v1/diff", try await api("GET", "/v1/diff?source=SDN"))
        record("GET /v1/watch", try await api("GET", "/v1/watch"))
        record("POST /v1/watch", try await api("POST", "/v1/watch", #"[{"id": "w3", "name": "Megvii"}]"#))
        record("GET /v1/alerts", try await api("GET", "/v1/alerts"))
        record("GET /v1/keys", try await api("GET", "/v1/keys"))
        record("POST /v1/keys", try await api("POST", "/v1/keys", #"{"role": "screener", "name": "s"}"#))
        record("GET /v1/screenings", try await api("GET", "/v1/screenings?limit=5"))
        record("GET /v1/cases", try await api("GET", "/v1/cases?state=open"))
        record("GET /v1/cases/{id}", try await api("GET", "/v1/cases/\(caseID)"))
        record(
            "POST /v1/cases/{id}/clear",
            try await api("POST", "/v1/cases/\(caseID)/clear", #"{"reason": "different_name", "note": "n"}"#))
        record("GET /v1/audit/verify", try await api("GET", "/v1/audit/verify"))
        let dpl = try Data(contentsOf: URL(fileURLWithPath: SharedData.path("bis/dpl-2023-11.txt")))
        record(
            "POST /v1/imports",
            try await api(
                "POST", "/v1/imports?filename=dpl.txt", String(decoding: dpl, as: UTF8.self), type: "text/plain"))

        #expect(outputs.count > 30)
        for (name, document) in outputs {
            let found = Self.violations(document)
            #expect(found.isEmpty, "\(name): \(found.prefix(10))")
        }
        // Every screening and licence answer carries its evidence.
        for (name, document) in outputs where ["screen", "check", "POST /v1/screen", "POST /v1/check"].contains(name) {
            let object = try #require(document as? [String: Any], "\(name)")
            #expect(object["screened_at"] != nil && object["data_age_days"] != nil, "\(name)")
            let versions = try #require(object["list_versions"] as? [[String: Any]], "\(name)")
            #expect(
                versions.contains {
                    $0["source"] as? String == "SDN" && ($0["content_sha256"] as? String)?.count == 64
                },
                "\(name): \(versions)")
        }
    }
}
