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

/// retryd with one upstream, `https://api.vendor.example`, reached only through its forward proxy on port 0.
final class ForwardProxyHarness: @unchecked Sendable {
    let runtime: ProxyRuntime
    let port: UInt16
    let folder: String
    private let thread: RuntimeThread

    init(
        vendor: HTTPSVendor, unknownHosts: ForwardProxySettings.UnknownHosts = .refuse, workers: Int = 1,
        idleTimeout: Duration = .seconds(60),
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
        settings.limits.connection.idleTimeout = idleTimeout
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
        (server, port) = try Spawned.pythonHTTPS(
            in: folder,
            preamble: """
                statuses = [int(s) for s in sys.argv[3].split(",")]
                hits = [0]
                """,
            handler: """
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
                """,
            arguments: [statuses.map(String.init).joined(separator: ","), folder + "/hits"])
    }

    func stop() {
        server.kill()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
