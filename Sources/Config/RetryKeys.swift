import Retry

/// The keys that set a retry policy, in `[upstream.retry]` and in each `[[upstream.rule]]`: those of
/// ``RetryPolicy``. `retryd check` lists each with its value and origin.
enum RetryKeys {
    static let maxAttempts = SettingKey.field("max_attempts", \RetryPolicy.maxAttempts, format: String.init) {
        (value) throws(ConfigError) in try value.integer(in: 1...100)
    }
    static let deadline = SettingKey.field("deadline", \RetryPolicy.deadline, format: Durations.format) {
        (value) throws(ConfigError) in try value.duration(allowingZero: false)
    }
    static let retryStatuses = SettingKey.field(
        "retry_statuses", \RetryPolicy.retryStatuses, format: RetrydConfig.statuses, parse: ConfigDecoder.statuses)
    static let rateLimitStatuses = SettingKey.field(
        "rate_limit_statuses", \RetryPolicy.rateLimitStatuses, format: RetrydConfig.statuses,
        parse: ConfigDecoder.statuses)
    static let nonIdempotentStatuses = SettingKey.field(
        "non_idempotent_statuses", \RetryPolicy.nonIdempotentStatuses, format: RetrydConfig.statuses,
        parse: ConfigDecoder.statuses)
    static let maxRateLimitWait = SettingKey.field(
        "max_rate_limit_wait", \RetryPolicy.maxRateLimitWait, format: Durations.format
    ) { (value) throws(ConfigError) in try value.duration() }
    static let backoff = SettingKey<RetryPolicy>(
        "backoff",
        show: { policy in
            let backoff = policy.backoff
            return "\(Durations.format(backoff.initial)) x\(backoff.multiplier) up to \(Durations.format(backoff.max)),"
                + " \(backoff.jitter.rawValue) jitter"
        },
        read: { value, policy, _ throws(ConfigError) in
            policy.backoff = try BackoffKeys.decode(try value.table(), onto: policy.backoff)
        })
    static let schedule = SettingKey.field(
        "schedule", \RetryPolicy.schedule,
        format: { schedule in schedule.map { $0.map(Durations.format).joined(separator: ", ") } ?? "none" },
        parse: { (value) throws(ConfigError) in
            var schedule: [Duration] = []
            for element in try value.array() {
                schedule.append(try element.duration())
            }
            guard !schedule.isEmpty else { throw value.error("must list at least one wait; leave it out for backoff") }
            return schedule
        })

    static let table = KeyTable([
        maxAttempts, deadline, retryStatuses, rateLimitStatuses, nonIdempotentStatuses, maxRateLimitWait, backoff,
        schedule,
    ])

    /// `[upstream.retry] budget`: read with the upstream (it is the fleet's, never a preset's or a rule's).
    static let budget = SettingKey<RetryPolicy>.structural("budget")

    /// The policy `base` with the retry keys present in `table` applied.
    ///
    /// - Parameter inRule: In a rule, setting `backoff` without `schedule` drops an inherited schedule, since a
    ///   schedule would otherwise silently override the backoff the rule asks for.
    static func apply(_ table: TableReader, to base: RetryPolicy, inRule: Bool) throws(ConfigError) -> RetryPolicy {
        if !inRule { try self.table.rejectUnknownKeys(in: table, extra: [budget.name]) }
        var policy = base
        var secrets: [String] = []
        try self.table.read(table, into: &policy, secrets: &secrets)
        if inRule, table[backoff.name] != nil, table[schedule.name] == nil { policy.schedule = nil }
        return policy
    }
}
