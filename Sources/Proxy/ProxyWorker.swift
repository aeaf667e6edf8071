import Events
import Forwarder
import Listener
import Logging
import Loop

/// One more event loop serving the runtime's listeners (`workers` > 1): a listening socket of its own on each
/// address (SO_REUSEPORT, so the kernel spreads connections), its own libcurl multi handle and exchanges, and the
/// upstream-wide state (quota gates, budget, breaker) of the runtime's first loop. Everything here but ``start()``,
/// ``stop()`` and ``join()`` runs on its own thread.
final class ProxyWorker: @unchecked Sendable {
    /// 1 for the second loop, 2 for the third...
    let index: Int
    let loop: EventLoop
    let forwarder: Forwarder
    private let logger: Logger
    private let budget: ConnectionBudget
    /// This loop's listeners and their proxies.
    let listeners: ListenerSet
    private var observers: [ExchangeObserver] = []
    private var accessLog: AccessLog?
    private let finished = Semaphore()
    private var started = false

    init(index: Int, budget: ConnectionBudget, logger: Logger) throws {
        self.index = index
        self.budget = budget
        self.logger = logger
        loop = try EventLoop()
        forwarder = try Forwarder(loop: loop)
        listeners = ListenerSet(loop: loop, logger: logger)
    }

    /// Adds this loop's listener for `upstream` beside the first loop's `server`, sharing `service`'s state.
    /// - Parameter inheritedFD: the socket systemd passed, shared by every loop (each registers a duplicate).
    func bind(
        _ upstream: UpstreamSettings, like server: Server, sharing service: ProxyService, limits: ProxyLimits,
        inheritedFD: Int32?
    ) throws {
        let own = ProxyService(
            upstream: upstream, replayLimit: limits.replayLimit, forwarder: forwarder, loop: loop, logger: logger,
            sharing: service)
        own.observers = observers
        own.accessLog = accessLog
        let listener: Server
        if let inheritedFD {
            let copy = try Sys.duplicate(inheritedFD)
            do {
                listener = try Server(
                    loop: loop, listeningFD: copy, limits: limits.connection, budget: budget, handler: own)
            } catch {
                Sys.close(copy)
                throw error
            }
        } else {
            listener = try Server(
                loop: loop, address: server.localAddress, limits: limits.connection, budget: budget, handler: own,
                reusePort: true)
        }
        listener.onRefused = server.onRefused
        listeners.services[upstream.name] = own
        listeners.servers[upstream.name] = listener
    }

    /// Every upstream's exchanges report to `observers` (those that keep their own loop's state get a hand-off).
    func setObservers(_ observers: [ExchangeObserver], firstLoop: EventLoop) {
        self.observers = observers.map { HandOffObserver.wrapping($0, for: firstLoop) }
        for service in listeners.services.values { service.observers = self.observers }
        for (_, service) in listeners.retiring.values { service.observers = self.observers }
    }

    /// Every upstream's access-log lines go to `log` (nil: through the logger).
    func setAccessLog(_ log: AccessLog?) {
        accessLog = log
        for service in listeners.services.values { service.accessLog = log }
        for (_, service) in listeners.retiring.values { service.accessLog = log }
    }

    /// Starts the loop on a thread of its own; `prepare` runs there first (to batch its log lines).
    func start(prepare: ((EventLoop) -> Void)?, finish: (() -> Void)?) {
        started = true
        let box = UnsafeTransfer((prepare, finish))
        loop.handOver()
        DetachedThread.start { [self] in
            box.value.0?(loop)
            try? loop.run()
            tearDown()
            box.value.1?()
            finished.signal()
        }
    }

    /// Stops the loop at once.
    func stop() {
        loop.stop()
    }

    /// Waits for the loop's thread to end.
    func join() {
        guard started else { return }
        finished.wait()
        started = false
    }

    private func tearDown() {
        listeners.closeAll()
        forwarder.shutDown()
    }

    /// Exchanges in flight on this loop; on its thread.
    var inFlight: Int { listeners.inFlight }

    /// Takes a reloaded configuration: `bound` lists the first loop's listeners that are new or moved (this loop
    /// adds its own beside them), unchanged ones take the new policies, removed or moved ones retire.
    func reload(
        _ new: ProxySettings, bound: [(UpstreamSettings, Server, ProxyService)], inherited: [String: Int32]
    ) {
        var moved: [(server: Server, service: ProxyService)] = []
        for (upstream, server, service) in bound {
            if let oldServer = listeners.servers.removeValue(forKey: upstream.name),
                let oldService = listeners.services.removeValue(forKey: upstream.name)
            {
                moved.append((oldServer, oldService))
            }
            do {
                try bind(
                    upstream, like: server, sharing: service, limits: new.limits,
                    inheritedFD: inherited[upstream.name])
            } catch {
                logger.error("loop \(index + 1): cannot add the listener for \(upstream.name): \(error)")
            }
        }
        for upstream in new.upstreams {
            guard let service = listeners.services[upstream.name], let server = listeners.servers[upstream.name]
            else { continue }
            service.reconfigure(upstream: upstream, replayLimit: new.limits.replayLimit)
            server.limits = new.limits.connection
        }
        for name in Array(listeners.servers.keys) where !new.upstreams.contains(where: { $0.name == name }) {
            if let server = listeners.servers.removeValue(forKey: name),
                let service = listeners.services.removeValue(forKey: name)
            {
                moved.append((server, service))
            }
        }
        for (server, service) in moved { listeners.retire(server, service) }
    }
}

/// Hands a value to a thread that alone uses it from then on.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
