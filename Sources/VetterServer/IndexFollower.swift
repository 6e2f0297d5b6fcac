import Logging
import ServiceLifecycle
import VetterCore
import VetterService

/// Keeps the server's index on the lists in force: every few seconds it compares their content with the lists the
/// index was built from, and replaces the index when another process (`vetter import`, `vetter update`, another
/// server) changed them. Stops with the server.
struct IndexFollower: Service {
    let screener: Screener
    let every: Duration
    let logger: Logger

    func run() async throws {
        await repeating(every: every, logger: logger, failure: "could not check the lists in force") {
            if try await screener.refreshIfChanged() {
                logger.notice("the lists in force changed; the index in use was replaced")
            }
        }
    }
}

/// Runs `body` every `every` until the server shuts down, logging a failure and going on.
func repeating(
    every: Duration, logger: Logger, failure: String, _ body: () async throws -> Void
) async {
    while true {
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
        } catch {
            return  // shutting down
        }
        do { try await body() } catch { logger.error("\(failure)", metadata: ["error": "\(error)"]) }
    }
}

/// On a store that announces changes (PostgreSQL's LISTEN/NOTIFY), reacts to them at once: an import committed by
/// any process replaces the index, a key revoked anywhere is forgotten here. The ``IndexFollower`` stays as the
/// fallback if a notice is ever lost.
struct ChangeFollower: Service {
    let screener: Screener
    let knownKeys: Authenticator.KnownKeys
    let logger: Logger

    func run() async throws {
        let screener = screener, knownKeys = knownKeys, logger = logger
        let task = Task {
            _ = try? await screener.vetter.followChanges { change in
                switch change {
                case .keys:
                    knownKeys.forgetAll()
                    logger.notice("the API keys changed in the database: the keys known here were forgotten")
                case .lists:
                    do {
                        if try await screener.refreshIfChanged() {
                            logger.notice("the lists in force changed; the index in use was replaced")
                        }
                    } catch {
                        logger.error("could not check the lists in force", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
        await withGracefulShutdownHandler {
            _ = await task.result
        } onGracefulShutdown: {
            task.cancel()
        }
        // A store that announces nothing (SQLite) ends the task at once: this service then waits for the server to
        // stop, as a service that returned early would stop the server.
        try? await gracefulShutdown()
    }
}

/// Sends the webhook outbox every so often: alerts whose first delivery failed, or that another process queued,
/// go out without any command. Deliveries are claimed (``Vetter/deliverWebhooks(baseDelay:now:)``), so several
/// servers on one database send each once.
struct OutboxSender: Service {
    let vetter: Vetter
    let every: Duration
    let logger: Logger

    func run() async throws {
        await repeating(every: every, logger: logger, failure: "could not send the webhook outbox") {
            let (sent, failed) = try await vetter.deliverWebhooks()
            if sent + failed > 0 {
                logger.notice("webhook deliveries", metadata: ["sent": "\(sent)", "failed": "\(failed)"])
            }
        }
    }
}
