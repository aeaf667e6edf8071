/// Histogram bucket bounds for retryd's duration metrics; defaults in one place.
package struct MetricsBuckets: Sendable, Equatable {
    /// Bounds for one attempt's duration: fast vendor calls in milliseconds up to attempts that hit a 30 s timeout.
    package var upstreamLatency: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30),
    ]
    /// Bounds for a scheduled wait between attempts: the default backoff's 1–2 s, 2–4 s, … steps and rate-limit
    /// waits up to the default 60 s `max_rate_limit_wait`.
    package var retryWait: [Duration] = [
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4),
        .seconds(8), .seconds(16), .seconds(30), .seconds(60),
    ]

    /// Creates the default buckets.
    package init() {}
}
