import Listener

/// Global limits that protect retryd from misbehaving clients. The per-connection ones are the listener's own
/// ``ServerLimits``, held here rather than copied, so each default lives in one place.
public struct Limits: Sendable, Equatable {
    /// What every client connection is held to: header, target and body sizes, header and idle timeouts.
    public var connection = ServerLimits()
    /// Client connections open at once, across all listeners; past it, new ones are answered 503 and closed.
    public var maxConnections = 1024
    /// Request bodies up to this size are kept in memory so a failed attempt can be replayed.
    public var replayLimit = 1024 * 1024
    /// How long a graceful shutdown waits for exchanges in flight.
    public var shutdownTimeout: Duration = .seconds(30)

    /// Creates the default limits.
    public init() {}

    /// Largest request header section (request line included).
    public var maxHeaderBytes: Int {
        get { connection.http.maxHeaderBytes }
        set { connection.http.maxHeaderBytes = newValue }
    }

    /// Longest request target (path and query).
    public var maxRequestTargetBytes: Int {
        get { connection.http.maxRequestTargetBytes }
        set { connection.http.maxRequestTargetBytes = newValue }
    }

    /// Largest request body accepted from a client.
    public var maxBodyBytes: Int {
        get { connection.http.maxBodyBytes }
        set { connection.http.maxBodyBytes = newValue }
    }

    /// A client slower than this to send its header section is cut off.
    public var headerTimeout: Duration {
        get { connection.headerTimeout }
        set { connection.headerTimeout = newValue }
    }

    /// Idle keep-alive client connections are closed after this long.
    public var idleTimeout: Duration {
        get { connection.idleTimeout }
        set { connection.idleTimeout = newValue }
    }
}
