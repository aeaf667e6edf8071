import Admission

/// `[upstream.breaker]`: the keys of ``BreakerPolicy``.
enum BreakerKeys {
    static let enabled = SettingKey.field("enabled", \BreakerPolicy.enabled) { (value) throws(ConfigError) in
        try value.bool()
    }
    static let failureRatio = SettingKey.field("failure_ratio", \BreakerPolicy.failureRatio) {
        (value) throws(ConfigError) in
        let ratio = try value.number()
        guard ratio > 0, ratio <= 1 else { throw value.error("must be greater than 0 and at most 1") }
        return ratio
    }
    static let minRequests = SettingKey.field("min_requests", \BreakerPolicy.minRequests) {
        (value) throws(ConfigError) in try value.integer(in: 1...1_000_000)
    }
    static let window = SettingKey.field("window", \BreakerPolicy.window) { (value) throws(ConfigError) in
        try value.duration(allowingZero: false)
    }
    static let openFor = SettingKey.field("open_for", \BreakerPolicy.openFor) { (value) throws(ConfigError) in
        try value.duration(allowingZero: false)
    }
    static let trialRequests = SettingKey.field("trial_requests", \BreakerPolicy.trialRequests) {
        (value) throws(ConfigError) in try value.integer(in: 1...1000)
    }

    static let table = KeyTable([enabled, failureRatio, minRequests, window, openFor, trialRequests])
}
