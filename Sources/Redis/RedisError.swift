/// Why a Redis call or connection failed.
///
/// Connection-level failures carry the reason hiredis or the client gave, for logs; compare them with `case`
/// patterns rather than `==` when the text does not matter.
package enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The client is not connected (connecting, waiting to reconnect, or closed): the call was not sent.
    case notConnected
    /// No reply came within the call's timeout; the connection may still be fine.
    case timeout
    /// A connection could not be established: refused, unknown host, timed out, or the handshake failed.
    case connectFailed(String)
    /// An established connection broke (reset, closed by the server, or no replies at all) before the reply came.
    case connectionLost(String)
    /// Redis answered with an error reply (`ERR ...`, `WRONGPASS ...`, `NOSCRIPT ...`).
    case server(String)
    /// The bytes on the wire were not RESP, or a reply was not what the protocol promises.
    case protocolError(String)
    /// The client was closed while the call was pending.
    case closed

    /// A short human-readable description, for logs.
    package var description: String {
        switch self {
        case .notConnected: "not connected to Redis"
        case .timeout: "Redis did not reply in time"
        case .connectFailed(let reason): "could not connect to Redis: \(reason)"
        case .connectionLost(let reason): "lost the connection to Redis: \(reason)"
        case .server(let message): "Redis replied with an error: \(message)"
        case .protocolError(let reason): "Redis protocol error: \(reason)"
        case .closed: "the Redis client was closed"
        }
    }

    /// The error reply's first word (`NOSCRIPT`, `WRONGPASS`, `ERR`), or nil for other errors.
    package var serverErrorCode: Substring? {
        guard case .server(let message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first
    }
}
