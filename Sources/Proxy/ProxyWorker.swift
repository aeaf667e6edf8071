import Config
import Events
import Forwarder
import Foundation
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
    private var services: [String: ProxyService] = [:]
    private var servers: [String: Server] = [:]
    /// Listeners a reload removed or moved, finishing their last exchanges.
    private var retiring: [ObjectIdentifier: (server: Server, service: ProxyService)] = [:]
    private var observers: [ExchangeObserver] = []
    private var shutdownTimer: LoopTimer?
    /// Called once on this loop when a drain is over, or on the first loop when the loop stops.
    private var onDrained: (() -> Void)?
    private let finished = DispatchSemaphore(value: 0)
    private var started = false

    init(index: Int, budget: ConnectionBudget, logger: Logger) throws {
        self.index = index
        self.budget = budget
        self.logger = logger
        loop = try EventLoop()
        forwarder = try Forwarder(loop: loop)
    }

    /// Adds this loop's listener for `upstream` beside the first loop's `server`, sharing `service`'s state.
    /// - Parameter inheritedFD: the socket systemd passed, shared by every loop (each registers a duplicate).
    func bind(
        _ upstream: UpstreamConfig, like server: Server, sharing service: ProxyService, limits: Limits,
        inheritedFD: Int32?
    ) throws {
        let own = ProxyService(
            upstream: upstream, replayLimit: limits.replayLimit, forwarder: forwarder, loop: loop, logger: logger,
            sharing: service)
        own.observers = observers
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
        services[upstream.name] = own
        servers[upstream.name] = listener
    }

    /// Every upstream's exchanges report to `observers` (those that keep their own loop's state get a hand-off).
    func setObservers(_ observers: [ExchangeObserver], firstLoop: EventLoop) {
        self.observers = observers.map { HandOffObserver.wrapping($0, for: firstLoop) }
        for service in services.values { service.observers = self.observers }
        for (_, service) in retiring.values { service.observers = self.observers }
    }

    /// Starts the loop on a thread of its own; `prepare` runs there first (to batch its log lines).
    func start(prepare: ((EventLoop) -> Void)?, finish: (() -> Void)?) {
        started = true
        let box = UnsafeTransfer((prepare, finish))
        Thread { [self] in
            box.value.0?(loop)
            try? loop.run()
            tearDown()
            box.value.1?()
            finished.signal()
        }.start()
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
        for server in servers.values { server.closeAll() }
        for (server, _) in retiring.values { server.closeAll() }
        forwarder.shutDown()
    }

    /// Exchanges in flight on this loop; on its thread.
    var inFlight: Int {
        services.values.reduce(0) { $0 + $1.inFlight } + retiring.values.reduce(0) { $0 + $1.service.inFlight }
    }

    /// Stops accepting and lets in-flight exchanges finish; after `timeout` the rest are answered. `drained` runs
    /// on this loop once nothing is left.
    func beginShutdown(timeout: Duration, drained: @escaping () -> Void) {
        onDrained = drained
        for server in Array(servers.values) + retiring.values.map(\.server) {
            server.onDrained = { [unowned self] in self.finishIfDrained() }
            server.drain()
        }
        for service in Array(services.values) + retiring.values.map(\.service) {
            service.onIdle = { [unowned self] in self.finishIfDrained() }
        }
        let timer = LoopTimer { [unowned self] in
            for service in Array(services.values) + retiring.values.map(\.service) { service.finishAllForShutdown() }
            let last = LoopTimer { [unowned self] in self.reportDrained() }
            shutdownTimer = last
            loop.schedule(last, after: .seconds(1))
            finishIfDrained()
        }
        shutdownTimer = timer
        loop.schedule(timer, after: timeout)
        finishIfDrained()
    }

    private func finishIfDrained() {
        guard inFlight == 0 else { return }
        let open =
            servers.values.reduce(0) { $0 + $1.connectionCount }
            + retiring.values.reduce(0) { $0 + $1.server.connectionCount }
        if open == 0 { reportDrained() }
    }

    private func reportDrained() {
        if let shutdownTimer { loop.cancel(shutdownTimer) }
        let drained = onDrained
        onDrained = nil
        drained?()
    }

    /// Takes a reloaded configuration: `bound` lists the first loop's listeners that are new or moved (this loop
    /// adds its own beside them), unchanged ones take the new policies, removed or moved ones retire.
    func reload(
        _ new: RetrydConfig, bound: [(UpstreamConfig, Server, ProxyService)], inherited: [String: Int32]
    ) {
        var moved: [(server: Server, service: ProxyService)] = []
        for (upstream, server, service) in bound {
            if let oldServer = servers.removeValue(forKey: upstream.name),
                let oldService = services.removeValue(forKey: upstream.name)
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
            guard let service = services[upstream.name], let server = servers[upstream.name] else { continue }
            service.reconfigure(upstream: upstream, replayLimit: new.limits.replayLimit)
            server.limits = new.limits.connection
        }
        for name in Array(servers.keys) where !new.upstreams.contains(where: { $0.name == name }) {
            if let server = servers.removeValue(forKey: name), let service = services.removeValue(forKey: name) {
                moved.append((server, service))
            }
        }
        for (server, service) in moved {
            let key = ObjectIdentifier(server)
            retiring[key] = (server, service)
            server.onDrained = { [unowned self] in self.retiring[key] = nil }
            server.drain()
        }
    }
}

/// Hands a value to a thread that alone uses it from then on.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
