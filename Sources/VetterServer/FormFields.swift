import Foundation
import HTTPTypes
import Hummingbird

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
