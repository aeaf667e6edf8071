import Forwarder
import HTTP1
import Listener
import Proxy
import Retry

/// `[[upstream]]`: the keys of ``UpstreamSettings``. A new per-upstream key is a row here, a field there and its use.
enum UpstreamKeys {
    /// Read first, by ``ConfigDecoder/decodeUpstream(_:)``, like `listen` and `url`: the settings need them.
    static let name = SettingKey<UpstreamSettings>.structural("name")
    static let listen = SettingKey<UpstreamSettings>.structural("listen")
    static let url = SettingKey<UpstreamSettings>.structural("url")
    static let connectTimeout = SettingKey.field(
        "connect_timeout", \UpstreamSettings.connectTimeout, format: Durations.format
    ) { (value) throws(ConfigError) in try value.duration(allowingZero: false) }
    static let attemptTimeout = SettingKey.field(
        "attempt_timeout", \UpstreamSettings.attemptTimeout, format: Durations.format
    ) { (value) throws(ConfigError) in try value.duration(allowingZero: false) }
    static let caFile = SettingKey.field("ca_file", \UpstreamSettings.caFile) {
        (value) throws(ConfigError) -> String? in try ConfigDecoder.readableFile(value)
    }
    static let connectTo = SettingKey.field(
        "connect_to", \UpstreamSettings.connectTo, format: { $0 ?? "none" },
        parse: { (value) throws(ConfigError) -> String? in
            let text = try value.string()
            guard let authority = ProxyTarget.authority(Substring(text)), authority.port != nil else {
                throw value.error("\"\(text)\" is not host:port; write e.g. 10.0.0.5:443 or [::1]:8443")
            }
            return text
        })
    static let setHeaders = SettingKey<UpstreamSettings>("set_headers") {
        value, upstream, secrets throws(ConfigError) in
        upstream.setHeaders = try ConfigDecoder.decodeHeaders(try value.table(), allSecret: false, secrets: &secrets)
    }
    static let requestIDHeaders = SettingKey.field(
        "request_id_headers", \UpstreamSettings.requestIDHeaders, presettable: true,
        format: { (GiveUpReport.standardRequestIDNames + $0).joined(separator: ", ") },
        parse: { (value) throws(ConfigError) in
            try value.array().map { (element) throws(ConfigError) in try ConfigDecoder.headerName(element) }
        })
    static let requestIDFields = SettingKey.field(
        "request_id_fields", \UpstreamSettings.requestIDFields, presettable: true,
        format: { $0.isEmpty ? "none" : $0.map(\.path).joined(separator: ", ") },
        parse: { (value) throws(ConfigError) in
            try value.array().map { (element) throws(ConfigError) in
                let path = try element.string()
                guard let field = JSONField(path) else {
                    throw element.error("\"\(path)\" is not a field; write a dotted path such as data.requestId")
                }
                return field
            }
        })
    static let idempotencyKey = SettingKey.field(
        "idempotency_key", \UpstreamSettings.retry.idempotencyKey, presettable: true, format: { $0 ?? "none" },
        parse: ConfigDecoder.idempotencyKeyName)
    static let attemptsHeader = SettingKey.field("attempts_header", \UpstreamSettings.attemptsHeader) {
        (value) throws(ConfigError) -> String? in
        try value.string().isEmpty ? nil : try ConfigDecoder.headerName(value)
    }
    /// `[upstream.retry]`: the policy's keys (``RetryKeys``), layered over a preset's, and the budget.
    static let retry = SettingKey<UpstreamSettings>.structural("retry", presettable: true)
    /// `[[upstream.rule]]` (``RuleKeys``): the file's rules come before a preset's.
    static let rule = SettingKey<UpstreamSettings>.structural("rule", presettable: true)
    /// `[upstream.quota]` (``QuotaKeys``): read after the policy, whose rate-limit statuses close the gate.
    static let quota = SettingKey<UpstreamSettings>.structural("quota")
    /// Read before the keys it may set.
    static let preset = SettingKey<UpstreamSettings>.structural("preset")
    /// `[upstream.breaker]` (``BreakerKeys``).
    static let breaker = SettingKey<UpstreamSettings>.structural("breaker")

    static let table = KeyTable([
        name, listen, url, connectTimeout, attemptTimeout, caFile, connectTo, setHeaders, requestIDHeaders,
        requestIDFields,
        idempotencyKey, attemptsHeader, retry, rule, quota, preset, breaker,
    ])

    /// The keys besides the retry keys that `retryd check` lists with their origin, in its order.
    static let listedWithOrigin = [idempotencyKey, requestIDHeaders, requestIDFields]
}
