import HTTP1
import Listener

extension AdminServer {
    /// The complete response for `route`, computed now.
    public func response(for route: AdminRoute) -> AdminResponse {
        switch route {
        case .health:
            return .json(status: 200, ["status": "ok"])
        case .readiness:
            return readiness() ? .json(status: 200, ["status": "ready"]) : .json(status: 503, ["status": "not_ready"])
        case .metrics:
            return AdminResponse(
                status: 200, contentType: AdminResponse.prometheusContentType, body: metrics.exposition())
        case .status:
            return .json(status: 200, status(.nanoseconds(loop.now - startedAt), readiness()))
        case .methodNotAllowed:
            return .error(
                status: 405, code: "method_not_allowed", detail: "admin endpoints answer GET and HEAD only",
                extraHeaders: [("Allow", AdminRoute.allowedMethods)])
        case .notFound:
            return .error(
                status: 404, code: "not_found", detail: "admin endpoints are /healthz, /readyz, /metrics and /status")
        }
    }
}

/// One admin request: the body (if any) is read and dropped, then the response goes out whole.
final class AdminExchange: RequestSink {
    unowned let admin: AdminServer
    unowned let connection: ClientConnection
    let head: RequestHead

    init(admin: AdminServer, connection: ClientConnection, head: RequestHead) {
        self.admin = admin
        self.connection = connection
        self.head = head
    }

    func requestBody(_ bytes: UnsafeRawBufferPointer) {}

    // Answering only after the body ends keeps the connection reusable: a response sent while a body is still
    // arriving forces the connection to close.
    func requestEnd() {
        let response = admin.response(for: AdminRoute(method: head.method, target: head.target))
        var responseHead = ResponseHead(status: response.status, headers: response.headers)
        if head.method == "HEAD" {
            responseHead.headers.add(name: "Content-Length", value: String(response.body.count))
            connection.writeResponseHead(responseHead, framing: .none)
        } else {
            connection.writeResponseHead(responseHead, framing: .contentLength(response.body.count))
            response.body.withUnsafeBytes { _ = connection.writeBody($0) }
        }
        connection.finishResponse()
    }

    func responseWritable() {}

    func clientGone() {}
}
