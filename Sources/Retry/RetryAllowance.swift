/// Whether the upstream as a whole can take another retry now: set by the caller from state that outlives one
/// exchange (the retry budget, the circuit breaker), so the planner itself stays pure.
package enum RetryAllowance: Sendable, Equatable {
    /// Retries may go, as far as the policy allows.
    case allowed
    /// A retry the upstream did not ask for (any but a rate limit's) ends the exchange for this reason.
    case denied(GiveUpReason)
}
