import HTTP1

extension ClientConnectionStateMachine {
    /// The connection is registered: it is idle until the first byte, bounded by the idle timeout.
    package mutating func start(now: Int64) -> Action {
        guard case .idle = state else { preconditionFailure("started twice") }
        var action = Action()
        action.timer = enter(.idle, now: now)
        return action
    }

    /// Epoll says the socket is readable (or the peer hung up: a read will tell).
    package mutating func readable() {
        if !isClosed { socket.readReady = true }
    }

    /// Whether to read now: input may be there and parsing can use it. `pending` counts bytes read and not parsed.
    package mutating func wantsRead(pending: Int) -> Bool {
        !isClosed && socket.readReady && wantsInput(pending: pending)
    }

    /// A read would block: epoll will say when more arrives.
    package mutating func readWouldBlock() {
        socket.readReady = false
    }

    /// A read returned `count` bytes into a buffer of `capacity`: a short read means the socket is drained, which
    /// saves the read that would only return EAGAIN.
    package mutating func received(_ count: Int, capacity: Int, now: Int64) -> InputDecision {
        precondition(count > 0, "end of input is endOfInput()")
        if count < capacity { socket.readReady = false }
        switch state {
        case .closing: return .skip  // lingering: discard
        case .idle: return .parse(enter(.readingHead, now: now))
        case .readingHead, .exchange: return .parse(nil)
        case .closed, .modifying: preconditionFailure("read while closed or modifying")
        }
    }

    /// The client sent FIN (a read returned 0).
    package mutating func endOfInput() -> Action {
        // A partial head and then end of stream cannot be answered; and even a half-close after a complete request
        // counts as leaving, as with nginx's default.
        return close()
    }

    /// Epoll reports a hang-up: it matters only while input is not wanted (a request waits for its response), when
    /// no read will notice it; the client has left, so the exchange stops.
    package mutating func hangUp(pending: Int) -> Action {
        if isClosed || wantsInput(pending: pending) { return Action() }
        return close()
    }

    /// Bytes kept from earlier reads may be parsed now that a response was flushed (pipelining in order) or reading
    /// resumed.
    package mutating func resumeParsing(now: Int64) -> InputDecision {
        switch state {
        case .idle: return .parse(enter(.readingHead, now: now))
        case .exchange(let request) where request.wantsBody: return .parse(nil)
        default: return .skip
        }
    }

    /// Parses from the front of `input` until one event: call again with the rest until it says stop. Body ranges
    /// point into `input`, so body bytes reach the sink where they were read.
    package mutating func parse(_ input: UnsafeRawBufferPointer, now: Int64) -> ParseStep {
        switch state {
        case .closing, .closed: return .stop(consumed: 0, keepsRest: false)
        case .exchange(let request) where !request.wantsBody: return .stop(consumed: 0, keepsRest: true)
        case .idle, .readingHead, .exchange: break
        case .modifying: preconditionFailure("parsed while modifying")
        }
        let event: ParseEvent?
        let consumed: Int
        do throws(HTTP1Error) {
            (event, consumed) = try parser.parse(input)
        } catch {
            return .rejected(reject(error, now: now))
        }
        switch event {
        case nil:
            return .stop(consumed: consumed, keepsRest: true)
        case .head(let head):
            var action = Action()
            let request = Request(
                sink: nil, version: head.version, keepAlive: head.keepAlive, body: .arriving(lastReadAt: now))
            action.timer = enter(.exchange(request), now: now)
            return .head(head, consumed: consumed, action: action)
        case .body(let range):
            let sink = updateRequest { request in
                request.body = .arriving(lastReadAt: now)
                return request.sink
            }
            return .body(sink ?? nil, range: range, consumed: consumed)
        case .end:
            // After an early answer the connection may already be idle: the end belongs to no exchange then.
            let sink = updateRequest { request in
                request.body = .complete
                return request.sink
            }
            return .end(sink ?? nil, consumed: consumed)
        }
    }

    /// The handler turned the head into `sink`; it may have answered at once and moved on, and then hears nothing.
    package mutating func attach(_ sink: Sink) {
        assert(request.map { $0.sink == nil } ?? true, "a second sink for one request")
        updateRequest { $0.sink = sink }
    }

    /// Pauses or resumes reading the request body (a streamed upload waiting for the upstream).
    package mutating func setReadingPaused(_ paused: Bool) -> Action {
        let changed = updateRequest { request in
            defer { request.readingPaused = paused }
            return request.readingPaused != paused
        }
        var action = Action()
        // Resuming may be asked from inside libcurl's read callback: continue from the loop, not re-entrantly.
        if changed == true && !paused { action.flush = requestFlush() }
        return action
    }

    /// A malformed request: answer with its status and close; a response already started is cut instead.
    mutating func reject(_ error: HTTP1Error, now: Int64) -> Action {
        let sink = takeSink()
        var action: Action
        if request?.framing != nil {
            action = abortResponse(now: now)
        } else {
            action = beginClosing(linger: true, now: now)
            action.output = .rejection(error)
            action.flush = requestFlush()
        }
        if let sink { action.sinkEvent = SinkEvent(sink, .clientGone) }
        return action
    }
}
