import Foundation
import Journal
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `retryd` binary with a journal: crashes lose no webhook event, and an unusable state_dir stops nothing.
@Suite("Journal process")
struct JournalProcessTests {
    /// A running retryd; SIGKILLed when dropped, if still running.
    final class Daemon {
        let process = Process()
        let notify: ServiceProcessTests.NotifySocket
        /// Where stderr goes: a file, not a pipe, since a pipe nobody reads fills up and blocks retryd's logging.
        let logPath = NSTemporaryDirectory() + "retryd-log-\(UUID().uuidString.prefix(8))"
        let port: UInt16

        init(config: String) throws {
            notify = try ServiceProcessTests.NotifySocket()
            process.executableURL = ServiceProcessTests.binary
            process.arguments = ["--config", config]
            var environment = ProcessInfo.processInfo.environment
            environment["NOTIFY_SOCKET"] = notify.path
            process.environment = environment
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: logPath)
            try process.run()
            let ready = try #require(notify.next(timeout: .seconds(10)))
            port = try #require(ready.split(separator: ":").last.flatMap { UInt16($0.prefix { $0.isNumber }) })
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            unlink(logPath)
        }

        /// Kills the process without giving it a chance to flush or clean up, as a crash or the OOM killer would.
        func crash() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        /// Stops it gracefully and returns what it logged.
        func stopAndReadLog() -> String {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            return (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        }
    }

    /// An upstream that refuses every connection, so each request is a give-up; a webhook and an admin listener
    /// when asked for.
    static func writeConfig(_ path: String, stateDir: String, webhook: String?, adminPort: UInt16? = nil) {
        let notify =
            webhook.map {
                "[notify]\nwebhook = \"\($0)/hook\"\nmax_attempts = 50\ntimeout = \"2s\"\n"
            } ?? ""
        let admin = adminPort.map { "[admin]\nlisten = \"127.0.0.1:\($0)\"\n" } ?? ""
        let text = """
            state_dir = "\(stateDir)"
            \(notify)\(admin)
            [[upstream]]
            name = "vendor"
            listen = "127.0.0.1:0"
            url = "http://127.0.0.1:1"
            [upstream.retry]
            max_attempts = 1
            # Every request must be a give-up the journal sees, not the open breaker's 503.
            [upstream.breaker]
            enabled = false

            """
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    @Test(
        "SIGKILL with webhook deliveries pending: after a restart every event arrives, redeliveries with the same key")
    func crashLosesNoWebhookEvent() throws {
        let accepting = LockedBox(false)
        let accepted = LockedBox<[String: [UInt8]]>([:])
        let webhook = try TestUpstream { request, _ in
            guard accepting.value, let key = request.header("Idempotency-Key") else {
                return .respond(status: 503, text: "down")
            }
            accepted.mutate { $0[key] = request.body }
            return .respond(status: 204)
        }
        let directory = NSTemporaryDirectory() + "retryd-crash-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + ".toml"
        defer { unlink(config) }
        Self.writeConfig(config, stateDir: directory + "/state", webhook: webhook.baseURL)

        let first = try Daemon(config: config)
        let giveUps = 5
        for index in 0..<giveUps {
            // The vendor URL refuses connections: each request is a give-up (502).
            #expect(try TestClient.request(port: first.port, target: "/v1/jobs/\(index)").status == 502)
        }
        // Written to the journal, and the webhook is failing the first event.
        let reader = { try JournalStore(readingIn: directory + "/state") }
        #expect(poll(every: .milliseconds(20)) { (try? reader().count()) == giveUps })
        #expect(webhook.waitForRequests(1))
        first.crash()
        let keys = Set(try reader().giveUps(matching: GiveUpQuery()).map(\.idempotencyKey))
        #expect(keys.count == giveUps)
        #expect(try reader().pendingDeliveries(limit: 100).count == giveUps)
        let beforeRestart = webhook.requests.count

        accepting.set(true)
        let second = try Daemon(config: config)
        #expect(poll(every: .milliseconds(20)) { accepted.value.count == giveUps }, "\(accepted.value.keys)")
        #expect(try poll(every: .milliseconds(20)) { try reader().pendingDeliveries(limit: 100).isEmpty })
        let log = second.stopAndReadLog()

        #expect(Set(accepted.value.keys) == keys)
        // Every delivery, before the crash and after, carried one of the journal's keys, and the same body each time.
        var bodies: [String: Set<[UInt8]>] = [:]
        for request in webhook.requests {
            let key = try #require(request.header("Idempotency-Key"))
            #expect(keys.contains(key))
            bodies[key, default: []].insert(request.body)
        }
        #expect(bodies.values.allSatisfy { $0.count == 1 })
        #expect(webhook.requests.count >= beforeRestart + giveUps)
        let rows = try reader().giveUps(matching: GiveUpQuery())
        #expect(rows.allSatisfy { $0.delivery == .delivered }, "\(rows.map(\.delivery))")
        #expect(log.contains("loaded \(giveUps) undelivered give-up events from the journal"), "\(log)")
    }

    @Test("with the journal's writer thread running, SIGTERM and SIGHUP still reach the loop: a drain, a reload")
    func signalsReachTheLoopBesideTheWriterThread() throws {
        let base = NSTemporaryDirectory() + "retryd-sig-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let config = base + ".toml"
        defer { unlink(config) }
        Self.writeConfig(config, stateDir: base + "/state", webhook: nil)
        for _ in 0..<3 {
            // The child starts with this thread's signal mask; the test runner may block these signals itself, which
            // would hide a retryd thread that leaves them unblocked. The kernel picks the thread that gets a process
            // signal: several runs.
            let daemon = try Self.withWatchedSignalsUnblocked { () throws -> Daemon in try Daemon(config: config) }
            kill(daemon.process.processIdentifier, SIGHUP)
            #expect(daemon.notify.next(timeout: .seconds(5))?.contains("RELOADING") == true)
            #expect(daemon.process.isRunning, "SIGHUP's default action ended retryd")
            let log = daemon.stopAndReadLog()
            #expect(daemon.process.terminationReason == .exit, "killed by the signal: \(log)")
            #expect(daemon.process.terminationStatus == 0)
            #expect(log.contains("shutting down"), "\(log)")
        }
    }

    /// Runs `body` with SIGTERM, SIGHUP and SIGINT unblocked in this thread, then restores its mask.
    static func withWatchedSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var watched = sigset_t()
        sigemptyset(&watched)
        for signal in [SIGTERM, SIGHUP, SIGINT] { sigaddset(&watched, signal) }
        var previous = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &watched, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    @Test("a state_dir that cannot be created: the proxy serves, logs the error once, and check reports it")
    func unusableStateDirKeepsServing() throws {
        let base = NSTemporaryDirectory() + "retryd-ro-\(UUID().uuidString.prefix(8))"
        // A regular file where a directory should be: not creatable, even for root (whom permissions do not stop).
        _ = FileManager.default.createFile(atPath: base, contents: Data())
        defer { unlink(base) }
        let config = base + ".toml"
        defer { unlink(config) }
        Self.writeConfig(config, stateDir: base + "/state", webhook: nil)

        let daemon = try Daemon(config: config)
        for index in 0..<3 {
            #expect(try TestClient.request(port: daemon.port, target: "/v1/\(index)").status == 502)
        }
        let log = daemon.stopAndReadLog()
        let errors = log.split(separator: "\n").filter { $0.contains("journal: opening failed") }
        #expect(errors.count == 1, "\(log)")
        #expect(errors.first?.contains("proxying goes on") == true)

        let (status, out, _) = try ServiceProcessTests.runToExit(["check", "--config", config])
        #expect(status == 1)
        #expect(out.contains("problem: cannot create state_dir \(base)/state"), "\(out)")
    }

    @Test(
        "a read-only state_dir is reported by check",
        .disabled(if: geteuid() == 0, "root writes through directory permissions"))
    func readOnlyStateDirIsReported() throws {
        let directory = NSTemporaryDirectory() + "retryd-ro-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o500])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + ".toml"
        defer { unlink(config) }
        Self.writeConfig(config, stateDir: directory, webhook: nil)
        let (status, out, _) = try ServiceProcessTests.runToExit(["check", "--config", config])
        #expect(status == 1)
        #expect(out.contains("problem: state_dir \(directory) is not writable"), "\(out)")
    }

    @Test("retryd giveups prints the journal as a table and as JSON lines")
    func giveUpsCommand() throws {
        let directory = NSTemporaryDirectory() + "retryd-giveups-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try JournalStore(writingIn: directory)
        try store.write(
            [
                .giveUp(
                    .init(
                        upstream: "encoding", method: "POST", path: "/v1/jobs", attempts: [.init(outcome: "503")],
                        reason: .attemptsExhausted, requestIDs: [("X-Request-Id", "req-9")],
                        time: Date().timeIntervalSince1970, body: Array("busy".utf8), finalStatus: 503),
                    idempotencyKey: "k1", webhookBody: nil)
            ], now: 0)

        let (status, table, _) = try ServiceProcessTests.runToExit([
            "giveups", "--state-dir", directory, "--since", "1h",
        ])
        #expect(status == 0)
        #expect(table.hasPrefix("TIME (UTC)"))
        #expect(table.contains("encoding  POST /v1/jobs  503 attempts exhausted  503"), "\(table)")
        #expect(table.contains("X-Request-Id=req-9"))
        let (_, json, _) = try ServiceProcessTests.runToExit(["giveups", "--state-dir", directory, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["idempotency_key"] as? String == "k1")
        let (_, none, _) = try ServiceProcessTests.runToExit(
            ["giveups", "--state-dir", directory, "--upstream", "other"])
        #expect(none == "no give-ups recorded\n")
        let (missing, _, message) = try ServiceProcessTests.runToExit(["giveups", "--state-dir", directory + "/nope"])
        #expect(missing == 1)
        #expect(message.contains("cannot read the journal"))

        // A refusal is a row too, picked out by its reason.
        try store.write(
            [
                .giveUp(
                    .init(
                        upstream: "encoding", method: "POST", path: "/v1/jobs/2", attempts: [], reason: .breakerOpen,
                        time: Date().timeIntervalSince1970, finalStatus: 503),
                    idempotencyKey: "k2", webhookBody: nil, summarized: true)
            ], now: 0)
        let (_, refused, _) = try ServiceProcessTests.runToExit([
            "giveups", "--state-dir", directory, "--reason", "breaker_open,gate_closed",
        ])
        let lines = refused.split(separator: "\n")
        #expect(lines.count == 2, "\(refused)")
        #expect(lines.last?.contains("POST /v1/jobs/2  503 circuit breaker open  -") == true, "\(refused)")
        #expect(lines.last?.hasSuffix("summarized") == true)
        let (misspelt, _, complaint) = try ServiceProcessTests.runToExit([
            "giveups", "--state-dir", directory, "--reason", "breaker",
        ])
        #expect(misspelt == 64)
        #expect(complaint.contains("--reason \"breaker\" is not a reason code"), "\(complaint)")
    }
}
