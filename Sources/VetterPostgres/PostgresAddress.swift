public import Foundation
import NIOSSL
public import PostgresNIO
public import VetterCore

/// A PostgreSQL address as users write it, `postgres://user:password@host:port/database?sslmode=…`, turned into
/// the client's configuration. `sslmode` is `disable`, `prefer` (the default, as in libpq) or `require`; a
/// `host=/path` parameter connects through a Unix socket folder instead of TCP.
public struct PostgresAddress: Sendable, CustomStringConvertible {
    public var configuration: PostgresClient.Configuration
    /// The same, for one connection of its own (the check made before the pool is used).
    public var connection: PostgresConnection.Configuration
    /// The address without its password: what logs and messages show.
    public var description: String

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isAddress(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(_ text: String) throws {
        guard Self.isAddress(text), let url = URLComponents(string: text) else {
            throw StoreError(.cannotOpen, "not a PostgreSQL address (postgres://user@host:port/database): \(text)")
        }
        let user = url.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = url.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        var database = String(url.path.drop(while: { $0 == "/" }))
        if database.isEmpty { database = user }
        let query = Dictionary(
            (url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let tls: PostgresClient.Configuration.TLS
        let connectionTLS: PostgresConnection.Configuration.TLS
        switch query["sslmode"] ?? "prefer" {
        case "disable":
            (tls, connectionTLS) = (.disable, .disable)
        case "prefer", "allow":
            let context = try NIOSSLContext(configuration: .makeClientConfiguration())
            (tls, connectionTLS) = (.prefer(.makeClientConfiguration()), .prefer(context))
        case "require", "verify-ca", "verify-full":
            let context = try NIOSSLContext(configuration: .makeClientConfiguration())
            (tls, connectionTLS) = (.require(.makeClientConfiguration()), .require(context))
        case let other:
            throw StoreError(.cannotOpen, "sslmode=\(other) is not one of disable, prefer, require")
        }
        if let socket = query["host"], socket.hasPrefix("/") {
            let path = socket + "/.s.PGSQL.\(url.port ?? 5432)"
            configuration = PostgresClient.Configuration(
                unixSocketPath: path, username: user, password: password, database: database)
            connection = PostgresConnection.Configuration(
                unixSocketPath: path, username: user, password: password, database: database)
        } else {
            configuration = PostgresClient.Configuration(
                host: url.host ?? "localhost", port: url.port ?? 5432, username: user, password: password,
                database: database, tls: tls)
            connection = PostgresConnection.Configuration(
                host: url.host ?? "localhost", port: url.port ?? 5432, username: user, password: password,
                database: database, tls: connectionTLS)
        }
        connection.options.connectTimeout = .seconds(5)
        var shown = url
        if shown.password != nil { shown.password = "***" }
        description = shown.string ?? "postgres://"
    }
}
