import Admission
import Retry
import Testing

/// Budget and breaker together, as an exchange consults them.
@Suite struct UpstreamHealthTests {
    static let second: Int64 = 1_000_000_000

    static func health(minRequests: Int = 10) -> UpstreamHealth {
        var budget = RetryBudgetPolicy()
        budget.minPerSecond = 0.1
        var breaker = BreakerPolicy()
        breaker.minRequests = minRequests
        return UpstreamHealth(budget: budget, breaker: breaker, now: 0)
    }

    @Test("first attempts fill the budget, retries spend it, and a spent budget denies the next retry")
    func budgetAllowance() {
        var health = Self.health()
        #expect(health.admit(firstAttempt: true, usesBreaker: true, now: 0).0 == .go(trial: nil))
        #expect(health.retryAllowance(usesBreaker: true, now: 0) == .allowed, "the floor allows one retry")
        let withdrawn = health.withdrawRetry(now: 0)
        #expect(withdrawn)
        #expect(health.retryAllowance(usesBreaker: true, now: 0) == .denied(.budgetExhausted))
        for _ in 0..<5 { _ = health.admit(firstAttempt: true, usesBreaker: true, now: 0) }
        #expect(health.retryAllowance(usesBreaker: true, now: 0) == .allowed, "six requests allow 0.2 × 6 + 1")
        _ = health.admit(firstAttempt: false, usesBreaker: true, now: 0)
        #expect(health.snapshot(now: 0).budget?.spent == 1)
        #expect(health.snapshot(now: 0).budget?.left == 1, "a retry's attempt deposits nothing")
    }

    @Test("an open breaker refuses attempts and retries; a rule that opted out still goes")
    func breakerVerdicts() {
        var health = Self.health(minRequests: 2)
        _ = health.record(failed: true, trial: nil, usesBreaker: true, now: 0)
        let transition = health.record(failed: true, trial: nil, usesBreaker: true, now: 0)
        #expect(transition == .opened(.init(outcomes: 2, failures: 2), until: 5 * Self.second))
        #expect(
            health.admit(firstAttempt: true, usesBreaker: true, now: Self.second).0 == .refuse(retryAfter: .seconds(4)))
        #expect(health.retryAllowance(usesBreaker: true, now: Self.second) == .denied(.breakerOpen))
        #expect(health.admit(firstAttempt: true, usesBreaker: false, now: Self.second).0 == .go(trial: nil))
        #expect(health.retryAllowance(usesBreaker: false, now: Self.second) == .allowed)
        #expect(health.record(failed: true, trial: nil, usesBreaker: false, now: Self.second) == nil)
    }

    @Test("budget = false and enabled = false leave every attempt and retry to the policy")
    func disabled() {
        var health = UpstreamHealth(budget: .off, breaker: .off, now: 0)
        for _ in 0..<100 {
            let withdrawn = health.withdrawRetry(now: 0)
            #expect(withdrawn)
            #expect(health.record(failed: true, trial: nil, usesBreaker: true, now: 0) == nil)
        }
        #expect(health.retryAllowance(usesBreaker: true, now: 0) == .allowed)
        #expect(health.admit(firstAttempt: true, usesBreaker: true, now: 0).0 == .go(trial: nil))
        #expect(health.snapshot(now: 0).budget == nil)
        #expect(health.snapshot(now: 0).breaker == nil)
    }

    @Test("a reload keeps an unchanged breaker open and starts a changed budget afresh")
    func reconfigure() {
        var health = Self.health(minRequests: 1)
        _ = health.record(failed: true, trial: nil, usesBreaker: true, now: 0)
        _ = health.withdrawRetry(now: 0)
        var budget = RetryBudgetPolicy()
        budget.ratio = 0.5
        var breaker = BreakerPolicy()
        breaker.minRequests = 1
        health.reconfigure(budget: budget, breaker: breaker, now: Self.second)
        #expect(health.snapshot(now: Self.second).breaker == .open(until: 5 * Self.second))
        #expect(health.snapshot(now: Self.second).budget?.spent == 0)
    }
}
