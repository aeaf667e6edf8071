import Retry

/// How an upstream's quota is respected: the `[upstream.quota]` table; defaults in one place.
package struct QuotaPolicy: Sendable, Equatable {
    /// Close the gate when a response announces a wait, holding every request for the bucket until then.
    package var gate = true
    /// Hold requests when the estimate of the quota left reaches `reserve`, until the window ends.
    package var pace = true
    /// Requests per window left unused (for other clients of the same API key).
    package var reserve = 0
    /// Attempts out at once per instance; 0 for no bound.
    package var maxInFlight = 0
    /// Statuses whose announced wait closes the gate: the rate-limit statuses, and 503 (maintenance) with a wait.
    package var closingStatuses: Set<Int> = [429, 503]
    /// Added to every reported reset: vendors round resets to whole seconds, and a request that arrives a moment
    /// before the window turns is a 429.
    package var resetMargin: Duration = .milliseconds(100)

    /// Creates the default policy.
    package init() {}
}

/// The longest wait a response announces, and which header announced it.
enum AnnouncedWait {
    static func longest(in headers: [(name: String, value: String)], now: Double) -> (Duration, String)? {
        RateLimitHeaders.longestAnnouncedWait(in: headers, now: now).map { ($0.wait, $0.header) }
    }
}
