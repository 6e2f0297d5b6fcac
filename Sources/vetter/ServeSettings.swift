import ArgumentParser
import Foundation
import Logging

/// The server's settings, each from the first place that gives it: the command line, a `VETTER_*` variable, the
/// configuration file (`--config`, or `$VETTER_CONFIG`), else the default.
///
/// The file is one JSON object; every key is optional and an unknown key is an error naming it:
///
/// ```json
/// {"host": "0.0.0.0", "port": 8080, "log_level": "info", "log_format": "json", "request_timeout": 30,
///  "deliver_every": 10, "update_every": "6h", "update_only": ["csl", "ofac-sdn"],
///  "update_url": {"csl": "https://…/consolidated.csv"}, "max_data_age": "30d",
///  "db": "postgres://vetter@db/vetter", "db_pool": 10}
/// ```
struct ServeSettings: Equatable {
    var host = "127.0.0.1"
    var port = 8080
    var logLevel = Logger.Level.info
    var logFormat = "text"
    var requestTimeout = 30.0
    var deliverEvery = 10.0
    var updateEvery: Double?
    var updateOnly: [String] = []
    var updateURL: [String] = []
    var maxDataAge: Double?
    var db: String?
    var dbPool: Int?

    static let keys = [
        "host", "port", "log_level", "log_format", "request_timeout", "deliver_every", "update_every", "update_only",
        "update_url", "max_data_age", "db", "db_pool",
    ]

    /// The settings for `command`, reading `environment` and the configuration file it names.
    static func resolve(_ command: ServeCommand, environment: [String: String]) throws -> ServeSettings {
        let path = command.config ?? environment["VETTER_CONFIG"]
        let file = try path.map { try read(file: $0) } ?? [:]
        var settings = ServeSettings()
        func pick<T>(
            _ flag: T?, _ key: String, _ parse: (String, String) throws -> T, default value: T
        ) throws -> T {
            if let flag { return flag }
            let variable = "VETTER_" + key.uppercased()
            if let text = environment[variable], !text.isEmpty { return try parse(text, "$" + variable) }
            if let raw = file[key] { return try parse(Self.text(raw), "\(path ?? "config"): \(key)") }
            return value
        }
        settings.host = try pick(command.host, "host", { text, _ in text }, default: settings.host)
        settings.port = try pick(command.port, "port", integer, default: settings.port)
        settings.logLevel = try pick(
            command.logLevel.map { try level($0, "--log-level") }, "log_level", level, default: .info)
        settings.logFormat = try pick(command.logFormat, "log_format", format, default: "text")
        settings.requestTimeout = try pick(command.requestTimeout, "request_timeout", seconds, default: 30)
        settings.deliverEvery = try pick(command.deliverEvery, "deliver_every", seconds, default: 10)
        settings.updateEvery = try pick(command.updateEvery?.seconds, "update_every", interval, default: nil)
        settings.maxDataAge = try pick(command.maxDataAge?.seconds, "max_data_age", interval, default: nil)
        settings.updateOnly =
            command.updateOnly.isEmpty ? try list(file["update_only"], "update_only") : command.updateOnly
        settings.updateURL = command.updateURL.isEmpty ? try urls(file["update_url"]) : command.updateURL
        settings.db = command.storeOptions.db ?? environment["VETTER_DB"] ?? (file["db"] as? String)
        settings.dbPool =
            try command.storeOptions.dbPool ?? environment["VETTER_DB_POOL"].flatMap { Int($0) }
            ?? file["db_pool"].map { try integer(Self.text($0), "db_pool") }
        try settings.check()
        return settings
    }

    func check() throws {
        guard requestTimeout > 0, requestTimeout <= 3600 else {
            throw ValidationError("request timeout must be between 0 and 3600 seconds")
        }
        guard deliverEvery >= 0, deliverEvery <= 86_400 else {
            throw ValidationError("--deliver-every must be between 0 and 86400 seconds")
        }
        if let updateEvery, updateEvery < 1 { throw ValidationError("--update-every must be at least one second") }
        if updateEvery == nil, !updateOnly.isEmpty || !updateURL.isEmpty {
            throw ValidationError("--update-only and --update-url need --update-every")
        }
    }

    static func read(file path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("--config: \(path) cannot be read")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("--config: \(path) is not a JSON object")
        }
        for key in object.keys.sorted() where !keys.contains(key) {
            throw ValidationError("\(path): '\(key)' is not a setting (\(keys.joined(separator: ", ")))")
        }
        return object
    }

    static func text(_ value: Any) -> String {
        if let number = value as? NSNumber { return number.stringValue }
        return value as? String ?? "\(value)"
    }

    static func integer(_ text: String, _ place: String) throws -> Int {
        guard let value = Int(text) else { throw ValidationError("\(place): '\(text)' is not a whole number") }
        return value
    }

    static func seconds(_ text: String, _ place: String) throws -> Double {
        guard let value = Double(text), value.isFinite else {
            throw ValidationError("\(place): '\(text)' is not a number of seconds")
        }
        return value
    }

    static func interval(_ text: String, _ place: String) throws -> Double? {
        guard let value = Interval(argument: text) else {
            throw ValidationError("\(place): '\(text)' is not an interval (90s, 30m, 6h, 1d)")
        }
        return value.seconds
    }

    static func level(_ text: String, _ place: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: text) else {
            throw ValidationError(
                "\(place): '\(text)' is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return level
    }

    static func format(_ text: String, _ place: String) throws -> String {
        guard ["text", "json"].contains(text) else { throw ValidationError("\(place): '\(text)' is not text or json") }
        return text
    }

    static func list(_ value: Any?, _ key: String) throws -> [String] {
        guard let value else { return [] }
        guard let items = value as? [String] else { throw ValidationError("config: \(key) must be a list of names") }
        return items
    }

    /// `{"csl": "https://…"}` as `["csl=https://…"]`.
    static func urls(_ value: Any?) throws -> [String] {
        guard let value else { return [] }
        guard let table = value as? [String: String] else {
            throw ValidationError("config: update_url must map source names to addresses")
        }
        return table.keys.sorted().map { "\($0)=\(table[$0]!)" }
    }
}
