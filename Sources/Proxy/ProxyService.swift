import Events
import Forwarder
import HTTP1
import Listener
import Logging
import Loop
import Retry
import Synchronization

/// The proxy for one configured upstream: it turns each request arriving on its listener into an ``Exchange``.
package final class ProxyService: RequestHandler {
    /// The upstream's configuration (policies included); a reload replaces it for new requests only.
    package private(set) var upstream: UpstreamSettings
    /// Request bodies up to this size are held so they can be replayed; larger ones stream through.
    package private(set) var replayLimit: Int
    /// What exchanges started from now on take as their configuration.
    private var profile: UpstreamProfile
    /// The upstream's quota gates, shared by all its exchanges.
    let quota: QuotaKeeper
    /// The upstream's retry budget and circuit breaker, shared by all its exchanges; kept across reloads.
    let health: HealthMonitor
    /// Hear about every exchange (metrics, notifications).
    package var observers: [ExchangeObserver] = []
    /// Writes the access-log lines; nil logs them through `logger`.
    var accessLog: AccessLog?
    let forwarder: Forwarder
    let loop: EventLoop
    let logger: Logger
    /// The timers this loop's exchanges borrow.
    let timers: ExchangeTimers
    /// The strings of response header fields this loop's exchanges share.
    let fieldStrings = FieldStringCache()
    private var exchanges: [ObjectIdentifier: Exchange] = [:]
    /// The quota keeper's default gate with the keeper's generation it was got in: most requests name no bucket,
    /// and asking the keeper took its lock and a dictionary lookup on every one.
    private var defaultGate: (generation: Int, gate: BucketGate)?
    /// Exchanges in flight on this loop (waiting, attempting or streaming).
    package var inFlight: Int { exchanges.count }
    /// Exchanges in flight for the upstream on every loop, readable from any thread (for `/status`).
    let upstreamInFlight: InFlightCount
    /// Whether this service keeps the upstream-wide state (the first loop's does; the other loops' share it).
    private let ownsUpstreamState: Bool
    /// Called when the last in-flight exchange finishes (used to finish a drain).
    package var onIdle: (() -> Void)?
    /// One warning per interval for each refusal reason, summing the refusals since the last; this loop's only.
    var refusalWarnings: [String: LogThrottle] = [:]

    /// Creates the proxy for `upstream`, sending through `forwarder` on `loop`.
    /// - Parameter sharing: the first loop's proxy of the same upstream, whose quota gates, budget, breaker and
    ///   in-flight count this one shares; nil for the first loop's own.
    package init(
        upstream: UpstreamSettings, replayLimit: Int, forwarder: Forwarder, loop: EventLoop, logger: Logger,
        sharing: ProxyService? = nil
    ) {
        self.upstream = upstream
        self.replayLimit = replayLimit
        profile = UpstreamProfile(upstream: upstream, replayLimit: replayLimit)
        if let sharing {
            quota = sharing.quota
            health = sharing.health
            upstreamInFlight = sharing.upstreamInFlight
        } else {
            quota = QuotaKeeper(upstream: upstream.name, policy: upstream.quota, loop: loop)
            health = HealthMonitor(budget: upstream.budget, breaker: upstream.breaker, now: loop.now)
            upstreamInFlight = InFlightCount()
        }
        ownsUpstreamState = sharing == nil
        self.forwarder = forwarder
        self.loop = loop
        self.logger = logger
        timers = ExchangeTimers(loop: loop)
        if sharing == nil { quota.onChange = { [unowned self] gate, change in self.gateChanged(gate, change) } }
    }

    /// Starts the exchange for a request that arrived on this upstream's listener.
    package func connection(_ connection: ClientConnection, didReceive head: RequestHead) -> RequestSink {
        for observer in observers { observer.exchangeStarted(upstream: upstream.name) }
        let exchange = Exchange(head: head, connection: connection, service: self, profile: profile)
        exchanges[ObjectIdentifier(exchange)] = exchange
        upstreamInFlight.add(1)
        exchange.begin()
        return exchange
    }

    /// Takes a reloaded configuration for the exchanges that start from now on; those in flight keep theirs.
    package func reconfigure(upstream: UpstreamSettings, replayLimit: Int) {
        self.upstream = upstream
        self.replayLimit = replayLimit
        profile = UpstreamProfile(upstream: upstream, replayLimit: replayLimit)
        // The first loop's proxy reconfigures the shared state, once for all loops.
        guard ownsUpstreamState else { return }
        quota.reconfigure(policy: upstream.quota)
        health.reconfigure(budget: upstream.budget, breaker: upstream.breaker, now: loop.now)
    }

    /// The gate of `bucket`, or the upstream's default gate when no rule names one.
    func gate(forBucket bucket: String?) -> BucketGate {
        if let bucket { return quota.gate(named: bucket) }
        let generation = quota.generation
        if let defaultGate, defaultGate.generation == generation { return defaultGate.gate }
        let gate = quota.gate(named: QuotaKeeper.defaultBucket)
        defaultGate = (generation, gate)
        return gate
    }

    func exchangeFinished(_ exchange: Exchange) {
        guard exchanges.removeValue(forKey: ObjectIdentifier(exchange)) != nil else { return }
        upstreamInFlight.add(-1)
        if exchanges.isEmpty { onIdle?() }
    }

    /// Ends every unfinished exchange now (the shutdown timeout passed).
    package func finishAllForShutdown() {
        for exchange in Array(exchanges.values) { exchange.finishForShutdown() }
    }
}

/// A count several loops change and any thread reads.
final class InFlightCount: Sendable {
    private let value = Atomic<Int>(0)

    /// The count now.
    var current: Int { value.load(ordering: .relaxed) }

    func add(_ delta: Int) {
        value.wrappingAdd(delta, ordering: .relaxed)
    }
}
