import Admission
import Forwarder
import Listener
import Retry

/// One vendor API and the listener that fronts it, as the proxy uses it; the defaults here are the only ones.
package struct UpstreamSettings: Sendable, Equatable {
    /// Unique name used in logs and metrics (`[A-Za-z0-9_.-]+`).
    package var name: String
    /// Where this upstream's listener binds.
    package var listen: ListenAddress
    /// Where requests are forwarded.
    package var url: UpstreamURL
    /// Bound on establishing one upstream connection (TCP and TLS).
    package var connectTimeout: Duration = .seconds(5)
    /// Bound on one attempt, from connecting to the end of the response.
    package var attemptTimeout: Duration = .seconds(30)
    /// CA bundle used instead of the system store to verify the upstream, when set.
    package var caFile: String?
    /// "host:port" to connect to instead of resolving the URL's host (tests, pinning a vendor's address); TLS and
    /// Host still name the URL's host.
    package var connectTo: String?
    /// Headers added to (or replacing those of) every request toward the upstream, in configuration order.
    @ComparableHeaders package var setHeaders: [(name: String, value: String)] = []
    /// Extra response headers logged as vendor request ids on give-up (X-Request-Id and X-Resource-ID always are).
    package var requestIDHeaders: [String] = []
    /// Fields of a JSON response body (its first 64 KiB) logged as vendor request ids on give-up, e.g. `requestId`.
    package var requestIDFields: [JSONField] = []
    /// Header added to every client response with the number of attempts made; `nil` turns it off.
    package var attemptsHeader: String? = "X-Retryd-Attempts"
    /// The upstream-wide retry policy.
    package var retry = RetryPolicy()
    /// Per-endpoint overrides, first match wins; each carries its complete effective policy.
    package var rules: [EndpointRule] = []
    /// How the vendor's quota is respected (`[upstream.quota]`): the gate, pacing, a reserve, attempts out at once.
    package var quota = QuotaPolicy()
    /// How many retries may add to the upstream's load (`[upstream.retry] budget`).
    package var budget = RetryBudgetPolicy()
    /// When requests fail fast instead of going to an upstream that is down (`[upstream.breaker]`).
    package var breaker = BreakerPolicy()

    /// Creates an upstream with defaults for everything but its identity.
    package init(name: String, listen: ListenAddress, url: UpstreamURL) {
        self.name = name
        self.listen = listen
        self.url = url
    }
}
