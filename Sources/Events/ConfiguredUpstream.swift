import Retry

/// What `/status` shows of one upstream's settings, with durations written as in the configuration file. It sits
/// here so that Admin can show it without importing the proxy that owns the settings. Header values are left out on
/// purpose: `set_headers` usually carries API keys.
package struct ConfiguredUpstream: Sendable, Equatable, Encodable {
    /// The configured name.
    package var name: String
    /// The configured listen address (`127.0.0.1:8080`, `[::1]:0`).
    package var listen: String
    /// Where requests go: `scheme://host[:port]` plus the base path.
    package var url: String
    /// Bound on connecting, e.g. "5s".
    package var connectTimeout: String
    /// Bound on one attempt, e.g. "30s".
    package var attemptTimeout: String
    /// The upstream-wide retry policy.
    package var policy: PolicySummary
    /// Per-endpoint overrides, first match wins.
    package var rules: [RuleSummary]

    /// Describes one upstream.
    package init(
        name: String, listen: String, url: String, connectTimeout: Duration, attemptTimeout: Duration,
        policy: RetryPolicy, rules: [EndpointRule]
    ) {
        self.name = name
        self.listen = listen
        self.url = url
        self.connectTimeout = Durations.format(connectTimeout)
        self.attemptTimeout = Durations.format(attemptTimeout)
        self.policy = PolicySummary(policy)
        self.rules = rules.map(RuleSummary.init)
    }
}
