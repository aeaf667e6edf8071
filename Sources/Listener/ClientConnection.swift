import HTTP1
import Loop

/// One accepted client connection: reads and parses requests one at a time, writes their responses in order.
package final class ClientConnection: EventHandler, DeferredWork {
    /// Where the connection is in its life; each case carries what only it needs.
    enum Phase {
        /// Between requests, nothing of the next one seen.
        case idle
        /// Some bytes of a request head have arrived.
        case readingHead
        /// A request is being handled; its body may still be arriving.
        case exchange(RequestState)
        /// The last response is flushing, then the connection closes (after draining input briefly).
        case closing(Closing)
        /// Closed and deregistered.
        case closed
    }

    /// One request, from its head to the end of its response.
    struct RequestState {
        /// The exchange that produces the response; nil once it has let go.
        var sink: RequestSink?
        /// The client's protocol version.
        let version: HTTPVersion
        /// Whether the client lets the connection stay open (the handler may turn it off).
        var keepAlive: Bool
        /// How far the request body has arrived.
        var body: BodyProgress
        /// How far the response has been written.
        var response: ResponseProgress = .notStarted
        /// Whether reading the body is paused (a streamed upload waiting for the upstream).
        var readingPaused = false
        /// Whether the sink asked to hear when pending output drains.
        var wantsWritable = false
    }

    /// How far a request body has arrived.
    enum BodyProgress {
        /// More is expected; the loop time of the last piece bounds the silence.
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

    let fd: Int32
    unowned let loop: EventLoop
    unowned let server: Server
    let limits: ServerLimits
    var registration: Registration?
    var phase = Phase.idle
    var parser: RequestParser

    /// Input read but not yet parsed (pipelined bytes, or body bytes while reading is paused). Reads go into the
    /// loop's shared buffer and are parsed there; only what the parser leaves is copied here, and the storage is
    /// released as soon as it is empty, so an idle connection holds no input buffer at all.
    var pending: [UInt8] = []
    var pendingStart = 0

    var output: [UInt8] = []
    var outputOffset = 0
    // Socket state, not phase: edge-triggered readiness (set by epoll, cleared when a call would block or a read
    // comes up short), whether a flush is queued for the end of the iteration, and whether the peer sent FIN.
    var readReady = false
    var writeReady = true
    var flushScheduled = false
    var peerClosed = false

    lazy var timer = LoopTimer { [unowned self] in self.timerFired() }

    init(fd: Int32, loop: EventLoop, server: Server, limits: ServerLimits) {
        self.fd = fd
        self.loop = loop
        self.server = server
        self.limits = limits
        self.parser = RequestParser(limits: limits.http)
    }

    func start() throws(SysError) {
        // Registered once, edge-triggered, for everything: no epoll_ctl per request.
        registration = try loop.register(
            fd: fd, events: [.readable, .writable, .readHangup, .edgeTriggered], handler: self)
        enter(.idle)
    }

    /// Whether the connection is between requests (safe to close when draining).
    package var isIdle: Bool {
        if case .idle = phase { return true }
        return false
    }

    var isClosed: Bool {
        if case .closed = phase { return true }
        return false
    }

    var isClosing: Bool {
        if case .closing = phase { return true }
        return false
    }

    /// Changes the current request's state in place; nil when no request is being handled.
    @discardableResult
    func updateRequest<R>(_ body: (inout RequestState) -> R) -> R? {
        guard case .exchange(var request) = phase else { return nil }
        phase = .idle  // keeps `request` uniquely referenced while it changes
        defer { phase = .exchange(request) }
        return body(&request)
    }

    /// The current request's state, if a request is being handled.
    var request: RequestState? {
        if case .exchange(let request) = phase { return request }
        return nil
    }

    /// Reacts to readiness: writes what is queued, reads what is wanted, notices a client that left.
    package func handle(_ events: EPollEvents) {
        if events.intersects(.writable) {
            writeReady = true
            flush()
        }
        if isClosed { return }
        if events.intersects(.readableOrGone) {
            readReady = true
            readAvailable()
        }
        // A hang-up while input is not wanted (a request waits for its response) is reported only once:
        // the client has left, so the exchange stops.
        if !isClosed && !wantsInput && events.intersects(.gone) {
            peerGone()
        }
    }

    /// The client is gone: tell the exchange, then close.
    func peerGone() {
        let sink = takeSink()
        close()
        sink?.clientGone()
    }

    /// Detaches the current request's sink, so it hears nothing more.
    func takeSink() -> RequestSink? {
        updateRequest { request in
            defer { request.sink = nil }
            return request.sink
        } ?? nil
    }

    /// Pauses or resumes reading the request body (a streamed upload waiting for the upstream).
    package func setReadingPaused(_ paused: Bool) {
        let changed = updateRequest { request in
            defer { request.readingPaused = paused }
            return request.readingPaused != paused
        }
        // Resuming may be asked from inside libcurl's read callback: continue from the loop, not re-entrantly.
        if changed == true && !paused { scheduleFlush() }
    }
}
