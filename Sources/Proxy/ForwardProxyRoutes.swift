/// Which upstream a forward-proxy request reaches: the upstreams' URL hosts and ports are the intercepted ones.
package struct ForwardProxyRoutes: Sendable, Equatable {
    /// Upstream names by "host:port" (host lower-case, port explicit or the scheme's default).
    private var byAuthority: [String: String] = [:]
    /// Upstream names by host alone, for absolute-form requests (the first upstream in configuration order wins).
    private var byHost: [String: String] = [:]

    /// The routes of `upstreams`.
    package init(_ upstreams: [UpstreamSettings]) {
        for upstream in upstreams {
            let host = upstream.url.host.lowercased()
            let port = upstream.url.port ?? (upstream.url.scheme == "https" ? 443 : 80)
            if byAuthority["\(host):\(port)"] == nil { byAuthority["\(host):\(port)"] = upstream.name }
            if byHost[host] == nil { byHost[host] = upstream.name }
        }
    }

    /// The hosts retryd intercepts, sorted: the permitted names of its CA.
    package var hosts: [String] { byHost.keys.sorted() }

    /// The intercepted "host:port" authorities and their upstreams, sorted, for `retryd check`.
    package var authorities: [(authority: String, upstream: String)] {
        byAuthority.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The upstream a CONNECT to `host:port` reaches, or nil when the authority is not intercepted.
    package func upstream(connectingTo host: String, port: UInt16) -> String? {
        byAuthority["\(host):\(port)"]
    }

    /// The upstream an absolute-form request for `host` reaches, or nil.
    package func upstream(forHost host: String) -> String? {
        byHost[host]
    }
}
