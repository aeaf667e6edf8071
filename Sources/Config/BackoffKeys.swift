import Retry

/// `backoff = { ... }` in a retry policy: the keys of ``Backoff``.
enum BackoffKeys {
    static let initial = SettingKey.field("initial", \Backoff.initial) { (value) throws(ConfigError) in
        try value.duration()
    }
    static let multiplier = SettingKey.field("multiplier", \Backoff.multiplier) { (value) throws(ConfigError) in
        let multiplier = try value.number()
        guard multiplier.isFinite, multiplier >= 1 else { throw value.error("must be at least 1") }
        return multiplier
    }
    static let max = SettingKey.field("max", \Backoff.max) { (value) throws(ConfigError) in try value.duration() }
    static let jitter = SettingKey.field("jitter", \Backoff.jitter) { (value) throws(ConfigError) in
        let name = try value.string()
        guard let jitter = Jitter(rawValue: name) else {
            let names = Jitter.allCases.map(\.rawValue).joined(separator: ", ")
            throw value.error("\"\(name)\" is not a jitter; use one of \(names)")
        }
        return jitter
    }

    static let table = KeyTable([initial, multiplier, max, jitter])

    /// `base` with the keys of `table` applied; the first wait must not exceed the cap.
    static func decode(_ table: TableReader, onto base: Backoff) throws(ConfigError) -> Backoff {
        let backoff = try self.table.decode(table, onto: base)
        guard backoff.initial <= backoff.max else {
            let initial = Durations.format(backoff.initial)
            let max = Durations.format(backoff.max)
            throw table.context.error(at: table.path, "initial (\(initial)) must not exceed max (\(max))")
        }
        return backoff
    }
}
