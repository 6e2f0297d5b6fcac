import Logging
import ServiceLifecycle
import VetterService

/// Keeps the server's index on the lists in force: every few seconds it compares their content with the lists the
/// index was built from, and replaces the index when another process (`vetter import`, `vetter update`, another
/// server) changed them. Stops with the server.
struct IndexFollower: Service {
    let screener: Screener
    let every: Duration
    let logger: Logger

    func run() async throws {
        while true {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: every) }
            } catch {
                return  // shutting down
            }
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
