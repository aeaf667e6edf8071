import HTTP1

/// A request sink for handlers that answer whole responses: the body is read and dropped, and once it has ended
/// `answer` runs with the head and the connection.
///
/// Answering only after the body ends keeps the connection reusable: a response sent while a body is still arriving
/// forces the connection to close.
package final class AnswerAtEnd: RequestSink {
    private let head: RequestHead
    private weak var connection: ClientConnection?
    private let answer: (RequestHead, ClientConnection) -> Void

    /// Creates the sink for `head` on `connection`.
    package init(
        head: RequestHead, connection: ClientConnection, answer: @escaping (RequestHead, ClientConnection) -> Void
    ) {
        self.head = head
        self.connection = connection
        self.answer = answer
    }

    /// Dropped: these handlers do not read bodies.
    package func requestBody(_ bytes: UnsafeRawBufferPointer) {}

    /// Answers now.
    package func requestEnd() {
        guard let connection else { return }
        answer(head, connection)
    }

    /// Nothing to resume: the whole response was queued at once.
    package func responseWritable() {}

    /// Nothing to stop.
    package func clientGone() {}
}

extension ClientConnection {
    /// Writes a whole response with a Content-Length (for HEAD, the length alone) and finishes it.
    package func respond(_ head: ResponseHead, body: [UInt8], requestMethod: String) {
        if requestMethod == "HEAD" {
            var withLength = head
            withLength.headers.add(name: "Content-Length", value: String(body.count))
            writeResponseHead(withLength, framing: .none)
        } else {
            writeResponseHead(head, framing: .contentLength(body.count))
            body.withUnsafeBytes { _ = writeBody($0) }
        }
        finishResponse()
    }
}
