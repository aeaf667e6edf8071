import HTTP1
import Listener

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
