/// What a ``ProxyRuntime`` serves: its upstreams, the limits every listener shares and the optional shared state.
///
/// The proxy never sees the configuration file; the executable's config layer maps the file onto this.
package struct ProxySettings: Sendable, Equatable {
    /// One entry per listener, in configuration order.
    package var upstreams: [UpstreamSettings]
    /// Global limits.
    package var limits = ProxyLimits()
    /// Gates and quota estimates shared with other instances, when `[shared]` is configured.
    package var shared: SharedSettings?
    /// The forward proxy listener, when `[forward_proxy]` is configured.
    package var forwardProxy: ForwardProxySettings?

    /// Creates the settings for `upstreams` with default limits and no shared state.
    package init(upstreams: [UpstreamSettings], limits: ProxyLimits = ProxyLimits(), shared: SharedSettings? = nil) {
        self.upstreams = upstreams
        self.limits = limits
        self.shared = shared
    }
}
