/// Timeouts and reconnect policy of a Redis connection; the defaults, in one place, suit a Redis on the same host
/// or network that retryd consults on the request path, where a slow answer is worth less than none.
package struct RedisClientOptions: Sendable, Equatable {
    /// The timeout of a call that names none.
    package var commandTimeout: Duration = .milliseconds(50)
    /// The most that resolving, connecting and logging in (AUTH, SELECT, PING) may take together.
    package var connectTimeout: Duration = .milliseconds(500)
    /// How long the connection may go without any reply while a call waits (or a subscriber's probe does)
    /// before it counts as dead and is reconnected; a call whose own timeout is longer extends it for itself.
    package var unresponsiveAfter: Duration = .seconds(1)
    /// How long a subscriber waits between probes of an otherwise quiet connection.
    package var probeInterval: Duration = .seconds(1)
    /// The waits between reconnect attempts.
    package var reconnectBackoff = ReconnectBackoff()

    /// Creates the default options.
    package init() {}
}
