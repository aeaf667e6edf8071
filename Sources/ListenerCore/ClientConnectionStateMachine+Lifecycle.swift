extension ClientConnectionStateMachine {
    /// The timer fired at `now`: the phase's deadline passed (bodies re-arm from their last read, not per read).
    package mutating func timerFired(now: Int64) -> Action {
        switch state {
        case .idle, .closing:
            return close()
        case .readingHead:
            var action = beginClosing(linger: true, now: now)
            action.output = .requestTimeout(detail: "the request header section did not arrive in time")
            action.flush = requestFlush()
            return action
        case .exchange(let request):
            guard case .arriving(let lastReadAt) = request.body else { return Action() }
            let deadline = lastReadAt + limits.idleTimeout
            var action = Action()
            if deadline > now {
                action.timer = .arm(at: deadline)
                return action
            }
            let sink = takeSink()
            if case .notStarted = request.response {
                action = beginClosing(linger: true, now: now)
                action.output = .requestTimeout(detail: "the request body stopped arriving")
                action.flush = requestFlush()
            } else {
                action = abortResponse(now: now)
            }
            if let sink { action.sinkEvent = SinkEvent(sink, .clientGone) }
            return action
        case .closed:
            return Action()
        case .modifying:
            preconditionFailure("timer fired while modifying")
        }
    }

    /// Closes the connection now; the sink, if any, hears that the client is gone.
    package mutating func close() -> Action {
        var action = Action()
        if isClosed { return action }
        let sink = takeSink()
        action.timer = enter(.closed, now: 0)
        action.socket = .close
        if let sink { action.sinkEvent = SinkEvent(sink, .clientGone) }
        return action
    }

    /// Drops the connection with a TCP reset, as a crashing server would (the demo vendor's simulated reset).
    package mutating func reset() -> Action {
        var action = close()
        if action.socket == .close { action.socket = .reset }
        return action
    }

    /// Closes the connection if it is between requests with nothing unparsed (draining for shutdown).
    package mutating func closeIfIdle(pending: Int) -> Action {
        guard isIdle, pending == 0 else { return Action() }
        return close()
    }

    /// A read or write failed: the client is gone.
    package mutating func peerGone() -> Action {
        close()
    }

    /// Epoll says the socket is writable again.
    package mutating func writable() {
        if !isClosed { socket.writeReady = true }
    }

    /// Whether to write now (the socket took the last write whole); `mutating` as ``hasRoomForBody(queued:)`` says.
    package mutating func canWrite() -> Bool { !isClosed && socket.writeReady }

    /// A write would block: wait for epoll's writable edge.
    package mutating func writeWouldBlock() {
        socket.writeReady = false
    }

    /// A flush ended with `remaining` bytes unwritten: a closing connection shuts down or closes once everything is
    /// out, and a sink that asked hears when output is at or below the low watermark.
    package mutating func flushed(remaining: Int) -> Action {
        var action = Action()
        // Mid-response the connection keeps the storage it grew to; between requests it holds none.
        action.keepsOutputCapacity = request != nil
        if remaining == 0, case .closing(var closing) = state, !closing.writeShutDown {
            closing.writeShutDown = true
            state = .closing(closing)
            if closing.linger {
                action.socket = .shutdownWrite
            } else {
                action.merge(close())
            }
        }
        if remaining <= limits.outputLowWatermark {
            let sink = updateRequest { request -> Sink? in
                guard request.wantsWritable else { return nil }
                request.wantsWritable = false
                return request.sink
            }
            if let sink = sink ?? nil { action.sinkEvent = SinkEvent(sink, .responseWritable) }
        }
        return action
    }

    /// The flush scheduled for the end of the iteration runs: false when the connection closed meanwhile.
    package mutating func deferredFlushRuns() -> Bool {
        assert(socket.flushScheduled, "a flush ran that no action asked for")
        socket.flushScheduled = false
        return !isClosed
    }
}
