import Forwarder
import Notify
import Retry

/// `[notify]`: the keys of ``NotifySettings``.
enum NotifyKeys {
    /// Read first, by ``decode(_:secrets:)``: the settings cannot exist without it.
    static let webhook = SettingKey<NotifySettings>.structural("webhook")
    static let maxQueue = SettingKey.field("max_queue", \NotifySettings.maxQueue, format: String.init) {
        (value) throws(ConfigError) in try value.integer(in: 1...Int.max)
    }
    static let maxAttempts = SettingKey.field("max_attempts", \NotifySettings.maxAttempts, format: String.init) {
        (value) throws(ConfigError) in try value.integer(in: 1...100)
    }
    static let timeout = SettingKey.field("timeout", \NotifySettings.timeout, format: Durations.format) {
        (value) throws(ConfigError) in try value.duration(allowingZero: false)
    }
    /// Every value is a secret: a webhook's headers are there to carry tokens.
    static let headers = SettingKey<NotifySettings>("headers") { value, notify, secrets throws(ConfigError) in
        notify.headers = try ConfigDecoder.decodeHeaders(try value.table(), allSecret: true, secrets: &secrets)
    }

    static let table = KeyTable([webhook, maxQueue, maxAttempts, timeout, headers])

    /// Decodes `[notify]`; the webhook's expanded parts and every header value become secrets.
    static func decode(_ table: TableReader, secrets: inout [String]) throws(ConfigError) -> NotifySettings {
        try self.table.rejectUnknownKeys(
            in: table, hints: RootKeys.misplaced.merging(["url": "the key is webhook"]) { $1 })
        var notify = NotifySettings(
            webhook: try decodeWebhook(try table.required(webhook.name), secrets: &secrets))
        try self.table.read(table, into: &notify, secrets: &secrets)
        return notify
    }

    /// The webhook URL. Errors quote it as written, so a token substituted from the environment stays out of them.
    private static func decodeWebhook(_ value: ValueReader, secrets: inout [String]) throws(ConfigError) -> UpstreamURL
    {
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
