import Foundation
import Loop
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `retryd` binary under a fake systemd: notify socket datagrams, SIGHUP and SIGTERM.
@Suite("Service process")
struct ServiceProcessTests {
    /// The retryd executable built next to the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("retryd")
    }

    /// A bound AF_UNIX datagram socket standing in for $NOTIFY_SOCKET.
    final class NotifySocket {
        let fd: Int32
        let path: String

        init() throws {
            path = NSTemporaryDirectory() + "retryd-notify-\(UUID().uuidString.prefix(8)).sock"
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                let bytes = Array(path.utf8)
                raw.copyBytes(from: bytes.prefix(raw.count - 1))
            }
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard rc == 0 else { throw SysError(call: "bind", errno: errno) }
        }

        deinit {
            close(fd)
            unlink(path)
        }

        /// The next datagram, or nil after `timeout`.
        func next(timeout: Duration = .seconds(5)) -> String? {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(timeout.components.seconds * 1000)) == 1 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
        }
    }

    func writeConfig(_ path: String, port: UInt16, upstream: String, maxAttempts: Int, extra: String = "") {
        // No journal: these tests are about the service, and must not write to the default /var/lib/retryd.
        let text = """
            state_dir = ""
            [[upstream]]
            name = "vendor"
            listen = "127.0.0.1:\(port)"
            url = "\(upstream)"
            [upstream.retry]
            max_attempts = \(maxAttempts)
            backoff = { initial = "10ms", multiplier = 1.0, max = "10ms", jitter = "none" }
            \(extra)
            [limits]
            shutdown_timeout = "5s"

            """
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    @Test("READY, RELOADING and STOPPING reach the notify socket; reloads apply or are refused; SIGTERM drains")
    func notifyReloadAndStop() throws {
        let upstream = try TestUpstream(handler: { request, _ in
            request.target == "/slow"
                ? .delay(.milliseconds(500), then: .respond(status: 200, text: "slow"))
                : .respond(status: 503, text: "no")
        })
        let notify = try NotifySocket()
        // Port 0: retryd binds in place and says in its READY status where ("serving vendor on 127.0.0.1:N").
        let port: UInt16 = 0
        let configPath = NSTemporaryDirectory() + "retryd-\(UUID().uuidString.prefix(8)).toml"
        defer { unlink(configPath) }
        writeConfig(configPath, port: port, upstream: upstream.baseURL, maxAttempts: 1)

        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["--config", configPath]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let ready = try #require(notify.next())
        #expect(ready.hasPrefix("READY=1"))
        let bound = try #require(ready.split(separator: ":").last.flatMap { UInt16($0.prefix { $0.isNumber }) })
        #expect(try TestClient.request(port: bound, target: "/a").status == 503)
        #expect(upstream.requests.count == 1)

        // A good file: the new policy (two attempts) applies to the next request.
        writeConfig(configPath, port: port, upstream: upstream.baseURL, maxAttempts: 2)
        kill(process.processIdentifier, SIGHUP)
        let reloading = notify.next()
        #expect(reloading?.hasPrefix("RELOADING=1") == true)
        #expect(reloading?.contains("MONOTONIC_USEC=") == true)
        #expect(notify.next()?.hasPrefix("READY=1") == true)
        #expect(try TestClient.request(port: bound, target: "/b").status == 503)
        #expect(upstream.requests.count == 3)

        // A broken file: reported, and the running configuration stays.
        writeConfig(configPath, port: port, upstream: upstream.baseURL, maxAttempts: 2, extra: "max_atempts = 3")
        kill(process.processIdentifier, SIGHUP)
        #expect(notify.next()?.hasPrefix("RELOADING=1") == true)
        #expect(notify.next()?.hasPrefix("READY=1") == true)
        #expect(try TestClient.request(port: bound, target: "/c").status == 503)
        #expect(upstream.requests.count == 5)

        // SIGTERM with a request in flight: it is answered, then retryd exits 0.
        let answered = LockedResult()
        let thread = Thread {
            answered.set(Result { () throws(ClientError) in try TestClient.request(port: bound, target: "/slow") })
        }
        thread.start()
        #expect(upstream.waitForRequests(6))
        kill(process.processIdentifier, SIGTERM)
        #expect(notify.next()?.hasPrefix("STOPPING=1") == true)
        #expect(answered.wait()?.bodyString == "slow")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // The broken reload names the file, the line and the key.
        #expect(log.contains("\(configPath):9: upstream[0].retry.max_atempts: unknown key"), "\(log)")
        // One access-log line per request, from the direct writer, in the logger's format and batch.
        let lines = log.split(separator: "\n")
        for (target, attempts) in [("/a", 1), ("/b", 2), ("/c", 2)] {
            #expect(
                lines.contains {
                    $0.contains(" info retryd: GET \(target) 503 2 ")
                        && $0.hasSuffix("ms attempts=\(attempts) upstream=vendor")
                },
                "no access-log line for \(target) in \(log)")
        }
        #expect(lines.contains { $0.contains(" info retryd: GET /slow 200 4 ") }, "\(log)")
    }
}

extension ServiceProcessTests {
    /// Runs the binary to completion; returns its exit status, stdout and stderr.
    static func runToExit(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String, String)
    {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test("retryd check prints the effective policy, or names file, line and key and exits 78")
    func check() throws {
        let path = NSTemporaryDirectory() + "retryd-check-\(UUID().uuidString.prefix(8)).toml"
        defer { unlink(path) }
        ServiceProcessTests().writeConfig(path, port: 18999, upstream: "https://api.vendor.example/v2", maxAttempts: 4)
        let (status, out, _) = try Self.runToExit(["check", "--config", path])
        #expect(status == 0)
        #expect(out.contains("upstream vendor: 127.0.0.1:18999 -> https://api.vendor.example/v2"))
        #expect(out.contains("up to 4 attempts"))

        ServiceProcessTests().writeConfig(
            path, port: 18999, upstream: "https://api.vendor.example", maxAttempts: 4, extra: "jitter = \"full\"")
        let (broken, _, error) = try Self.runToExit(["check", "--config", path])
        #expect(broken == 78)
        #expect(error.contains("\(path):9: upstream[0].retry.jitter: unknown key"), "\(error)")
    }

    /// Whether this machine has a system-wide configuration, which `retryd check` would read instead.
    static let hasSystemConfig = FileManager.default.fileExists(atPath: "/etc/retryd/retryd.toml")

    @Test(
        "retryd check with no configuration anywhere exits 78 and says how to give one",
        .disabled(if: hasSystemConfig, "/etc/retryd/retryd.toml exists here, and check reads it"))
    func checkWithoutConfiguration() throws {
        let (none, _, message) = try Self.runToExit(
            ["check"], environment: ["RETRYD_CONFIG": "", "RETRYD_LISTEN": "", "RETRYD_UPSTREAM": ""])
        #expect(none == 78)
        #expect(message.contains("--listen"), "\(message)")
    }
}

/// A response handed from a client thread to the test.
final class LockedResult: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<ReceivedResponse, ClientError>?
    func set(_ value: Result<ReceivedResponse, ClientError>) {
        result = value
        done.signal()
    }
    func wait() -> ReceivedResponse? {
        guard done.wait(timeout: .now() + 10) == .success else { return nil }
        return try? result?.get()
    }
}
