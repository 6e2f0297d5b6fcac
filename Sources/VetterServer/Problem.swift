public import Foundation
public import HTTPTypes
public import Hummingbird

/// An error answered as `application/problem+json` (RFC 9457), naming the field at fault where there is one.
/// Never a stack trace: the detail is written for the caller.
public struct Problem: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    public var field: String?
    /// The methods a path answers, for a 405.
    public var allow: [HTTPRequest.Method] = []

    public init(_ status: HTTPResponse.Status, _ title: String, detail: String, field: String? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: Any] = [
            "type": "about:blank", "title": title, "status": Int(status.code), "detail": detail,
        ]
        if let field { body["field"] = field }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if !allow.isEmpty { headers[.allow] = allow.map(\.rawValue).joined(separator: ", ") }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
