import HTTP1
import Testing

/// How the forward proxy reads a request line's method and target: CONNECT authority-form, absolute-form, or
/// neither.
@Suite struct ProxyTargetTests {
    @Test(arguments: [
        ("CONNECT", "api.vendor.example:443", ProxyTarget.connect(host: "api.vendor.example", port: 443)),
        ("CONNECT", "API.Vendor.Example:8443", .connect(host: "api.vendor.example", port: 8443)),
        ("CONNECT", "10.0.0.1:443", .connect(host: "10.0.0.1", port: 443)),
        ("CONNECT", "[::1]:443", .connect(host: "::1", port: 443)),
        ("CONNECT", "api.vendor.example", .malformed),
        ("CONNECT", "api.vendor.example:", .malformed),
        ("CONNECT", "api.vendor.example:0", .malformed),
        ("CONNECT", "api.vendor.example:65536", .malformed),
        ("CONNECT", "api.vendor.example:44x", .malformed),
        ("CONNECT", ":443", .malformed),
        ("CONNECT", "user@api.vendor.example:443", .malformed),
        ("CONNECT", "[::1:443", .malformed),
        ("CONNECT", "[]:443", .malformed),
        ("CONNECT", "/path", .malformed),
        ("GET", "http://api.vendor.example/v1?x=1", .absolute(scheme: "http", host: "api.vendor.example", port: nil)),
        ("GET", "HTTPS://Api.Vendor.Example:8443", .absolute(scheme: "https", host: "api.vendor.example", port: 8443)),
        ("POST", "http://[::1]:80/x", .absolute(scheme: "http", host: "::1", port: 80)),
        ("GET", "http://a.example?q", .absolute(scheme: "http", host: "a.example", port: nil)),
        ("GET", "ftp://a.example/", .malformed),
        ("GET", "http:///x", .malformed),
        ("GET", "http://a.example:99999/", .malformed),
        ("GET", "/v1/jobs", .notProxied),
        ("OPTIONS", "*", .notProxied),
    ])
    func classify(method: String, target: String, expected: ProxyTarget) {
        #expect(ProxyTarget(method: method, target: target) == expected)
    }
}
