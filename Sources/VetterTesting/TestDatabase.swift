public import Foundation

/// The stores a parameterised test runs on: SQLite always, PostgreSQL too wherever a server can be had.
///
/// PostgreSQL is `$VETTER_TEST_POSTGRES` (an address whose user may create databases) when set; else a
/// throw-away cluster that `scripts/postgres.sh` starts once per test process in a temporary folder and stops at
/// exit. Where no server can be started the PostgreSQL runs are left out — unless `VETTER_REQUIRE_POSTGRES=1`
/// (as in `.ci/run`), where they stay and fail, naming why.
public enum TestDatabase: String, Sendable, CustomStringConvertible, CaseIterable {
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// The stores to run on here.
    public static var all: [TestDatabase] {
        if ProcessInfo.processInfo.environment["VETTER_REQUIRE_POSTGRES"] == "1" { return [.sqlite, .postgres] }
        return (try? server.get()) != nil ? [.sqlite, .postgres] : [.sqlite]
    }

    /// A new, empty database: a file in `directory`, or a database of its own on the PostgreSQL server.
    public func address(in directory: URL) throws -> String {
        switch self {
        case .sqlite:
            return directory.appendingPathComponent("v.sqlite").path
        case .postgres:
            return try Self.createDatabase()
        }
    }

    /// A new database on the test server; returns its address.
    public static func createDatabase() throws -> String {
        let base = try server.get()
        let name = "vetter_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try psql(base, "CREATE DATABASE \(name)")
        guard var components = URLComponents(string: base) else { throw Failure("bad address \(base)") }
        components.path = "/" + name
        return components.string ?? base
    }

    /// Runs one statement with `psql`; returns what it printed (unaligned, tuples only).
    @discardableResult
    public static func psql(_ address: String, _ sql: String) throws -> String {
        let run = try ChildProcess.run(
            "/usr/bin/env", ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", address, "-c", sql])
        guard run.status == 0 else { throw Failure("psql \(sql): \(run.stderr)") }
        return run.stdout
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// The folder of the cluster this process started, stopped at exit.
    nonisolated(unsafe) private static var startedCluster: String?

    /// The server's address: the environment's, or a cluster started here.
    static let server: Result<String, Failure> = {
        if let address = ProcessInfo.processInfo.environment["VETTER_TEST_POSTGRES"], !address.isEmpty {
            return .success(address)
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/postgres.sh").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vetter-pg-\(UUID().uuidString)")
            .path
        guard let started = try? ChildProcess.run("/bin/bash", [script, "start", folder]) else {
            return .failure(Failure("no PostgreSQL server: bash cannot be started"))
        }
        let address = started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard started.status == 0, !address.isEmpty else {
            return .failure(
                Failure("no PostgreSQL server: set VETTER_TEST_POSTGRES, or install postgresql (\(started.stderr))"))
        }
        startedCluster = folder
        atexit {
            guard let folder = TestDatabase.startedCluster else { return }
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("scripts/postgres.sh").path
            _ = try? ChildProcess.run("/bin/bash", [script, "stop", folder])
            try? FileManager.default.removeItem(atPath: folder)
        }
        return .success(address)
    }()
}
