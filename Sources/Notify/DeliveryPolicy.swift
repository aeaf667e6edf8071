import Retry

/// How give-up events are retried toward the webhook. `[notify]` sets attempts and timeout; the rest has
/// defaults here, in one place.
package struct DeliveryPolicy: Sendable, Equatable {
    /// Waits between attempts when the webhook announces none: 1 s, 2 s, 4 s, … up to a minute.
    package var backoff = Backoff(initial: .seconds(1), multiplier: 2, max: .seconds(60), jitter: .equal)
    /// The longest `Retry-After` sat out; a longer one fails the event, since the events queued behind it matter too.
    package var maxRetryAfter: Duration = .seconds(300)
    /// Bound on one event's delivery, waits included.
    package var deadline: Duration = .seconds(3600)
    /// How long gate and budget refusals are summed before their `requests_refused` event goes: in an outage one
    /// event per upstream and reason a minute, not one per refused request.
    package var summaryInterval: Duration = .seconds(60)

    /// Creates the default policy.
    package init() {}

    /// The planner policy for `maxAttempts` attempts: transport failures, every 5xx and 429 are retried.
    package func retryPolicy(maxAttempts: Int) -> RetryPolicy {
        var policy = RetryPolicy()
        policy.maxAttempts = maxAttempts
        policy.deadline = deadline
        policy.retryStatuses = Set(500...599)
        policy.rateLimitStatuses = [429]
        policy.maxRateLimitWait = maxRetryAfter
        policy.backoff = backoff
        policy.schedule = nil
        return policy
    }
}
