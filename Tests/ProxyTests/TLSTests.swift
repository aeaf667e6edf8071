import Foundation
import Loop
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// HTTPS upstreams: certificates are verified by default, `ca_file` trusts a private CA, and a certificate that does
/// not verify is answered at once instead of being retried.
@Suite(
    "TLS upstreams",
    .enabled(if: TLSUpstream.toolsAvailable, "needs python3 and openssl to run an HTTPS upstream"))
struct TLSTests {
    @Test("a self-signed upstream is refused by default, at once and without retries")
    func verifiesByDefault() throws {
        let upstream = try TLSUpstream()
        defer { upstream.stop() }
        let proxy = try ProxyHarness(upstreamURL: "https://127.0.0.1:\(upstream.port)")
        let (response, elapsed) = try measure { try proxy.request(target: "/secure") }
        #expect(response.status == 502)
        #expect(response.header("X-Retryd-Attempts") == "1")
        #expect((response.jsonObject?["detail"] as? String)?.contains("certificate") == true)
        #expect(elapsed < .seconds(2), "a certificate failure was retried with backoff")
    }

    @Test("ca_file makes a private certificate trusted")
    func caFile() throws {
        let upstream = try TLSUpstream()
        defer { upstream.stop() }
        let proxy = try ProxyHarness(upstreamURL: "https://127.0.0.1:\(upstream.port)") { config, _ in
            config.caFile = upstream.certificatePath
        }
        for _ in 0..<3 {
            let response = try proxy.request(target: "/secure")
            #expect(response.status == 200)
            #expect(response.bodyString == "{\"secure\":true,\"path\":\"/secure\"}")
        }
    }
}

/// A Python HTTPS server with a fresh self-signed certificate for 127.0.0.1, in a temporary folder.
///
/// Processes are started with posix_spawn and reaped with waitpid: Foundation's Process can stall on the test
/// runner's cooperative threads.
final class TLSUpstream: @unchecked Sendable {
    static let toolsAvailable: Bool = {
        (try? Spawned.run(["openssl", "version"])) == 0 && (try? Spawned.run(["python3", "-c", "import ssl"])) == 0
    }()

    let folder: String
    let port: UInt16
    private let server: Spawned

    var certificatePath: String { folder + "/cert.pem" }

    init() throws {
        folder = NSTemporaryDirectory() + "retryd-tls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let status = try Spawned.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem",
        ])
        guard status == 0 else { throw SysError(call: "openssl", errno: status) }
        (server, port) = try Spawned.pythonHTTPS(
            in: folder,
            handler: """
                def do_GET(self):
                    body = ('{"secure":true,"path":"%s"}' % self.path).encode()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                """)
    }

    func stop() {
        server.kill()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

extension Spawned {
    /// A Python HTTPS server on 127.0.0.1, on a port it picks and prints: `handler` is the body of its request
    /// handler class (the `do_*` methods), `preamble` what the script needs before it; the TLS set-up, with
    /// `cert.pem` and `key.pem` in `folder`, is the same for every test vendor. `arguments` follow the two file
    /// paths as `sys.argv[3...]`.
    static func pythonHTTPS(
        in folder: String, preamble: String = "", handler: String, arguments: [String] = []
    ) throws -> (Spawned, UInt16) {
        let indented = handler.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
        let script = """
            import http.server, ssl, sys, json
            \(preamble)
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
            \(indented.joined(separator: "\n"))
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
        let server = try Spawned(
            ["python3", folder + "/server.py", folder + "/cert.pem", folder + "/key.pem"] + arguments)
        guard let line = server.readLine(timeout: .seconds(10)), let port = UInt16(line) else {
            server.kill()
            throw SysError(call: "python3 https server", errno: 0)
        }
        return (server, port)
    }
}

/// A child process started with posix_spawnp; its stdout is a pipe, stdin and stderr are /dev/null.
final class Spawned: @unchecked Sendable {
    let pid: pid_t
    private let output: Int32

    init(_ arguments: [String]) throws {
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw SysError(call: "pipe", errno: errno) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, arguments[0], &actions, nil, &argv, environ)
        close(pipeFDs[1])
        guard rc == 0 else {
            close(pipeFDs[0])
            throw SysError(call: "posix_spawnp \(arguments[0])", errno: rc)
        }
        pid = child
        output = pipeFDs[0]
    }

    deinit {
        close(output)
    }

    /// Runs to completion and returns the exit status.
    static func run(_ arguments: [String]) throws -> Int32 {
        let process = try Spawned(arguments)
        return process.wait()
    }

    /// The first line of output, or nil after `timeout`.
    func readLine(timeout: Duration) -> String? {
        var collected: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while !collected.contains(UInt8(ascii: "\n")) {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(remaining.components.seconds * 1000 + 1)) == 1 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = read(output, &buffer, buffer.count)
            guard count > 0 else { return nil }
            collected += buffer[..<count]
        }
        return String(decoding: collected.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    /// Waits for the child to exit; its exit status (or 128 + signal).
    @discardableResult
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Stops the child and reaps it. SIGKILL, because a child spawned from a test thread inherits that thread's
    /// blocked signals, SIGTERM included.
    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
        wait()
    }
}
