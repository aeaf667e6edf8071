import HTTP1

extension ClientConnection {
    func enter(_ next: Phase) {
        phase = next
        phaseStartedAt = loop.now
        switch next {
        case .idle:
            requestComplete = false
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
                contentsOf: ErrorResponseBytes.requestTimeout(detail: "the request header section did not arrive in time"))
            beginClosing()
            scheduleFlush()
        case .exchange:
            if requestComplete { return }
            let deadline = phaseStartedAt + limits.idleTimeout.nanoseconds
            if deadline > loop.now {
                loop.schedule(timer, at: deadline)
                return
            }
            let current = sink
            sink = nil
            current?.clientGone()
            if responseFraming == nil {
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
        guard phase != .closed && phase != .closing else { return }
        lingerAfterFlush = drainInput
        enter(.closing)
        dropPendingInput()
    }

    func finishClosing() {
        guard !shutDownWrite else { return }
        shutDownWrite = true
        if lingerAfterFlush && !peerClosed {
            Sys.shutdownWrite(fd)
        } else {
            close()
        }
    }

    /// Closes the socket and forgets the connection.
    public func close() {
        guard phase != .closed else { return }
        enter(.closed)
        if let registration { loop.deregister(registration) }
        registration = nil
        Sys.close(fd)
        let current = sink
        sink = nil
        server.connectionClosed(self)
        current?.clientGone()
    }

    /// Closes the connection if it is between requests (used when draining for shutdown).
    public func closeIfIdle() {
        if phase == .idle && pendingCount == 0 { close() }
    }
}

enum ErrorResponseBytes {
    static func requestTimeout(detail: String) -> [UInt8] {
        ErrorResponse.bytes(status: 408, code: "request_timeout", detail: detail, keepAlive: false)
    }
}
