/// What a client's connection is doing, as its user sees it.
package enum RedisConnectionState: Sendable, Equatable {
    /// Resolving, connecting, or logging in; calls fail with ``RedisError/notConnected``.
    case connecting
    /// Logged in and answering; calls are sent.
    case connected
    /// Waiting to reconnect after a failure, or closed; calls fail with ``RedisError/notConnected``.
    case disconnected
}
