import CHiredis
import Loop

/// What a ``HiredisConnection`` reports to whoever owns it. Called on the loop; the reply methods run inside
/// hiredis and must not call into it (the owner postpones through the ``HiredisGate``).
protocol HiredisConnectionOwner: AnyObject {
    /// The socket connected; the handshake may start.
    func connectionDidOpen(_ connection: HiredisConnection)
    /// hiredis closed and freed the connection by itself (error, end of stream, failed connect).
    func connection(_ connection: HiredisConnection, didCloseWith error: RedisError)
    /// A regular command's reply, or its failure when the connection was freed first.
    func connection(
        _ connection: HiredisConnection, didAnswer call: PendingCall, with result: Result<RedisValue, RedisError>)
    /// A subscribe confirmation or a published message.
    func connection(_ connection: HiredisConnection, didReceiveSubscriptionReply value: RedisValue)
}

/// One `redisAsyncContext` whose socket lives on the event loop, through hiredis's adapter hooks.
///
/// hiredis says what it waits for through the hooks; the interest is applied to epoll once hiredis has returned,
/// not on every hook call. A command does not wait for epoll to say the socket is writable: it is written at the
/// end of the loop iteration that sent it, together with every other command sent in that iteration.
final class HiredisConnection: EventHandler, DeferredWork {
    /// Where to connect, with the host already resolved to a numeric address.
    enum Target: Equatable {
        /// A numeric IPv4 or IPv6 address and port.
        case tcp(address: String, port: UInt16)
        /// A Unix domain socket path.
        case unix(path: String)
    }

    let loop: EventLoop
    let gate: HiredisGate
    weak var owner: HiredisConnectionOwner?
    private(set) var context: UnsafeMutablePointer<redisAsyncContext>?
    private var registration: Registration?
    private var wanted: EPollEvents = []
    private var armed: EPollEvents = []
    private var syncRequested = false
    private var flushPending = false
    private var freeing = false
    /// What calls still pending fail with when the connection is freed on purpose.
    private var teardownError: RedisError = .closed

    init(loop: EventLoop, gate: HiredisGate, owner: HiredisConnectionOwner) {
        self.loop = loop
        self.gate = gate
        self.owner = owner
    }

    deinit {
        // The owner frees the context before letting go; this only guards against leaking the socket.
        guard let context else { return }
        chiredis_attach(context, nil, nil, nil, nil, nil, nil)
        context.pointee.data = nil
        if let registration { loop.deregister(registration) }
        redisAsyncFree(context)
    }

    /// Starts a non-blocking connect and registers the socket with the loop.
    /// - Throws: ``RedisError/connectFailed(_:)`` when hiredis fails at once (refused, bad address) or the socket
    ///   would block.
    func open(_ target: Target) throws(RedisError) {
        let opened: UnsafeMutablePointer<redisAsyncContext>? =
            switch target {
            case .tcp(let address, let port): redisAsyncConnect(address, Int32(port))
            case .unix(let path): redisAsyncConnectUnix(path)
            }
        guard let context = opened else { throw .connectFailed("hiredis could not allocate a context") }
        if context.pointee.err != 0 {
            let reason = String(cString: context.pointee.errstr)
            redisAsyncFree(context)
            throw .connectFailed(reason)
        }
        // hiredis connects without blocking only if it set O_NONBLOCK; a blocking socket would stall the loop.
        guard chiredis_is_nonblocking(context.pointee.c.fd) == 1 else {
            redisAsyncFree(context)
            throw .connectFailed("hiredis returned a blocking socket")
        }
        do {
            registration = try loop.register(fd: context.pointee.c.fd, events: [], handler: self)
        } catch {
            redisAsyncFree(context)
            throw .connectFailed(error.description)
        }
        self.context = context
        let me = Unmanaged.passUnretained(self).toOpaque()
        context.pointee.data = me
        chiredis_attach(context, me, hiredisAddRead, hiredisDelRead, hiredisAddWrite, hiredisDelWrite, hiredisCleanup)
        // hiredis 0.14 learns that a connect finished from the first write event, which this call asks for
        // through addWrite: so the hooks must be attached first.
        _ = redisAsyncSetConnectCallback(context, hiredisConnectCallback)
        syncInterest()
    }

    /// Whether hiredis has seen the connect complete.
    var isConnected: Bool {
        guard let context else { return false }
        return context.pointee.c.flags & REDIS_CONNECTED != 0
    }

    /// Queues a command; false when the connection is closing or gone (hiredis then keeps no reference to
    /// `privdata`).
    func send(_ arguments: ArgumentList, callback: chiredis_reply_fn, privdata: UnsafeMutableRawPointer?) -> Bool {
        guard let context, !freeing else { return false }
        var status = REDIS_ERR
        gate.enter {
            status = arguments.withArgv { redisAsyncCommandArgv(context, callback, privdata, $0, $1, $2) }
        }
        guard status == REDIS_OK else { return false }
        flushPending = true
        requestSync()
        return true
    }

    /// Frees the connection now; calls still pending fail with `error` before this returns.
    func free(failingPendingWith error: RedisError) {
        guard let context, !freeing else { return }
        freeing = true
        teardownError = error
        gate.enter { redisAsyncFree(context) }
    }

    /// The error a call waiting on this connection fails with when hiredis drops it.
    func lossError() -> RedisError {
        guard !freeing, let context, context.pointee.err != 0 else { return teardownError }
        let reason = String(cString: context.pointee.errstr)
        if context.pointee.err == REDIS_ERR_PROTOCOL { return .protocolError(reason) }
        return context.pointee.c.flags & REDIS_CONNECTED != 0 ? .connectionLost(reason) : .connectFailed(reason)
    }

    func handle(_ events: EPollEvents) {
        guard let context else { return }
        gate.enter {
            if context.pointee.c.flags & REDIS_CONNECTED == 0 {
                // The connect's outcome (SO_ERROR) is read on the first write, error or hang-up event.
                if events.intersects(.writableOrFailed) { redisAsyncHandleWrite(context) }
                return
            }
            if events.intersects(.readableOrFailed) { redisAsyncHandleRead(context) }
            if events.intersects(.writable), self.context != nil { redisAsyncHandleWrite(context) }
        }
        // No epoll_ctl here: the hooks asked for runDeferred(), which runs right after this handler and first
        // writes what the completions just sent, so interest is applied once, after that write.
    }

    func runDeferred() {
        syncRequested = false
        // Before the connect completed, a write would read SO_ERROR too early and take the connect as done.
        if flushPending, let context, isConnected {
            flushPending = false
            if wanted.contains(.writable) { gate.enter { redisAsyncHandleWrite(context) } }
        }
        syncInterest()
    }

    private func requestSync() {
        guard !syncRequested else { return }
        syncRequested = true
        loop.runAtEndOfIteration(self)
    }

    private func syncInterest() {
        guard let registration, context != nil, wanted != armed else { return }
        do {
            try loop.modify(registration, events: wanted)
            armed = wanted
        } catch {
            // Without epoll the connection would never be woken again: give it up rather than hang.
            let reason = "epoll_ctl failed: \(error.description)"
            free(failingPendingWith: .connectionLost(reason))
            owner?.connection(self, didCloseWith: .connectionLost(reason))
        }
    }

    // MARK: hooks, called by hiredis

    func want(_ events: EPollEvents, _ on: Bool) {
        if on { wanted.formUnion(events) } else { wanted.subtract(events) }
        requestSync()
    }

    func hiredisDidConnect() {
        gate.later { [self] in owner?.connectionDidOpen(self) }
    }

    /// hiredis is about to free the context and close its socket: take it off epoll first.
    func hiredisWillFree() {
        let error = lossError()
        if let registration { loop.deregister(registration) }
        registration = nil
        context = nil
        wanted = []
        armed = []
        guard !freeing else { return }
        gate.later { [self] in owner?.connection(self, didCloseWith: error) }
    }
}
