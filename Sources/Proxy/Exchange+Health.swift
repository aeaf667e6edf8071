import Admission
import Retry

/// What one exchange holds of its upstream's health between its attempts.
struct HealthTicket {
    /// Whether the request's rule lets the upstream's breaker stop it and count its outcome.
    var usesBreaker = true
    /// The half-open breaker's trial period this request is a trial of, if it is one.
    var trial: Int?
    /// Attempts ended so far.
    var endedAttempts = 0
    /// The status of the last attempt that ended; nil for a failure.
    var lastEndedStatus: Int?

    /// An attempt ended with `status` (nil for a transport failure).
    mutating func attemptEnded(status: Int?) {
        endedAttempts += 1
        lastEndedStatus = status
    }
}

extension Exchange {
    /// Asks the upstream's breaker (and, for a first attempt, counts the request in its budget); nil lets the
    /// attempt go, a refusal is the fast 503 with `Retry-After`.
    func consult(firstAttempt: Bool) -> GateRefusal? {
        // A trial's own retry (after a rate limit) is still that one trial: asking again would take a second trial
        // place that no outcome ever gives back.
        let (verdict, transition) = service.health.admit(
            firstAttempt: firstAttempt, usesBreaker: ticket.usesBreaker && ticket.trial == nil, now: loop.now)
        if let transition { service.healthChanged(transition) }
        switch verdict {
        case .go(let trial):
            if let trial { ticket.trial = trial }
            return nil
        case .refuse(let retryAfter):
            service.breakerRefused()
            let seconds = max(Int((Double(retryAfter.nanoseconds) / 1e9).rounded(.up)), 1)
            return GateRefusal(
                status: 503, code: "circuit_open", retryAfter: seconds,
                detail: "upstream \(profile.upstream.name) is failing: retryd's circuit breaker is open after"
                    + " \(service.breakerFailureDescription) and answers at once; the next trial request goes in"
                    + " \(seconds)s")
        }
    }

    /// A retry was decided: it spends the budget unless it waits for a rate limit's announced reset.
    func retryDecided(_ plan: ExchangeStateMachine.RetryPlan) {
        guard machine.configuration.consultsHealth else { return }
        if case .rateLimited = plan.reason { return }
        service.health.withdrawRetry(now: loop.now)
    }

    /// The exchange ended: its final outcome counts for the breaker when its last attempt ended (a failure is a
    /// transport failure or a `retry_statuses` status); a trial that never got an outcome lets another go.
    func healthFinished(_ finish: ExchangeStateMachine.Finish) {
        guard machine.configuration.consultsHealth else { return }
        guard ticket.endedAttempts > 0, ticket.endedAttempts == machine.attempts else {
            if let trial = ticket.trial { service.health.abandon(trial: trial) }
            return
        }
        let failed = ticket.lastEndedStatus.map { machine.planner.policy.retryStatuses.contains($0) } ?? true
        if let transition = service.health.record(
            failed: failed, trial: ticket.trial, usesBreaker: ticket.usesBreaker, now: loop.now)
        {
            service.healthChanged(transition)
        }
    }
}
