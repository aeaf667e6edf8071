/// A per-endpoint override: the first rule whose methods and path match supplies the policy.
package struct EndpointRule: Sendable, Equatable {
    /// Methods the rule applies to (upper case); `nil` matches any method.
    package var methods: Set<String>?
    /// Path glob the rule applies to; `nil` matches any path.
    package var path: PathPattern?
    /// The complete policy (upstream policy with the rule's keys applied) used when the rule matches.
    package var policy: RetryPolicy

    /// Creates a rule.
    package init(methods: Set<String>? = nil, path: PathPattern? = nil, policy: RetryPolicy) {
        self.methods = methods
        self.path = path
        self.policy = policy
    }
}
