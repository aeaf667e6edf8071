import Retry

extension ConfiguredUpstream {
    /// A retry policy with durations written as in the configuration file.
    package struct PolicySummary: Sendable, Equatable, Encodable {
        /// Attempts in all, counting the first.
        package var maxAttempts: Int
        /// Bound on the whole exchange, waits included.
        package var deadline: String
        /// Statuses retried with backoff.
        package var retryStatuses: [Int]
        /// Statuses retried after the announced reset.
        package var rateLimitStatuses: [Int]
        /// Statuses on which non-idempotent requests are retried too.
        package var nonIdempotentStatuses: [Int]
        /// The longest announced wait sat out.
        package var maxRateLimitWait: String
        /// Exponential backoff; nil when a fixed schedule replaces it.
        package var backoff: BackoffSummary?
        /// Fixed waits (the last repeats); nil when backoff applies.
        package var schedule: [String]?
    }

    /// Exponential backoff parameters.
    package struct BackoffSummary: Sendable, Equatable, Encodable {
        /// The first wait.
        package var initial: String
        /// Growth factor between waits.
        package var multiplier: Double
        /// Cap on one wait.
        package var max: String
        /// "none", "full", "equal" or "decorrelated".
        package var jitter: String
    }

    /// One endpoint rule: what it matches and its complete policy.
    package struct RuleSummary: Sendable, Equatable, Encodable {
        /// Methods matched, sorted; nil matches any.
        package var methods: [String]?
        /// Path glob matched; nil matches any.
        package var path: String?
        /// The effective policy when the rule matches.
        package var policy: PolicySummary
    }
}

extension ConfiguredUpstream.PolicySummary {
    /// Summarizes `policy`.
    package init(_ policy: RetryPolicy) {
        maxAttempts = policy.maxAttempts
        deadline = Durations.format(policy.deadline)
        retryStatuses = policy.retryStatuses.sorted()
        rateLimitStatuses = policy.rateLimitStatuses.sorted()
        nonIdempotentStatuses = policy.nonIdempotentStatuses.sorted()
        maxRateLimitWait = Durations.format(policy.maxRateLimitWait)
        if let schedule = policy.schedule {
            self.schedule = schedule.map(Durations.format)
        } else {
            backoff = ConfiguredUpstream.BackoffSummary(
                initial: Durations.format(policy.backoff.initial), multiplier: policy.backoff.multiplier,
                max: Durations.format(policy.backoff.max), jitter: policy.backoff.jitter.rawValue)
        }
    }
}

extension ConfiguredUpstream.RuleSummary {
    /// Summarizes `rule`.
    package init(_ rule: EndpointRule) {
        methods = rule.methods?.sorted()
        path = rule.path?.glob
        policy = ConfiguredUpstream.PolicySummary(rule.policy)
    }
}
