import Proxy
import Retry

/// `[limits]`: the keys of ``ProxyLimits``.
enum LimitsKeys {
    static let maxConnections = SettingKey.field("max_connections", \ProxyLimits.maxConnections, format: String.init) {
        (value) throws(ConfigError) in try value.integer(in: 1...Int.max)
    }
    // Below a few hundred bytes no real client's header section fits; such a limit is surely a typo.
    static let maxHeaderBytes = SettingKey.field(
        "max_header_bytes", \ProxyLimits.maxHeaderBytes, format: RetrydConfig.bytes
    ) { (value) throws(ConfigError) in try value.integer(in: 256...Int.max) }
    static let maxRequestTargetBytes = SettingKey.field(
        "max_request_target_bytes", \ProxyLimits.maxRequestTargetBytes, format: RetrydConfig.bytes
    ) { (value) throws(ConfigError) in try value.integer(in: 16...Int.max) }
    static let maxBodyBytes = SettingKey.field("max_body_bytes", \ProxyLimits.maxBodyBytes, format: RetrydConfig.bytes)
    { (value) throws(ConfigError) in try value.integer(in: 0...Int.max) }
    static let replayLimit = SettingKey.field("replay_limit", \ProxyLimits.replayLimit, format: RetrydConfig.bytes) {
        (value) throws(ConfigError) in try value.integer(in: 0...Int.max)
    }
    static let headerTimeout = SettingKey.field(
        "header_timeout", \ProxyLimits.headerTimeout, format: Durations.format
    ) { (value) throws(ConfigError) in try value.duration(allowingZero: false) }
    static let idleTimeout = SettingKey.field("idle_timeout", \ProxyLimits.idleTimeout, format: Durations.format) {
        (value) throws(ConfigError) in try value.duration(allowingZero: false)
    }
    static let shutdownTimeout = SettingKey.field(
        "shutdown_timeout", \ProxyLimits.shutdownTimeout, format: Durations.format
    ) { (value) throws(ConfigError) in try value.duration() }

    static let table = KeyTable([
        maxConnections, maxHeaderBytes, maxRequestTargetBytes, maxBodyBytes, replayLimit, headerTimeout, idleTimeout,
        shutdownTimeout,
    ])

    /// The line `retryd check` prints for `limits`.
    static func summary(_ limits: ProxyLimits) -> String {
        func show(_ key: SettingKey<ProxyLimits>) -> String { key.shown(in: limits) }
        return "limits: \(show(maxConnections)) connections, header \(show(maxHeaderBytes)),"
            + " target \(show(maxRequestTargetBytes)), body \(show(maxBodyBytes)),"
            + " replay up to \(show(replayLimit)); header timeout \(show(headerTimeout)), idle \(show(idleTimeout)),"
            + " shutdown \(show(shutdownTimeout))"
    }
}
