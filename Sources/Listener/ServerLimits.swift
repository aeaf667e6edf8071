import HTTP1

/// Limits and timeouts for client connections; defaults in one place.
public struct ServerLimits: Sendable, Equatable {
    /// Wire-format limits (header size, target length, body size).
    public var http = HTTP1Limits()
    /// A client must finish sending its header section within this time of its first byte.
    public var headerTimeout: Duration = .seconds(10)
    /// An idle keep-alive connection, or a request body that stops arriving, is closed after this long.
    public var idleTimeout: Duration = .seconds(60)
    /// After an error response, how long unread input is drained so the client sees the response rather than a reset.
    public var lingerTimeout: Duration = .seconds(2)
    /// Pending output above which the response source is paused.
    public var outputHighWatermark = 256 * 1024
    /// Pending output below which a paused response source resumes.
    public var outputLowWatermark = 64 * 1024
    /// Input buffered beyond the current request (pipelining) before reading stops.
    public var maxBufferedInput = 128 * 1024

    /// Creates the default limits.
    public init() {}
}

/// The proxy layer's side of a client connection: it turns request heads into exchanges.
public protocol RequestHandler: AnyObject {
    /// A complete request head arrived; return the exchange that takes its body and produces exactly one response.
    func connection(_ connection: ClientConnection, didReceive head: RequestHead) -> RequestSink
}

/// One request's consumer on a client connection.
public protocol RequestSink: AnyObject {
    /// A piece of the request body (framing removed); valid only during the call.
    func requestBody(_ bytes: UnsafeRawBufferPointer)
    /// The request body is complete.
    func requestEnd()
    /// Output drained after ``ClientConnection/writeBody(_:)`` returned false.
    func responseWritable()
    /// The client went away (or timed out) before the response was finished.
    func clientGone()
}
