public import Foundation
import Logging
import ServiceLifecycle
import VetterCore
public import VetterService

/// The list update a server runs by itself (`vetter serve --update-every`).
public struct UpdateSchedule: Sendable {
    /// Time between updates; each wait is this, jittered by up to ±10 % so that servers started together do
    /// not fetch together.
    public var every: Duration
    public var sources: [UpdateSource]
    /// Seconds to wait for each download.
    public var timeout: TimeInterval
    /// The first wait after a failure; each further failure doubles it, up to ``every``.
    public var retryAfter: Duration

    public init(
        every: Duration, sources: [UpdateSource], timeout: TimeInterval = 60, retryAfter: Duration = .seconds(30)
    ) {
        self.every = every
        self.sources = sources
        self.timeout = timeout
        self.retryAfter = retryAfter
    }

    /// The wait before the next try: `every` after a success; after `failures` failures in a row, `retryAfter`
    /// doubled for each but the first, never more than `every`; jittered by `jitter` (a factor in 0.9…1.1).
    func wait(failures: Int, jitter: Double) -> Duration {
        var base = every
        if failures > 0 {
            let doubled = retryAfter * (1 << min(failures - 1, 20))
            base = min(doubled, every)
        }
        return base * jitter
    }
}

/// Runs `vetter update` on a schedule inside the server: a first update shortly after the start, then one every
/// interval. A failed download or file leaves the lists in force (the update is all or nothing) and is retried
/// with backoff; a success replaces the index at once and sends the alerts of the re-screen.
struct ListUpdater: Service {
    let screener: Screener
    let schedule: UpdateSchedule
    let logger: Logger

    func run() async throws {
        var failures = 0
        // The first try comes after a few seconds at most (spread over servers started together).
        var wait = min(schedule.every, .seconds(5)) * Double.random(in: 0...0.2)
        while true {
            do {
                let pause = wait
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return  // shutting down
            }
            do {
                let report = try await screener.vetter.update(sources: schedule.sources, timeout: schedule.timeout)
                failures = 0
                logger.notice(
                    "scheduled list update",
                    metadata: [
                        "created": "\(report.created.map { "\($0.source.code) v\($0.id)" }.joined(separator: ", "))",
                        "unchanged": "\(report.unchanged.joined(separator: ", "))",
                        "alerts": "\(report.rescreen?.alerts.count ?? 0)",
                    ])
                if !report.created.isEmpty {
                    _ = try await screener.refreshIfChanged()
                    _ = try await screener.vetter.deliverWebhooks()
                }
            } catch {
                failures += 1
                logger.error(
                    "the scheduled list update failed; the lists in force stay",
                    metadata: ["error": "\(error)", "failures": "\(failures)"])
            }
            wait = schedule.wait(failures: failures, jitter: Double.random(in: 0.9...1.1))
            logger.info("next list update", metadata: ["in_seconds": "\(wait.components.seconds)"])
        }
    }
}
