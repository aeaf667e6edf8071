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
    @ComparableHeaders package var headers: [(name: String, value: String)] = []

    /// Creates the notification settings for `webhook`.
    package init(webhook: UpstreamURL) {
        self.webhook = webhook
    }
}
