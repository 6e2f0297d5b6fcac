import Foundation
import HTTPTypes
import Hummingbird
import VetterCore

/// HTML form data (`application/x-www-form-urlencoded`, and the query of a GET form), and the checks on a form
/// post.
enum FormFields {
    /// Fields of `a=1&b=x+y`: `+` is a space, then percent-escapes are decoded (`%2B` is a plus). The first of a
    /// repeated field wins; a field that does not decode is dropped.
    static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? {
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), !name.isEmpty, fields[name] == nil else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        return fields
    }

    /// Refuses (403) a form posted from another site: the browser's `Origin` (or, without it, `Sec-Fetch-Site`)
    /// must name this server. A request from a tool that sends neither is not a browser's cross-site post.
    static func requireSameOrigin(_ request: Request) throws {
        let host = request.head.authority
        if let origin = request.headers[.origin] {
            guard origin != "null", let url = URL(string: origin), let originHost = url.host, let host,
                Self.authority(url) == host.lowercased() || originHost == host.lowercased()
            else { throw Self.forbidden() }
            return
        }
        if let name = HTTPField.Name("Sec-Fetch-Site"), let site = request.headers[name] {
            guard site == "same-origin" || site == "none" else { throw Self.forbidden() }
        }
    }

    /// The anti-forgery token of a web session: an HMAC of a fixed label under the session id, so that only a
    /// page served to that session can know it (the id itself stays in its HttpOnly cookie), and it ends with
    /// the session. Every form of the pages carries it in the field `csrf`.
    static func token(for session: String) -> String {
        HMAC.sha256(key: Array(session.utf8), message: Array("vetter form token".utf8))
    }

    /// Refuses (403) a form post signed in by the session cookie whose `csrf` field is not the session's token,
    /// and a post from another site (``requireSameOrigin(_:)``).
    static func requireToken(_ fields: [String: String], request: Request, context: VetterRequestContext) throws {
        try requireSameOrigin(request)
        guard let expected = context.formToken else { return }
        let given = Array((fields["csrf"] ?? "").utf8), wanted = Array(expected.utf8)
        // Compared in constant time: the position of the first difference is not told by the time taken.
        var difference = UInt8(given.count == wanted.count ? 0 : 1)
        for (a, b) in zip(given, wanted) { difference |= a ^ b }
        guard difference == 0 else {
            throw Problem(
                .forbidden, "Forbidden", detail: "the form's token is missing or not this session's; reload the page")
        }
    }

    static func authority(_ url: URL) -> String {
        (url.host ?? "").lowercased() + (url.port.map { ":\($0)" } ?? "")
    }

    static func forbidden() -> Problem {
        Problem(.forbidden, "Forbidden", detail: "a form of this site must be posted from this site")
    }

    /// Whether the browser reached the server over HTTPS (directly, or through a proxy that says so).
    static func isHTTPS(_ request: Request) -> Bool {
        if request.uri.scheme == .https { return true }
        guard let name = HTTPField.Name("X-Forwarded-Proto"), let proto = request.headers[name] else { return false }
        return proto.lowercased() == "https"
    }
}
