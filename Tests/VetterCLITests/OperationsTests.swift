import Foundation
import Testing
import VetterTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A server that runs itself: scheduled updates against a real local HTTP server, the outbox sent without a CLI
/// call, readiness by data age, the build's version.
@Suite("Operations: serve --update-every, /readyz, --version")
struct OperationsTests {
    typealias Server = ServeTests.Server

    static func get(_ url: String) async throws -> (Int, [String: Any]) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }

    /// Polls `condition` every 200 ms until it holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await condition()
    }

    static func sdnVersions(_ database: String) throws -> [Int] {
        let listed = try CLITests.run(["versions", "--source", "SDN", "--json", "--db", database])
        let versions = (try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]) ?? []
        return versions.compactMap { $0["id"] as? Int }
    }

    @Test(
        "serve --update-every: a failing source leaves the lists and is retried, the update then lands; an alert pending before the start is delivered"
    )
    func scheduledUpdate() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("v.sqlite").path
        // A small CSL, a webhook whose receiver refuses its first delivery, and a watched bank no list names yet.
        #expect(try CLITests.run(["import", SharedData.path("csl/sample-2025-06.csv"), "--db", database]).status == 0)
        let log = directory.appendingPathComponent("deliveries.jsonl").path
        let receiver = try LocalServer.webhookReceiver(failures: 1, log: log)
        defer { receiver.stop() }
        #expect(try CLITests.run(["webhook", "add", receiver.baseURL + "hook", "--db", database]).status == 0)
        let parties = directory.appendingPathComponent("parties.csv")
        try "id,name,country\nc-1,Banco Nacional de Cuba,CU\n".write(to: parties, atomically: true, encoding: .utf8)
        #expect(try CLITests.run(["watch", "import", parties.path, "--db", database]).status == 0)
        // OFAC's SDN set of January 2019 names it: alerts, and the first delivery fails, so one waits in the outbox.
        #expect(try CLITests.run(["import", SharedData.path("ofac/sdn-2019-01"), "--db", database]).status == 0)
        let alerts = try CLITests.run(["alerts", "--json", "--db", database])
        let alertCount = ((try JSONSerialization.jsonObject(with: Data(alerts.stdout.utf8))) as? [Any])?.count ?? 0
        let delivered = { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count }
        #expect(alertCount > 0)
        #expect(delivered() < alertCount, "an alert must be left pending before the server starts")
        let pinned = try Self.sdnVersions(database)
        #expect(!pinned.isEmpty)
        // The served folder is empty at first: every download fails (404) until the files are copied in.
        let served = directory.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        let files = try LocalServer.files(in: served.path)
        defer { files.stop() }

        let server = try Server(
            database: database,
            arguments: [
                "--update-every", "2s", "--update-only", "ofac-sdn", "--update-url", "ofac-sdn=\(files.baseURL)sdn/",
                "--deliver-every", "1",
            ])
        defer { server.stop() }
        _ = try await server.started()

        // The pending alert goes out without any CLI call (its retry falls due 30 s after the failure).
        #expect(try await Self.eventually(timeout: .seconds(90)) { delivered() == alertCount })

        // Failures are logged, retried, and change nothing.
        #expect(
            try await Self.eventually(timeout: .seconds(60)) {
                server.output.components(separatedBy: "the scheduled list update failed").count > 2
            }, "\(server.output.suffix(3000))")
        #expect(try Self.sdnVersions(database) == pinned)

        // The files appear: the next try imports them, July 2021's set, as a new SDN version.
        try FileManager.default.copyItem(
            atPath: SharedData.path("ofac/sdn-2021-07"), toPath: served.appendingPathComponent("sdn").path)
        #expect(
            try await Self.eventually(timeout: .seconds(60)) {
                try Self.sdnVersions(database).count == pinned.count + 1
            },
            "\(server.output.suffix(3000))")
        #expect(server.output.contains("scheduled list update"))
    }

    @Test("/readyz: ready with lists loaded; not ready when --max-data-age is shorter than the data's age")
    func readiness() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("v.sqlite").path
        // The bundled snapshot: data of April 2022.
        let stale = try Server(database: database, arguments: ["--max-data-age", "30d"])
        let base = try await stale.started()
        let (status, body) = try await Self.get(base + "/readyz")
        #expect(status == 503)
        #expect(body["status"] as? String == "not_ready")
        #expect(body["data_date"] as? String == "2022-04-21")
        #expect(((body["reasons"] as? [String])?.first ?? "").contains("2022-04-21"))
        #expect(body["max_data_age_seconds"] as? Int == 30 * 86_400)
        // Liveness is another question: the process answers.
        #expect(try await Self.get(base + "/healthz").0 == 200)
        // Serve said so on start, as every command on stale data does.
        #expect(stale.output.contains("the newest list data is from 2022-04-21"))
        #expect(stale.stop() == 0)

        let lenient = try Server(database: database, arguments: ["--max-data-age", "36500d"])
        let (ready, answer) = try await Self.get(try await lenient.started() + "/readyz")
        #expect(ready == 200)
        #expect(answer["ready"] as? Bool == true)
        #expect((answer["lists"] as? Int ?? 0) > 10)
        #expect(lenient.stop() == 0)
    }

    @Test(
        "a configuration file with JSON logs: request ids in the log and the answer; options override it; SIGHUP reloads the readiness limit"
    )
    func configuration() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("v.sqlite").path
        let config = directory.appendingPathComponent("vetter.json")
        // Port 9 in the file: the --port 0 the test server is given must win.
        try #"{"port": 9, "log_format": "json", "max_data_age": "36500d", "request_timeout": 20}"#.write(
            to: config, atomically: true, encoding: .utf8)
        let server = try Server(database: database, arguments: ["--config", config.path])
        defer { server.stop() }
        let base = try await server.started()
        #expect(try await Self.get(base + "/readyz").0 == 200)

        var request = URLRequest(url: URL(string: base + "/v1/lists")!)
        request.setValue("trace-42", forHTTPHeaderField: "X-Request-Id")
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "X-Request-Id") == "trace-42")
        let (_, fresh) = try await URLSession.shared.data(from: URL(string: base + "/healthz")!)
        let generated = (fresh as? HTTPURLResponse)?.value(forHTTPHeaderField: "X-Request-Id") ?? ""
        #expect(generated.count == 36)
        // Every log line is one JSON object; the request lines carry their ids.
        #expect(
            try await Self.eventually(timeout: .seconds(10)) { server.output.contains(#""request_id":"trace-42""#) })
        let lines = server.output.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] != nil && object?["level"] != nil && object?["message"] != nil, "\(line)")
        }
        #expect(lines.contains { $0.contains(#""request_id":"\#(generated)""#) })

        // The file changes; SIGHUP applies the new limit to /readyz without a restart.
        try #"{"port": 9, "log_format": "json", "max_data_age": "30d"}"#.write(
            to: config, atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        #expect(try await Self.eventually(timeout: .seconds(10)) { try await Self.get(base + "/readyz").0 == 503 })
        #expect(server.output.contains("configuration reloaded"))
        // A file that breaks is reported and changes nothing.
        try "{not json".write(to: config, atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        #expect(
            try await Self.eventually(timeout: .seconds(10)) {
                server.output.contains("the configuration could not be reloaded")
            })
        #expect(try await Self.get(base + "/readyz").0 == 503)
        #expect(server.stop() == 0)

        // An unknown key is refused at start, naming it.
        try #"{"prot": 8080}"#.write(to: config, atomically: true, encoding: .utf8)
        let refused = try CLITests.run(["serve", "--config", config.path, "--db", database])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("'prot' is not a setting"))
    }

    @Test("--version prints the build's version; bad intervals are usage errors")
    func version() throws {
        let run = try CLITests.run(["--version"])
        #expect(run.status == 0)
        #expect(
            run.stdout.trimmingCharacters(in: .whitespacesAndNewlines).range(
                of: #"^[0-9]+\.[0-9]+\.[0-9]+"#, options: .regularExpression) != nil)
        for bad in [
            ["serve", "--update-every", "soon"], ["serve", "--max-data-age", "-3d"], ["serve", "--update-only", "csl"],
        ] {
            let refused = try CLITests.run(bad + ["--db", "/nonexistent/v.sqlite"])
            #expect(refused.status == 2, "\(bad): \(refused.stderr)")
        }
    }
}
