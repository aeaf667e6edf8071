import HTTP1
import Listener

extension Exchange {
    /// Retryable response bodies are read (for connection reuse and a possible shutdown delivery) up to this size.
    static let discardLimit = 64 * 1024

    /// The shutdown timeout passed with this exchange unfinished: no further attempt. The client gets the last upstream
    /// response if one was kept whole, else 503; a response already streaming is cut (the truncation shows).
    func finishForShutdown() {
        guard !finished else { return }
        if delivering {
            connection?.abortResponse()
            complete(status: finalStatus)
            return
        }
        if let transfer { service.forwarder.cancel(transfer) }
        transfer = nil
        if let waitTimer { service.loop.cancel(waitTimer) }
        if let last = lastResponse, last.complete, let connection {
            var relayed = last.head
            relayed.headers = last.head.headers.removingHopByHop()
            for (name, value) in attemptsHeaders { relayed.headers.replaceOrAdd(name: name, value: value) }
            let framing = ResponseWriter.framing(
                requestMethod: head.method, clientVersion: head.version, status: last.head.status,
                contentLength: last.body.count)
            connection.writeResponseHead(relayed, framing: framing)
            last.body.withUnsafeBytes { _ = connection.writeBody($0) }
            connection.finishResponse()
            bytesDelivered = last.body.count
            complete(status: last.head.status)
            return
        }
        fail(status: 503, code: "shutting_down", detail: "retryd is shutting down before this request could complete")
    }
}
