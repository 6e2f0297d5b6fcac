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
        return Response(
            status: status, headers: [.contentType: "application/problem+json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
