import Config
import Forwarder
import HTTP1
import Listener
import Logging

/// Everything that runs on one event loop: the listeners, their proxies and the libcurl forwarder.
public final class ProxyRuntime: @unchecked Sendable {
    /// The loop; `run()` blocks on it.
    public let loop: EventLoop
    /// The configuration the listeners were built from.
    public private(set) var config: RetrydConfig
    /// The libcurl forwarder on this loop (also used to deliver notifications).
    public let forwarder: Forwarder
    let budget: ConnectionBudget
    let logger: Logger
    private(set) var services: [String: ProxyService] = [:]
    private(set) var servers: [String: Server] = [:]
    private var observers: [ExchangeObserver] = []

    /// Builds the runtime and binds every upstream's listener.
    /// - Throws: `SysError` when a listener cannot be bound (the error names the call and errno).
    public init(config: RetrydConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        loop = try EventLoop()
        forwarder = Forwarder(loop: loop)
        budget = ConnectionBudget(limit: config.limits.maxConnections)
        for upstream in config.upstreams {
            try bind(upstream)
        }
    }

    /// Server limits derived from the configuration's `[limits]`.
    static func serverLimits(_ limits: Limits) -> ServerLimits {
        var result = ServerLimits()
        result.http.maxHeaderBytes = limits.maxHeaderBytes
        result.http.maxRequestTargetBytes = limits.maxRequestTargetBytes
        result.http.maxBodyBytes = limits.maxBodyBytes
        result.maxConnections = limits.maxConnections
        result.headerTimeout = limits.headerTimeout
        result.idleTimeout = limits.idleTimeout
        return result
    }

    private func bind(_ upstream: UpstreamConfig) throws {
        guard let address = SocketAddress(host: upstream.listen.host, port: upstream.listen.port) else {
            throw SysError(call: "bind \(upstream.listen)", errno: 22)
        }
        let service = ProxyService(
            upstream: upstream, replayLimit: config.limits.replayLimit, forwarder: forwarder, loop: loop,
            logger: logger)
        let server = try Server(
            loop: loop, address: address, limits: Self.serverLimits(config.limits), budget: budget, handler: service)
        service.observers = observers
        services[upstream.name] = service
        servers[upstream.name] = server
        logger.info("listening on \(server.localAddress) for \(upstream.name) -> \(upstream.url.origin)\(upstream.url.basePath)")
    }

    /// Adds an observer to every upstream's exchanges (metrics, notifications).
    public func addObserver(_ observer: ExchangeObserver) {
        observers.append(observer)
        for service in services.values { service.observers = observers }
    }

    /// The port each upstream's listener is bound to (useful when the configuration asked for port 0).
    public var boundPorts: [String: UInt16] {
        servers.mapValues { $0.localAddress.port }
    }

    /// Runs the loop until ``stop()``, then closes every listener, client connection and upstream connection.
    public func run() throws {
        defer { tearDown() }
        try loop.run()
    }

    private func tearDown() {
        for server in servers.values { server.closeAll() }
        forwarder.shutDown()
    }

    /// Stops the loop at once (from any thread); in-flight exchanges are abandoned.
    public func stop() {
        loop.stop()
    }
}
