import Admission

extension ConfigDecoder {
    /// Keys of `[upstream.quota]`.
    static let quotaKeys = ["gate", "pace", "reserve", "max_in_flight"]

    /// Decodes `[upstream.quota]`; the statuses that close the gate are the upstream's rate-limit statuses and 503.
    static func decodeQuota(_ table: TableReader, rateLimitStatuses: Set<Int>) throws(ConfigError) -> QuotaPolicy {
        try table.rejectUnknownKeys(allowed: quotaKeys)
        var policy = QuotaPolicy()
        if let value = table["gate"] { policy.gate = try value.bool() }
        if let value = table["pace"] { policy.pace = try value.bool() }
        if let value = table["reserve"] { policy.reserve = try value.integer(in: 0...1_000_000) }
        if let value = table["max_in_flight"] { policy.maxInFlight = try value.integer(in: 0...1_000_000) }
        policy.closingStatuses = rateLimitStatuses.union([503])
        return policy
    }

    /// A rule's `bucket`: the name of the vendor quota its requests count against.
    static func bucketName(_ value: ValueReader) throws(ConfigError) -> String {
        let name = try value.string()
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) })
        else {
            throw value.error("\"\(name)\" is not a valid bucket name; use letters, digits, \"_\", \".\" and \"-\"")
        }
        return name
    }
}
