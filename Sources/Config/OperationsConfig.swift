/// The admin listener: health, readiness, metrics and status endpoints. Off unless configured.
package struct AdminConfig: Sendable, Equatable {
    /// Where `[admin]` listens when it names no address.
    package static let defaultListen = ListenAddress(host: "127.0.0.1", port: 9901)

    /// Where the admin endpoints listen; loopback by default so nothing is exposed by accident.
    package var listen: ListenAddress

    /// Creates the admin configuration.
    package init(listen: ListenAddress) {
        self.listen = listen
    }
}

/// Give-up notifications: one JSON event per give-up, POSTed to a webhook.
package struct NotifyConfig: Sendable, Equatable {
    /// The webhook URL (http or https).
    package var webhook: UpstreamURL
    /// Events waiting to be delivered at most; past it the oldest are dropped (and counted), so a dead
    /// webhook cannot grow memory.
    package var maxQueue = 1000
    /// Attempts per event, counting the first.
    package var maxAttempts = 5
    /// Bound on one delivery attempt.
    package var timeout: Duration = .seconds(10)
    /// Extra request headers (e.g. an authorization token from `${…}`).
    package var headers: [(name: String, value: String)] = []

    /// Creates the notification configuration for `webhook`.
    package init(webhook: UpstreamURL) {
        self.webhook = webhook
    }

    /// Compares field by field (tuples are not Equatable).
    package static func == (lhs: NotifyConfig, rhs: NotifyConfig) -> Bool {
        lhs.webhook == rhs.webhook && lhs.maxQueue == rhs.maxQueue && lhs.maxAttempts == rhs.maxAttempts
            && lhs.timeout == rhs.timeout
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// How retryd logs.
package struct LogConfig: Sendable, Equatable {
    /// How each line is written.
    package enum Format: String, Sendable, CaseIterable {
        /// Human-readable `key=value` lines.
        case text
        /// One JSON object per line.
        case json
    }

    /// The level names `level` accepts, from most to least verbose (swift-log's).
    package static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Line format; `text` by default.
    package var format = Format.text
    /// Minimum level: trace, debug, info, notice, warning, error or critical.
    package var level = "info"

    /// Creates the default log configuration.
    package init() {}
}
