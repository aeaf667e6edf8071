import HTTP1

/// The limits a client connection's state machine decides with, timeouts in monotonic nanoseconds.
///
/// It has no defaults of its own: the Listener maps its `ServerLimits` (where the defaults live) onto it once per
/// connection, so this module needs no clock type and no second copy of a default.
package struct ConnectionLimits: Sendable, Equatable {
    /// Wire-format limits (header size, target length, body size) for the request parser.
    package var http: HTTP1Limits
    /// How long a request head may take from its first byte.
    package var headerTimeout: Int64
    /// How long an idle keep-alive connection, or a request body that stopped arriving, is kept.
    package var idleTimeout: Int64
    /// How long a closing connection drains unread input before it is closed anyway.
    package var lingerTimeout: Int64
    /// Pending output above which the response source must pause.
    package var outputHighWatermark: Int
    /// Pending output at or below which a paused response source resumes.
    package var outputLowWatermark: Int
    /// Input buffered beyond the current request (pipelining) before reading stops.
    package var maxBufferedInput: Int

    /// Creates limits from their values; timeouts in nanoseconds.
    package init(
        http: HTTP1Limits, headerTimeout: Int64, idleTimeout: Int64, lingerTimeout: Int64,
        outputHighWatermark: Int, outputLowWatermark: Int, maxBufferedInput: Int
    ) {
        self.http = http
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.lingerTimeout = lingerTimeout
        self.outputHighWatermark = outputHighWatermark
        self.outputLowWatermark = outputLowWatermark
        self.maxBufferedInput = maxBufferedInput
    }
}
