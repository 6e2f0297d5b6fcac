public import Foundation

/// Why a JSON document could not be decoded: the field at fault (`parties[0].role`, `[3].country`; `nil` for the
/// document itself) and what is wrong with it.
public struct StrictDecodingError: Error, Sendable, CustomStringConvertible {
    public var field: String?
    public var message: String

    public var description: String { message }
}

/// Decodes request and file JSON strictly: a value of the wrong JSON type (`"limit": 5.9` for an integer,
/// `true` for a number, a string for an array) is an error naming the field, never converted.
public enum StrictDecoding {
    /// - Parameter what: what the document must be, for the message when it is not JSON at all.
    public static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, what: String
    ) throws(StrictDecodingError)
        -> T
    {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            let (keys, detail): ([any CodingKey], String) =
                switch error {
                case .typeMismatch(let expected, let context):
                    (context.codingPath, "must be \(describe(expected))")
                case .valueNotFound(let expected, let context):
                    (context.codingPath, "must be \(describe(expected)), not null")
                case .keyNotFound(let key, let context): (context.codingPath + [key], "is required")
                case .dataCorrupted(let context): (context.codingPath, "is not valid")
                @unknown default: ([], "cannot be read")
                }
            let field = path(keys)
            if field.isEmpty {
                throw StrictDecodingError(field: nil, message: "the body must be \(what)")
            }
            throw StrictDecodingError(field: field, message: "\(field) \(detail)")
        } catch {
            throw StrictDecodingError(field: nil, message: "the body must be \(what)")
        }
    }

    /// `parties[0].role`, `[3].country`.
    public static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}
