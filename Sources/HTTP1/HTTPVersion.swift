/// The two HTTP versions spoken on the client side of the proxy.
package enum HTTPVersion: Sendable, Equatable {
    /// `HTTP/1.0`: no Host requirement, no chunked requests, persistent only when asked for.
    case http10
    /// `HTTP/1.1`: persistent by default.
    case http11
}
