import Retry

/// What `/status` shows of one upstream's settings, in terms Admin can read without importing the proxy that owns
/// them. Header values are left out on purpose: `set_headers` usually carries API keys.
package struct ConfiguredUpstream: Sendable, Equatable {
    /// The configured name.
    package var name: String
    /// The configured listen address, as written (`127.0.0.1:8080`, `[::1]:0`).
    package var listen: String
    /// Where requests go: `scheme://host[:port]` plus the base path.
    package var url: String
    /// Bound on establishing one upstream connection.
    package var connectTimeout: Duration
    /// Bound on one attempt.
    package var attemptTimeout: Duration
    /// The upstream-wide retry policy.
    package var policy: RetryPolicy
    /// Per-endpoint overrides, first match wins.
    package var rules: [EndpointRule]

    /// Creates the description of one upstream.
    package init(
        name: String, listen: String, url: String, connectTimeout: Duration, attemptTimeout: Duration,
        policy: RetryPolicy, rules: [EndpointRule]
    ) {
        self.name = name
        self.listen = listen
        self.url = url
        self.connectTimeout = connectTimeout
        self.attemptTimeout = attemptTimeout
        self.policy = policy
        self.rules = rules
    }
}
