public import Foundation

/// One immutable import of the user's ownership file: who owns whom, as the company knew it on that day.
public struct OwnershipVersion: Hashable, Sendable, Codable {
    /// Store-assigned, increasing with every import.
    public var id: Int64
    public var importedAt: Date
    public var fileName: String
    /// SHA-256 of the file's bytes, hex: two imports of the same bytes are one version.
    public var fileSHA256: String
    public var edgeCount: Int
    public var partyCount: Int
    public var actor: String

    public init(
        id: Int64, importedAt: Date, fileName: String, fileSHA256: String, edgeCount: Int, partyCount: Int,
        actor: String
    ) {
        self.id = id
        self.importedAt = importedAt
        self.fileName = fileName
        self.fileSHA256 = fileSHA256
        self.edgeCount = edgeCount
        self.partyCount = partyCount
        self.actor = actor
    }

    enum CodingKeys: String, CodingKey {
        case id, importedAt = "imported_at", fileName = "file_name", fileSHA256 = "file_sha256"
        case edgeCount = "edge_count", partyCount = "party_count", actor
    }
}
