/// A per-endpoint override: the first rule whose methods and path match supplies the policy.
package struct EndpointRule: Sendable, Equatable {
    /// Methods the rule applies to (upper case); `nil` matches any method.
    package var methods: Set<String>?
    /// Path glob the rule applies to; `nil` matches any path.
    package var path: PathPattern?
    /// The complete policy (upstream policy with the rule's keys applied) used when the rule matches.
    package var policy: RetryPolicy
    /// The vendor quota the rule's requests count against, when it has one of its own (`bucket = "NAME"`); nil
    /// for the upstream's.
    package var bucket: String?
    /// The probe that checks whether a request that may have been processed was applied, before it is sent again.
    package var verify: VerifyProbe?
    /// False for `breaker = false`: the rule's requests always go upstream, and their outcomes do not count.
    package var usesBreaker = true

    /// Creates a rule.
    package init(methods: Set<String>? = nil, path: PathPattern? = nil, policy: RetryPolicy, bucket: String? = nil) {
        self.methods = methods
        self.path = path
        self.policy = policy
        self.bucket = bucket
    }
}
