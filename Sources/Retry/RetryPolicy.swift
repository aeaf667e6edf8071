/// The retry rules for one upstream or one endpoint rule; defaults in one place.
package struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, counting the first one (vendor guidance: four retries).
    package var maxAttempts = 5
    /// Bound on the whole exchange, waits included.
    package var deadline: Duration = .seconds(60)
    /// Statuses retried with backoff.
    package var retryStatuses: Set<Int> = [500, 502, 503, 504]
    /// Statuses retried after the announced reset.
    package var rateLimitStatuses: Set<Int> = [429]
    /// Statuses that mean "refused, not processed", so even a non-idempotent request may be retried.
    package var nonIdempotentStatuses: Set<Int> = [429, 503]
    /// The longest announced wait retryd will sit out; a longer one goes straight to the client.
    package var maxRateLimitWait: Duration = .seconds(60)
    /// Exponential backoff used when no schedule is set.
    package var backoff = Backoff()
    /// The header in which retryd gives each non-idempotent request that has none a fresh key (the same on every
    /// attempt), so it is retried like an idempotent one; nil to add none.
    package var idempotencyKey: String? = nil
    /// Fixed waits that replace the exponential backoff when set; the last entry repeats.
    package var schedule: [Duration]? = nil

    /// Creates the default policy.
    package init() {}
}
