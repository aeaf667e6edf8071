import Admission

/// `[upstream.quota]`: the keys of ``QuotaPolicy``.
enum QuotaKeys {
    static let gate = SettingKey.field("gate", \QuotaPolicy.gate) { (value) throws(ConfigError) in try value.bool() }
    static let pace = SettingKey.field("pace", \QuotaPolicy.pace) { (value) throws(ConfigError) in try value.bool() }
    static let reserve = SettingKey.field("reserve", \QuotaPolicy.reserve) { (value) throws(ConfigError) in
        try value.integer(in: 0...1_000_000)
    }
    static let maxInFlight = SettingKey.field("max_in_flight", \QuotaPolicy.maxInFlight) {
        (value) throws(ConfigError) in try value.integer(in: 0...1_000_000)
    }

    static let table = KeyTable([gate, pace, reserve, maxInFlight])

    /// Decodes `[upstream.quota]`; the statuses that close the gate are the upstream's rate-limit statuses and 503.
    static func decode(_ table: TableReader, onto base: QuotaPolicy, rateLimitStatuses: Set<Int>) throws(ConfigError)
        -> QuotaPolicy
    {
        var policy = try self.table.decode(table, onto: base)
        policy.closingStatuses = rateLimitStatuses.union([503])
        return policy
    }
}
