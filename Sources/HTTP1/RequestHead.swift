/// A parsed and validated request line and header section.
package struct RequestHead: Sendable, Equatable {
    /// The method token, case preserved.
    package var method: String
    /// Request-target bytes exactly as sent (origin-form; absolute-form allowed too).
    package var target: String
    /// The protocol version from the request line.
    package var version: HTTPVersion
    /// The fields exactly as received, in order.
    package var headers: HTTPHeaders
    /// How the body that follows is delimited.
    package var framing: BodyFraming
    /// Whether the connection stays open: HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with keep-alive.
    package var keepAlive: Bool
    /// Whether the client waits for "100 Continue" before sending the body (HTTP/1.1 only, RFC 9110 §10.1.1).
    package var expectsContinue: Bool

    /// Creates a head; the defaults describe a bodiless HTTP/1.1 GET of "/".
    package init(
        method: String = "GET",
        target: String = "/",
        version: HTTPVersion = .http11,
        headers: HTTPHeaders = [],
        framing: BodyFraming = .none,
        keepAlive: Bool = true,
        expectsContinue: Bool = false
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.framing = framing
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
    }
}
