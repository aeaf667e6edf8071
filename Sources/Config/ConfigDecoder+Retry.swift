import Retry

extension ConfigDecoder {
    /// Keys that set a retry policy, in `[upstream.retry]` and in each `[[upstream.rule]]`.
    static let retryKeys = [
        "max_attempts", "deadline", "retry_statuses", "rate_limit_statuses", "non_idempotent_statuses",
        "max_rate_limit_wait", "backoff", "schedule",
    ]
    static let backoffKeys = ["initial", "multiplier", "max", "jitter"]

    /// Decodes one `[[upstream.rule]]`; its policy is the upstream's with the rule's keys applied.
    static func decodeRule(_ table: TableReader, inheriting upstreamPolicy: RetryPolicy) throws(ConfigError)
        -> EndpointRule
    {
        try table.rejectUnknownKeys(
            allowed: ["methods", "path", "bucket", "idempotency_key", "verify", "verify_on", "on_applied", "breaker"]
                + retryKeys,
            hints: [
                "retry": "retry keys go directly in [[upstream.rule]]",
                "budget": "the retry budget is upstream-wide: set it in [upstream.retry]",
            ]
        )
        var rule = EndpointRule(policy: try applyRetryKeys(from: table, to: upstreamPolicy, inRule: true))
        if let value = table["methods"] {
            var methods: Set<String> = []
            for element in try value.array() {
                let method = try element.string().uppercased()
                guard HeaderSyntax.isToken(method) else { throw element.error("\"\(method)\" is not a valid method") }
                methods.insert(method)
            }
            guard !methods.isEmpty else {
                throw value.error("must list at least one method; leave it out to match all")
            }
            rule.methods = methods
        }
        if let value = table["bucket"] { rule.bucket = try bucketName(value) }
        if let value = table["breaker"] { rule.usesBreaker = try value.bool() }
        if let value = table["path"] {
            let glob = try value.string()
            guard glob.hasPrefix("/") else { throw value.error("path pattern \"\(glob)\" must start with \"/\"") }
            rule.path = PathPattern(glob)
        }
        if let value = table["idempotency_key"] { rule.policy.idempotencyKey = try idempotencyKeyName(value) }
        if let value = table["verify"] {
            rule.verify = try decodeVerify(value, in: table, pattern: rule.path)
        } else if let value = table["verify_on"] ?? table["on_applied"] {
            throw value.error("has no effect without verify")
        }
        return rule
    }

    /// The policy `base` with the retry keys present in `table` applied.
    ///
    /// - Parameter inRule: In a rule, setting `backoff` without `schedule` drops an inherited schedule, since a
    ///   schedule would otherwise silently override the backoff the rule asks for.
    static func applyRetryKeys(from table: TableReader, to base: RetryPolicy, inRule: Bool) throws(ConfigError)
        -> RetryPolicy
    {
        if !inRule { try table.rejectUnknownKeys(allowed: retryKeys + ["budget"]) }
        var policy = base
        if let value = table["max_attempts"] { policy.maxAttempts = try value.integer(in: 1...100) }
        if let value = table["deadline"] { policy.deadline = try value.duration(allowingZero: false) }
        if let value = table["retry_statuses"] { policy.retryStatuses = try statuses(value) }
        if let value = table["rate_limit_statuses"] { policy.rateLimitStatuses = try statuses(value) }
        if let value = table["non_idempotent_statuses"] { policy.nonIdempotentStatuses = try statuses(value) }
        if let value = table["max_rate_limit_wait"] { policy.maxRateLimitWait = try value.duration() }
        if let value = table["backoff"] {
            policy.backoff = try applyBackoffKeys(from: try value.table(), to: base.backoff)
            if inRule && table["schedule"] == nil { policy.schedule = nil }
        }
        if let value = table["schedule"] {
            var schedule: [Duration] = []
            for element in try value.array() {
                schedule.append(try element.duration())
            }
            guard !schedule.isEmpty else { throw value.error("must list at least one wait; leave it out for backoff") }
            policy.schedule = schedule
        }
        return policy
    }

    private static func applyBackoffKeys(from table: TableReader, to base: Backoff) throws(ConfigError) -> Backoff {
        try table.rejectUnknownKeys(allowed: backoffKeys)
        var backoff = base
        if let value = table["initial"] { backoff.initial = try value.duration() }
        if let value = table["multiplier"] {
            let multiplier = try value.number()
            guard multiplier.isFinite, multiplier >= 1 else { throw value.error("must be at least 1") }
            backoff.multiplier = multiplier
        }
        if let value = table["max"] { backoff.max = try value.duration() }
        if let value = table["jitter"] {
            let name = try value.string()
            guard let jitter = Jitter(rawValue: name) else {
                let names = Jitter.allCases.map(\.rawValue).joined(separator: ", ")
                throw value.error("\"\(name)\" is not a jitter; use one of \(names)")
            }
            backoff.jitter = jitter
        }
        guard backoff.initial <= backoff.max else {
            let initial = Durations.format(backoff.initial)
            let max = Durations.format(backoff.max)
            throw table.context.error(at: table.path, "initial (\(initial)) must not exceed max (\(max))")
        }
        return backoff
    }
}
