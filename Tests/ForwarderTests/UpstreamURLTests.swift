import Forwarder
import Testing

/// Upstream URLs as the configuration writes them, and the URL each client request target is forwarded to.
@Suite struct UpstreamURLTests {
    @Test func parsesSchemeHostPortAndBasePath() throws {
        let url = try #require(UpstreamURL.parse("HTTPS://API.Vendor.example:8443/v2/"))
        #expect(url == UpstreamURL(scheme: "https", host: "api.vendor.example", port: 8443, basePath: "/v2"))
        #expect(url.origin == "https://api.vendor.example:8443")
    }

    @Test func hostOnlyHasNoPortAndEmptyBasePath() throws {
        let url = try #require(UpstreamURL.parse("http://127.0.0.1"))
        #expect(url == UpstreamURL(scheme: "http", host: "127.0.0.1", port: nil, basePath: ""))
        #expect(url.origin == "http://127.0.0.1")
    }

    @Test func ipv6HostKeepsBracketsOnlyInOrigin() throws {
        let url = try #require(UpstreamURL.parse("http://[::1]:9000/api"))
        #expect(url.host == "::1")
        #expect(url.port == 9000)
        #expect(url.url(forTarget: "/x") == "http://[::1]:9000/api/x")
    }

    @Test(arguments: [
        ("/x?y=1", "https://h/v2/x?y=1"),
        ("/", "https://h/v2/"),
        ("*", "https://h/v2"),
        ("http://client-side.example/jobs?id=3", "https://h/v2/jobs?id=3"),
        ("http://client-side.example", "https://h/v2/"),
        ("jobs", "https://h/v2/jobs"),
    ])
    func targetIsAppendedToBasePath(target: String, expected: String) throws {
        let url = try #require(UpstreamURL.parse("https://h/v2"))
        #expect(url.url(forTarget: target) == expected)
    }

    @Test func asteriskWithoutBasePathIsTheRoot() throws {
        let url = try #require(UpstreamURL.parse("https://h"))
        #expect(url.url(forTarget: "*") == "https://h/")
        #expect(url.url(forTarget: "/a") == "https://h/a")
    }

    @Test(arguments: [
        "api.example", "ftp://api.example", "https://", "https:///v2", "https://api.example/v2?key=1",
        "https://api.example/#top", "https://user:pw@api.example", "https://api.example:0", "https://api.example:70000",
        "https://api.example:x", "https://api example", "https://[::1", "https://[zz]:80", "https://-bad.example",
    ])
    func rejectsMalformedURLs(text: String) {
        #expect(UpstreamURL.parse(text) == nil)
    }
}
