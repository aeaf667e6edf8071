import HTTP1
import Retry

extension ExchangeStateMachine {
    /// What one exchange holds of its upstream's breaker between its attempts.
    struct HealthRecord {
        /// The half-open breaker's trial this request is, if it is one.
        var trial: Int?
        /// Attempts ended so far.
        var endedAttempts = 0
        /// The status of the last attempt that ended; nil for a failure.
        var lastEndedStatus: Int?
    }

    /// The upstream's health answered ``Action/consultHealth(firstAttempt:usesBreaker:)``: a go lets the attempt
    /// go (through the gate), a refusal ends the exchange at once with retryd's 503, or with the retryable response
    /// kept whole when a retry is what the breaker refused; either way a `breakerOpen` give-up.
    package mutating func consulted(_ verdict: HealthVerdict, now: Int64) -> Action {
        switch state {
        case .receivingRequest, .waiting, .probing:
            // Asked right after the action that asked it: before the first attempt, at the end of a wait, or when a
            // probe found the request not applied.
            break
        case .waitingAtGate, .attempting, .discarding, .delivering, .finished, .modifying:
            assertionFailure("consulted in \(phase)")
            return .none
        }
        let refusal: Refusal
        switch verdict {
        case .go(let trial):
            if let trial { health.trial = trial }
            return throughGate(now: now)
        case .refuse(let answer):
            refusal = answer
        }
        if case .waiting(let pending) = state, let kept = pending.kept, kept.isComplete {
            return finish(keeping: kept, giveUp: .breakerOpen)
        }
        // Before its first attempt too: every request retryd fails is on record. The shell sums refusals for the
        // log and the webhook, so an open breaker does not flood them.
        return finish(status: refusal.status, answer: .refusal(refusal), giveUp: .breakerOpen)
    }

    /// Asks the upstream's health about the next attempt. A trial's own retry (after a rate limit) is still that one
    /// trial: asking the breaker again would take a second trial place that no outcome ever gives back.
    func consultHealth() -> Action {
        .consultHealth(firstAttempt: attempts == 0, usesBreaker: configuration.usesBreaker && health.trial == nil)
    }

    /// Whether a retry with `plan`, decided as its attempt ended, spends the budget: every retry does but a rate
    /// limit's, whose wait the upstream asked for.
    func spendsBudget(_ plan: RetryPlan) -> Bool {
        guard configuration.consultsHealth else { return false }
        if case .rateLimited = plan.reason { return false }
        return true
    }

    /// An attempt ended with `status` (nil for a failure) after `duration`: counted for the breaker's outcome.
    mutating func attemptEnded(status: Int?, at now: Int64, startedAt: Int64) -> AttemptEnd {
        health.endedAttempts += 1
        health.lastEndedStatus = status
        return AttemptEnd(status: status, duration: .nanoseconds(now - startedAt))
    }

    /// What the exchange's end means for the breaker: its outcome counts when its last attempt ended (a failure is a
    /// transport failure or a `retry_statuses` status); a trial that never got an outcome lets another go.
    func healthOutcome() -> HealthOutcome? {
        guard configuration.consultsHealth else { return nil }
        guard health.endedAttempts > 0, health.endedAttempts == attempts else {
            return health.trial.map { .abandon(trial: $0) }
        }
        let failed = health.lastEndedStatus.map { planner.policy.retryStatuses.contains($0) } ?? true
        return .record(failed: failed, trial: health.trial, usesBreaker: configuration.usesBreaker)
    }
}
