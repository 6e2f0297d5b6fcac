/// What an API key may do; each role includes the ones below it.
public enum APIRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// Screen parties and check licences.
    case screener
    /// Also read and act on alerts and watched parties.
    case reviewer
    /// Also import lists and manage keys.
    case admin

    public static func < (lhs: APIRole, rhs: APIRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
