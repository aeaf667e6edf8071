import Admin
import Testing

/// Which endpoint a request line reaches, without sockets.
@Suite("AdminRoute")
struct AdminRouteTests {
    @Test(
        "the endpoints answer GET and HEAD, with or without a query; the page keeps its query",
        arguments: [
            ("/healthz", AdminRoute.health), ("/readyz", .readiness), ("/metrics", .metrics), ("/status", .status),
            ("/metrics?name[]=x", .metrics), ("/status#top", .status), ("http://127.0.0.1:9901/metrics", .metrics),
            ("/", .page(query: "")), ("/?refresh=10", .page(query: "refresh=10")),
            ("http://127.0.0.1:9901", .page(query: "")),
        ] as [(String, AdminRoute)])
    func known(target: String, route: AdminRoute) {
        #expect(AdminRoute(method: "GET", target: target) == route)
        #expect(AdminRoute(method: "HEAD", target: target) == route)
    }

    @Test("other methods on a known path are refused as not allowed", arguments: ["POST", "PUT", "DELETE", "get"])
    func methodNotAllowed(method: String) {
        #expect(AdminRoute(method: method, target: "/metrics") == .methodNotAllowed)
        #expect(AdminRoute(method: method, target: "/") == .methodNotAllowed)
    }

    @Test(
        "anything else is not found, whatever the method",
        arguments: ["/index.html", "//", "/healthz/", "/HEALTHZ", "/metrics/x", "*", ""])
    func notFound(target: String) {
        #expect(AdminRoute(method: "GET", target: target) == .notFound)
        #expect(AdminRoute(method: "POST", target: target) == .notFound)
    }
}
