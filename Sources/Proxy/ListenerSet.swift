import Listener
import Logging
import Loop
import TLS

/// One event loop's listeners and their proxies, by upstream name, with the ones a reload retired: what each loop
/// drains on a graceful stop. The first loop's set and every other loop's behave alike.
final class ListenerSet {
    unowned let loop: EventLoop
    private let logger: Logger
    var services: [String: ProxyService] = [:]
    var servers: [String: Server] = [:]
    /// The forward proxy's listener on this loop and its handler, when `[forward_proxy]` is configured.
    var forward: (server: Server, proxy: ForwardProxy)?
    /// Listeners a reload removed or moved, finishing their last exchanges.
    private(set) var retiring: [ObjectIdentifier: (server: Server, service: ProxyService)] = [:]
    private var shutdownTimer: LoopTimer?
    /// Set while draining: runs once, when nothing is left or the shutdown timeout's last second passed.
    private var onDrained: (() -> Void)?

    init(loop: EventLoop, logger: Logger) {
        self.loop = loop
        self.logger = logger
    }

    private var allServers: [Server] {
        Array(servers.values) + retiring.values.map(\.server) + (forward.map { [$0.server] } ?? [])
    }
    private var allServices: [ProxyService] { Array(services.values) + retiring.values.map(\.service) }

    /// Exchanges in flight on this loop, retiring listeners included.
    var inFlight: Int { allServices.reduce(0) { $0 + $1.inFlight } }

    /// Client connections open on this loop, retiring listeners included.
    var connectionCount: Int { allServers.reduce(0) { $0 + $1.connectionCount } }

    /// Stops `server` accepting and lets its exchanges finish under the policy they started with.
    func retire(_ server: Server, _ service: ProxyService) {
        let key = ObjectIdentifier(server)
        retiring[key] = (server, service)
        server.onDrained = { [unowned self] in
            self.retiring[key] = nil
            self.finishIfDrained()
        }
        server.drain()
    }

    /// Stops accepting and lets in-flight exchanges (waits for a retry included) finish; after `timeout` the rest
    /// get their last upstream response or 503, and a second later the drain is over whatever is left. `drained`
    /// runs once on this loop, possibly before this returns.
    func drain(timeout: Duration, drained: @escaping () -> Void) {
        onDrained = drained
        for server in allServers {
            server.onDrained = { [unowned self] in self.finishIfDrained() }
            server.drain()
        }
        for service in allServices {
            service.onIdle = { [unowned self] in self.finishIfDrained() }
        }
        let timer = LoopTimer { [unowned self] in self.timedOut() }
        shutdownTimer = timer
        loop.schedule(timer, after: timeout)
        finishIfDrained()
    }

    private func timedOut() {
        logger.warning("shutdown timeout: answering \(inFlight) unfinished exchanges now")
        for service in allServices { service.finishAllForShutdown() }
        // Let the final responses flush, then end the drain whatever is left.
        let last = LoopTimer { [unowned self] in self.finishDrain() }
        shutdownTimer = last
        loop.schedule(last, after: .seconds(1))
        finishIfDrained()
    }

    private func finishIfDrained() {
        guard onDrained != nil, inFlight == 0, connectionCount == 0 else { return }
        finishDrain()
    }

    private func finishDrain() {
        if let shutdownTimer { loop.cancel(shutdownTimer) }
        let drained = onDrained
        onDrained = nil
        drained?()
    }

    /// Binds this loop's forward proxy listener at `address`, handing tunnels to this loop's proxies; the first
    /// loop's `claimsAddress` (see `Server`).
    @discardableResult
    func bindForwardProxy(
        _ settings: ForwardProxySettings, address: SocketAddress, routes: ForwardProxyRoutes, contexts: LeafContexts,
        limits: ServerLimits, budget: ConnectionBudget, reusePort: Bool, claimsAddress: Bool = false
    ) throws -> Server {
        let proxy = ForwardProxy(
            listeners: self, routes: routes, settings: settings, contexts: contexts, logger: logger)
        let server = try Server(
            loop: loop, address: address, limits: limits, budget: budget, handler: proxy, reusePort: reusePort,
            claimsAddress: claimsAddress)
        forward = (server, proxy)
        return server
    }

    /// Closes every listener and connection at once.
    func closeAll() {
        for server in allServers { server.closeAll() }
        forward?.proxy.closeSplices()
    }
}
