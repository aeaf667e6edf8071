/// What happens to an upstream's circuit breaker and retry budget, as observers hear it.
package enum HealthEvent: Sendable, Equatable {
    /// `failures` of the window's `outcomes` failed: requests fail fast for `openFor`.
    case breakerOpened(failures: Int, outcomes: Int, openFor: Duration)
    /// `openFor` passed: trial requests go.
    case breakerHalfOpen
    /// A trial failed: open again for `openFor`.
    case breakerReopened(openFor: Duration)
    /// Every trial succeeded: requests go again.
    case breakerClosed(trials: Int)
    /// A request was answered 503 by retryd because the breaker is open.
    case breakerRefused
}

extension HealthEvent {
    /// The breaker state this event leaves: "open", "half_open" or "closed"; nil for a refusal.
    package var breakerState: String? {
        switch self {
        case .breakerOpened, .breakerReopened: "open"
        case .breakerHalfOpen: "half_open"
        case .breakerClosed: "closed"
        case .breakerRefused: nil
        }
    }
}
