import Retry

/// `[[upstream.rule]]`: the keys of ``EndpointRule`` besides the retry keys, which set its policy.
enum RuleKeys {
    static let methods = SettingKey.field("methods", \EndpointRule.methods) {
        (value) throws(ConfigError) -> Set<String>? in
        var methods: Set<String> = []
        for element in try value.array() {
            let method = try element.string().uppercased()
            guard HeaderSyntax.isToken(method) else { throw element.error("\"\(method)\" is not a valid method") }
            methods.insert(method)
        }
        guard !methods.isEmpty else { throw value.error("must list at least one method; leave it out to match all") }
        return methods
    }
    static let path = SettingKey.field("path", \EndpointRule.path) { (value) throws(ConfigError) -> PathPattern? in
        let glob = try value.string()
        guard glob.hasPrefix("/") else { throw value.error("path pattern \"\(glob)\" must start with \"/\"") }
        return PathPattern(glob)
    }
    static let bucket = SettingKey.field("bucket", \EndpointRule.bucket) { (value) throws(ConfigError) -> String? in
        try ConfigDecoder.bucketName(value)
    }
    static let idempotencyKey = SettingKey.field("idempotency_key", \EndpointRule.policy.idempotencyKey) {
        (value) throws(ConfigError) in try ConfigDecoder.idempotencyKeyName(value)
    }
    /// Read after the others, by ``decode(_:inheriting:)``: the probe's path refers to the rule's.
    static let verify = SettingKey<EndpointRule>.structural("verify")
    /// Read with `verify`, which it configures.
    static let verifyOn = SettingKey<EndpointRule>.structural("verify_on")
    /// Read with `verify`, which it configures.
    static let onApplied = SettingKey<EndpointRule>.structural("on_applied")
    static let breaker = SettingKey.field("breaker", \EndpointRule.usesBreaker) { (value) throws(ConfigError) in
        try value.bool()
    }

    static let table = KeyTable([methods, path, bucket, idempotencyKey, verify, verifyOn, onApplied, breaker])

    /// Decodes one `[[upstream.rule]]`; its policy is the upstream's with the rule's keys applied.
    static func decode(_ table: TableReader, inheriting upstreamPolicy: RetryPolicy) throws(ConfigError)
        -> EndpointRule
    {
        try self.table.rejectUnknownKeys(
            in: table, extra: RetryKeys.table.names,
            hints: [
                UpstreamKeys.retry.name: "retry keys go directly in [[upstream.rule]]",
                RetryKeys.budget.name: "the retry budget is upstream-wide: set it in [upstream.retry]",
            ]
        )
        var rule = EndpointRule(policy: try RetryKeys.apply(table, to: upstreamPolicy, inRule: true))
        var secrets: [String] = []
        try self.table.read(table, into: &rule, secrets: &secrets)
        if let value = table[verify.name] {
            rule.verify = try VerifyKeys.decode(value, in: table, pattern: rule.path)
        } else if let value = table[verifyOn.name] ?? table[onApplied.name] {
            throw value.error("has no effect without verify")
        }
        return rule
    }
}
