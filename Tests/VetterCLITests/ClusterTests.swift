import Foundation
import Testing
import VetterTesting

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Several `vetter serve` processes on one PostgreSQL database, as a load balancer would have them: real binaries,
/// real sockets, a real server (see ``TestDatabase``).
@Suite("Several servers on one PostgreSQL database", .serialized, .enabled(if: TestDatabase.all.contains(.postgres)))
struct ClusterTests {
    /// The servers run the binary `VETTER_CLUSTER_BINARY` names (`.ci/run` builds it in release, as servers are
    /// run), else the one the tests run.
    static let serverBinary = ProcessInfo.processInfo.environment["VETTER_CLUSTER_BINARY"] ?? CLITests.binary

    final class Server: ServeTests.Server, @unchecked Sendable {
        init(database: String, arguments: [String] = []) throws {
            try super.init(database: database, arguments: arguments, binary: ClusterTests.serverBinary)
        }
    }

    /// A JSON call; status and object (empty when the answer is not an object).
    static func call(
        _ base: String, _ method: String, _ path: String, key: String, json: Any? = nil, body: Data? = nil
    ) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.timeoutInterval = 300
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        } else if let body {
            request.setValue("text/csv", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }

    /// The Entity List version a server answers from.
    static func elVersion(_ base: String, key: String) async throws -> Int? {
        var request = URLRequest(url: URL(string: base + "/v1/lists")!)
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        let object = try JSONSerialization.jsonObject(with: data)
        let lists = (object as? [[String: Any]]) ?? ((object as? [String: Any])?["lists"] as? [[String: Any]]) ?? []
        return lists.first { $0["source"] as? String == "EL" }?["id"] as? Int
    }

    @Test(
        "an import through node A is answered by node B within 2 s; each alert reaches the webhook once; a key revoked elsewhere is refused by both"
    )
    func twoNodes() async throws {
        let database = try TestDatabase.createDatabase()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("deliveries.jsonl").path
        let receiver = try LocalServer.webhookReceiver(failures: 0, log: log)
        defer { receiver.stop() }

        let nodeA = try Server(database: database, arguments: ["--deliver-every", "1"])
        defer { nodeA.stop() }
        let a = try await nodeA.started()
        let admin = try #require(nodeA.firstKey)
        let nodeB = try Server(database: database, arguments: ["--deliver-every", "1"])
        defer { nodeB.stop() }
        let b = try await nodeB.started()
        #expect(nodeB.firstKey == nil)

        #expect(
            try CLITests.run([
                "webhook", "add", "http://127.0.0.1:\(receiver.port)/hook", "--secret", "s", "--db", database,
            ])
            .status == 0)
        let (watched, _) = try await Self.call(
            a, "POST", "/v1/watch", key: admin,
            json: [["id": "c-1", "name": "Hikvision", "country": "CN"], ["id": "c-2", "name": "Dahua Technology"]])
        #expect(watched == 200)
        let before = try #require(try await Self.elVersion(b, key: admin))

        // The amended list, imported through A while B answers screenings; B must answer from it within 2 s, and
        // fail none of them during the switch.
        let amended = try Data(contentsOf: URL(fileURLWithPath: try SharedData.amendedCSL(in: directory)))
        let importing = Task {
            try await Self.call(a, "POST", "/v1/imports?filename=consolidated-amended.csv", key: admin, body: amended).0
        }
        // The lag is from the first moment the database shows the new version (psql, every 50 ms) to the sending
        // of the first screening B answered from it. Screenings go to B every 100 ms without waiting for each other,
        // so a slow answer on a loaded machine delays no later probe.
        let newest = "SELECT MAX(id) FROM list_version WHERE source = 'EL'"
        let watchCommit = Task { () -> ContinuousClock.Instant? in
            while !Task.isCancelled {
                let shown = try TestDatabase.psql(database, newest).trimmingCharacters(in: .whitespacesAndNewlines)
                if shown != String(before) { return ContinuousClock.now }
                try await Task.sleep(for: .milliseconds(50))
            }
            return nil
        }
        let probes = Probes()
        let deadline = ContinuousClock.now + .seconds(120)
        try await withThrowingTaskGroup(of: Void.self) { group in
            while ContinuousClock.now < deadline, probes.switched == nil {
                group.addTask {
                    let sent = ContinuousClock.now
                    let (status, answer) =
                        (try? await Self.call(b, "POST", "/v1/screen", key: admin, json: ["name": "Dahua"])) ?? (0, [:])
                    // The versions B's index was built from: what it answers from.
                    let answeredFrom =
                        (answer["list_versions"] as? [[String: Any]])?.first {
                            $0["source"] as? String == "EL"
                        }?["version_id"] as? Int
                    probes.record(sent: sent, status: status, new: answeredFrom.map { $0 != before } ?? false)
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await group.waitForAll()
        }
        let switched = probes.switched
        // B answering from the new lists means they were committed: the watcher has seen it, or will within 50 ms.
        if switched == nil { watchCommit.cancel() }
        let committed = try await watchCommit.value
        let (screened, failed) = (probes.screened, probes.failed)
        let imported = try await importing.value
        #expect(imported == 201)
        print("node B answered \(screened) screenings during the import through node A, \(failed.count) failed")
        #expect(failed.isEmpty, "\(failed)")
        #expect(screened > 0)
        let lag = try #require(switched) - (committed ?? #require(switched))
        print("node B answered from the new Entity List version \(lag) after the database showed it")
        #expect(lag < .seconds(2))

        // Both nodes send the outbox every second: the alerts of the import arrive once each.
        var request = URLRequest(url: URL(string: a + "/v1/alerts")!)
        request.setValue("Bearer \(admin)", forHTTPHeaderField: "Authorization")
        let (alertData, _) = try await URLSession.shared.data(for: request)
        let alertObject = try JSONSerialization.jsonObject(with: alertData)
        let alerts =
            (alertObject as? [[String: Any]]) ?? ((alertObject as? [String: Any])?["alerts"] as? [[String: Any]]) ?? []
        #expect(!alerts.isEmpty)
        try await Task.sleep(for: .seconds(4))
        let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
        let deliveries = lines.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["delivery"] as? String
        }
        #expect(deliveries.count == alerts.count, "\(deliveries)")
        #expect(Set(deliveries).count == deliveries.count)

        // A screener key used on both nodes (each remembers it), revoked by a third process: refused by both.
        let created = try CLITests.run(["keys", "create", "--role", "screener", "--name", "erp", "--db", database])
        let key = try #require(
            created.stdout.range(of: "vk_[0-9a-f]{48}", options: .regularExpression).map { String(created.stdout[$0]) })
        for base in [a, b] {
            #expect(try await Self.call(base, "POST", "/v1/screen", key: key, json: ["name": "Acme"]).0 == 200)
        }
        let listed = try CLITests.run(["keys", "list", "--json", "--db", database])
        let keys = (try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]) ?? []
        let id = try #require(keys.first { $0["name"] as? String == "erp" }?["id"] as? Int)
        let noticedBefore = [nodeA, nodeB].map { Self.keysForgotten(in: $0.output).count }
        let revokedAt = Date()
        #expect(try CLITests.run(["keys", "revoke", String(id), "--db", database]).status == 0)
        let revoked = ContinuousClock.now
        // Each node asked on its own from the moment of the revocation, again until it refuses; timed from the
        // sending of the request it refused (a loaded machine answers slowly, whatever the server knows).
        let latencies = try await withThrowingTaskGroup(of: Duration?.self) { group in
            for base in [a, b] {
                group.addTask {
                    // Requests every 100 ms, none waiting for another; the first refused one's sending is the time.
                    try await withThrowingTaskGroup(of: Duration?.self) { probes in
                        for tick in 0..<100 {
                            probes.addTask {
                                try await Task.sleep(for: .milliseconds(100 * tick))
                                let sent = ContinuousClock.now
                                let status = try await Self.call(
                                    base, "POST", "/v1/screen", key: key, json: ["name": "Acme"]
                                ).0
                                return status == 401 ? sent - revoked : nil
                            }
                        }
                        return try await probes.reduce(into: Duration?.none) { earliest, next in
                            if let next, earliest.map({ next < $0 }) ?? true { earliest = next }
                        }
                    }
                }
            }
            return try await group.reduce(into: [Duration?]()) { $0.append($1) }
        }
        let refused = latencies.compactMap { $0 }
        let latest = refused.max() ?? .seconds(30)
        print("the revoked key was refused by both nodes, on requests sent at most \(latest) after the revocation")
        #expect(refused.count == 2)
        // Each node had found the key (and would keep it 30 s) just before: what made it refuse is the notice, which
        // each node says it acted on, at a time its own log gives. Unloaded the refusal comes within milliseconds
        // (the figure printed above); the probes' figure is not the bound, as a machine running the whole suite in
        // parallel can make a probe task itself wait many seconds to run.
        for (node, before) in zip([nodeA, nodeB], noticedBefore) {
            let noticed = Self.keysForgotten(in: node.output).dropFirst(before)
            let first = try #require(noticed.first, "no notice acted on: \(node.output.suffix(2000))")
            // The log's times are whole seconds: the bound tells the notice from the 30 s expiry with room to spare.
            #expect(
                first.timeIntervalSince(revokedAt) < 10, "the notice was acted on at \(first), revoked at \(revokedAt)")
        }
    }

    /// When a server logged that it forgot the keys it knew (it acts on a keys notice), in order.
    static func keysForgotten(in log: String) -> [Date] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
        return log.split(separator: "\n").filter { $0.contains("the keys known here were forgotten") }.compactMap {
            $0.split(separator: " ").first.flatMap { formatter.date(from: String($0)) }
        }
    }

    /// Screenings sent to a node while it switches lists: how many were answered, which failed, and when the first
    /// one answered from the new lists was sent.
    final class Probes: @unchecked Sendable {
        private let lock = NSLock()
        private var answered = 0
        private var failures: [Int] = []
        private var first: ContinuousClock.Instant?

        func record(sent: ContinuousClock.Instant, status: Int, new: Bool) {
            lock.withLock {
                if status == 200 { answered += 1 } else { failures.append(status) }
                if new, first.map({ sent < $0 }) ?? true { first = sent }
            }
        }

        var switched: ContinuousClock.Instant? { lock.withLock { first } }
        var screened: Int { lock.withLock { answered } }
        var failed: [Int] { lock.withLock { failures } }
    }

    @Test("a server that is not there, a database or a role that does not exist: said at once, by name")
    func unreachable() throws {
        let started = ContinuousClock.now
        let refused = try CLITests.run(["lists", "--db", "postgres://vetter@127.0.0.1:1/vetter"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("Connection refused"), "\(refused.stderr)")
        #expect(ContinuousClock.now - started < .seconds(10))
        var missing = try #require(URLComponents(string: try TestDatabase.createDatabase()))
        missing.path = "/no_such_database"
        let absent = try CLITests.run(["lists", "--db", missing.string!])
        #expect(absent.status == 2)
        #expect(absent.stderr.contains("database \"no_such_database\" does not exist"), "\(absent.stderr)")
        missing.user = "no_such_role"
        missing.password = "secret"
        let role = try CLITests.run(["lists", "--db", missing.string!])
        #expect(role.stderr.contains("no_such_role"), "\(role.stderr)")
        #expect(!role.stderr.contains("secret"), "the password is never printed: \(role.stderr)")
    }

    @Test("kill -9 of a server during an import leaves the old version or the new one, never a part")
    func killDuringImport() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let amended = try Data(contentsOf: URL(fileURLWithPath: try SharedData.amendedCSL(in: directory)))
        // How long an import takes here, then kills spread over it and past it.
        let timing = try TestDatabase.createDatabase()
        let timed = try Server(database: timing)
        let timedBase = try await timed.started()
        let started = ContinuousClock.now
        let (status, _) = try await Self.call(
            timedBase, "POST", "/v1/imports?filename=amended.csv", key: try #require(timed.firstKey), body: amended)
        let whole = ContinuousClock.now - started
        timed.stop()
        #expect(status == 201)
        /// Kills a new node at the moment `when` says, during an import through it; checks the database; returns how
        /// many Entity List versions it holds (1: the old lists only, 2: the import's too).
        func killed(_ label: String, when: (String, Task<Int?, Never>) async throws -> Void) async throws -> Int {
            let database = try TestDatabase.createDatabase()
            let node = try Server(database: database)
            let base = try await node.started()
            let key = try #require(node.firstKey)
            let upload = Task {
                (try? await Self.call(base, "POST", "/v1/imports?filename=amended.csv", key: key, body: amended))?.0
            }
            try await when(database, upload)
            kill(node.process.processIdentifier, SIGKILL)
            node.process.wait()
            _ = await upload.value
            // Whatever is held open against the database (below) lets go once the node is gone.
            _ = try? TestDatabase.psql(
                database,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            // Every version in the database holds exactly the entries it says it has.
            let check = try CLITests.run(["lists", "--json", "--db", database])
            #expect(check.status == 0, "\(check.stderr)")
            let verify = try CLITests.run(["audit", "verify", "--db", database])
            #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
            let versions = try CLITests.run(["versions", "--json", "--db", database])
            let all = (try? JSONSerialization.jsonObject(with: Data(versions.stdout.utf8)) as? [[String: Any]]) ?? []
            let el = all.filter { $0["source"] as? String == "EL" }
            #expect(el.count == 1 || el.count == 2, "\(versions.stdout)")
            // Every version holds exactly the entries it records, read straight from the tables.
            let mismatched = try TestDatabase.psql(
                database,
                """
                SELECT v.id FROM list_version v LEFT JOIN version_entry e ON e.version_id = v.id
                GROUP BY v.id, v.entry_count HAVING COUNT(e.entry_id) <> v.entry_count
                """)
            #expect(mismatched.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(mismatched)")
            print("killed \(label) an import that takes \(whole): \(el.count) Entity List version(s)")
            return el.count
        }
        // Kills spread over the import as it ran here: each leaves the old version or the new one.
        for fraction in [0.1, 0.4, 0.7, 0.9] {
            let delay = Int(
                Double(whole.components.seconds * 1000 + whole.components.attoseconds / 1_000_000_000_000_000)
                    * fraction)
            _ = try await killed("\(delay) ms into") { _, _ in try await Task.sleep(for: .milliseconds(delay)) }
        }
        // Killed inside its write transaction, whatever the machine's speed: another session holds a lock that lets
        // the node read but not write list_version, the import waits on it with its transaction open, and the node
        // dies there. Nothing of it may remain.
        let holders = Locked<ChildProcess?>(nil)
        let inside = try await killed("inside the write transaction of") { database, _ in
            let holder = try ChildProcess(
                "/usr/bin/env",
                [
                    "psql", "-X", "-q", database, "-c",
                    "BEGIN; LOCK TABLE list_version IN SHARE MODE; SELECT pg_sleep(120); COMMIT;",
                ])
            holders.set(holder)
            let deadline = ContinuousClock.now + .seconds(120)
            var waiting = false
            while !waiting && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                let count = try TestDatabase.psql(
                    database,
                    """
                    SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
                    AND wait_event_type = 'Lock' AND xact_start IS NOT NULL
                    """
                ).trimmingCharacters(in: .whitespacesAndNewlines)
                waiting = (Int(count) ?? 0) > 0
            }
            #expect(waiting, "the import never waited on the lock")
        }
        holders.get()?.send(SIGKILL)
        #expect(inside == 1)
        // Killed after the node answered 201: the import is there, whole.
        let after = try await killed("after the answer to") { _, upload in
            #expect(await upload.value == 201)
        }
        #expect(after == 2)
    }

    /// A value shared with a closure that runs elsewhere.
    final class Locked<Value: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Value
        init(_ value: Value) { self.value = value }
        func get() -> Value { lock.withLock { value } }
        func set(_ new: Value) { lock.withLock { value = new } }
    }

    @Test(
        "kill -9 of one of two nodes under load: the other keeps serving; only requests in flight on the killed one fail"
    )
    func killOneNodeUnderLoad() async throws {
        let database = try TestDatabase.createDatabase()
        let nodeA = try Server(database: database)
        defer { nodeA.stop() }
        let a = try await nodeA.started()
        let key = try #require(nodeA.firstKey)
        let nodeB = try Server(database: database)
        defer { nodeB.stop() }
        let b = try await nodeB.started()
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var served: [String: Int] = [:]
            var failed: [String: Int] = [:]
            var bAlive = true
            var servedAfterKill = 0
            var killed = false
        }
        let tally = Tally()
        let workers = 8
        let end = ContinuousClock.now + .seconds(8)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var turn = worker
                    while ContinuousClock.now < end {
                        turn += 1
                        // Round robin, as a balancer does, skipping a node once it refused a connection.
                        let useB = turn % 2 == 0 && tally.lock.withLock { tally.bAlive }
                        let base = useB ? b : a
                        do {
                            let (status, _) = try await Self.call(
                                base, "POST", "/v1/screen", key: key, json: ["name": "Nordwind Logistik \(turn)"])
                            tally.lock.withLock {
                                if status == 200 {
                                    tally.served[base, default: 0] += 1
                                    if tally.killed && base == a { tally.servedAfterKill += 1 }
                                } else {
                                    tally.failed[base, default: 0] += 1
                                }
                            }
                        } catch {
                            tally.lock.withLock {
                                tally.failed[base, default: 0] += 1
                                if base == b { tally.bAlive = false }
                            }
                        }
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(3))
                tally.lock.withLock { tally.killed = true }
                kill(nodeB.process.processIdentifier, SIGKILL)
            }
            try await group.waitForAll()
        }
        print("served \(tally.served), failed \(tally.failed), served by A after the kill \(tally.servedAfterKill)")
        #expect(tally.failed[a, default: 0] == 0)
        // At most one request per worker was in flight on B when it died (and each worker drops B at its first
        // refused connection).
        #expect(tally.failed[b, default: 0] <= workers)
        #expect(tally.servedAfterKill > 0)
        #expect(tally.served[b, default: 0] > 0)
    }
}
