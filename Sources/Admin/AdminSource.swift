import Events
import Loop

/// What the admin endpoints read from the running proxy, so that Admin need not depend on it: the executable (and
/// tests) declare that the proxy runtime is one.
package protocol AdminSource: AnyObject {
    /// The loop everything runs on; the admin listener joins it.
    var loop: EventLoop { get }
    /// The upstreams in force, in configuration order (they change on reload).
    var configuredUpstreams: [ConfiguredUpstream] { get }
    /// The port each upstream's listener is bound to, by upstream name.
    var boundPorts: [String: UInt16] { get }
    /// Exchanges in flight per upstream name.
    var inFlightExchanges: [String: Int] { get }
    /// Adds an observer to every upstream's exchanges.
    func addObserver(_ observer: ExchangeObserver)
    /// Each upstream's quota buckets, by upstream name.
    var bucketStatuses: [String: [BucketStatus]] { get }
    /// The shared state, when configured.
    var sharedStatus: SharedStatus? { get }
    /// Each upstream's retry budget and circuit breaker, by upstream name.
    var healthStatuses: [String: HealthStatus] { get }
}

extension AdminSource {
    /// Sources without budgets or breakers show none.
    package var healthStatuses: [String: HealthStatus] { [:] }
}
