import Retry
import TestSupport
import Testing

@Suite struct BudgetTests {
    @Test func maxAttemptsCountsTheFirstAttempt() {
        #expect(waits(policy: .make(maxAttempts: 5)).count == 4)
        #expect(decideOnce(.status(503), attempt: 4) == .retry(after: .seconds(16), reason: .status(503)))
        #expect(decideOnce(.status(503), attempt: 5) == .giveUp(.attemptsExhausted))
        #expect(decideOnce(.status(200), attempt: 5) == .deliver)
    }

    @Test func noRetryOnceTheDeadlineHasPassed() {
        #expect(decideOnce(.status(503), elapsed: .seconds(60)) == .giveUp(.deadlineExceeded))
        #expect(decideOnce(.connectionReset, elapsed: .seconds(61)) == .giveUp(.deadlineExceeded))
        #expect(decideOnce(.status(200), elapsed: .seconds(61)) == .deliver)
    }

    @Test func backoffWaitThatWouldCrossTheDeadlineIsNotTaken() {
        #expect(decideOnce(.status(503), elapsed: .seconds(57)) == .retry(after: .seconds(2), reason: .status(503)))
        // Ending exactly at the deadline leaves the next attempt no time.
        #expect(decideOnce(.status(503), elapsed: .seconds(58)) == .giveUp(.deadlineExceeded))
        #expect(decideOnce(.status(503), elapsed: .milliseconds(58_500)) == .giveUp(.deadlineExceeded))
    }

    @Test func announcedWaitIsUsedAsIs() {
        #expect(
            decideOnce(.status(429, [("Retry-After", "12")])) == .retry(after: .seconds(12), reason: .rateLimited(429))
        )
        // Any retryable status honours an announcement, not only 429.
        #expect(decideOnce(.status(503, [("Retry-After", "7")])) == .retry(after: .seconds(7), reason: .status(503)))
    }

    @Test func announcedWaitBeyondMaxRateLimitWaitGivesUp() {
        let policy = RetryPolicy.make(deadline: .seconds(600), maxRateLimitWait: .seconds(60))
        #expect(
            decideOnce(.status(429, [("Retry-After", "60")]), policy: policy)
                == .retry(after: .seconds(60), reason: .rateLimited(429))
        )
        #expect(
            decideOnce(.status(429, [("Retry-After", "61")]), policy: policy) == .giveUp(.waitTooLong(.seconds(61)))
        )
    }

    @Test func announcedWaitBeyondTheDeadlineGivesUp() {
        let headers: [(name: String, value: String)] = [("RateLimit", "\"default\";r=0;t=30")]
        #expect(
            decideOnce(.status(429, headers), elapsed: .seconds(29))
                == .retry(after: .seconds(30), reason: .rateLimited(429))
        )
        #expect(decideOnce(.status(429, headers), elapsed: .seconds(30)) == .giveUp(.waitTooLong(.seconds(30))))
    }

    @Test func attemptBudgetIsTheTimeoutOrWhatIsLeft() {
        let planner = RetryPlanner(policy: .make(deadline: .seconds(60)), request: RequestTraits(method: "GET"))
        #expect(planner.attemptBudget(elapsed: .zero, attemptTimeout: .seconds(10)) == .seconds(10))
        #expect(planner.attemptBudget(elapsed: .seconds(55), attemptTimeout: .seconds(10)) == .seconds(5))
        #expect(planner.attemptBudget(elapsed: .seconds(60), attemptTimeout: .seconds(10)) == nil)
        #expect(planner.attemptBudget(elapsed: .seconds(75), attemptTimeout: .seconds(10)) == nil)
    }

    @Test func historyRecordsEachAttemptAndTheWaitAfterIt() {
        var planner = RetryPlanner(policy: .make(maxAttempts: 3), request: RequestTraits(method: "GET"))
        var random = SplitMix64(seed: 1)
        let outcomes: [AttemptOutcome] = [.status(503), .connectionRefused, .status(502)]
        var decisions: [Decision] = []
        for (index, outcome) in outcomes.enumerated() {
            decisions.append(planner.decide(outcome, attempt: index + 1, elapsed: .zero, now: testNow, using: &random))
        }
        #expect(decisions.last == .giveUp(.attemptsExhausted))
        #expect(
            planner.history == [
                GiveUpReport.Attempt(outcome: "503", waitedAfter: .seconds(2)),
                GiveUpReport.Attempt(outcome: "connection refused", waitedAfter: .seconds(4)),
                GiveUpReport.Attempt(outcome: "502", waitedAfter: nil),
            ]
        )
    }
}

@Suite("Final attempts")
struct FinalAttemptTests {
    @Test("an attempt recorded as final appears in the history without a wait")
    func recordFinal() {
        var planner = RetryPlanner(policy: RetryPolicy(), request: RequestTraits(method: "GET"))
        planner.recordFinal(.failure(TransportFailure(kind: .unsent, message: "SSL certificate problem")))
        #expect(planner.history == [GiveUpReport.Attempt(outcome: "SSL certificate problem", waitedAfter: nil)])
    }
}
