/// Why a licence question could not be answered as asked.
public struct RulesError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public static let invalidECCN = Code("invalid ECCN")
        public static let invalidTransaction = Code("invalid transaction")
        /// More parties or items than one request may hold.
        public static let tooLarge = Code("too large")
        public var description: String { name }
    }

    public var code: Code
    /// The field at fault (`eccn`, `parties[2].role` …).
    public var field: String?
    public var message: String

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
