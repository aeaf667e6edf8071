import Admission
import Retry

extension RetrydConfig {
    /// One line saying how many retries may add to the upstream's load.
    static func describe(_ budget: RetryBudgetPolicy) -> String {
        guard budget.enabled else { return "off (retries bounded by max_attempts and the deadline only)" }
        return "retries add at most \(percent(budget.ratio)) of the requests of the last"
            + " \(Durations.format(budget.window)) plus \(number(budget.minPerSecond))/s; rate-limit waits are free"
    }

    /// One line saying when the breaker opens and how it closes.
    static func describe(_ breaker: BreakerPolicy) -> String {
        guard breaker.enabled else { return "off" }
        return "opens when \(percent(breaker.failureRatio)) of at least \(breaker.minRequests) outcomes in"
            + " \(Durations.format(breaker.window)) failed; fails fast for \(Durations.format(breaker.openFor)),"
            + " then \(breaker.trialRequests) trial \(breaker.trialRequests == 1 ? "request" : "requests")"
    }

    private static func percent(_ ratio: Double) -> String {
        number(ratio * 100) + "%"
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
