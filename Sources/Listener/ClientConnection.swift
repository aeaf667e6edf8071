import HTTP1

/// One accepted client connection: reads and parses requests one at a time, writes their responses in order.
public final class ClientConnection: EventHandler, DeferredWork {
    enum Phase {
        /// Between requests, nothing of the next one seen.
        case idle
        /// Some bytes of a request head have arrived.
        case readingHead
        /// A request is being handled; its body may still be arriving.
        case exchange
        /// The final response is flushing, then the connection closes (after draining input briefly).
        case closing
        /// Closed and deregistered.
        case closed
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
    var peerClosed = false

    var output: [UInt8] = []
    var outputOffset = 0
    var flushScheduled = false
    /// Edge-triggered readiness: set by epoll, cleared when a read or write would block (or a read came up short).
    var readReady = false
    var writeReady = true

    var sink: RequestSink?
    var requestComplete = false
    var requestKeepAlive = true
    var requestMethod = "GET"
    var clientVersion = HTTPVersion.http1_1
    var responseFraming: ResponseFraming?
    var responseKeepAlive = true
    var sinkWantsWritable = false
    var readingPaused = false
    var lingerAfterFlush = true
    var shutDownWrite = false

    lazy var timer = LoopTimer { [unowned self] in self.timerFired() }
    var phaseStartedAt: Int64 = 0

    /// Requests answered on this connection so far.
    public internal(set) var requestsServed = 0

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
    public var isIdle: Bool { phase == .idle }

    public func handle(_ events: EPollEvents) {
        if events.contains(.writable) {
            writeReady = true
            flush()
        }
        if phase == .closed { return }
        if !events.isDisjoint(with: [.readable, .readHangup, .hangup, .error]) {
            readReady = true
            readAvailable()
        }
        // A hang-up while input is not wanted (a request waits for its response) is reported only once:
        // the client has left, so the exchange stops.
        if phase != .closed && !wantsInput && !events.isDisjoint(with: [.readHangup, .hangup, .error]) {
            peerGone()
        }
    }

    // MARK: Reading

    /// Bytes read and not yet parsed.
    var pendingCount: Int { pending.count - pendingStart }

    /// Storage the connection holds for unparsed input, pending output and the parser's split lines.
    var heldBufferCapacity: Int { pending.capacity + output.capacity + parser.lineBufferCapacity }

    /// Reads while input is wanted and may be there; a short read means the socket is drained (epoll will say when
    /// more arrives), which saves the read that would only return EAGAIN.
    func readAvailable() {
        while phase != .closed && readReady && wantsInput {
            let buffer = loop.readBuffer
            let result: IOResult<Int>
            do {
                result = try Sys.read(fd, into: buffer)
            } catch {
                peerGone()
                return
            }
            switch result {
            case .wouldBlock:
                readReady = false
            case .done(0):
                peerClosed = true
                readReady = false
                handleEndOfInput()
            case .done(let count):
                if count < buffer.count { readReady = false }
                if phase == .closing { continue }  // lingering: discard
                if phase == .idle { enter(.readingHead) }
                take(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            }
        }
    }

    /// Parses freshly read bytes where they lie in the loop's buffer and keeps only what the parser leaves.
    private func take(_ bytes: UnsafeRawBufferPointer) {
        guard pendingCount == 0 else {
            // Older bytes come first.
            pending.append(contentsOf: bytes)
            processPending()
            return
        }
        let consumed = processInput(bytes)
        if consumed < bytes.count && phase != .closing && phase != .closed {
            pending = Array(bytes[consumed...])
            pendingStart = 0
        }
    }

    /// Parses the bytes kept from earlier reads, then keeps what is still left (released when nothing is).
    func processPending() {
        guard pendingCount > 0 else { return }
        // Parsed from a local copy of the reference, so a callback that drops input cannot pull the storage away.
        var held: [UInt8] = []
        swap(&held, &pending)
        let start = pendingStart
        pendingStart = 0
        let consumed = held.withUnsafeBytes { processInput(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        let left = held.count - start - consumed
        guard left > 0, phase != .closing, phase != .closed else { return }
        if start + consumed > held.count / 2 {
            pending = Array(held[(start + consumed)...])
        } else {
            swap(&held, &pending)
            pendingStart = start + consumed
        }
    }

    /// Forgets unparsed input (the connection is closing, so it will never be parsed).
    func dropPendingInput() {
        pending = []
        pendingStart = 0
    }

    /// Reading continues while parsing can use the bytes: during a head or body, not while a finished
    /// request waits for its response (pipelined input stays in the buffer, bounded).
    var wantsInput: Bool {
        switch phase {
        case .idle, .readingHead: return pendingCount < limits.maxBufferedInput + limits.http.maxHeaderBytes
        case .exchange: return !requestComplete && !readingPaused
        case .closing: return true
        case .closed: return false
        }
    }

    /// Feeds `input` to the parser until it needs more, a request completes, or reading pauses; returns how many
    /// bytes were consumed. Body bytes are handed to the exchange straight from `input`.
    func processInput(_ input: UnsafeRawBufferPointer) -> Int {
        var offset = 0
        // Runs until the parser asks for more: `.end` can follow `.head` with nothing left to consume.
        while phase != .closed && phase != .closing {
            if phase == .exchange && (requestComplete || readingPaused) { break }
            let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
            let event: ParseEvent?
            do throws(HTTP1Error) {
                let consumed: Int
                (event, consumed) = try parser.parse(rest)
                offset += consumed
            } catch {
                reject(error)
                break
            }
            guard let event else { break }
            switch event {
            case .head(let head):
                beginExchange(head)
            case .body(let range):
                sink?.requestBody(UnsafeRawBufferPointer(rebasing: rest[range]))
                phaseStartedAt = loop.now
            case .end:
                requestComplete = true
                sink?.requestEnd()
            }
        }
        return offset
    }

    private func beginExchange(_ head: RequestHead) {
        enter(.exchange)
        requestComplete = false
        requestKeepAlive = head.keepAlive
        requestMethod = head.method
        clientVersion = head.version
        responseFraming = nil
        sinkWantsWritable = false
        readingPaused = false
        sink = server.handler.connection(self, didReceive: head)
    }

    private func handleEndOfInput() {
        switch phase {
        case .idle, .closing:
            close()
        case .readingHead:
            // A partial head and then end of stream: nothing can be answered.
            close()
        case .exchange:
            // Even a half-close after a complete request counts as leaving, as with nginx's default.
            peerGone()
        case .closed:
            break
        }
    }

    /// The client is gone: tell the exchange, then close.
    func peerGone() {
        let current = sink
        sink = nil
        close()
        current?.clientGone()
    }

    /// Pauses or resumes reading the request body (a streamed upload waiting for the upstream).
    public func setReadingPaused(_ paused: Bool) {
        guard readingPaused != paused else { return }
        readingPaused = paused
        // Resuming may be asked from inside libcurl's read callback: continue from the loop, not re-entrantly.
        if !paused { scheduleFlush() }
    }

}
