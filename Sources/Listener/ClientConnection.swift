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

    var input: [UInt8]
    var inputStart = 0
    var inputEnd = 0
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
        self.input = [UInt8](repeating: 0, count: limits.readChunkSize)
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

    /// Reads while input is wanted and may be there; a short read means the socket is drained (epoll will say when
    /// more arrives), which saves the read that would only return EAGAIN.
    func readAvailable() {
        while phase != .closed && readReady && wantsInput {
            makeRoomForInput()
            let room = input.count - inputEnd
            let result: IOResult<Int>
            do {
                result = try input.withUnsafeMutableBytes { (raw) throws(SysError) in
                    try Sys.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: raw[inputEnd...]))
                }
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
                if count < room { readReady = false }
                inputEnd += count
                if phase == .closing {
                    inputStart = inputEnd  // lingering: discard
                    continue
                }
                if phase == .idle { enter(.readingHead) }
                processInput()
            }
        }
    }

    /// Reading continues while parsing can use the bytes: during a head or body, not while a finished
    /// request waits for its response (pipelined input stays in the buffer, bounded).
    var wantsInput: Bool {
        switch phase {
        case .idle, .readingHead: return inputEnd - inputStart < limits.maxBufferedInput + limits.http.maxHeaderBytes
        case .exchange: return !requestComplete && !readingPaused
        case .closing: return true
        case .closed: return false
        }
    }

    private func makeRoomForInput() {
        if inputStart == inputEnd {
            inputStart = 0
            inputEnd = 0
        } else if input.count - inputEnd < limits.readChunkSize / 4 {
            if inputStart > 0 {
                input.withUnsafeMutableBytes { raw in
                    raw.baseAddress!.copyMemory(from: raw.baseAddress! + inputStart, byteCount: inputEnd - inputStart)
                }
                inputEnd -= inputStart
                inputStart = 0
            }
            if input.count - inputEnd < limits.readChunkSize / 4 {
                input.append(contentsOf: repeatElement(0, count: limits.readChunkSize))
            }
        }
    }

    /// Feeds buffered input to the parser until it needs more, a request completes, or reading pauses.
    func processInput() {
        // Runs until the parser asks for more: `.end` can follow `.head` with nothing left to consume.
        while phase != .closed && phase != .closing {
            if phase == .exchange && (requestComplete || readingPaused) { return }
            let event: ParseEvent?
            let consumed: Int
            let start = inputStart
            let end = inputEnd
            let result = input.withUnsafeBytes { raw -> Result<(ParseEvent?, Int), HTTP1Error> in
                do throws(HTTP1Error) {
                    return .success(try parser.parse(UnsafeRawBufferPointer(rebasing: raw[start..<end])))
                } catch {
                    return .failure(error)
                }
            }
            switch result {
            case .success(let parsed): (event, consumed) = parsed
            case .failure(let error):
                reject(error)
                return
            }
            inputStart += consumed
            guard let event else { return }
            switch event {
            case .head(let head):
                beginExchange(head)
            case .body(let range):
                input.withUnsafeBytes { raw in
                    sink?.requestBody(UnsafeRawBufferPointer(rebasing: raw[(start + range.lowerBound)..<(start + range.upperBound)]))
                }
                phaseStartedAt = loop.now
            case .end:
                requestComplete = true
                sink?.requestEnd()
            }
        }
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
