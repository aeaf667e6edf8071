import ListenerCore
import Loop

extension ClientConnection {
    /// Closes the socket and forgets the connection.
    package func close() {
        perform(machine.close())
    }

    /// Closes the connection if it is between requests (used when draining for shutdown).
    package func closeIfIdle() {
        perform(machine.closeIfIdle(pending: pendingCount))
    }

    /// Drops the connection with a TCP reset (SO_LINGER 0) instead of an orderly close, as a crashing server would.
    ///
    /// The peer sees ECONNRESET rather than end of stream; retryd's demo vendor uses it to simulate a reset.
    package func reset() {
        perform(machine.reset())
    }

    /// Makes the current response the connection's last: it carries "Connection: close" and the connection closes
    /// once it is flushed. Call it before ``writeResponseHead(_:framing:)``.
    package func closeAfterResponse() {
        machine.closeAfterResponse()
    }

    /// Answers the current request (a CONNECT) with "200 Connection established" and carries on inside the tunnel:
    /// reads and writes go through the transport `makeTransport` builds on the socket, and the requests that follow
    /// go to `handler`. Returns false, having closed the connection, when the tunnel cannot start: bytes sent after
    /// the CONNECT before its answer (they would be read as plain text), or an answer the socket did not take whole.
    @discardableResult
    package func establishTunnel(
        handler: RequestHandler, makeTransport: (Int32) throws(SysError) -> ConnectionTransport
    ) -> Bool {
        guard transport == nil, pendingCount == 0 else {
            close()
            return false
        }
        perform(machine.answerTunnel(now: loop.now))
        // Written now, in plain text, before the transport takes the socket over.
        flush()
        guard registration != nil, outputOffset == 0, output.isEmpty, let made = try? makeTransport(fd) else {
            close()
            return false
        }
        transport = made
        routedHandler = handler
        return true
    }

    /// Answers the current request (a CONNECT) with "200 Connection established" and gives the socket away for a
    /// byte-for-byte tunnel: the connection is over, but its descriptor stays open and belongs to the caller. Nil,
    /// having closed the connection, when the answer could not be written whole or bytes came after the CONNECT.
    package func handOverAfterAnsweringTunnel() -> Int32? {
        guard transport == nil, pendingCount == 0 else {
            close()
            return nil
        }
        perform(machine.answerTunnel(now: loop.now))
        flush()
        guard registration != nil, output.isEmpty else {
            close()
            return nil
        }
        var action = machine.close()
        action.socket = nil
        perform(action)
        closeSocket(keepingDescriptor: true)
        return fd
    }

    /// Carries out a close the machine decided: deregisters, closes the descriptor (unless it was handed over) and
    /// drops the buffers.
    func closeSocket(keepingDescriptor: Bool = false) {
        if let registration { loop.deregister(registration) }
        registration = nil
        transport = nil
        if !keepingDescriptor { Sys.close(fd) }
        // A flush already queued for this iteration must find nothing to write: the descriptor number may belong to
        // a new connection by then.
        server.outputBuffers.recycle(&output)
        outputOffset = 0
        dropPendingInput()
        server.connectionClosed(self)
    }
}
