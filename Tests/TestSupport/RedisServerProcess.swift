import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a test's redis-server could not be started.
package struct RedisServerError: Error, CustomStringConvertible {
    /// What went wrong.
    package let description: String
}

/// A real `redis-server` for one test, in a fresh temporary directory, on a random high port.
///
/// Redis cannot bind port 0, so a random port is tried and, when Redis exits because the port is taken, another:
/// the port is never probed by binding and closing it first, which would race with every other test. The server
/// can be stopped and started again on the same port, and paused (SIGSTOP) to stand for a Redis that hangs.
package final class RedisServerProcess: @unchecked Sendable {
    /// The server's working directory.
    package let directory: URL
    /// The port it listens on.
    package private(set) var port: UInt16 = 0
    /// Its `requirepass`, if any.
    package let password: String?
    private var process: Process?

    /// Starts a server; `password` sets `requirepass`.
    package init(password: String? = nil) throws {
        self.password = password
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("retryd-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for _ in 0..<20 {
            port = UInt16.random(in: 20_000...60_999)
            if try launch() { return }
        }
        throw RedisServerError(description: "no free port for redis-server after 20 tries")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The Unix socket the server also listens on.
    package var socketPath: String { directory.appendingPathComponent("redis.sock").path }

    /// `redis://127.0.0.1:port`, with the password when one is set (TestSupport knows no Redis types: parse it).
    package var urlString: String {
        "redis://" + (password.map { ":\($0)@" } ?? "") + "127.0.0.1:\(port)/0"
    }

    private var logPath: String { directory.appendingPathComponent("redis.log").path }

    /// Starts the server again on the same port after ``stop()``.
    package func start() throws {
        guard try launch() else { throw RedisServerError(description: "port \(port) was taken on restart") }
    }

    /// Stops the server: SIGTERM, then SIGKILL if it has not exited within 2 s.
    package func stop() {
        guard let process else { return }
        self.process = nil
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGCONT)
        process.terminate()
        // SIGKILL only if SIGTERM did not work: the flag says the wait below ended, so the pid was not reused.
        let exited = LockedBox(false)
        DispatchQueue.global().asyncAfter(deadline: .now() + 2) {
            exited.mutate { if !$0 { kill(pid, SIGKILL) } }
        }
        process.waitUntilExit()
        exited.mutate { $0 = true }
    }

    /// Freezes the server (SIGSTOP): the kernel still accepts connections, nothing answers.
    package func pause() {
        if let process { kill(process.processIdentifier, SIGSTOP) }
    }

    /// Lets a paused server run again (SIGCONT).
    package func resume() {
        if let process { kill(process.processIdentifier, SIGCONT) }
    }

    /// Launches on ``port``; false when Redis exited because the port is taken.
    private func launch() throws -> Bool {
        try? FileManager.default.removeItem(atPath: logPath)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        var arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory.path, "--logfile", logPath, "--daemonize", "no",
            "--unixsocket", socketPath, "--unixsocketperm", "700", "--enable-debug-command", "yes",
        ]
        if let password { arguments += ["--requirepass", password] }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try Self.withNoSignalsBlocked { try process.run() }
        } catch {
            throw RedisServerError(
                description: "cannot run /usr/bin/redis-server (apt-get install redis-server): \(error)")
        }
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if log.contains("Ready to accept connections"), process.isRunning, accepts() {
                self.process = process
                return true
            }
            if !process.isRunning {
                process.waitUntilExit()
                if log.contains("Address already in use") { return false }
                throw RedisServerError(description: "redis-server exited: \(log.suffix(500))")
            }
            usleep(2_000)
        }
        process.terminate()
        process.waitUntilExit()
        throw RedisServerError(description: "redis-server did not become ready within 5 s")
    }

    /// Test threads (libdispatch's) block almost every signal, and a spawned child inherits that mask: redis would
    /// then ignore SIGTERM. Spawning with nothing blocked gives it a normal mask.
    private static func withNoSignalsBlocked(_ body: () throws -> Void) rethrows {
        var none = sigset_t()
        var saved = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        try body()
    }

    /// Whether a TCP connection to the port is accepted.
    private func accepts() -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return result == 0
    }
}
