import Foundation
import VetterCore

/// The word index: keys of words and of their deletion neighbourhoods, and the lookup of the vocabulary words
/// one or two deletions away from a query word.
extension ScreeningIndex {

    /// FNV-1a over `bytes`, skipping the positions `skip1` and `skip2` (-1 for none); never 0, which marks an
    /// empty slot.
    @inline(__always)
    static func hash(_ bytes: ArraySlice<UInt8>, skipping skip1: Int = -1, _ skip2: Int = -1) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var position = bytes.startIndex
        for byte in bytes {
            if position != skip1 && position != skip2 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            position += 1
        }
        return (hash ^ (hash >> 29)) | 1
    }

    /// Calls `body` with the hash of the word and of every variant with up to
    /// ``Similarity/indexedDeletions(_:)`` letters deleted (repeats possible, harmless to a lookup).
    static func forEachDeletionHash(_ bytes: [UInt8], _ body: (UInt64) -> Void) {
        let slice = bytes[...]
        body(hash(slice))
        let edits = Similarity.indexedDeletions(bytes.count)
        guard edits >= 1 else { return }
        for i in 0..<bytes.count {
            body(hash(slice, skipping: i))
            if edits >= 2 {
                for j in (i + 1)..<bytes.count { body(hash(slice, skipping: i, j)) }
            }
        }
    }

    /// The words indexed under a deletion hash.
    func tokens(deletionHash: UInt64, into result: inout [Int32]) {
        let mask = deletionSlots.count - 1
        var slot = Int(truncatingIfNeeded: deletionHash) & mask
        while deletionSlots[slot] != 0 {
            if deletionSlots[slot] == deletionHash {
                let start = Int(deletionStarts[slot])
                result.append(contentsOf: deletionTokens[start..<start + Int(deletionCounts[slot])])
                return
            }
            slot = (slot + 1) & mask
        }
    }
}
