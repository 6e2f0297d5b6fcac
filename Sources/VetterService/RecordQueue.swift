import Foundation
import Synchronization
import VetterCore
import VetterStore

/// Gathers the screenings of concurrent callers into one write (group commit). A server's requests each record one
/// screening; written one transaction each, they would queue on the store's single writer, and the commits, not
/// the screening, would bound the server. Here the callers that arrive while a transaction is being written wait
/// together, and the next transaction writes all of them.
final class RecordQueue: Sendable {
    private struct Waiting {
        var group: ScreeningGroup
        var continuation: CheckedContinuation<[[HitReview]], any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var writing = false
    }

    private let state = Mutex(State())
    private let store: any Store

    init(store: any Store) { self.store = store }

    /// Records `records` as `actor`'s, in the next write; returns the review of each match, per record.
    func record(_ records: [ScreeningRecord], actor: String) async throws -> [[HitReview]] {
        guard !records.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state in
                state.waiting.append(
                    Waiting(group: ScreeningGroup(records: records, actor: actor), continuation: continuation))
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    /// Writes what waits, one transaction at a time, until nothing does.
    private func drain() async {
        while true {
            let batch = state.withLock { state in
                let batch = state.waiting
                state.waiting = []
                if batch.isEmpty { state.writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let results = try await store.recordScreenings(batch.map(\.group), at: Date())
                for (waiting, result) in zip(batch, results) { waiting.continuation.resume(returning: result) }
            } catch  where batch.count > 1 {
                // One caller's failure must not be the others': each is tried alone.
                for waiting in batch {
                    do {
                        waiting.continuation.resume(
                            returning: try await store.recordScreenings([waiting.group], at: Date())[0])
                    } catch {
                        waiting.continuation.resume(throwing: error)
                    }
                }
            } catch {
                batch[0].continuation.resume(throwing: error)
            }
        }
    }
}
