import HTTP1
import Loop

extension ClientConnection {
    /// Moves to `next` and arms the timer that bounds it.
    func enter(_ next: Phase) {
        phase = next
        switch next {
        case .idle:
            loop.schedule(timer, after: limits.idleTimeout)
        case .readingHead:
            loop.schedule(timer, after: limits.headerTimeout)
        case .exchange:
            // The body must keep arriving; once it is complete the exchange owns the timing.
            loop.schedule(timer, after: limits.idleTimeout)
        case .closing:
            loop.schedule(timer, after: limits.lingerTimeout)
        case .closed:
            loop.cancel(timer)
        }
    }

    /// Fires at the phase deadline; bodies re-arm lazily from their last read instead of per read.
    func timerFired() {
        switch phase {
        case .idle, .closing:
            close()
        case .readingHead:
            output.append(
                contentsOf: ErrorResponseBytes.requestTimeout(
                    detail: "the request header section did not arrive in time"))
            beginClosing()
            scheduleFlush()
        case .exchange(let request):
            guard case .arriving(let lastReadAt) = request.body else { return }
            let deadline = lastReadAt + limits.idleTimeout.nanoseconds
            if deadline > loop.now {
                loop.schedule(timer, at: deadline)
                return
            }
            takeSink()?.clientGone()
            if case .notStarted = request.response {
                output.append(
                    contentsOf: ErrorResponseBytes.requestTimeout(detail: "the request body stopped arriving"))
                beginClosing()
                scheduleFlush()
            } else {
                abortResponse()
            }
        case .closed:
            break
        }
    }

    /// Flushes what is queued, then shuts down writing and drains input briefly (lingering close) so the client
    /// reads the response instead of a reset caused by its own unread bytes.
    func beginClosing(drainInput: Bool = true) {
        if isClosed || isClosing { return }
        enter(.closing(Closing(linger: drainInput)))
        dropPendingInput()
    }

    /// Everything queued has been written: shut down the write side (lingering) or close.
    func finishClosing() {
        guard case .closing(var closing) = phase, !closing.writeShutDown else { return }
        closing.writeShutDown = true
        phase = .closing(closing)
        if closing.linger && !peerClosed {
            Sys.shutdownWrite(fd)
        } else {
            close()
        }
    }

    /// Closes the socket and forgets the connection.
    package func close() {
        if isClosed { return }
        let sink = takeSink()
        enter(.closed)
        if let registration { loop.deregister(registration) }
        registration = nil
        Sys.close(fd)
        // A flush already queued for this iteration must find nothing to write: the descriptor number may belong to
        // a new connection by then.
        output = []
        outputOffset = 0
        dropPendingInput()
        server.connectionClosed(self)
        sink?.clientGone()
    }

    /// Closes the connection if it is between requests (used when draining for shutdown).
    package func closeIfIdle() {
        if isIdle && pendingCount == 0 { close() }
    }
}

enum ErrorResponseBytes {
    static func requestTimeout(detail: String) -> [UInt8] {
        ErrorResponse.bytes(status: 408, code: "request_timeout", detail: detail, keepAlive: false)
    }
}
