import Listener

/// Global limits that protect retryd from misbehaving clients. The per-connection ones are the listener's own
/// ``ServerLimits``, held here rather than copied, so each default lives in one place.
package struct ProxyLimits: Sendable, Equatable {
    /// What every client connection is held to: header, target and body sizes, header and idle timeouts.
    package var connection = ServerLimits()
    /// Client connections open at once, across all listeners; past it, new ones are answered 503 and closed.
    package var maxConnections = 1024
    /// Request bodies up to this size are kept in memory so a failed attempt can be replayed.
    package var replayLimit = 1024 * 1024
    /// How long a graceful shutdown waits for exchanges in flight.
    package var shutdownTimeout: Duration = .seconds(30)

    /// Creates the default limits.
    package init() {}

    /// Largest request header section (request line included).
    package var maxHeaderBytes: Int {
        get { connection.http.maxHeaderBytes }
        set { connection.http.maxHeaderBytes = newValue }
    }

    /// Longest request target (path and query).
    package var maxRequestTargetBytes: Int {
        get { connection.http.maxRequestTargetBytes }
        set { connection.http.maxRequestTargetBytes = newValue }
    }

    /// Largest request body accepted from a client.
    package var maxBodyBytes: Int {
        get { connection.http.maxBodyBytes }
        set { connection.http.maxBodyBytes = newValue }
    }

    /// A client slower than this to send its header section is cut off.
    package var headerTimeout: Duration {
        get { connection.headerTimeout }
        set { connection.headerTimeout = newValue }
    }

    /// Idle keep-alive client connections are closed after this long.
    package var idleTimeout: Duration {
        get { connection.idleTimeout }
        set { connection.idleTimeout = newValue }
    }
}
