import Retry

/// Everything one upstream's exchanges share about its health: the retry budget and the circuit breaker, consulted
/// before each attempt and told each final outcome.
///
/// Pure: times are monotonic nanoseconds passed in; the owner decides how it is shared (one loop, or a lock).
package struct UpstreamHealth: Sendable, Equatable {
    /// What an attempt may do now.
    package enum Verdict: Sendable, Equatable {
        /// It goes; `trial` is set when it is one of the half-open breaker's trials.
        case go(trial: Int?)
        /// The breaker is open: answer at once, the next trial in `retryAfter`.
        case refuse(retryAfter: Duration)
    }

    /// The budget; nil with `budget = false`.
    package private(set) var budget: RetryBudget?
    /// The breaker; nil with `enabled = false`.
    package private(set) var breaker: CircuitBreaker?
    /// The policies as configured, so a reload can tell what changed.
    private var budgetPolicy: RetryBudgetPolicy
    private var breakerPolicy: BreakerPolicy

    /// Creates a full budget and a closed breaker.
    package init(budget: RetryBudgetPolicy, breaker: BreakerPolicy, now: Int64) {
        self.budget = budget.enabled ? RetryBudget(policy: budget) : nil
        self.breaker = breaker.enabled ? CircuitBreaker(policy: breaker, now: now) : nil
        budgetPolicy = budget
        breakerPolicy = breaker
    }

    /// Asked before every attempt; a first attempt that goes counts toward the budget.
    /// - Parameter usesBreaker: false for a rule with `breaker = false`, whose requests always go.
    package mutating func admit(firstAttempt: Bool, usesBreaker: Bool, now: Int64) -> (
        Verdict, CircuitBreaker.Transition?
    ) {
        var trial: Int?
        var transition: CircuitBreaker.Transition?
        // In place through the optional: a copy taken out and written back costs a copy of the whole breaker.
        if usesBreaker, let (verdict, change) = breaker?.admit(now: now) {
            transition = change
            switch verdict {
            case .go: break
            case .trial(let generation): trial = generation
            case .refuse(let retryAfter): return (.refuse(retryAfter: retryAfter), transition)
            }
        }
        if firstAttempt { budget?.recordRequest(now: now) }
        return (.go(trial: trial), transition)
    }

    /// Whether a retry the vendor did not ask for may be decided now: not while the breaker is other than closed,
    /// not once the budget is spent.
    package func retryAllowance(usesBreaker: Bool, now: Int64) -> RetryAllowance {
        if usesBreaker, let breaker, breaker.state != .closed { return .denied(.breakerOpen) }
        if let budget, budget.left(now: now) == 0 { return .denied(.budgetExhausted) }
        return .allowed
    }

    /// A retry was decided: withdraw it; false when the budget was spent after all (another exchange got there).
    package mutating func withdrawRetry(now: Int64) -> Bool {
        budget?.withdraw(now: now) ?? true
    }

    /// An exchange's final outcome; nothing for a rule that opted out of the breaker.
    package mutating func record(failed: Bool, trial: Int?, usesBreaker: Bool, now: Int64)
        -> CircuitBreaker.Transition?
    {
        guard usesBreaker else { return nil }
        return breaker?.record(failed: failed, trial: trial, now: now) ?? nil
    }

    /// A trial ended without an outcome.
    package mutating func abandon(trial: Int) {
        breaker?.abandon(trial: trial)
    }

    /// A reload: an unchanged budget or breaker keeps its counts and state; a changed one starts afresh.
    package mutating func reconfigure(budget: RetryBudgetPolicy, breaker: BreakerPolicy, now: Int64) {
        if budget != budgetPolicy { self.budget = budget.enabled ? RetryBudget(policy: budget) : nil }
        if breaker != breakerPolicy { self.breaker = breaker.enabled ? CircuitBreaker(policy: breaker, now: now) : nil }
        budgetPolicy = budget
        breakerPolicy = breaker
    }
}

extension RetryBudgetPolicy {
    /// `budget = false`.
    package static var off: RetryBudgetPolicy {
        var policy = RetryBudgetPolicy()
        policy.enabled = false
        return policy
    }
}

extension BreakerPolicy {
    /// `enabled = false`.
    package static var off: BreakerPolicy {
        var policy = BreakerPolicy()
        policy.enabled = false
        return policy
    }
}
