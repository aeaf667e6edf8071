import HTTP1
import ListenerCore
import Loop

/// One accepted client connection: the I/O shell of a ``ClientConnectionStateMachine``.
///
/// Every decision (what to parse, when to answer, keep-alive, back-pressure, timeouts, how to close) is the
/// machine's; the connection reads and writes the socket, keeps the bytes, arms its timer and calls the sink as the
/// machine's actions say, and keeps no flags of its own.
package final class ClientConnection: EventHandler, DeferredWork {
    typealias Machine = ClientConnectionStateMachine

    let fd: Int32
    unowned let loop: EventLoop
    unowned let server: Server
    let limits: ServerLimits
    var registration: Registration?
    var machine: Machine

    /// Input read but not yet parsed (pipelined bytes, or body bytes while reading is paused). Reads go into the
    /// loop's shared buffer and are parsed there; only what the parser leaves is copied here, and the storage is
    /// released as soon as it is empty, so an idle connection holds no input buffer at all.
    var pending: [UInt8] = []
    var pendingStart = 0

    var output: [UInt8] = []
    var outputOffset = 0

    /// The TLS session inside a forward-proxy tunnel; nil on every plain connection, which reads and writes its socket
    /// directly (one nil check per read and write is all the plain path pays).
    var transport: ConnectionTransport?
    /// Where a tunnel's requests go (the intercepted upstream's proxy) instead of the listener's handler.
    var routedHandler: RequestHandler?

    lazy var timer = LoopTimer { [unowned self] in self.perform(self.machine.timerFired(now: self.loop.now)) }

    init(fd: Int32, loop: EventLoop, server: Server, limits: ServerLimits) {
        self.fd = fd
        self.loop = loop
        self.server = server
        self.limits = limits
        self.machine = Machine(limits: limits.connection)
    }

    func start() throws(SysError) {
        // Registered once, edge-triggered, for everything: no epoll_ctl per request.
        registration = try loop.register(
            fd: fd, events: [.readable, .writable, .readHangup, .edgeTriggered], handler: self)
        perform(machine.start(now: loop.now))
    }

    /// Whether the connection is between requests (safe to close when draining).
    package var isIdle: Bool { machine.isIdle }

    /// Reacts to readiness: writes what is queued, reads what is wanted, notices a client that left.
    package func handle(_ events: EPollEvents) {
        if events.intersects(.writable) {
            machine.writable()
            flush()
        }
        // TLS may need to write to go on reading (a handshake message): a writable edge resumes its reads too.
        if events.intersects(.readableOrGone) || (transport != nil && events.intersects(.writable)) {
            machine.readable()
            readAvailable()
        }
        // A hang-up while input is not wanted is reported only once: the machine decides whether it ends things.
        if events.intersects(.gone) { perform(machine.hangUp(pending: pendingCount)) }
    }

    /// Pauses or resumes reading the request body (a streamed upload waiting for the upstream).
    package func setReadingPaused(_ paused: Bool) {
        perform(machine.setReadingPaused(paused))
    }

    /// Carries out what the machine decided, in the order ``ClientConnectionStateMachine/Action`` describes.
    func perform(_ action: Machine.Action) {
        if let bytes = action.output {
            // Storage lent by the server's pool: no allocation per response, and none held while idle.
            if output.capacity == 0 { output = server.outputBuffers.take() }
            bytes.write(into: &output)
        }
        if action.dropInput { dropPendingInput() }
        apply(action.timer)
        switch action.socket {
        case .shutdownWrite?:
            if let transport { transport.shutdownWrite() } else { Sys.shutdownWrite(fd) }
        case .close?:
            closeSocket()
        case .reset?:
            Sys.setLingerZero(fd)
            closeSocket()
        case nil:
            break
        }
        if action.flush { loop.runAtEndOfIteration(self) }
        if let call = action.sinkEvent {
            switch call.event {
            case .clientGone: call.sink.clientGone()
            case .responseWritable: call.sink.responseWritable()
            }
        }
    }

    /// Arms or cancels the connection's timer.
    func apply(_ change: TimerChange?) {
        switch change {
        case .arm(let deadline)?: loop.schedule(timer, at: deadline)
        case .cancel?: loop.cancel(timer)
        case nil: break
        }
    }
}
