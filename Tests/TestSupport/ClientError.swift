/// Why `TestClient` could not get what it was asked for.
package enum ClientError: Error, Sendable, Equatable {
    /// Nothing (more) arrived before the client's timeout.
    case timeout
    /// The peer closed (FIN or RST) before the first byte of a response.
    case closedBeforeResponse
    /// The peer closed mid-response: a head without its empty line, a Content-Length body cut short or a chunked
    /// body without its last chunk. `received` counts the body bytes (or, for a head, the head bytes) that came.
    case truncated(received: Int)
    /// The bytes were not an HTTP/1.1 response.
    case malformed(String)
    /// `connect` failed with this errno (e.g. `ECONNREFUSED`).
    case connectFailed(Int32)
    /// Another socket call failed (e.g. `send` with `EPIPE`: the peer is gone).
    case socketFailed(call: String, errno: Int32)
}
