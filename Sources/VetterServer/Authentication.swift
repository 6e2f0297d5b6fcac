import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import Synchronization
import VetterCore
import VetterService

/// Finds the API key of a request: `Authorization: Bearer <key>` or `X-API-Key: <key>` for the API and the pages,
/// or for the web pages the `vetter_session` cookie set by the sign-in form (a session id, never the key). Only
/// SHA-256s are looked up and nothing of a key or a session id is logged.
struct Authenticator: Sendable {
    /// Routes anyone may call.
    static let publicRoutes: Set<String> = ["/healthz", "/readyz", "/ui/login", "/ui/style.css"]
    static let cookieName = "vetter_session"

    let vetter: Vetter
    let logger: Logger
    /// Keys already found, by their SHA-256, for ``KnownKeys/lifetime``: a key revoked through the API is
    /// forgotten at once, one revoked by `vetter keys revoke` in another process stops working within that time.
    let known: KnownKeys

    init(vetter: Vetter, logger: Logger, known: KnownKeys = KnownKeys()) {
        self.vetter = vetter
        self.logger = logger
        self.known = known
    }

    final class KnownKeys: Sendable {
        static let lifetime: Duration = .seconds(30)
        private let keys = Mutex<[String: (name: String, role: APIRole, found: ContinuousClock.Instant)]>([:])

        init() {}

        func find(_ hash: String) -> (name: String, role: APIRole)? {
            keys.withLock { keys in
                guard let key = keys[hash] else { return nil }
                guard ContinuousClock.now - key.found < Self.lifetime else {
                    keys[hash] = nil
                    return nil
                }
                return (key.name, key.role)
            }
        }

        func remember(_ hash: String, name: String, role: APIRole) {
            keys.withLock { $0[hash] = (name, role, ContinuousClock.now) }
        }

        func forgetAll() { keys.withLock { $0.removeAll() } }
    }

    /// Who a request comes from: the key's name and role, and the web session when the cookie signed it in.
    struct Caller {
        var name: String
        var role: APIRole
        /// The session id from the cookie: forms posted with it must carry its token (``FormFields/token(for:)``).
        var session: String?
    }

    /// The caller; nil for a public route. Throws 401 (API) or a redirect to the sign-in page (web).
    func authenticate(_ request: Request, route: String) async throws -> Caller? {
        if Self.publicRoutes.contains(route) { return nil }
        let web = route == "/ui" || route.hasPrefix("/ui/")
        var secret: String?
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            // The scheme is case-insensitive (RFC 9110 §11.1).
            secret = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if let name = HTTPField.Name("X-API-Key"), let header = request.headers[name] {
            secret = header.trimmingCharacters(in: .whitespaces)
        } else if web {
            // The web pages' cookie holds a session id, looked up at every request (a closed or expired session,
            // or one whose key was revoked, signs the page out at once).
            let session = request.cookies[Self.cookieName]?.value ?? ""
            guard !session.isEmpty, let key = try await vetter.session(id: session),
                let role = APIRole(rawValue: key.role)
            else {
                logger.warning("web request without a valid session", metadata: ["route": "\(route)"])
                throw Redirect(to: session.isEmpty ? "/ui/login" : "/ui/login?failed=1")
            }
            return Caller(name: key.name, role: role, session: session)
        }
        guard let secret, !secret.isEmpty else {
            logger.warning("request without an API key", metadata: ["route": "\(route)"])
            if web { throw Redirect(to: "/ui/login") }
            throw Problem(.unauthorized, "Unauthorized", detail: "send an API key: Authorization: Bearer <key>")
        }
        let hash = SHA256.hex(secret)
        if let key = known.find(hash) { return Caller(name: key.name, role: key.role) }
        guard let key = try await vetter.key(secret: secret), let role = APIRole(rawValue: key.role)
        else {
            logger.warning("request with an unknown API key", metadata: ["route": "\(route)"])
            if web { throw Redirect(to: "/ui/login?failed=1") }
            throw Problem(.unauthorized, "Unauthorized", detail: "the API key is not valid")
        }
        known.remember(hash, name: key.name, role: role)
        return Caller(name: key.name, role: role)
    }
}

/// A 303 redirect, thrown where a web page cannot be shown (no sign-in yet).
struct Redirect: HTTPResponseError {
    var location: String
    var status: HTTPResponse.Status { .seeOther }

    init(to location: String) { self.location = location }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
