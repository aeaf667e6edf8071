import Admission

extension ConfigDecoder {
    /// Keys of `[upstream.retry] budget = { ... }`.
    static let budgetKeys = ["ratio", "min_per_second", "window"]
    /// Keys of `[upstream.breaker]`.
    static let breakerKeys = ["enabled", "failure_ratio", "min_requests", "window", "open_for", "trial_requests"]

    /// Decodes `budget` in `[upstream.retry]`: a table of the keys it changes, `true` for the defaults, or `false`.
    static func decodeBudget(_ value: ValueReader) throws(ConfigError) -> RetryBudgetPolicy {
        if value.kind == .bool { return try value.bool() ? RetryBudgetPolicy() : .off }
        guard value.kind == .table else {
            throw value.mismatch(
                expected: "a table such as { ratio = 0.2, min_per_second = 3, window = \"10s\" } or false")
        }
        let table = try value.table()
        try table.rejectUnknownKeys(allowed: budgetKeys)
        var policy = RetryBudgetPolicy()
        if let value = table["ratio"] { policy.ratio = try nonNegative(value) }
        if let value = table["min_per_second"] { policy.minPerSecond = try nonNegative(value) }
        if let value = table["window"] { policy.window = try value.duration(allowingZero: false) }
        return policy
    }

    /// Decodes `[upstream.breaker]`.
    static func decodeBreaker(_ table: TableReader) throws(ConfigError) -> BreakerPolicy {
        try table.rejectUnknownKeys(allowed: breakerKeys)
        var policy = BreakerPolicy()
        if let value = table["enabled"] { policy.enabled = try value.bool() }
        if let value = table["failure_ratio"] {
            let ratio = try value.number()
            guard ratio > 0, ratio <= 1 else { throw value.error("must be greater than 0 and at most 1") }
            policy.failureRatio = ratio
        }
        if let value = table["min_requests"] { policy.minRequests = try value.integer(in: 1...1_000_000) }
        if let value = table["window"] { policy.window = try value.duration(allowingZero: false) }
        if let value = table["open_for"] { policy.openFor = try value.duration(allowingZero: false) }
        if let value = table["trial_requests"] { policy.trialRequests = try value.integer(in: 1...1000) }
        return policy
    }

    private static func nonNegative(_ value: ValueReader) throws(ConfigError) -> Double {
        let number = try value.number()
        guard number.isFinite, number >= 0 else { throw value.error("must be a number of at least 0") }
        return number
    }
}
