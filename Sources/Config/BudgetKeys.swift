import Admission

/// `budget` in `[upstream.retry]`: the keys of ``RetryBudgetPolicy``.
enum BudgetKeys {
    static let ratio = SettingKey.field("ratio", \RetryBudgetPolicy.ratio) { (value) throws(ConfigError) in
        try nonNegative(value)
    }
    static let minPerSecond = SettingKey.field("min_per_second", \RetryBudgetPolicy.minPerSecond) {
        (value) throws(ConfigError) in try nonNegative(value)
    }
    static let window = SettingKey.field("window", \RetryBudgetPolicy.window) { (value) throws(ConfigError) in
        try value.duration(allowingZero: false)
    }

    static let table = KeyTable([ratio, minPerSecond, window])

    /// Decodes `budget`: a table of the keys it changes, `true` for the defaults, or `false`.
    static func decode(_ value: ValueReader, onto base: RetryBudgetPolicy) throws(ConfigError) -> RetryBudgetPolicy {
        if value.kind == .bool { return try value.bool() ? base : .off }
        guard value.kind == .table else {
            throw value.mismatch(
                expected: "a table such as { ratio = 0.2, min_per_second = 3, window = \"10s\" } or false")
        }
        return try table.decode(try value.table(), onto: base)
    }

    private static func nonNegative(_ value: ValueReader) throws(ConfigError) -> Double {
        let number = try value.number()
        guard number.isFinite, number >= 0 else { throw value.error("must be a number of at least 0") }
        return number
    }
}
