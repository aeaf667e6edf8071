import HTTP1

/// Bytes a client connection must queue for the client, described so tests can compare them and rendered once.
package enum ConnectionOutput: Equatable, Sendable {
    /// "100 Continue" for a client waiting on `Expect: 100-continue`.
    case continue100
    /// "200 Connection established" for a CONNECT the forward proxy accepted.
    case connectionEstablished
    /// A response head with the framing and keep-alive the connection chose.
    case head(ResponseHead, framing: ResponseFraming, clientVersion: HTTPVersion, keepAlive: Bool)
    /// The zero-length chunk that ends a chunked body.
    case lastChunk
    /// A whole JSON error response produced by the proxy itself.
    case error(status: Int, code: String, detail: String, extraHeaders: HTTPHeaders, keepAlive: Bool)
    /// A 408 that closes the connection: the head or the body did not arrive in time.
    case requestTimeout(detail: String)
    /// The answer to a malformed request; it always closes.
    case rejection(HTTP1Error)

    /// Appends the wire bytes to `buffer`.
    package func write(into buffer: inout [UInt8]) {
        switch self {
        case .continue100:
            buffer.append(contentsOf: ResponseWriter.continue100)
        case .head(let head, let framing, let clientVersion, let keepAlive):
            ResponseWriter.writeHead(
                head, framing: framing, clientVersion: clientVersion, keepAlive: keepAlive, into: &buffer)
        case .connectionEstablished:
            buffer.append(contentsOf: ResponseWriter.connectionEstablished)
        case .lastChunk:
            buffer.append(contentsOf: ResponseWriter.lastChunk)
        case .error(let status, let code, let detail, let extraHeaders, let keepAlive):
            buffer.append(
                contentsOf: ErrorResponse.bytes(
                    status: status, code: code, detail: detail, keepAlive: keepAlive, extraHeaders: extraHeaders))
        case .requestTimeout(let detail):
            buffer.append(
                contentsOf: ErrorResponse.bytes(status: 408, code: "request_timeout", detail: detail, keepAlive: false))
        case .rejection(let error):
            buffer.append(contentsOf: ErrorResponse.bytes(for: error))
        }
    }

    /// The wire bytes alone (for tests and logs; the shell writes into its output buffer instead).
    package var bytes: [UInt8] {
        var buffer: [UInt8] = []
        write(into: &buffer)
        return buffer
    }
}
