public import Logging
import VetterCore

/// Wraps a log handler so that no control character from a request, a key's name or a list file reaches the log:
/// a value with a line break cannot forge a log line, nor an escape sequence drive the terminal that shows it.
public struct EscapingLogHandler: LogHandler {
    var inner: any LogHandler
    /// A level shared with other handlers (and changed on SIGHUP), when given; else the inner handler's own.
    let shared: SharedLogLevel?

    public init(_ inner: any LogHandler) {
        self.inner = inner
        shared = nil
    }

    /// Swift Log's standard-error stream handler, at `level`.
    public init(standardErrorLabel label: String, level: SharedLogLevel) {
        var inner = StreamLogHandler.standardError(label: label)
        inner.logLevel = .trace
        self.inner = inner
        shared = level
    }

    /// A level this logger was given itself (`logger.logLevel = …`): it keeps it, whatever SIGHUP sets for the rest.
    var own: Logger.Level?

    public var logLevel: Logger.Level {
        get { own ?? shared?.value ?? inner.logLevel }
        set {
            if shared != nil { own = newValue } else { inner.logLevel = newValue }
        }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        inner.log(
            level: level, message: "\(message.description.escapingControlCharacters)",
            metadata: metadata?.mapValues(Self.escaped), source: source, file: file, function: function, line: line)
    }

    static func escaped(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(text.escapingControlCharacters)
        case .stringConvertible(let value): .string(value.description.escapingControlCharacters)
        case .array(let values): .array(values.map(escaped))
        case .dictionary(let values): .dictionary(values.mapValues(escaped))
        }
    }
}
