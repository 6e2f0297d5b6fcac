/// Finds the strings within one edit of a looked-up string — a substitution, an insertion, a deletion or two
/// adjacent letters swapped — without comparing with every string.
///
/// A string of length L is filed under two keys: its first p and its last p bytes, p = max(1, (L − 1) / 2), each
/// with L. One edit spans at most two adjacent positions (or one insertion point), and with 2p < L no such span
/// reaches into both the first p and the last p positions, so at least one of the two stays as it was: a string
/// within one edit of a query of length n, which has length n − 1, n or n + 1, shares a key with the query's
/// keys for that length. What comes back is a superset (same prefix or suffix, not necessarily close): the caller
/// checks each item.
///
/// Flat and sorted (12 bytes an item, binary search): the scorer's compound and whole-name alignments make the
/// screening index hold one of these for its adjacent word pairs, its words and its whole names.
struct OneEditKeys: Sendable {
    private let table: FlatMultimap

    /// Strings shorter than three bytes are not filed: one edit is never allowed on them.
    static let minimumLength = 3

    init(_ strings: some Sequence<(bytes: [UInt8], item: Int32)>) {
        var pairs: [(key: UInt64, item: Int32)] = []
        for (bytes, item) in strings where bytes.count >= Self.minimumLength {
            let (first, last) = Self.keys(bytes, length: bytes.count)
            pairs.append((first, item))
            if last != first { pairs.append((last, item)) }
        }
        table = FlatMultimap(pairs)
    }

    var count: Int { table.count }

    /// The two keys of `bytes` as a string of `length` would have them (its own length, or one more or less).
    static func keys(_ bytes: [UInt8], length: Int) -> (UInt64, UInt64) {
        let p = max(1, (length - 1) / 2)
        let tag = UInt64(length) << 1
        let first = ScreeningIndex.hash(bytes[..<min(p, bytes.count)]) ^ (tag &* 0x9E37_79B9_7F4A_7C15)
        let last = ScreeningIndex.hash(bytes[max(0, bytes.count - p)...]) ^ ((tag | 1) &* 0x9E37_79B9_7F4A_7C15)
        return (first, last)
    }

    /// Calls `body` with every item filed under a key that a string within one edit of `bytes` has (repeats
    /// possible).
    func forEach(near bytes: [UInt8], _ body: (Int32) -> Void) {
        guard bytes.count + 1 >= Self.minimumLength else { return }
        for length in max(Self.minimumLength, bytes.count - 1)...(bytes.count + 1) {
            guard bytes.count >= max(1, (length - 1) / 2) else { continue }
            let (first, last) = Self.keys(bytes, length: length)
            table.forEach(first, body)
            if last != first { table.forEach(last, body) }
        }
    }
}

/// Items filed under 64-bit keys, several per key, in two flat sorted arrays (12 bytes an item, no array per key):
/// what a dictionary of arrays holds in a fraction of the memory, looked up by binary search.
struct FlatMultimap: Sendable {
    private let keys: [UInt64]
    private let items: [Int32]

    init(_ pairs: [(key: UInt64, item: Int32)]) {
        let sorted = pairs.sorted { $0.key != $1.key ? $0.key < $1.key : $0.item < $1.item }
        keys = sorted.map(\.key)
        items = sorted.map(\.item)
    }

    var count: Int { items.count }

    /// Calls `body` with every item filed under `key`, in increasing order.
    func forEach(_ key: UInt64, _ body: (Int32) -> Void) {
        var low = 0, high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        while low < keys.count && keys[low] == key {
            body(items[low])
            low += 1
        }
    }
}

/// Runs of `Int32` in one buffer: run `i` is `values[starts[i]..<starts[i + 1]]`.
struct FlatRuns: Sendable {
    private(set) var values: [Int32] = []
    private(set) var starts: [Int32] = [0]

    mutating func append(_ run: [Int32]) {
        values += run
        starts.append(Int32(values.count))
    }

    subscript(index: Int) -> ArraySlice<Int32> { values[Int(starts[index])..<Int(starts[index + 1])] }
}

/// Many short byte strings in one buffer (no array per string): string `i` is `bytes[starts[i]..<starts[i + 1]]`.
struct FlatStrings: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var starts: [Int32] = [0]

    var count: Int { starts.count - 1 }
    var indices: Range<Int> { 0..<count }

    mutating func append(_ string: [UInt8]) {
        bytes += string
        starts.append(Int32(bytes.count))
    }

    subscript(index: Int) -> [UInt8] { Array(bytes[Int(starts[index])..<Int(starts[index + 1])]) }

    func length(_ index: Int) -> Int { Int(starts[index + 1] - starts[index]) }

    /// Calls `body` with string `index` in place.
    func withString<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        bytes.withUnsafeBufferPointer {
            body(UnsafeBufferPointer(rebasing: $0[Int(starts[index])..<Int(starts[index + 1])]))
        }
    }
}
