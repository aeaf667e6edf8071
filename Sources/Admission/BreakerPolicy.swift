/// When an upstream's circuit breaker opens and how it closes again: `[upstream.breaker]`; defaults in one place.
package struct BreakerPolicy: Sendable, Equatable {
    /// False for `enabled = false`: every request goes upstream whatever happened to the earlier ones.
    package var enabled = true
    /// The share of the window's final outcomes that must be failures for the breaker to open.
    package var failureRatio = 0.5
    /// Final outcomes the window must hold before their ratio counts, so a handful of failures opens nothing.
    package var minRequests = 10
    /// The span final outcomes are counted over.
    package var window: Duration = .seconds(10)
    /// How long the breaker stays open before trial requests go.
    package var openFor: Duration = .seconds(5)
    /// Requests let through after `openFor`; all of them must succeed for the breaker to close.
    package var trialRequests = 3

    /// Creates the default breaker.
    package init() {}
}
