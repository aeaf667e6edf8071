import Admission
import Config
import Testing

/// `[upstream.retry] budget`, `[upstream.breaker]` and a rule's `breaker = false`.
@Suite struct HealthConfigTests {
    @Test func budgetAndBreakerAreOnByDefault() throws {
        let upstream = try #require(try parseConfig(minimalUpstream).upstreams.first)
        #expect(upstream.budget == RetryBudgetPolicy())
        #expect(upstream.budget.enabled && upstream.budget.ratio == 0.2 && upstream.budget.minPerSecond == 3)
        #expect(upstream.budget.window == .seconds(10))
        #expect(upstream.breaker == BreakerPolicy())
        #expect(upstream.breaker.enabled && upstream.breaker.failureRatio == 0.5 && upstream.breaker.minRequests == 10)
        #expect(upstream.breaker.openFor == .seconds(5) && upstream.breaker.trialRequests == 3)
    }

    @Test func budgetBreakerAndRuleOptOutAreRead() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [upstream.retry]
                max_attempts = 4
                budget = { ratio = 0.1, min_per_second = 1.5, window = "30s" }
                [upstream.breaker]
                failure_ratio = 0.8
                min_requests = 50
                window = "1m"
                open_for = "20s"
                trial_requests = 1
                [[upstream.rule]]
                path = "/v1/health"
                breaker = false
                """
        )
        let upstream = try #require(config.upstreams.first)
        #expect(upstream.retry.maxAttempts == 4)
        #expect(upstream.budget.ratio == 0.1 && upstream.budget.minPerSecond == 1.5)
        #expect(upstream.budget.window == .seconds(30))
        #expect(upstream.breaker.failureRatio == 0.8 && upstream.breaker.minRequests == 50)
        #expect(upstream.breaker.window == .seconds(60) && upstream.breaker.openFor == .seconds(20))
        #expect(upstream.breaker.trialRequests == 1)
        #expect(upstream.rules.first?.usesBreaker == false)
        let lines = config.summary.split(separator: "\n").map(String.init)
        #expect(
            lines.contains(
                "  retry budget: retries add at most 10% of the requests of the last 30s plus 1.5/s;"
                    + " rate-limit waits are free"))
        #expect(
            lines.contains(
                "  breaker: opens when 80% of at least 50 outcomes in 1m failed; fails fast for 20s, then 1 trial request"
            ))
        #expect(lines.contains { $0.hasPrefix("  rule 1 (any method /v1/health) [no breaker]: ") })
    }

    @Test func budgetFalseAndEnabledFalseTurnThemOff() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [upstream.retry]
                budget = false
                [upstream.breaker]
                enabled = false
                """
        )
        let upstream = try #require(config.upstreams.first)
        #expect(!upstream.budget.enabled)
        #expect(!upstream.breaker.enabled)
        let lines = config.summary.split(separator: "\n").map(String.init)
        #expect(lines.contains("  retry budget: off (retries bounded by max_attempts and the deadline only)"))
        #expect(lines.contains("  breaker: off"))
    }

    static let errors: [ErrorCase] = [
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nbudget = \"on\"", line: 6, key: "upstream[0].retry.budget",
            message: "expected a table such as { ratio = 0.2"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nbudget = { ration = 0.2 }", line: 6,
            key: "upstream[0].retry.budget.ration", message: "did you mean ratio?"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nbudget = { ratio = -1 }", line: 6,
            key: "upstream[0].retry.budget.ratio", message: "at least 0"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nbudget = { window = \"0s\" }", line: 6,
            key: "upstream[0].retry.budget.window", message: "greater than zero"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.breaker]\nfailure_ratio = 1.5", line: 6,
            key: "upstream[0].breaker.failure_ratio", message: "at most 1"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.breaker]\nmin_requests = 0", line: 6,
            key: "upstream[0].breaker.min_requests", message: "out of range"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.breaker]\nopen_for = \"soon\"", line: 6,
            key: "upstream[0].breaker.open_for", message: "is not a duration"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.breaker]\ntrial_request = 2", line: 6,
            key: "upstream[0].breaker.trial_request", message: "did you mean trial_requests?"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.breaker]\nenabled = \"no\"", line: 6,
            key: "upstream[0].breaker.enabled", message: "expected true or false"),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream.rule]]\npath = \"/x\"\nbreaker = 0", line: 7,
            key: "upstream[0].rule[0].breaker", message: "expected true or false"),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream.rule]]\npath = \"/x\"\nbudget = false", line: 7,
            key: "upstream[0].rule[0].budget", message: "set it in [upstream.retry]"),
    ]

    @Test(arguments: errors)
    func errorsNameFileLineAndKey(_ errorCase: ErrorCase) {
        check(errorCase)
    }
}
