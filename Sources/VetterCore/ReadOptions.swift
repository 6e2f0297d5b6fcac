/// Options that relax the reader's strictness, each only when asked for, and the name of a company's own list.
public struct ReadOptions: Sendable {
    /// Read the file as a company's own list of this name (`vetter import --as NAME`), in the in-house CSV layout.
    public var inHouseList: ListSource?

    /// Import a file whose last record was cut off (a truncated download) without that record. Off by default:
    /// a cut file is refused.
    public var dropIncompleteLastRecord: Bool

    public init(dropIncompleteLastRecord: Bool = false, inHouseList: ListSource? = nil) {
        self.dropIncompleteLastRecord = dropIncompleteLastRecord
        self.inHouseList = inHouseList
    }
}
