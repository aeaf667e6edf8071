import Events
import HTTP1
import Listener
import Loop

#if canImport(Glibc)
    import Glibc
#endif

/// The admin listener: the status page at `/`, `/healthz`, `/readyz`, `/metrics`, `/status` and `/giveups` on the
/// proxy's own event loop.
///
/// Everything runs on the loop thread, like the proxy: create it before the loop runs (or on the loop), and keep it
/// alive while the loop runs, since its listener refers back to it.
package final class AdminServer: RequestHandler {
    /// The metrics `/metrics` exposes.
    package let metrics: RetrydMetrics
    /// Decides what `/readyz` answers (true: 200); called on the loop thread for each probe, so retryd can turn it
    /// false while it drains.
    package var readiness: () -> Bool
    /// Builds the `/status` document from the uptime and the current readiness.
    let status: (_ uptime: Duration, _ ready: Bool) -> StatusReport
    unowned let loop: EventLoop
    /// Answers `/giveups` from the query string; called on a background thread, since it reads the journal file.
    package var giveUps: (@Sendable (_ query: String) -> AdminResponse)?
    /// Reads the journal's newest give-ups for the status page; called on a background thread, like ``giveUps``.
    package var recentGiveUps: (@Sendable (_ limit: Int) -> StatusPage.RecentGiveUps)?
    /// The breaker transitions the status page lists; ``start(on:settings:version:metrics:limits:)`` has it observe.
    package let breakerHistory: BreakerHistory
    /// The status page's figures at earlier views, for its rates; touched on the loop thread only.
    var figureWindow: FigureWindow
    /// Seconds since the epoch, for the status page's times.
    package var wallClock: () -> Double = Sys.wallClockSeconds
    let startedAt: Int64
    private var listener: Server!

    /// Admin connections open at once: a budget of their own, so probes still answer when the proxy is at its limit.
    package static let maxConnections = 64

    /// Limits for admin connections: small bodies, since no endpoint reads one, and short timeouts.
    package static var defaultLimits: ServerLimits {
        var limits = ServerLimits()
        limits.http.maxBodyBytes = 64 * 1024
        limits.headerTimeout = .seconds(5)
        limits.idleTimeout = .seconds(30)
        return limits
    }

    /// Binds `address` on `loop` and answers admin requests from `metrics`, `readiness` and `status`.
    /// - Throws: `SysError` when the address cannot be bound.
    package init(
        loop: EventLoop,
        address: SocketAddress,
        limits: ServerLimits = AdminServer.defaultLimits,
        metrics: RetrydMetrics,
        readiness: @escaping () -> Bool = { true },
        status: @escaping (_ uptime: Duration, _ ready: Bool) -> StatusReport
    ) throws(SysError) {
        self.loop = loop
        self.metrics = metrics
        self.readiness = readiness
        self.status = status
        startedAt = loop.now
        breakerHistory = BreakerHistory()
        figureWindow = FigureWindow(start: startedAt)
        listener = try Server(
            loop: loop, address: address, limits: limits, budget: ConnectionBudget(limit: Self.maxConnections),
            handler: self)
    }

    /// Starts the admin listener for `source` at `settings.listen` and has `metrics` observe every exchange.
    ///
    /// Ready means every configured upstream has a bound listener; replace ``readiness`` to say more.
    /// - Throws: `SysError` when the address is invalid or cannot be bound.
    package static func start(
        on source: some AdminSource,
        settings: AdminSettings,
        version: String,
        metrics: RetrydMetrics = RetrydMetrics(),
        limits: ServerLimits = AdminServer.defaultLimits
    ) throws(SysError) -> AdminServer {
        guard let address = SocketAddress(host: settings.listen.host, port: settings.listen.port) else {
            throw SysError(call: "bind \(settings.listen)", errno: EINVAL)
        }
        metrics.prepare(upstreams: source.configuredUpstreams.map(\.name))
        metrics.showState(of: source)
        let admin = try AdminServer(
            loop: source.loop, address: address, limits: limits, metrics: metrics,
            readiness: { Set(source.boundPorts.keys) == Set(source.configuredUpstreams.map(\.name)) },
            status: { uptime, ready in
                StatusReport(
                    upstreams: source.configuredUpstreams, boundPorts: source.boundPorts,
                    inFlight: source.inFlightExchanges,
                    uptime: uptime, version: version, ready: ready, buckets: source.bucketStatuses,
                    shared: source.sharedStatus, health: source.healthStatuses)
            })
        source.addObserver(metrics)
        source.addObserver(admin.breakerHistory)
        return admin
    }

    /// The address actually bound (the real port when 0 was asked for).
    package var localAddress: SocketAddress { listener.localAddress }

    /// The port actually bound.
    package var port: UInt16 { listener.localAddress.port }

    /// Closes the listener and every admin connection; on the loop thread, or after the loop stopped.
    package func close() {
        listener.closeAll()
    }

    /// Answers one admin request.
    package func connection(_ connection: ClientConnection, didReceive head: RequestHead) -> RequestSink {
        AnswerAtEnd(head: head, connection: connection) { [unowned self] head, connection in
            let route = AdminRoute(method: head.method, target: head.target)
            if case .giveUps(let query) = route, let giveUps {
                return self.answerOffLoop(head: head, connection: connection) { giveUps(query) }
            }
            if case .page(let query) = route, let recentGiveUps {
                let page = self.statusPage(query: query)
                return self.answerOffLoop(head: head, connection: connection) {
                    var complete = page
                    complete.recentGiveUps = recentGiveUps(StatusPage.giveUpLimit)
                    return complete.response
                }
            }
            let response = self.response(for: route)
            connection.respond(
                ResponseHead(status: response.status, headers: response.headers), body: response.body,
                requestMethod: head.method)
        }
    }
}
