import Loop

extension ClientConnection {
    /// Drops the connection with a TCP reset (SO_LINGER 0) instead of an orderly close, as a crashing server would.
    ///
    /// The peer sees ECONNRESET rather than end of stream; retryd's demo vendor uses it to simulate a reset.
    package func reset() {
        if isClosed { return }
        Sys.setLingerZero(fd)
        close()
    }

    /// Makes the current response the connection's last: it carries "Connection: close" and the connection closes
    /// once it is flushed. Call it before ``writeResponseHead(_:framing:)``.
    package func closeAfterResponse() {
        updateRequest { request in
            if case .notStarted = request.response { request.keepAlive = false }
        }
    }
}
