/// Why the store could not do what was asked.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public static let cannotOpen = Code("cannot open")
        public static let notFound = Code("not found")
        public static let corrupt = Code("corrupt")
        public static let invalidRequest = Code("invalid request")
        public var description: String { name }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
