import Events
import Forwarder
import HTTP1
import Listener
import Logging
import Loop
import Retry

#if canImport(Glibc)
    import Glibc
#endif

/// Everything that runs on one event loop: the listeners, their proxies and the libcurl forwarder.
package final class ProxyRuntime: @unchecked Sendable {
    /// The loop; `run()` blocks on it.
    package let loop: EventLoop
    /// The settings the listeners were built from (replaced on reload).
    package internal(set) var settings: ProxySettings
    /// The libcurl forwarder on this loop (also used to deliver notifications).
    package let forwarder: Forwarder
    let budget: ConnectionBudget
    let logger: Logger
    /// This loop's listeners and their proxies; the other loops' are beside them, in ``workers``.
    let listeners: ListenerSet
    var services: [String: ProxyService] {
        get { listeners.services }
        set { listeners.services = newValue }
    }
    var servers: [String: Server] {
        get { listeners.servers }
        set { listeners.servers = newValue }
    }
    /// Listening sockets inherited through systemd socket activation, by upstream name.
    let inherited: [String: Int32]
    /// At most one warning per interval while connections are being refused at the limit.
    var refusalWarnings = LogThrottle(interval: .seconds(10))
    /// True once a graceful shutdown has begun.
    package internal(set) var isShuttingDown = false
    var observers: [ExchangeObserver] = []
    /// Writes every loop's access-log lines; nil logs them through `logger`.
    private(set) var accessLog: AccessLog?
    /// Gates and quotas shared with other instances through Redis, when `[shared]` is configured.
    let shared: SharedQuota?
    /// The other event loops (`workers` - 1), each with its own listening sockets beside this loop's.
    let workers: [ProxyWorker]
    /// Loops whose drain is not over yet, during a graceful shutdown.
    var loopsDraining = 0
    /// Runs first on each other loop's thread (to batch its log lines, as on this one).
    package var workerThreadStarted: ((EventLoop) -> Void)?
    /// Runs last on each other loop's thread.
    package var workerThreadFinished: (() -> Void)?

    /// Builds the runtime and binds every upstream's listener, on each of `workers` event loops.
    /// - Throws: `SysError` when a listener cannot be bound (the error names the call and errno).
    /// - Parameters:
    ///   - inherited: listening sockets from socket activation, by upstream name; others are bound here.
    ///   - workers: event loops to serve the listeners on (the executable resolves `workers` in the file).
    package init(settings: ProxySettings, logger: Logger, inherited: [String: Int32] = [:], workers: Int = 1) throws {
        self.settings = settings
        self.logger = logger
        self.inherited = inherited
        loop = try EventLoop()
        forwarder = try Forwarder(loop: loop)
        listeners = ListenerSet(loop: loop, logger: logger)
        budget = ConnectionBudget(limit: settings.limits.maxConnections)
        if let sharing = settings.shared {
            shared = SharedQuota(config: sharing, loop: loop, logger: logger)
        } else {
            shared = nil
        }
        let budget = budget
        self.workers = try (1..<max(workers, 1)).map { index in
            try ProxyWorker(index: index, budget: budget, logger: logger)
        }
        for upstream in settings.upstreams {
            let (server, service) = try bind(upstream)
            for worker in self.workers {
                try worker.bind(
                    upstream, like: server, sharing: service, limits: settings.limits,
                    inheritedFD: inherited[upstream.name])
            }
        }
        if let forward = settings.forwardProxy { try startForwardProxy(forward) }
        shared?.onRemoteClosure = { [unowned self] upstream, bucket, until, cause in
            self.services[upstream]?.quota.gate(named: bucket).close(until: until, cause: cause)
        }
        shared?.onConnectionChange = { [unowned self] connected in
            for observer in self.observers { observer.sharedStateChanged(connected: connected) }
        }
    }

    @discardableResult
    func bind(_ upstream: UpstreamSettings) throws -> (Server, ProxyService) {
        let service = ProxyService(
            upstream: upstream, replayLimit: settings.limits.replayLimit, forwarder: forwarder, loop: loop,
            logger: logger)
        let limits = settings.limits.connection
        let server: Server
        if let fd = inherited[upstream.name] {
            server = try Server(loop: loop, listeningFD: fd, limits: limits, budget: budget, handler: service)
        } else {
            guard let address = SocketAddress(host: upstream.listen.host, port: upstream.listen.port) else {
                throw SysError(call: "bind \(upstream.listen)", errno: EINVAL)
            }
            // A reload may bind an address one of this runtime's own listeners still holds (an upstream renamed,
            // two listeners swapped): only another process's socket is refused.
            let ownsAddress = servers.values.contains { $0.localAddress == address }
            server = try Server(
                loop: loop, address: address, limits: limits, budget: budget, handler: service,
                reusePort: !workers.isEmpty, claimsAddress: !ownsAddress)
        }
        service.observers = observers
        service.accessLog = accessLog
        service.quota.shared = shared
        let name = upstream.name
        server.onRefused = { [unowned self] in
            // Other loops' listeners call this too: the warning's throttle and the observers live on this loop.
            self.loop.runOnLoop { self.connectionRefused(upstream: name) }
        }
        services[upstream.name] = service
        servers[upstream.name] = server
        logger.info(
            "listening on \(server.localAddress) for \(upstream.name) -> \(upstream.url.origin)\(upstream.url.basePath)"
        )
        return (server, service)
    }

    /// Adds an observer to every upstream's exchanges on every loop (metrics, notifications).
    package func addObserver(_ observer: ExchangeObserver) {
        observers.append(observer)
        for service in services.values { service.observers = observers }
        let (all, first) = (UnsafeTransfer(observers), loop)
        for worker in workers { worker.loop.runOnLoop { worker.setObservers(all.value, firstLoop: first) } }
    }

    /// Has every loop write its access-log lines with a writer `makeLog` makes for it (the executable's direct writer)
    /// instead of through the logger; call before ``run()``, like ``addObserver(_:)``.
    package func setAccessLog(_ makeLog: () -> AccessLog) {
        // One writer per loop, each used on its own thread only: a shared one would need a lock around every line.
        let log = makeLog()
        accessLog = log
        for service in services.values { service.accessLog = log }
        for worker in workers {
            let own = makeLog()
            worker.loop.runOnLoop { worker.setAccessLog(own) }
        }
    }

    /// The event loops serving the listeners.
    package var loopCount: Int { workers.count + 1 }

    /// What the listeners serve, for systemd's status line: "vendor on 127.0.0.1:8080, other on [::1]:8081".
    package var servingDescription: String {
        (servers.sorted { $0.key < $1.key }.map { "\($0.key) on \($0.value.localAddress)" }
            + (forwardProxyAddress.map { ["forward proxy on \($0)"] } ?? [])).joined(separator: ", ")
    }

    /// The port each upstream's listener is bound to (useful when the configuration asked for port 0).
    package var boundPorts: [String: UInt16] {
        servers.mapValues { $0.localAddress.port }
    }

    /// Runs this loop and the other workers' until ``stop()``, then closes every listener, client connection and
    /// upstream connection.
    package func run() throws {
        for worker in workers { worker.start(prepare: workerThreadStarted, finish: workerThreadFinished) }
        defer { tearDown() }
        try loop.run()
    }

    private func tearDown() {
        for worker in workers { worker.stop() }
        for worker in workers { worker.join() }
        listeners.closeAll()
        forwarder.shutDown()
    }

    /// Gives the first loop up before another thread calls ``run()`` (see `EventLoop.handOver()`).
    package func handOver() {
        loop.handOver()
    }

    /// Stops the loop at once (from any thread); in-flight exchanges are abandoned.
    package func stop() {
        loop.stop()
    }

    /// A connection past `max_connections` was answered 503: counted, and warned about without flooding the log.
    func connectionRefused(upstream: String) {
        for observer in observers { observer.connectionRefused(upstream: upstream) }
        guard let count = refusalWarnings.admit(now: loop.now) else { return }
        logger.warning(
            "connection limit of \(budget.limit) reached: answered \(count) new \(count == 1 ? "connection" : "connections") 503 since the last warning",
            metadata: ["upstream": .string(upstream)])
    }
}
