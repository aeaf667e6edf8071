import Admission
import ExchangeCore
import Retry

extension Exchange {
    /// Asks the upstream's breaker (and, for a first attempt, counts the request in its budget) what the machine
    /// asked; a refusal is the fast 503 with `Retry-After`.
    func consult(firstAttempt: Bool, usesBreaker: Bool) -> ExchangeStateMachine.HealthVerdict {
        let (verdict, transition) = service.health.admit(
            firstAttempt: firstAttempt, usesBreaker: usesBreaker, now: loop.now)
        if let transition { service.healthChanged(transition) }
        switch verdict {
        case .go(let trial):
            return .go(trial: trial)
        case .refuse(let retryAfter):
            service.breakerRefused()
            let seconds = max(Int((Double(retryAfter.nanoseconds) / 1e9).rounded(.up)), 1)
            return .refuse(
                .init(
                    status: 503, code: "circuit_open", retryAfter: seconds,
                    detail: "upstream \(profile.upstream.name) is failing: retryd's circuit breaker is open after"
                        + " \(service.breakerFailureDescription) and answers at once; the next trial request goes in"
                        + " \(seconds)s"))
        }
    }

    /// Tells the upstream's breaker what the machine decided the exchange's end means.
    func healthFinished(_ outcome: ExchangeStateMachine.HealthOutcome) {
        switch outcome {
        case .abandon(let trial):
            service.health.abandon(trial: trial)
        case .record(let failed, let trial, let usesBreaker):
            if let transition = service.health.record(
                failed: failed, trial: trial, usesBreaker: usesBreaker, now: loop.now)
            {
                service.healthChanged(transition)
            }
        }
    }
}
