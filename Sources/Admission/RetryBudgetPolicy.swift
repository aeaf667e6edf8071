/// How many retries an upstream's exchanges may add to its load: `[upstream.retry] budget`; defaults in one place.
///
/// Retries in the last `window` may number at most `ratio` of the requests of that window plus
/// `minPerSecond × window`. During an outage that keeps the load at about `1 + ratio` times the client traffic,
/// instead of `max_attempts` times; the floor keeps a low-traffic upstream's occasional failure retried in full.
package struct RetryBudgetPolicy: Sendable, Equatable {
    /// False for `budget = false`: retries are bounded by `max_attempts` and the deadline only.
    package var enabled = true
    /// Retries allowed per request of the window.
    package var ratio = 0.2
    /// Retries allowed per second of the window whatever the traffic.
    package var minPerSecond = 3.0
    /// The span retries and requests are counted over.
    package var window: Duration = .seconds(10)

    /// Creates the default budget.
    package init() {}
}
