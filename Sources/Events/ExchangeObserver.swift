import Retry

/// Hears what exchanges do, for metrics and notifications; every call comes on a loop thread and must not block.
///
/// With several event loops, an observer that is not ``isThreadSafe`` hears every call on the runtime's first
/// loop, in the order each loop made them.
package protocol ExchangeObserver: AnyObject {
    /// Whether calls may come from every loop's thread at once; otherwise they are handed to the first loop.
    var isThreadSafe: Bool { get }
    /// Whether the four per-exchange calls matter; observers of give-ups and gates skip handing them over.
    var wantsExchangeEvents: Bool { get }
    /// A client request arrived for `upstream`.
    func exchangeStarted(upstream: String)
    /// One attempt ended: with a response `status`, or with a transport failure (`status` nil); `duration` from its start.
    func attemptFinished(upstream: String, status: Int?, duration: Duration)
    /// A retry was scheduled after `wait` for `reason`.
    func retryScheduled(upstream: String, reason: RetryReason, wait: Duration)
    /// The client got its one response (`status` 499 when it left first) after `attempts` attempts.
    func exchangeFinished(upstream: String, status: Int, attempts: Int, duration: Duration)
    /// Retrying stopped short of success; the report carries everything the give-up log line does.
    func gaveUp(_ report: GiveUpReport)
    /// A client connection to `upstream`'s listener arrived past `max_connections` and was answered 503.
    func connectionRefused(upstream: String)
    /// Something happened at one of `upstream`'s quota gates (`bucket` is "default" for the upstream's own).
    func gateEvent(upstream: String, bucket: String, _ event: GateEvent)
    /// The shared state (Redis) became reachable or unreachable.
    func sharedStateChanged(connected: Bool)
    /// A verify probe found out whether a request that may have been processed was applied.
    func verified(upstream: String, verdict: ProbeVerdict)
    /// `upstream`'s circuit breaker changed state or refused a request.
    func healthEvent(upstream: String, _ event: HealthEvent)
}

extension ExchangeObserver {
    /// Most observers keep state of their own loop.
    package var isThreadSafe: Bool { false }
    /// Most observers count exchanges.
    package var wantsExchangeEvents: Bool { true }
    /// Most observers care about exchanges only.
    package func connectionRefused(upstream: String) {}
    /// Most observers care about exchanges only.
    package func gateEvent(upstream: String, bucket: String, _ event: GateEvent) {}
    /// Most observers care about exchanges only.
    package func sharedStateChanged(connected: Bool) {}
    package func verified(upstream: String, verdict: ProbeVerdict) {}
    /// Most observers care about exchanges only.
    package func healthEvent(upstream: String, _ event: HealthEvent) {}
}

/// What happens at a quota gate, as observers hear it.
package enum GateEvent: Sendable, Equatable {
    /// A response (here, or at another instance when `instance` is set) announced a wait: the gate is closed until
    /// `until` (wall-clock milliseconds).
    case closed(until: Int64, status: Int, header: String, instance: String?, waiting: Int)
    /// The trial after the wait was answered without a new one: requests go again.
    case opened(waiting: Int)
    /// A request began waiting: at the closed gate, for the window's quota, or for an attempt to end.
    case held(reason: String)
    /// A waiting request went after `waited`.
    case released(waited: Duration)
    /// A request could not wait long enough and was answered 429 by retryd.
    case refused
}
