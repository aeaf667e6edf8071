/// How a request body is delimited on the wire.
package enum BodyFraming: Sendable, Equatable {
    /// No body: neither Content-Length nor Transfer-Encoding.
    case none
    /// Exactly this many bytes follow the head.
    case contentLength(Int)
    /// Chunked transfer coding; the parser strips the framing.
    case chunked
}
