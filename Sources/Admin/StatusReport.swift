import Events
import Retry

/// The `/status` document: what each upstream forwards where, under which policies, and what is in flight.
///
/// Header values are left out on purpose: `set_headers` usually carries API keys.
package struct StatusReport: Sendable, Equatable, Encodable {
    /// One upstream as configured, with its live counts.
    package struct Upstream: Sendable, Equatable, Encodable {
        /// The configured name.
        package var name: String
        /// The configured listen address.
        package var listen: String
        /// The port actually bound (differs from `listen` when it asked for port 0).
        package var boundPort: UInt16?
        /// Where requests go: `scheme://host[:port]` plus the base path.
        package var url: String
        /// Exchanges in progress now.
        package var inFlight: Int
        /// Bound on connecting, e.g. "5s".
        package var connectTimeout: String
        /// Bound on one attempt, e.g. "30s".
        package var attemptTimeout: String
        /// The upstream-wide retry policy.
        package var policy: PolicySummary
        /// Per-endpoint overrides, first match wins.
        package var rules: [RuleSummary]
        /// The quota buckets in use: the gate, the estimate of the vendor's window, who waits.
        package var quota: [BucketStatus]
        /// The retry budget (spent, left) and the circuit breaker (state, since when, failure ratio).
        package var health: HealthStatus?
    }

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

    /// retryd's version.
    package var version: String
    /// Seconds since the admin listener started.
    package var uptimeSeconds: Double
    /// What `/readyz` answers now.
    package var ready: Bool
    /// Every upstream in configuration order.
    package var upstreams: [Upstream]
    /// The shared state (Redis), when configured.
    package var shared: SharedStatus?

    /// Builds the report from the upstreams in force and live counts (absent counts read as zero).
    package init(
        upstreams configured: [ConfiguredUpstream],
        boundPorts: [String: UInt16],
        inFlight: [String: Int],
        uptime: Duration,
        version: String,
        ready: Bool,
        buckets: [String: [BucketStatus]] = [:],
        shared: SharedStatus? = nil,
        health: [String: HealthStatus] = [:]
    ) {
        self.shared = shared
        self.version = version
        let (seconds, attoseconds) = uptime.components
        uptimeSeconds = Double(seconds) + Double(attoseconds / 1_000_000_000_000_000) / 1000
        self.ready = ready
        upstreams = configured.map { upstream in
            Upstream(
                name: upstream.name,
                listen: upstream.listen,
                boundPort: boundPorts[upstream.name],
                url: upstream.url,
                inFlight: inFlight[upstream.name] ?? 0,
                connectTimeout: Durations.format(upstream.connectTimeout),
                attemptTimeout: Durations.format(upstream.attemptTimeout),
                policy: PolicySummary(upstream.policy),
                rules: upstream.rules.map(RuleSummary.init), quota: buckets[upstream.name] ?? [],
                health: health[upstream.name])
        }
    }
}

extension StatusReport.PolicySummary {
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
            backoff = StatusReport.BackoffSummary(
                initial: Durations.format(policy.backoff.initial), multiplier: policy.backoff.multiplier,
                max: Durations.format(policy.backoff.max), jitter: policy.backoff.jitter.rawValue)
        }
    }
}

extension StatusReport.RuleSummary {
    /// Summarizes `rule`.
    package init(_ rule: EndpointRule) {
        methods = rule.methods?.sorted()
        path = rule.path?.glob
        policy = StatusReport.PolicySummary(rule.policy)
    }
}
