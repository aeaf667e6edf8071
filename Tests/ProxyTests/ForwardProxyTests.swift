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

/// retryd with one upstream, `https://api.vendor.example`, reached only through its forward proxy on port 0.
final class ForwardProxyHarness: @unchecked Sendable {
    let runtime: ProxyRuntime
    let port: UInt16
    let folder: String
    private let thread: RuntimeThread

    init(
        vendor: HTTPSVendor, unknownHosts: ForwardProxySettings.UnknownHosts = .refuse, workers: Int = 1,
        logger: Logger = Logger(label: "retryd-test", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws {
        folder = NSTemporaryDirectory() + "retryd-fwd-\(UUID().uuidString.prefix(8))"
        var upstream = UpstreamSettings(
            name: "vendor", listen: ListenAddress(host: "127.0.0.1", port: 0),
            url: UpstreamURL(scheme: "https", host: "api.vendor.example"))
        upstream.connectTo = "127.0.0.1:\(vendor.port)"
        upstream.caFile = vendor.caPath
        upstream.retry = .quick()
        var settings = ProxySettings(upstreams: [upstream])
        settings.forwardProxy = ForwardProxySettings(
            listen: ListenAddress(host: "127.0.0.1", port: 0), ca: .generated(directory: folder + "/ca"))
        settings.forwardProxy?.unknownHosts = unknownHosts
        runtime = try ProxyRuntime(settings: settings, logger: logger, workers: workers)
        port = runtime.forwardProxyAddress!.port
        thread = RuntimeThread(runtime)
    }

    var caPath: String { folder + "/ca/ca.crt" }

    /// Reloads `settings` on the loop thread, as SIGHUP does.
    func reload(_ settings: ProxySettings) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = LockedBox<(any Error)?>(nil)
        let runtime = runtime
        runtime.loop.execute {
            do { try runtime.reload(settings) } catch { failure.set(error) }
            done.signal()
        }
        done.wait()
        if let error = failure.value { throw error }
    }

    func stop() {
        thread.stopAndWait()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs curl through the proxy with retryd's CA trusted: status of the last transfer, bodies, headers, -v output.
    func curl(_ arguments: [String]) throws -> (status: Int, body: String, headers: String, verbose: String) {
        let out = folder + "/curl-\(UUID().uuidString.prefix(8))"
        let status = try Spawned.run(
            [
                "sh", "-c",
                "curl -sS -v --max-time 10 --proxy http://127.0.0.1:\(port) --cacert \(caPath) -D \(out).h "
                    + "-w '\\n%{http_code}\\n' \"$@\" >\(out).s 2>\(out).v",
                "curl",
            ] + arguments)
        let read = { (suffix: String) in (try? String(contentsOfFile: out + suffix, encoding: .utf8)) ?? "" }
        _ = status
        // Each transfer's body is followed by a line with its status.
        let output = read(".s")
        let code = Int(output.split(separator: "\n").last ?? "") ?? 0
        return (code, output, read(".h").lowercased(), read(".v"))
    }
}

/// A Python HTTPS vendor for `api.vendor.example` with a certificate from a CA of its own, answering the statuses
/// it was given in turn (the last one repeats) with a JSON body naming the hit, the target and the Host.
final class HTTPSVendor: @unchecked Sendable {
    static let toolsAvailable: Bool = {
        TLSUpstream.toolsAvailable && (try? Spawned.run(["curl", "--version"])) == 0
    }()

    let folder: String
    let port: UInt16
    private let server: Spawned

    var caPath: String { folder + "/vendor-ca.pem" }

    /// Requests the vendor answered so far (its hits file, written before each answer).
    var hits: Int {
        Int((try? String(contentsOfFile: folder + "/hits", encoding: .utf8)) ?? "") ?? 0
    }

    init(statuses: [Int]) throws {
        folder = NSTemporaryDirectory() + "retryd-vendor-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let caPath = folder + "/vendor-ca.pem"
        let commands = [
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
                "1", "-subj", "/CN=vendor test CA", "-keyout", folder + "/vendor-ca.key", "-out", caPath,
            ],
            [
                "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj",
                "/CN=api.vendor.example", "-keyout", folder + "/key.pem", "-out", folder + "/req.pem",
            ],
            [
                "sh", "-c",
                "printf 'subjectAltName=DNS:api.vendor.example\\n' > \(folder)/ext.cnf && openssl x509 -req -in "
                    + "\(folder)/req.pem -CA \(caPath) -CAkey \(folder)/vendor-ca.key -CAcreateserial -days 1 "
                    + "-extfile \(folder)/ext.cnf -out \(folder)/cert.pem",
            ],
        ]
        for command in commands {
            let status = try Spawned.run(command)
            guard status == 0 else { throw SysError(call: command[0], errno: status) }
        }
        let script = """
            import http.server, ssl, sys, json
            statuses = [int(s) for s in sys.argv[3].split(",")]
            hits = [0]
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_GET(self):
                    hits[0] += 1
                    with open(sys.argv[4], "w") as f:
                        f.write(str(hits[0]))
                    status = statuses[min(hits[0], len(statuses)) - 1]
                    fields = {"status": status, "hit": hits[0], "path": self.path, "host": self.headers.get("Host")}
                    proxy_fields = [k for k in self.headers.keys() if k.lower().startswith("proxy-")]
                    if proxy_fields:
                        fields["proxy_fields"] = proxy_fields
                    body = json.dumps(fields, separators=(",", ":")).encode()
                    if self.path.startswith("/big"):
                        body = bytes(range(256)) * (16 * 1024)
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *args):
                    pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            server.socket = context.wrap_socket(server.socket, server_side=True)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        try script.write(toFile: folder + "/server.py", atomically: true, encoding: .utf8)
        server = try Spawned([
            "python3", folder + "/server.py", folder + "/cert.pem", folder + "/key.pem",
            statuses.map(String.init).joined(separator: ","), folder + "/hits",
        ])
        guard let line = server.readLine(timeout: .seconds(10)), let port = UInt16(line) else {
            server.kill()
            throw SysError(call: "python3 https vendor", errno: 0)
        }
        self.port = port
    }

    func stop() {
        server.kill()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
