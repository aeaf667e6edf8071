import HTTP1

/// Every decision of one client connection, with no I/O and no clock: reading, parsing, pipelining in order,
/// keep-alive, back-pressure, `Expect: 100-continue`, lingering close and the header and idle timeouts.
///
/// Like AsyncHTTPClient's `HTTPRequestStateMachine`, each input moves `state` and returns what the I/O shell
/// (`ClientConnection`) must carry out; the time comes in with the inputs that need it. The request's sink is only
/// carried and handed back, never called.
package struct ClientConnectionStateMachine {
    // Not generic over the sink: Listener could not specialize a generic machine from another module, and its
    // metadata lookups and value-witness copies cost 49k instructions per proxied request (170k -> 220k).
    /// The request's consumer, as the machine carries it.
    package typealias Sink = any RequestSink

    /// Where the connection is in its life; each case carries what only it needs.
    enum State {
        /// Between requests, nothing of the next one seen.
        case idle
        /// Some bytes of a request head have arrived.
        case readingHead
        /// A request is being handled; its body may still be arriving.
        case exchange(Request)
        /// The last response is flushing, then the connection closes (after draining input briefly).
        case closing(Closing)
        /// Closed and deregistered.
        case closed
        /// Held only while a case's payload is being changed in place, so it stays uniquely referenced.
        case modifying
    }

    /// One request, from its head to the end of its response.
    struct Request {
        /// The exchange that produces the response; nil once it has let go.
        var sink: Sink?
        /// The client's protocol version.
        let version: HTTPVersion
        /// Whether the client lets the connection stay open (the handler may turn it off).
        var keepAlive: Bool
        /// How far the request body has arrived.
        var body: BodyProgress
        /// How far the response has been written.
        var response = ResponseProgress.notStarted
        /// Whether reading the body is paused (a streamed upload waiting for the upstream).
        var readingPaused = false
        /// Whether the sink asked to hear when pending output drains.
        var wantsWritable = false
    }

    /// How far a request body has arrived.
    enum BodyProgress {
        /// More is expected; the time of the last piece bounds the silence.
        case arriving(lastReadAt: Int64)
        /// The body (or the bodiless request) is complete.
        case complete
    }

    /// How far a response has been written.
    enum ResponseProgress {
        /// No head yet.
        case notStarted
        /// The head is out with this framing; `keepAlive` says whether the connection outlives the response.
        case started(ResponseFraming, keepAlive: Bool)
    }

    /// How a closing connection ends.
    struct Closing {
        /// Whether unread input is drained (a lingering close) rather than the socket closed at once.
        var linger: Bool
        /// Whether the write side has been shut down already.
        var writeShutDown = false
    }

    /// The socket's side of things, apart from the phase: edge-triggered readiness (set by epoll, cleared when a
    /// call would block or a read comes up short) and whether a flush is queued for the end of the loop iteration.
    /// No "peer sent FIN" flag: end of input closes the connection at once, so nothing could ever read it.
    struct Socket {
        var readReady = false
        var writeReady = true
        var flushScheduled = false
    }

    // Internal rather than private only because the inputs are spread over this type's files: this module holds
    // nothing but the machine, so the shell in Listener can no more read or write them than if they were private.
    var state = State.idle
    var socket = Socket()
    var parser: RequestParser
    let limits: ConnectionLimits

    /// Creates the machine of a freshly accepted connection; ``start(now:)`` follows.
    package init(limits: ConnectionLimits) {
        self.limits = limits
        self.parser = RequestParser(limits: limits.http)
    }

    /// Whether the connection is between requests (safe to close when draining).
    package var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// Bytes of storage the parser keeps for a line split across reads.
    package var parserBufferCapacity: Int { parser.lineBufferCapacity }

    /// Whether pending output of `queued` bytes leaves room for more body (at or below the high watermark).
    ///
    /// This and the other queries the shell asks on every read and write are `mutating` only so the shell calls them
    /// in place: a non-mutating call from another module on a class's stored struct copies the whole machine, the
    /// parser with it (2k instructions per proxied request in retain, release and copy).
    package mutating func hasRoomForBody(queued: Int) -> Bool {
        queued <= limits.outputHighWatermark
    }

    // MARK: Helpers shared by the inputs

    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    var isClosing: Bool {
        if case .closing = state { return true }
        return false
    }

    /// The current request, if one is being handled.
    var request: Request? {
        if case .exchange(let request) = state { return request }
        return nil
    }

    /// Changes the current request in place; nil when no request is being handled.
    @discardableResult
    mutating func updateRequest<R>(_ body: (inout Request) -> R) -> R? {
        guard case .exchange(var request) = state else { return nil }
        state = .modifying
        defer { state = .exchange(request) }
        return body(&request)
    }

    /// Detaches the current request's sink, so it hears nothing more.
    mutating func takeSink() -> Sink? {
        updateRequest { request in
            defer { request.sink = nil }
            return request.sink
        } ?? nil
    }

    /// Moves to `next`; returns the timer that bounds it.
    mutating func enter(_ next: State, now: Int64) -> TimerChange {
        state = next
        switch next {
        case .idle: return .arm(at: now + limits.idleTimeout)
        case .readingHead: return .arm(at: now + limits.headerTimeout)
        // The body must keep arriving; once it is complete the exchange owns the timing.
        case .exchange: return .arm(at: now + limits.idleTimeout)
        case .closing: return .arm(at: now + limits.lingerTimeout)
        case .closed: return .cancel
        case .modifying: preconditionFailure("entered the placeholder state")
        }
    }

    /// Whether a flush must be scheduled now: once per loop iteration, never for a closed connection.
    mutating func requestFlush() -> Bool {
        guard !socket.flushScheduled, !isClosed else { return false }
        socket.flushScheduled = true
        return true
    }

    /// Starts a lingering (or immediate, `linger == false`) close after what is queued; nothing if already closing.
    mutating func beginClosing(linger: Bool, now: Int64) -> Action {
        var action = Action()
        if isClosed || isClosing { return action }
        action.timer = enter(.closing(Closing(linger: linger)), now: now)
        action.dropInput = true
        return action
    }

    /// Reading continues while parsing can use the bytes: during a head or body, not while a finished request waits
    /// for its response (pipelined input stays in the buffer, bounded).
    func wantsInput(pending: Int) -> Bool {
        switch state {
        case .idle, .readingHead: return pending < limits.maxBufferedInput + limits.http.maxHeaderBytes
        case .exchange(let request): return request.wantsBody
        case .closing: return true
        case .closed: return false
        case .modifying: preconditionFailure("asked for input while modifying")
        }
    }
}

extension ClientConnectionStateMachine.Request {
    /// Whether body bytes are wanted now.
    var wantsBody: Bool {
        if readingPaused { return false }
        if case .arriving = body { return true }
        return false
    }

    /// Whether the request body has been read to its end.
    var isBodyComplete: Bool {
        if case .complete = body { return true }
        return false
    }

    /// The response framing, once the head is out.
    var framing: ResponseFraming? {
        if case .started(let framing, _) = response { return framing }
        return nil
    }
}
