import Retry
import TestSupport
import Testing

/// What the planner does when the upstream as a whole takes no more retries.
@Suite struct RetryAllowanceTests {
    static func decide(_ outcome: AttemptOutcome, allowance: RetryAllowance) -> (Decision, [GiveUpReport.Attempt]) {
        var planner = RetryPlanner(policy: .make(), request: RequestTraits(method: "GET"))
        planner.allowance = allowance
        var random = SplitMix64(seed: 1)
        let decision = planner.decide(outcome, attempt: 1, elapsed: .zero, now: testNow, using: &random)
        return (decision, planner.history)
    }

    @Test(
        "a denied allowance makes a retryable status or failure final, with the allowance's reason",
        arguments: [RetryAllowance.denied(.budgetExhausted), .denied(.breakerOpen)])
    func deniedIsFinal(allowance: RetryAllowance) {
        guard case .denied(let reason) = allowance else { return }
        for outcome in [AttemptOutcome.status(503), .connectionRefused, .connectionReset] {
            let (decision, history) = Self.decide(outcome, allowance: allowance)
            #expect(decision == .giveUp(reason))
            #expect(history.last?.waitedAfter == nil, "the give-up report shows no wait after it")
        }
    }

    @Test("a rate limit's retry waits for the vendor whatever the allowance")
    func rateLimitsAreFree() {
        let (decision, _) = Self.decide(.status(429, [("Retry-After", "2")]), allowance: .denied(.budgetExhausted))
        #expect(decision == .retry(after: .seconds(2), reason: .rateLimited(429)))
    }

    @Test("final outcomes are delivered as before")
    func finalOutcomes() {
        #expect(Self.decide(.status(200), allowance: .denied(.budgetExhausted)).0 == .deliver)
        #expect(Self.decide(.status(404), allowance: .denied(.breakerOpen)).0 == .deliver)
    }

    @Test("the new reasons have stable codes for metrics")
    func codes() {
        #expect(GiveUpReason.budgetExhausted.code == "budget_exhausted")
        #expect(GiveUpReason.breakerOpen.code == "breaker_open")
        #expect(GiveUpReason.budgetExhausted.description == "retry budget exhausted")
    }
}
