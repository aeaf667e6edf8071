/// One upstream's retry budget and circuit breaker as `/status` shows them.
package struct HealthStatus: Sendable, Equatable, Encodable {
    /// The retry budget now.
    package struct Budget: Sendable, Equatable, Encodable {
        /// Retries made in the window.
        package var spent: Int
        /// Retries the window still allows.
        package var left: Int
        /// The window, e.g. "10s".
        package var window: String

        /// Creates the budget's status.
        package init(spent: Int, left: Int, window: String) {
            self.spent = spent
            self.left = left
            self.window = window
        }
    }

    /// The circuit breaker now.
    package struct Breaker: Sendable, Equatable, Encodable {
        /// "closed", "open" or "half_open".
        package var state: String
        /// When it last changed state, RFC 3339 UTC.
        package var since: String
        /// Seconds until the trial requests go, while open.
        package var retryAfter: Int?
        /// Failures ÷ final outcomes in the window (0 while the window is empty).
        package var failureRatio: Double
        /// Final outcomes in the window.
        package var outcomes: Int
        /// Of which failures.
        package var failures: Int

        /// Creates the breaker's status.
        package init(
            state: String, since: String, retryAfter: Int? = nil, failureRatio: Double, outcomes: Int, failures: Int
        ) {
            self.state = state
            self.since = since
            self.retryAfter = retryAfter
            self.failureRatio = failureRatio
            self.outcomes = outcomes
            self.failures = failures
        }
    }

    /// Nil with `budget = false`.
    package var budget: Budget?
    /// Nil with `enabled = false`.
    package var breaker: Breaker?

    /// Creates an upstream's health status.
    package init(budget: Budget?, breaker: Breaker?) {
        self.budget = budget
        self.breaker = breaker
    }
}
