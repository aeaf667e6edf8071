import Forwarder

/// Give-up notifications: one JSON event per give-up, POSTed to a webhook.
package struct NotifySettings: Sendable, Equatable {
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

    /// Creates the notification settings for `webhook`.
    package init(webhook: UpstreamURL) {
        self.webhook = webhook
    }

    /// Compares field by field (tuples are not Equatable).
    package static func == (lhs: NotifySettings, rhs: NotifySettings) -> Bool {
        lhs.webhook == rhs.webhook && lhs.maxQueue == rhs.maxQueue && lhs.maxAttempts == rhs.maxAttempts
            && lhs.timeout == rhs.timeout
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}
