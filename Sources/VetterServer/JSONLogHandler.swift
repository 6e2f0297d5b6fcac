import Foundation
public import Logging
import Synchronization

/// A log level several handlers share, so that a configuration reload (SIGHUP) changes it for all of them.
public final class SharedLogLevel: Sendable {
    private let level: Mutex<Logger.Level>

    public init(_ level: Logger.Level) { self.level = Mutex(level) }

    public var value: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
}

/// The settings a running server takes again on SIGHUP: its log level and the data age `/readyz` allows.
public final class ReloadableSettings: Sendable {
    public let logLevel: SharedLogLevel
    private let dataAge: Mutex<Duration?>

    public init(logLevel: Logger.Level = .info, maxDataAge: Duration? = nil) {
        self.logLevel = SharedLogLevel(logLevel)
        dataAge = Mutex(maxDataAge)
    }

    /// Data older than this makes `/readyz` answer not ready; nil for no limit.
    public var maxDataAge: Duration? {
        get { dataAge.withLock { $0 } }
        set { dataAge.withLock { $0 = newValue } }
    }
}

/// One JSON object per line on standard error (`vetter serve --log-format json`): `time` (ISO 8601 UTC with
/// milliseconds), `level`, `label`, `message`, and every metadata value as a key of its own — `request_id`,
/// `route`, `status`, `ms` on request lines. JSON escaping keeps control characters out of the line.
public struct JSONLogHandler: LogHandler {
    let label: String
    let shared: SharedLogLevel
    public var metadata: Logger.Metadata = [:]

    public init(label: String, level: SharedLogLevel) {
        self.label = label
        self.shared = level
    }

    /// A level this logger was given itself (`logger.logLevel = …`): it keeps it, whatever SIGHUP sets for the rest.
    var own: Logger.Level?

    public var logLevel: Logger.Level {
        get { own ?? shared.value }
        set { own = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        var object: [String: Any] = [:]
        for (key, value) in metadata.merging(explicit ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = Self.json(value)
        }
        object["time"] = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        object["level"] = level.rawValue
        object["label"] = label
        object["message"] = message.description
        guard
            var data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        data.append(0x0A)
        FileHandle.standardError.write(data)
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }
}
