/// Global limits that protect retryd from misbehaving clients; defaults in one place.
public struct Limits: Sendable, Equatable {
    /// Client connections open at once, across all listeners; past it, new ones are answered 503 and closed.
    public var maxConnections = 1024
    /// Largest request header section (request line included).
    public var maxHeaderBytes = 64 * 1024
    /// Longest request target (path and query).
    public var maxRequestTargetBytes = 8 * 1024
    /// Largest request body accepted from a client.
    public var maxBodyBytes = 128 * 1024 * 1024
    /// Request bodies up to this size are kept in memory so a failed attempt can be replayed.
    public var replayLimit = 1024 * 1024
    /// A client slower than this to send its header section is cut off.
    public var headerTimeout: Duration = .seconds(10)
    /// Idle keep-alive client connections are closed after this long.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a graceful shutdown waits for exchanges in flight.
    public var shutdownTimeout: Duration = .seconds(30)

    /// Creates the default limits.
    public init() {}
}
