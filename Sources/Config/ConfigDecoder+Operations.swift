import Admin
import Forwarder
import Listener
import Notify
import Proxy

extension ConfigDecoder {
    /// Top-level keys and tables that configure how retryd is operated rather than what it proxies.
    static let operationsKeys = [
        "log_format", "log_level", "admin", "notify", "shared", "state_dir", "journal", "workers",
    ]
    static let notifyKeys = ["webhook", "max_queue", "max_attempts", "timeout", "headers"]
    /// Advice for top-level keys written below a table header, where TOML files them under that table.
    static let misplacedTopLevelKeys = [
        "log_format": "log_format is a top-level key; move it above the first table",
        "log_level": "log_level is a top-level key; move it above the first table",
        "workers": "workers is a top-level key; move it above the first table",
    ]

    /// Decodes the top-level `log_format` and `log_level` keys.
    static func decodeLog(_ root: TableReader) throws(ConfigError) -> LogConfig {
        var log = LogConfig()
        if let value = root["log_format"] {
            let name = try value.string()
            guard let format = LogConfig.Format(rawValue: name) else {
                let names = LogConfig.Format.allCases.map(\.rawValue).joined(separator: ", ")
                throw value.error("\"\(name)\" is not a log format; use one of \(names)")
            }
            log.format = format
        }
        if let value = root["log_level"] {
            let name = try value.string()
            guard LogConfig.levels.contains(name) else {
                throw value.error(
                    "\"\(name)\" is not a log level; use one of \(LogConfig.levels.joined(separator: ", "))")
            }
            log.level = name
        }
        return log
    }

    /// Decodes `[admin]`; its listener must not collide with an upstream's.
    static func decodeAdmin(_ table: TableReader, upstreams: [UpstreamSettings]) throws(ConfigError)
        -> AdminSettings
    {
        try table.rejectUnknownKeys(allowed: ["listen"], hints: misplacedTopLevelKeys)
        var admin = AdminSettings()
        let listenValue = table["listen"]
        if let listenValue { admin.listen = try parse(listenValue, with: ListenAddress.parsed) }
        if let other = upstreams.first(where: { $0.listen.conflicts(with: admin.listen) }) {
            throw table.context.error(
                at: listenValue?.path ?? table.path,
                "\(admin.listen) is already the listen address of upstream \"\(other.name)\""
            )
        }
        return admin
    }

    /// Decodes `[notify]`; the webhook's expanded parts and every header value become secrets.
    mutating func decodeNotify(_ table: TableReader) throws(ConfigError) -> NotifySettings {
        try table.rejectUnknownKeys(
            allowed: Self.notifyKeys, hints: Self.misplacedTopLevelKeys.merging(["url": "the key is webhook"]) { $1 })
        var notify = NotifySettings(webhook: try decodeWebhook(try table.required("webhook")))
        if let value = table["max_queue"] { notify.maxQueue = try value.integer(in: 1...Int.max) }
        if let value = table["max_attempts"] { notify.maxAttempts = try value.integer(in: 1...100) }
        if let value = table["timeout"] { notify.timeout = try value.duration(allowingZero: false) }
        if let value = table["headers"] { notify.headers = try decodeHeaders(try value.table(), allSecret: true) }
        return notify
    }

    /// The webhook URL. Errors quote it as written, so a token substituted from the environment stays out of them.
    private mutating func decodeWebhook(_ value: ValueReader) throws(ConfigError) -> UpstreamURL {
        let expansion = try value.expandedString()
        let written = value.literalString ?? expansion.value
        // Slack-style webhooks carry their token in the path: whatever came from the environment is secret.
        secrets.append(contentsOf: expansion.substitutions)
        guard !expansion.value.contains("?"), !expansion.value.contains("#") else {
            throw value.error(
                "\"\(written)\": a query or fragment is not supported; send tokens in [notify] headers")
        }
        switch UpstreamURL.parsed(expansion.value) {
        case .success(let url): return url
        case .failure(let problem): throw value.error("\"\(written)\": \(problem)")
        }
    }
}
