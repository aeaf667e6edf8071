extension UpstreamHealth {
    /// What `/status` and `retryd check` show: the budget and the breaker at `now`.
    package struct Snapshot: Sendable, Equatable {
        /// Retries withdrawn in the budget's window, and retries it still allows; nil with `budget = false`.
        package var budget: (spent: Int, left: Int)?
        /// The breaker's state, nil when disabled.
        package var breaker: CircuitBreaker.State?
        /// When the breaker last changed state (monotonic nanoseconds).
        package var breakerChangedAt: Int64?
        /// The breaker window's final outcomes and failures.
        package var figures: CircuitBreaker.Figures?

        /// Field-by-field equality; written by hand because tuples are not `Equatable`.
        package static func == (lhs: Snapshot, rhs: Snapshot) -> Bool {
            lhs.budget?.spent == rhs.budget?.spent && lhs.budget?.left == rhs.budget?.left
                && lhs.breaker == rhs.breaker && lhs.breakerChangedAt == rhs.breakerChangedAt
                && lhs.figures == rhs.figures
        }
    }

    /// The budget and breaker as they stand at `now`.
    package func snapshot(now: Int64) -> Snapshot {
        Snapshot(
            budget: budget.map { (spent: $0.spent(now: now), left: $0.left(now: now)) },
            breaker: breaker?.state, breakerChangedAt: breaker?.changedAt, figures: breaker?.figures(now: now))
    }
}
