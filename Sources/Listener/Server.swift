#if canImport(Glibc)
    import Glibc
    import Loop
#endif

/// Shares one connection budget among all listeners of every event loop; past the limit new connections are
/// answered 503 and closed. Loops take and give back under a lock: once per connection, not per request.
package final class ConnectionBudget: Sendable {
    private struct State {
        var limit: Int
        var open = 0
        /// The most connections open since memory was last handed back to the kernel.
        var peak = 0
    }

    private let state: LockedValue<State>

    /// After this many connections of a burst have closed (and at least half of it), free memory is handed back.
    static let trimAfterClosing = 256

    /// Creates a budget of `limit` connections.
    package init(limit: Int) {
        state = LockedValue(State(limit: limit))
    }

    /// The most client connections open at once (a reload may change it).
    package var limit: Int {
        get { state.withLock { $0.limit } }
        set { state.withLock { $0.limit = newValue } }
    }

    /// Client connections open now.
    package var open: Int { state.withLock { $0.open } }

    func take() -> Bool {
        state.withLock { state in
            guard state.open < state.limit else { return false }
            state.open += 1
            state.peak = max(state.peak, state.open)
            return true
        }
    }

    func giveBack() {
        let trim = state.withLock { state in
            state.open -= 1
            // A few trims per burst (at half, a quarter, ...) rather than one per close: each walks malloc's free
            // lists.
            guard state.peak - state.open >= Self.trimAfterClosing && state.open <= state.peak / 2 else { return false }
            state.peak = state.open
            return true
        }
        if trim { Sys.releaseFreeMemory() }
    }
}

/// A listening socket and the client connections accepted from it.
package final class Server: EventHandler {
    unowned let loop: EventLoop
    let fd: Int32
    /// Limits for connections accepted from now on (a reload may change them).
    package var limits: ServerLimits
    let budget: ConnectionBudget
    /// Turns request heads into exchanges.
    package unowned let handler: RequestHandler
    private var registration: Registration?
    private var connections: [ObjectIdentifier: ClientConnection] = [:]
    private var accepting = true
    /// True once ``drain()`` was called: responses close their connections and no new ones are accepted.
    package private(set) var isDraining = false
    /// The address actually bound (the real port when 0 was asked for).
    package let localAddress: SocketAddress
    /// Called when a draining server has no connections left.
    package var onDrained: (() -> Void)?
    /// Called on the loop each time a connection past the budget is answered 503 (for a metric and a log line).
    package var onRefused: (() -> Void)?
    /// Connections answered 503 over the limit, still draining their input before the close.
    var refusing: [ObjectIdentifier: RefusedConnection] = [:]
    /// Output buffers lent to this listener's connections for their responses.
    var outputBuffers = OutputBufferPool()
    lazy var refusalTimer = LoopTimer { [unowned self] in self.expireRefusals() }

    /// Binds and listens on `address`, accepting on `loop`.
    /// - Parameters:
    ///   - reusePort: set SO_REUSEPORT, so that every event loop has a listening socket of its own on the same
    ///     address and the kernel spreads new connections among them (as nginx's `reuseport`).
    ///   - claimsAddress: with `reusePort`, fail with `EADDRINUSE` when a socket already listens on `address`, as a
    ///     bind without SO_REUSEPORT would. Otherwise a second retryd of the same user on a configured address
    ///     would start without an error and take half the connections. The first loop's listener claims; the
    ///     other loops' sockets join it.
    package init(
        loop: EventLoop,
        address: SocketAddress,
        limits: ServerLimits,
        budget: ConnectionBudget,
        handler: RequestHandler,
        backlog: Int32 = 1024,
        reusePort: Bool = false,
        claimsAddress: Bool = false
    ) throws(SysError) {
        self.loop = loop
        self.limits = limits
        self.budget = budget
        self.handler = handler
        if reusePort && claimsAddress && address.port != 0 { try Self.checkUnclaimed(address) }
        fd = try Sys.tcpSocket(family: address.family)
        do {
            try Sys.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
            if reusePort { try Sys.setOption(fd, level: SOL_SOCKET, name: SO_REUSEPORT, value: 1) }
            try Sys.bind(fd, address)
            try Sys.listen(fd, backlog: backlog)
            localAddress = try Sys.localAddress(fd)
            registration = try loop.register(fd: fd, events: .readable, handler: self)
        } catch {
            Sys.close(fd)
            throw error
        }
    }

    /// Throws `EADDRINUSE` when a socket listens on `address`: a probe bound without SO_REUSEPORT (with
    /// SO_REUSEADDR, so that connections of an earlier run in TIME_WAIT do not count) cannot share it.
    private static func checkUnclaimed(_ address: SocketAddress) throws(SysError) {
        let probe = try Sys.tcpSocket(family: address.family)
        defer { Sys.close(probe) }
        try Sys.setOption(probe, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
        try Sys.bind(probe, address)
    }

    /// Adopts an already listening socket (systemd socket activation).
    package init(
        loop: EventLoop,
        listeningFD: Int32,
        limits: ServerLimits,
        budget: ConnectionBudget,
        handler: RequestHandler
    ) throws(SysError) {
        self.loop = loop
        self.limits = limits
        self.budget = budget
        self.handler = handler
        fd = listeningFD
        localAddress = try Sys.localAddress(fd)
        registration = try loop.register(fd: fd, events: .readable, handler: self)
    }

    /// Client connections open on this listener.
    package var connectionCount: Int { connections.count }

    /// Response bytes queued in this listener's connections and not yet written: what back-pressure bounds.
    package var queuedOutputBytes: Int { connections.values.reduce(0) { $0 + $1.queuedOutputBytes } }

    /// The open connections, for tests that look inside them.
    var connectionsForTesting: [ClientConnection] { Array(connections.values) }

    /// Accepts the connections that are waiting.
    package func handle(_ events: EPollEvents) {
        // Accept a bounded batch so one busy listener cannot starve the rest of the loop. Connections past the budget
        // are accepted too, to be answered at once rather than left hanging in the kernel's backlog.
        for _ in 0..<64 {
            guard accepting, !isDraining else { return }
            let result: IOResult<Int32>
            do {
                result = try Sys.accept(fd)
            } catch {
                // EMFILE and friends: stop briefly rather than spin on a listener we cannot serve.
                pauseAccepting()
                let retry = LoopTimer { [weak self] in self?.resumeAccepting() }
                loop.schedule(retry, after: .milliseconds(100))
                return
            }
            guard case .done(let clientFD) = result else { return }
            guard budget.take() else {
                refuse(clientFD)
                continue
            }
            try? Sys.setOption(clientFD, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
            let connection = ClientConnection(fd: clientFD, loop: loop, server: self, limits: limits)
            connections[ObjectIdentifier(connection)] = connection
            do {
                try connection.start()
            } catch {
                connections[ObjectIdentifier(connection)] = nil
                Sys.close(clientFD)
                budget.giveBack()
            }
        }
    }

    func connectionClosed(_ connection: ClientConnection) {
        guard connections.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
        budget.giveBack()
        if isDraining && connections.isEmpty { onDrained?() }
    }

    private func pauseAccepting() {
        guard accepting, let registration else { return }
        accepting = false
        try? loop.modify(registration, events: [])
    }

    func resumeAccepting() {
        guard !accepting, !isDraining, let registration else { return }
        accepting = true
        try? loop.modify(registration, events: .readable)
    }

    /// Stops accepting, closes idle connections, and lets busy ones close after their current response.
    package func drain() {
        isDraining = true
        stopListening()
        for connection in Array(connections.values) { connection.closeIfIdle() }
        if connections.isEmpty { onDrained?() }
    }

    /// Closes the listening socket (new connections are refused); accepted connections continue.
    package func stopListening() {
        guard let registration else { return }
        loop.deregister(registration)
        self.registration = nil
        Sys.close(fd)
    }

    /// Closes every connection at once (after the shutdown timeout).
    package func closeAll() {
        stopListening()
        for connection in Array(connections.values) { connection.close() }
        for refused in Array(refusing.values) { refused.close() }
    }
}
