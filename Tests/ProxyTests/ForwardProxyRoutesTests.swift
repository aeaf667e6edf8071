import Forwarder
import Listener
import Proxy
import Testing

/// Which upstream a CONNECT or an absolute-form request reaches: the upstreams' URL hosts and ports.
@Suite struct ForwardProxyRoutesTests {
    static func upstream(_ name: String, _ url: String) -> UpstreamSettings {
        UpstreamSettings(name: name, listen: ListenAddress(host: "127.0.0.1", port: 0), url: UpstreamURL.parse(url)!)
    }

    @Test func authoritiesTakeTheSchemesDefaultPortAndTheFirstUpstreamWins() {
        let routes = ForwardProxyRoutes([
            Self.upstream("a", "https://API.vendor.example/v2"), Self.upstream("b", "https://api.vendor.example:8443"),
            Self.upstream("c", "http://10.0.0.1"), Self.upstream("d", "https://api.vendor.example/v3"),
        ])
        #expect(routes.upstream(connectingTo: "api.vendor.example", port: 443) == "a")
        #expect(routes.upstream(connectingTo: "api.vendor.example", port: 8443) == "b")
        #expect(routes.upstream(connectingTo: "10.0.0.1", port: 80) == "c")
        #expect(routes.upstream(connectingTo: "10.0.0.1", port: 443) == nil)
        #expect(routes.upstream(connectingTo: "vendor.example", port: 443) == nil)
        #expect(routes.upstream(forHost: "api.vendor.example") == "a")
        #expect(routes.upstream(forHost: "bank.example") == nil)
        #expect(routes.hosts == ["10.0.0.1", "api.vendor.example"])
        #expect(
            routes.authorities.map(\.authority) == ["10.0.0.1:80", "api.vendor.example:443", "api.vendor.example:8443"])
    }
}
