import Retry

/// One vendor API and the listener that fronts it.
public struct UpstreamConfig: Sendable, Equatable {
    /// Unique name used in logs and metrics (`[A-Za-z0-9_.-]+`).
    public var name: String
    /// Where this upstream's listener binds.
    public var listen: ListenAddress
    /// Where requests are forwarded.
    public var url: UpstreamURL
    /// Bound on establishing one upstream connection (TCP and TLS).
    public var connectTimeout: Duration = .seconds(5)
    /// Bound on one attempt, from connecting to the end of the response.
    public var attemptTimeout: Duration = .seconds(30)
    /// CA bundle used instead of the system store to verify the upstream, when set.
    public var caFile: String?
    /// Headers added to (or replacing those of) every request toward the upstream, in configuration order.
    public var setHeaders: [(name: String, value: String)] = []
    /// Extra response headers logged as vendor request ids on give-up (X-Request-Id and X-Resource-ID always are).
    public var requestIDHeaders: [String] = []
    /// Header added to every client response with the number of attempts made; `nil` turns it off.
    public var attemptsHeader: String? = "X-Retryd-Attempts"
    /// The upstream-wide retry policy.
    public var retry = RetryPolicy()
    /// Per-endpoint overrides, first match wins; each carries its complete effective policy.
    public var rules: [EndpointRule] = []

    /// Creates an upstream with defaults for everything but its identity.
    public init(name: String, listen: ListenAddress, url: UpstreamURL) {
        self.name = name
        self.listen = listen
        self.url = url
    }

    /// Field-by-field equality; written by hand because tuples are not `Equatable`.
    public static func == (lhs: UpstreamConfig, rhs: UpstreamConfig) -> Bool {
        lhs.name == rhs.name && lhs.listen == rhs.listen && lhs.url == rhs.url
            && lhs.connectTimeout == rhs.connectTimeout && lhs.attemptTimeout == rhs.attemptTimeout
            && lhs.caFile == rhs.caFile
            && lhs.setHeaders.elementsEqual(rhs.setHeaders, by: { $0.name == $1.name && $0.value == $1.value })
            && lhs.requestIDHeaders == rhs.requestIDHeaders && lhs.attemptsHeader == rhs.attemptsHeader
            && lhs.retry == rhs.retry && lhs.rules == rhs.rules
    }
}
