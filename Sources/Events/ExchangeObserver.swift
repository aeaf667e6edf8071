import Retry

/// Hears what exchanges do, for metrics and notifications; every call comes on the loop thread and must not block.
package protocol ExchangeObserver: AnyObject {
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
}

extension ExchangeObserver {
    /// Most observers care about exchanges only.
    package func connectionRefused(upstream: String) {}
}
