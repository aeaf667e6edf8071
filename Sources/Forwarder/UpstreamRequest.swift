import CCurl
import HTTP1

/// Everything the forwarder needs to send one attempt upstream.
package struct UpstreamRequest: Sendable {
    /// The method, byte for byte.
    package var method: String
    /// Scheme, host and port: `https://api.vendor.example:443`.
    package var origin: String
    /// The request-target sent on the wire, byte for byte (base path already prefixed).
    package var target: String
    /// End-to-end headers in order, duplicates kept; no Host, Content-Length or Transfer-Encoding.
    package var headers: [(name: String, value: String)]
    /// The body.
    package var body: RequestBody
    /// Bound on connecting (TCP and TLS).
    package var connectTimeout: Duration
    /// A CA bundle to verify the upstream with instead of the system's.
    package var caFile: String?
    /// "host:port" to connect to instead of resolving the origin's host (libcurl's CURLOPT_CONNECT_TO); the origin
    /// still names the host for TLS and Host.
    package var connectTo: String?

    /// Creates a request.
    package init(
        method: String,
        origin: String,
        target: String,
        headers: [(name: String, value: String)],
        body: RequestBody = .none,
        connectTimeout: Duration = .seconds(5),
        caFile: String? = nil,
        connectTo: String? = nil
    ) {
        self.method = method
        self.origin = origin
        self.target = target
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.caFile = caFile
        self.connectTo = connectTo
    }
}

/// A failed attempt: libcurl's code and whether the request could have reached the upstream.
package struct UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The CURLcode, or 0 when the failure is the proxy's own (cancelled, timed out by the proxy).
    package var code: Int32
    /// libcurl's error text, or the proxy's.
    package var message: String
    /// False only when the request provably never left: no connection was ever ready for it.
    package var mayHaveBeenSent: Bool
    /// Whether the failure is a timeout (504 rather than 502 when retries give up).
    package var isTimeout: Bool

    /// Creates an error.
    package init(code: Int32, message: String, mayHaveBeenSent: Bool, isTimeout: Bool) {
        self.code = code
        self.message = message
        self.mayHaveBeenSent = mayHaveBeenSent
        self.isTimeout = isTimeout
    }

    /// A failure no retry can fix: the upstream's certificate does not verify against the configured CAs, the CA
    /// file is unusable, or the URL cannot be used. Retrying would only delay the same answer.
    package var isPermanent: Bool {
        Self.permanentCodes.contains(code)
    }

    /// Whether the upstream answered, but not in HTTP/1.x: libcurl's weird server reply, or an HTTP/0.9 reply it
    /// refused after sending (before sending, the same code means an unusable URL).
    package var isBadResponse: Bool {
        code == Int32(CURLE_WEIRD_SERVER_REPLY.rawValue)
            || (mayHaveBeenSent && code == Int32(CURLE_UNSUPPORTED_PROTOCOL.rawValue))
    }

    private static let permanentCodes: Set<Int32> = Set(
        [
            CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_SSL_CERTPROBLEM, CURLE_PEER_FAILED_VERIFICATION,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
        ].map { Int32($0.rawValue) })

    /// `"Connection refused (curl 7, unsent)"`.
    package var description: String {
        "\(message) (curl \(code), \(mayHaveBeenSent ? "maybe sent" : "unsent"))"
    }
}
