/// One party row of a CSV a user gives: a batch to screen or a watch list.
public struct PartyRow: Sendable, Hashable {
    /// 1-based line where the row starts.
    public var line: Int
    public var id: String?
    public var name: String
    public var country: String?
    public var type: PartyType?
    public var address: String?
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    public var dateOfBirth: String?
    /// Passport, registration or IMO numbers (the column holds them separated by `;`).
    public var identifiers: [String]

    public init(
        line: Int, id: String? = nil, name: String, country: String? = nil, type: PartyType? = nil,
        address: String? = nil, dateOfBirth: String? = nil, identifiers: [String] = []
    ) {
        self.dateOfBirth = dateOfBirth
        self.identifiers = identifiers
        self.line = line
        self.id = id
        self.name = name
        self.country = country
        self.type = type
        self.address = address
    }
}
