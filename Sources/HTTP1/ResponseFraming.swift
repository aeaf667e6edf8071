/// How a response body is delimited toward the client.
package enum ResponseFraming: Sendable, Equatable {
    /// No body may follow (HEAD, 1xx, 204, 304).
    case none
    /// Exactly this many bytes follow.
    case contentLength(Int)
    /// Chunked transfer coding (HTTP/1.1 clients only).
    case chunked
    /// The body ends when the connection closes (HTTP/1.0 clients without a known length).
    case closeDelimited
}
