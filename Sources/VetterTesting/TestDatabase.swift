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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", address, "-c", sql]
        let errors = Pipe(), output = Pipe()
        process.standardError = errors
        process.standardOutput = output
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Failure("psql \(sql): \(message)")
        }
        return String(decoding: printed, as: UTF8.self)
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
        // popen and pclose, not Foundation's Process: this runs inside a lazily initialised static, where
        // Process.waitUntilExit was seen never to return (the child reaped by no one) and the test run hung.
        let errorsFile = folder + ".err"
        let (status, printed) = shell("/bin/bash '\(script)' start '\(folder)' 2>'\(errorsFile)'")
        let address = printed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0, !address.isEmpty else {
            let message = (try? String(contentsOfFile: errorsFile, encoding: .utf8)) ?? ""
            return .failure(
                Failure("no PostgreSQL server: set VETTER_TEST_POSTGRES, or install postgresql (\(message))"))
        }
        try? FileManager.default.removeItem(atPath: errorsFile)
        startedCluster = folder
        atexit {
            guard let folder = TestDatabase.startedCluster else { return }
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("scripts/postgres.sh").path
            _ = TestDatabase.shell("/bin/bash '\(script)' stop '\(folder)' >/dev/null 2>&1; rm -rf '\(folder)'")
        }
        return .success(address)
    }()

    /// Runs `command` with /bin/sh; its exit status and standard output.
    static func shell(_ command: String) -> (status: Int32, output: String) {
        guard let pipe = popen(command, "r") else { return (-1, "") }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            output.append(contentsOf: buffer[0..<count])
        }
        let status = pclose(pipe)
        return ((status >> 8) & 0xFF, String(decoding: output, as: UTF8.self))
    }
}
