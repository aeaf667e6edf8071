import Config
import Retry

/// The `/status` document: what each upstream forwards where, under which policies, and what is in flight.
///
/// Header values are left out on purpose: `set_headers` usually carries API keys.
public struct StatusReport: Sendable, Equatable, Encodable {
    /// One upstream as configured, with its live counts.
    public struct Upstream: Sendable, Equatable, Encodable {
        /// The configured name.
        public var name: String
        /// The configured listen address.
        public var listen: String
        /// The port actually bound (differs from `listen` when it asked for port 0).
        public var boundPort: UInt16?
        /// Where requests go: `scheme://host[:port]` plus the base path.
        public var url: String
        /// Exchanges in progress now.
        public var inFlight: Int
        /// Bound on connecting, e.g. "5s".
        public var connectTimeout: String
        /// Bound on one attempt, e.g. "30s".
        public var attemptTimeout: String
        /// The upstream-wide retry policy.
        public var policy: PolicySummary
        /// Per-endpoint overrides, first match wins.
        public var rules: [RuleSummary]
    }

    /// A retry policy with durations written as in the configuration file.
    public struct PolicySummary: Sendable, Equatable, Encodable {
        /// Attempts in all, counting the first.
        public var maxAttempts: Int
        /// Bound on the whole exchange, waits included.
        public var deadline: String
        /// Statuses retried with backoff.
        public var retryStatuses: [Int]
        /// Statuses retried after the announced reset.
        public var rateLimitStatuses: [Int]
        /// Statuses on which non-idempotent requests are retried too.
        public var nonIdempotentStatuses: [Int]
        /// The longest announced wait sat out.
        public var maxRateLimitWait: String
        /// Exponential backoff; nil when a fixed schedule replaces it.
        public var backoff: BackoffSummary?
        /// Fixed waits (the last repeats); nil when backoff applies.
        public var schedule: [String]?
    }

    /// Exponential backoff parameters.
    public struct BackoffSummary: Sendable, Equatable, Encodable {
        /// The first wait.
        public var initial: String
        /// Growth factor between waits.
        public var multiplier: Double
        /// Cap on one wait.
        public var max: String
        /// "none", "full", "equal" or "decorrelated".
        public var jitter: String
    }

    /// One endpoint rule: what it matches and its complete policy.
    public struct RuleSummary: Sendable, Equatable, Encodable {
        /// Methods matched, sorted; nil matches any.
        public var methods: [String]?
        /// Path glob matched; nil matches any.
        public var path: String?
        /// The effective policy when the rule matches.
        public var policy: PolicySummary
    }

    /// retryd's version.
    public var version: String
    /// Seconds since the admin listener started.
    public var uptimeSeconds: Double
    /// What `/readyz` answers now.
    public var ready: Bool
    /// Every upstream in configuration order.
    public var upstreams: [Upstream]

    /// Builds the report from the configuration and live counts (absent counts read as zero).
    public init(
        config: RetrydConfig,
        boundPorts: [String: UInt16],
        inFlight: [String: Int],
        uptime: Duration,
        version: String,
        ready: Bool
    ) {
        self.version = version
        let (seconds, attoseconds) = uptime.components
        uptimeSeconds = Double(seconds) + Double(attoseconds / 1_000_000_000_000_000) / 1000
        self.ready = ready
        upstreams = config.upstreams.map { upstream in
            Upstream(
                name: upstream.name,
                listen: upstream.listen.description,
                boundPort: boundPorts[upstream.name],
                url: upstream.url.origin + upstream.url.basePath,
                inFlight: inFlight[upstream.name] ?? 0,
                connectTimeout: Durations.format(upstream.connectTimeout),
                attemptTimeout: Durations.format(upstream.attemptTimeout),
                policy: PolicySummary(upstream.retry),
                rules: upstream.rules.map(RuleSummary.init))
        }
    }
}

extension StatusReport.PolicySummary {
    /// Summarizes `policy`.
    public init(_ policy: RetryPolicy) {
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
    public init(_ rule: EndpointRule) {
        methods = rule.methods?.sorted()
        path = rule.path?.glob
        policy = StatusReport.PolicySummary(rule.policy)
    }
}
