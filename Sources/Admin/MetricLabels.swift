import Retry

/// Label values with bounded cardinality: statuses become classes so a misbehaving upstream cannot mint series.
enum MetricLabels {
    /// "2xx", "5xx", …; "other" for values outside 100–599.
    static func statusClass(_ status: Int) -> String {
        guard (100..<600).contains(status) else { return "other" }
        return "\(status / 100)xx"
    }

    /// An attempt's outcome: its status class, or "failure" when no response head arrived.
    static func outcome(status: Int?) -> String {
        status.map(statusClass) ?? "failure"
    }

    /// "5xx" for a retried status, the status itself ("429") for a rate limit, "unsent" or "maybe_processed".
    static func reason(_ reason: RetryReason) -> String {
        switch reason {
        case .status(let status): statusClass(status)
        // Rate-limit statuses come from configuration, so the exact code is bounded and worth keeping.
        case .rateLimited(let status): (100..<600).contains(status) ? String(status) : "other"
        case .unsent: "unsent"
        case .maybeProcessed: "maybe_processed"
        }
    }
}
