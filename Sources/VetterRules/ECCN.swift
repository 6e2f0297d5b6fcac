import Foundation

/// An Export Control Classification Number, or `EAR99` for items subject to the EAR but on no ECCN.
///
/// The form is a digit (category 0–9), a letter (product group A–E, or Y for the 0Y521 series), three digits,
/// and optional sub-paragraphs: `5A992`, `5A992.c`, `1A004.c`, `3A001.a.1.b`, `0Y521`. Input is read
/// case-insensitively and written canonically (`5a992.C` → `5A992.c`).
public struct ECCN: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The canonical text.
    public let value: String

    public static let ear99 = ECCN(uncheckedValue: "EAR99")

    private init(uncheckedValue: String) { value = uncheckedValue }

    /// Parses and validates; throws naming the bad value.
    public init(_ text: String) throws(RulesError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.uppercased() == "EAR99" {
            self = .ear99
            return
        }
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let head = Array(parts[0].uppercased())
        let valid =
            head.count == 5 && head[0].isASCII && head[0].isNumber && "ABCDEY".contains(head[1])
            && head[2...].allSatisfy { $0.isASCII && $0.isNumber }
            && parts.dropFirst().allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            }
        guard valid else {
            throw RulesError(
                .invalidECCN, field: "eccn",
                "'\(text)' is not an ECCN (like 5A992, 5A992.c, 1A004.c, 0Y521) or EAR99")
        }
        value = ([String(head)] + parts.dropFirst().map { $0.lowercased() }).joined(separator: ".")
    }

    public var isEAR99: Bool { value == "EAR99" }

    /// The five-character base (`5A992` for `5A992.c`).
    public var base: String { String(value.prefix(5)) }

    /// Whether this item falls under `listed`: the same ECCN, or a sub-paragraph of it (`1A004.c.1` under
    /// `1A004.c`; `5A992.c` under `5A992`).
    public func isCovered(by listed: ECCN) -> Bool {
        value == listed.value || value.hasPrefix(listed.value + ".")
    }

    public var description: String { value }
}
