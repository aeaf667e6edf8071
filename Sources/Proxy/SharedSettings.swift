import FoundationEssentials
import Redis

/// Sharing the upstreams' gates and quota estimates with other instances through Redis: `[shared]`.
package struct SharedSettings: Sendable, Equatable {
    /// The Redis server; a password in the URL is redacted wherever the URL is printed.
    package var redis: RedisURL
    /// Prefix of every key and channel: instances share a bucket when prefix, upstream name and bucket agree.
    package var prefix = "retryd"
    /// This instance's name in the status report and in gate events other instances see.
    package var instance: String

    /// The name an instance goes by unless told otherwise: host name and process id, unique on a fleet.
    package static var defaultInstance: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Creates the settings for `redis`.
    package init(redis: RedisURL, instance: String = SharedSettings.defaultInstance) {
        self.redis = redis
        self.instance = instance
    }
}
