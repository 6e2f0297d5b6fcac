/// Options that relax the reader's strictness, each only when asked for.
public struct ReadOptions: Sendable {
    /// Import a file whose last record was cut off (a truncated download) without that record. Off by default:
    /// a cut file is refused.
    public var dropIncompleteLastRecord: Bool

    public init(dropIncompleteLastRecord: Bool = false) {
        self.dropIncompleteLastRecord = dropIncompleteLastRecord
    }
}
