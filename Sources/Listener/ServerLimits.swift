import HTTP1
import ListenerCore

/// Limits and timeouts for client connections; defaults in one place.
package struct ServerLimits: Sendable, Equatable {
    /// Wire-format limits (header size, target length, body size).
    package var http = HTTP1Limits()
    /// A client must finish sending its header section within this time of its first byte.
    package var headerTimeout: Duration = .seconds(10)
    /// An idle keep-alive connection, or a request body that stops arriving, is closed after this long.
    package var idleTimeout: Duration = .seconds(60)
    /// After an error response, how long unread input is drained so the client sees the response rather than a reset.
    package var lingerTimeout: Duration = .seconds(2)
    /// Pending output above which the response source is paused.
    package var outputHighWatermark = 256 * 1024
    /// Pending output below which a paused response source resumes.
    package var outputLowWatermark = 64 * 1024
    /// Input buffered beyond the current request (pipelining) before reading stops.
    package var maxBufferedInput = 128 * 1024

    /// Creates the default limits.
    package init() {}
}

/// The proxy layer's side of a client connection: it turns request heads into exchanges.
package protocol RequestHandler: AnyObject {
    /// A complete request head arrived; return the exchange that takes its body and produces exactly one response.
    func connection(_ connection: ClientConnection, didReceive head: RequestHead) -> RequestSink
}

/// One request's consumer on a client connection (declared beside the connection's state machine, which carries it).
package typealias RequestSink = ListenerCore.RequestSink
