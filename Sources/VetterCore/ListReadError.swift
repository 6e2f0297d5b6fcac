import Foundation

/// Why a list file could not be read, with the place in the file at fault.
///
/// Messages name the file, the line (1-based, counting physical lines) and the field, so that a person can open
/// the file and see the problem. Nothing is imported from a file that raises one of these.
public struct ListReadError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public static let unreadable = Code("unreadable")
        public static let empty = Code("empty")
        public static let invalidUTF8 = Code("invalid UTF-8")
        public static let unterminatedQuote = Code("unterminated quote")
        public static let wrongFieldCount = Code("wrong field count")
        public static let missingColumn = Code("missing column")
        public static let invalidValue = Code("invalid value")
        public static let duplicateID = Code("duplicate id")
        public static let unknownFormat = Code("unknown format")
        public var description: String { name }
    }

    public var code: Code
    public var file: String
    public var line: Int?
    public var field: String?
    public var message: String

    public init(_ code: Code, file: String, line: Int? = nil, field: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let field { place += " field '\(field)'" }
        return "\(place): \(message)"
    }
}
