import Config
import Forwarder
import HTTP1
import Listener
import Logging
import Retry

/// The proxy for one configured upstream: it turns each request arriving on its listener into an ``Exchange``.
public final class ProxyService: RequestHandler {
    /// The upstream's configuration (policies included); replaced on reload for new requests only.
    public var upstream: UpstreamConfig {
        didSet {
            policySelector = PolicySelector(base: upstream.retry, rules: upstream.rules)
            origin = upstream.url.origin
        }
    }
    /// Picks each request's policy from the upstream's rules.
    private(set) var policySelector: PolicySelector
    /// `upstream.url.origin`, built once rather than per attempt.
    private(set) var origin: String
    /// Hear about every exchange (metrics, notifications).
    public var observers: [ExchangeObserver] = []
    /// Request bodies up to this size are held so they can be replayed; larger ones stream through.
    public var replayLimit: Int
    let forwarder: Forwarder
    let loop: EventLoop
    let logger: Logger
    private var exchanges: [ObjectIdentifier: Exchange] = [:]
    /// Exchanges in flight (waiting, attempting or streaming).
    public var inFlight: Int { exchanges.count }
    /// Called when the last in-flight exchange finishes (used to finish a drain).
    public var onIdle: (() -> Void)?

    /// Creates the proxy for `upstream`, sending through `forwarder` on `loop`.
    public init(upstream: UpstreamConfig, replayLimit: Int, forwarder: Forwarder, loop: EventLoop, logger: Logger) {
        self.upstream = upstream
        self.policySelector = PolicySelector(base: upstream.retry, rules: upstream.rules)
        self.origin = upstream.url.origin
        self.replayLimit = replayLimit
        self.forwarder = forwarder
        self.loop = loop
        self.logger = logger
    }

    public func connection(_ connection: ClientConnection, didReceive head: RequestHead) -> RequestSink {
        for observer in observers { observer.exchangeStarted(upstream: upstream.name) }
        let exchange = Exchange(head: head, connection: connection, service: self)
        exchanges[ObjectIdentifier(exchange)] = exchange
        exchange.begin()
        return exchange
    }

    func exchangeFinished(_ exchange: Exchange) {
        exchanges[ObjectIdentifier(exchange)] = nil
        if exchanges.isEmpty { onIdle?() }
    }

    /// Ends every unfinished exchange now (the shutdown timeout passed).
    public func finishAllForShutdown() {
        for exchange in Array(exchanges.values) { exchange.finishForShutdown() }
    }
}
