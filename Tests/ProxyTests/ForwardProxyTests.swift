import Forwarder
import Foundation
import Listener
import Logging
import Loop
import Proxy
import Retry
import TLS
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The forward proxy with real clients: curl through `-x` reaches an HTTPS vendor for `api.vendor.example` (its
/// address given with `connect_to`) with retryd's CA trusted, and other hosts are refused.
@Suite(
    "Forward proxy",
    .enabled(if: HTTPSVendor.toolsAvailable, "needs python3, openssl and curl"))
struct ForwardProxyTests {
    @Test("a CONNECT to a configured host reaches the vendor with retries applied")
    func connectWithRetries() throws {
        let vendor = try HTTPSVendor(statuses: [503, 200])
        defer { vendor.stop() }
        let proxy = try ForwardProxyHarness(vendor: vendor)
        defer { proxy.stop() }
        let result = try proxy.curl(["https://api.vendor.example/v1/jobs?x=1"])
        #expect(result.status == 200)
        #expect(
            result.body == "{\"status\":200,\"hit\":2,\"path\":\"/v1/jobs?x=1\",\"host\":\"api.vendor.example\"}\n200\n"
        )
        #expect(result.headers.contains("x-retryd-attempts: 2"))
        #expect(vendor.hits == 2)
    }

    @Test("several requests share one tunnel, and an absolute-form request is served too")
    func keepAliveAndAbsoluteForm() throws {
        let vendor = try HTTPSVendor(statuses: [200])
        defer { vendor.stop() }
        let proxy = try ForwardProxyHarness(vendor: vendor)
        defer { proxy.stop() }
        let result = try proxy.curl(["https://api.vendor.example/a", "https://api.vendor.example/b"])
        #expect(result.status == 200)
        #expect(result.body.contains("\"path\":\"/a\""))
        #expect(result.body.contains("\"path\":\"/b\""))
        #expect(result.verbose.contains("Re-using existing connection"))
        #expect(result.verbose.components(separatedBy: "> CONNECT ").count == 2, "one CONNECT for both requests")
        let absolute = try proxy.curl(["http://api.vendor.example/c"])
        #expect(absolute.status == 200)
        #expect(absolute.body.contains("\"path\":\"/c\""))
        #expect(absolute.verbose.contains("> GET http://api.vendor.example/c HTTP/1.1"))
        #expect(vendor.hits == 3)
    }

    @Test("with two event loops every connection is served, whichever loop accepted it")
    func twoLoops() throws {
        let vendor = try HTTPSVendor(statuses: [200])
        defer { vendor.stop() }
        let proxy = try ForwardProxyHarness(vendor: vendor, workers: 2)
        defer { proxy.stop() }
        // Separate curl runs: separate connections, which SO_REUSEPORT spreads over both loops' sockets.
        for index in 0..<6 {
            let result = try proxy.curl(["https://api.vendor.example/loop\(index)"])
            #expect(result.status == 200)
            #expect(result.body.contains("\"path\":\"/loop\(index)\""))
        }
        #expect(vendor.hits == 6)
    }

    @Test("a client that does not trust the CA fails its handshake, and the log says what to do")
    func untrustedCA() throws {
        let vendor = try HTTPSVendor(statuses: [200])
        defer { vendor.stop() }
        let log = LogCapture()
        let proxy = try ForwardProxyHarness(vendor: vendor, logger: log.logger)
        defer { proxy.stop() }
        // The system's bundle instead of retryd's CA.
        let result = try proxy.curl(["--cacert", "/etc/ssl/certs/ca-certificates.crt", "https://api.vendor.example/"])
        #expect(result.status == 0)
        #expect(result.verbose.contains("unable to get local issuer certificate"))
        #expect(
            log.waitForMessage {
                $0.contains("TLS handshake for api.vendor.example failed") && $0.contains("unknown ca")
            })
        #expect(vendor.hits == 0)
    }

    @Test("after a reload, tunnels carry the new policy; a new host is refused until a restart re-issues the CA")
    func reload() throws {
        let vendor = try HTTPSVendor(statuses: [200])
        defer { vendor.stop() }
        let proxy = try ForwardProxyHarness(vendor: vendor)
        defer { proxy.stop() }
        var changed = proxy.runtime.settings
        changed.upstreams[0].attemptsHeader = "X-Tries"
        try proxy.reload(changed)
        let result = try proxy.curl(["https://api.vendor.example/after"])
        #expect(result.status == 200)
        #expect(result.headers.contains("x-tries: 1"))
        var added = changed
        added.upstreams.append(
            UpstreamSettings(
                name: "other", listen: ListenAddress(host: "127.0.0.1", port: 0),
                url: UpstreamURL(scheme: "https", host: "other.vendor.example")))
        try proxy.reload(added)
        let refused = try TestClient(port: proxy.port)
        try refused.send("CONNECT other.vendor.example:443 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try refused.readResponse().status == 403)
    }

    @Test("4 MiB responses arrive whole through the TLS tunnel and through a pass-through, with a slow reader")
    func largeBodies() throws {
        let vendor = try HTTPSVendor(statuses: [200])
        defer { vendor.stop() }
        let proxy = try ForwardProxyHarness(vendor: vendor, unknownHosts: .tunnel)
        defer { proxy.stop() }
        for url in ["https://api.vendor.example/big1", "https://localhost:\(vendor.port)/big2"] {
            // A rate limit makes curl stop reading, so retryd's output (TLS or spliced) fills up and must wait.
            let result = try proxy.curl([
                "-k", "--limit-rate", "4M", "-o", "/dev/null", "-w", "%{size_download}\\n%{http_code}\\n", url,
            ])
            #expect(result.status == 200, "\(url)")
            #expect(result.body == "\(4 * 1024 * 1024)\n200\n", "\(url)")
        }
    }

    @Test("Proxy-Authorization and Proxy-Connection never reach the vendor")
    func proxyFieldsAreHopByHop() throws {
        let vendor = try HTTPSVendor(statuses: [200])
        defer { vendor.stop() }
        let proxy = try ForwardProxyHarness(vendor: vendor)
        defer { proxy.stop() }
        let client = try TestClient(port: proxy.port)
        try client.send(
            "GET http://api.vendor.example/abs HTTP/1.1\r\nHost: api.vendor.example\r\n"
                + "Proxy-Authorization: Basic dTpw\r\nProxy-Connection: Keep-Alive\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.bodyString == "{\"status\":200,\"hit\":1,\"path\":\"/abs\",\"host\":\"api.vendor.example\"}")
        let tunnelled = try proxy.curl([
            "--proxy-user", "u:p", "-H", "Proxy-Connection: x", "https://api.vendor.example/t",
        ])
        #expect(tunnelled.status == 200)
        #expect(!tunnelled.body.contains("proxy_fields"))
        #expect(tunnelled.verbose.contains("Proxy-Authorization: Basic"))
    }

    @Test("a CONNECT to any other host is refused with 403, a malformed one with 400")
    func refusals() throws {
        let vendor = try HTTPSVendor(statuses: [200])
        defer { vendor.stop() }
        let proxy = try ForwardProxyHarness(vendor: vendor)
        defer { proxy.stop() }
        let client = try TestClient(port: proxy.port)
        try client.send("CONNECT bank.example:443 HTTP/1.1\r\nHost: bank.example:443\r\n\r\n")
        let refused = try client.readResponse()
        #expect(refused.status == 403)
        #expect(refused.jsonObject?["error"] as? String == "host_not_intercepted")
        // The vendor's host on another port is not intercepted either; each refusal closes its connection.
        for (request, status) in [
            ("CONNECT api.vendor.example:8443 HTTP/1.1\r\nHost: x\r\n\r\n", 403),
            ("GET http://bank.example/ HTTP/1.1\r\nHost: bank.example\r\n\r\n", 403),
            ("CONNECT api.vendor.example HTTP/1.1\r\nHost: x\r\n\r\n", 400),
            ("CONNECT [::1 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
            ("GET /status HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ] {
            let other = try TestClient(port: proxy.port)
            try other.send(request)
            #expect(try other.readResponse().status == status, "\(request)")
        }
        #expect(vendor.hits == 0)
        let curl = try proxy.curl(["https://bank.example/"])
        #expect(curl.verbose.contains("CONNECT tunnel failed, response 403"))
    }

    @Test("the tunnel's first bytes after 200 are TLS with ALPN http/1.1 and the minted leaf")
    func leafAndALPN() throws {
        let vendor = try HTTPSVendor(statuses: [200])
        defer { vendor.stop() }
        let proxy = try ForwardProxyHarness(vendor: vendor)
        defer { proxy.stop() }
        let result = try proxy.curl(["https://api.vendor.example/"])
        #expect(result.verbose.contains("ALPN: server accepted http/1.1"))
        #expect(
            result.verbose.contains("subjectAltName: host \"api.vendor.example\" matched cert's \"api.vendor.example\"")
        )
        #expect(result.verbose.contains("SSL certificate verify ok."))
    }
}

/// `unknown_hosts = "tunnel"`: other hosts are passed through untouched.
@Suite(
    "Forward proxy pass-through",
    .enabled(if: HTTPSVendor.toolsAvailable, "needs python3, openssl and curl"))
struct ForwardProxyPassThroughTests {
    @Test("a CONNECT to another host reaches it byte for byte: its own certificate, no retries")
    func passThrough() throws {
        let vendor = try HTTPSVendor(statuses: [503, 200])
        defer { vendor.stop() }
        let proxy = try ForwardProxyHarness(vendor: vendor, unknownHosts: .tunnel)
        defer { proxy.stop() }
        // "localhost" may resolve to ::1 first, where nothing listens: the next address is tried.
        let result = try proxy.curl(["-k", "https://localhost:\(vendor.port)/direct"])
        #expect(result.status == 503)
        #expect(result.body.contains("\"hit\":1"))
        #expect(!result.headers.contains("x-retryd-attempts"))
        #expect(result.verbose.contains("issuer: CN=vendor test CA"))
        #expect(vendor.hits == 1)
        // The intercepted host is still intercepted.
        let intercepted = try proxy.curl(["https://api.vendor.example/x"])
        #expect(intercepted.status == 200)
        #expect(intercepted.headers.contains("x-retryd-attempts: 1"))
    }

    @Test("a pass-through tunnel nobody uses is closed after the idle timeout")
    func idleTunnel() throws {
        let vendor = try HTTPSVendor(statuses: [200])
        defer { vendor.stop() }
        let proxy = try ForwardProxyHarness(vendor: vendor, unknownHosts: .tunnel, idleTimeout: .milliseconds(300))
        defer { proxy.stop() }
        let client = try TestClient(port: proxy.port)
        try client.send("CONNECT 127.0.0.1:\(vendor.port) HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readExactly(39) == Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8))
        #expect(client.isClosedByPeer(within: .seconds(5)))
    }

    @Test("a pass-through to a closed port is answered 502, and absolute-form http to another host is still refused")
    func failures() throws {
        let vendor = try HTTPSVendor(statuses: [200])
        defer { vendor.stop() }
        let proxy = try ForwardProxyHarness(vendor: vendor, unknownHosts: .tunnel)
        defer { proxy.stop() }
        let client = try TestClient(port: proxy.port)
        try client.send("CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n")
        let refused = try client.readResponse()
        #expect(refused.status == 502)
        #expect(refused.jsonObject?["error"] as? String == "tunnel_failed")
        let other = try TestClient(port: proxy.port)
        try other.send("GET http://127.0.0.1:\(vendor.port)/ HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try other.readResponse().status == 403)
    }
}
