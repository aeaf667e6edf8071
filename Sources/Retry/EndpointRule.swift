/// A per-endpoint override: the first rule whose methods and path match supplies the policy.
public struct EndpointRule: Sendable, Equatable {
    /// Methods the rule applies to (upper case); `nil` matches any method.
    public var methods: Set<String>?
    /// Path glob the rule applies to; `nil` matches any path.
    public var path: PathPattern?
    /// The complete policy (upstream policy with the rule's keys applied) used when the rule matches.
    public var policy: RetryPolicy

    /// Creates a rule.
    public init(methods: Set<String>? = nil, path: PathPattern? = nil, policy: RetryPolicy) {
        self.methods = methods
        self.path = path
        self.policy = policy
    }
}
