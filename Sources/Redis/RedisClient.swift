import Loop

/// A Redis connection on retryd's event loop that reconnects by itself; for commands (see ``RedisSubscriber`` for
/// pub/sub, which needs a connection of its own).
///
/// Every call has a short timeout of its own and fails alone when it passes. If replies stop coming at all, the
/// connection is taken as dead: every pending call fails, and the client reconnects with backoff. While not
/// connected, calls fail at once with ``RedisError/notConnected``: they are never queued and never wait.
///
/// Loop thread only, creation and release included. No thread of its own and no blocking call: hiredis's socket is
/// registered with the loop, and a host name is resolved off the loop. The loop thread gets SIGPIPE blocked,
/// because hiredis 0.14 writes without `MSG_NOSIGNAL`.
package final class RedisClient {
    let driver: ConnectionDriver

    /// Creates a client for `url`; nothing happens until ``connect()``.
    /// - Parameter random: the source of reconnect jitter (pass a seeded one in tests).
    package init(
        url: RedisURL, loop: EventLoop, options: RedisClientOptions = .init(),
        random: some RandomNumberGenerator = SystemRandomNumberGenerator()
    ) {
        driver = ConnectionDriver(url: url, loop: loop, options: options, random: random)
    }

    /// Releasing the client closes it as ``close()`` does, without calling ``onStateChange``.
    deinit {
        // Nobody is left to tell: a state handler that holds the client unowned must not run now.
        driver.onStateChange = nil
        driver.close()
    }

    /// The server this client talks to.
    package var url: RedisURL { driver.url }

    /// What the connection is doing now.
    package var state: RedisConnectionState { driver.state }

    /// Why the last connection attempt or connection failed (kept after a reconnect, for status pages).
    package var lastError: RedisError? { driver.lastError }

    /// Called on the loop whenever ``state`` changes.
    package var onStateChange: ((RedisConnectionState) -> Void)? {
        get { driver.onStateChange }
        set { driver.onStateChange = newValue }
    }

    /// Calls sent and not yet answered (timed-out ones included, until their late reply arrives).
    package var pendingCount: Int { driver.inFlightCount }

    /// Starts connecting in the background; harmless when already started, and a closed client stays closed.
    package func connect() {
        driver.start()
    }

    /// Sends one command.
    /// - Parameters:
    ///   - arguments: the command and its arguments, binary-safe (`[Array("GET".utf8), key]`).
    ///   - timeout: how long to wait for the reply; ``RedisClientOptions/commandTimeout`` when nil.
    ///   - completion: runs exactly once on the loop, with the reply or why there is none. An error reply fails
    ///     with ``RedisError/server(_:)``. When not connected it runs before this method returns.
    package func command(
        _ arguments: [[UInt8]], timeout: Duration? = nil,
        completion: @escaping (Result<RedisValue, RedisError>) -> Void
    ) {
        driver.send(ArgumentList(arguments), timeout: timeout ?? driver.options.commandTimeout, completion: completion)
    }

    /// Sends one command given as text (`["INCR", "hits"]`); otherwise as the byte-array `command`.
    package func command(
        _ arguments: [String], timeout: Duration? = nil,
        completion: @escaping (Result<RedisValue, RedisError>) -> Void
    ) {
        driver.send(ArgumentList(arguments), timeout: timeout ?? driver.options.commandTimeout, completion: completion)
    }

    /// Closes the connection for good: pending calls fail with ``RedisError/closed`` before this returns, the
    /// socket leaves epoll, and every timer stops.
    package func close() {
        driver.close()
    }
}
