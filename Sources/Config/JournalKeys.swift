import Journal

/// `[journal]`: the keys of ``JournalPolicy``.
enum JournalKeys {
    static let retention = SettingKey.field("retention", \JournalPolicy.retention) { (value) throws(ConfigError) in
        try retentionDuration(value)
    }
    static let maxRows = SettingKey.field("max_rows", \JournalPolicy.maxRows) { (value) throws(ConfigError) in
        try value.integer(in: 1...100_000_000)
    }

    static let table = KeyTable([retention, maxRows])

    /// A duration string that also takes days, since retention is counted in them: `"7d"`, `"36h"`.
    private static func retentionDuration(_ value: ValueReader) throws(ConfigError) -> Duration {
        if let text = value.literalString, text.hasSuffix("d"), let days = Int(text.dropLast()) {
            guard days > 0, days <= 36_500 else { throw value.error("\(days) days is out of range 1...36500") }
            return .seconds(days * 86_400)
        }
        return try value.duration(allowingZero: false)
    }
}

extension RetrydConfig {
    /// Where the journal lives when a configuration file names no `state_dir` (systemd's `StateDirectory=retryd`).
    package static let defaultStateDir = "/var/lib/retryd"
}
