import Foundation

/// What kind of party a list entry (or a screening query) names.
public enum PartyType: String, Codable, CaseIterable, Sendable {
    case individual
    case entity
    case vessel
    case aircraft
    /// An Entity List address listed without a party name (89 FR 51644, June 2024).
    case addressOnly = "address_only"
    /// The list does not say.
    case unknown

    /// Reads the list's own spelling ("Individual", "Entity", "vessel", "" …).
    public init(lenient text: String) {
        switch text.trimmed.lowercased() {
        case "individual", "person", "i": self = .individual
        case "entity", "organization", "organisation", "company", "e": self = .entity
        case "vessel", "v": self = .vessel
        case "aircraft", "a": self = .aircraft
        case "address_only", "address-only", "address": self = .addressOnly
        default: self = .unknown
        }
    }
}
