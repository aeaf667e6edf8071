import ArgumentParser
import Listener
import Loop

#if canImport(Glibc)
    import Glibc
#endif

/// `retryd demo`: retryd in front of an in-process simulated vendor, a scripted tour, then serving until Ctrl-C.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show retryd retrying against a simulated flaky vendor, then keep serving it for curl.")

    /// The address used when `--listen` is not given.
    static let defaultListen = ListenAddress(host: "127.0.0.1", port: 8080)

    @Flag(name: .long, help: "Exit after the tour instead of serving until Ctrl-C.")
    var once = false

    @Option(name: .long, help: "Where retryd listens (default 127.0.0.1:8080, or a free port if that is busy).")
    var listen: String?

    func validate() throws {
        if let listen, ListenAddress.parse(listen) == nil {
            throw ValidationError("--listen must be host:port, e.g. 127.0.0.1:8080 (port 0 picks a free one)")
        }
    }

    func run() throws {
        // Before any thread starts, as `retryd run` does: every thread then leaves SIGINT to the loop.
        try SignalWatcher.blockWatchedSignals()
        let session = try makeSession()
        let signals = try SignalWatcher(loop: session.runtime.loop) { _ in session.stop() }
        let outcome = DemoOutcome()
        Self.write(
            "retryd demo: a simulated vendor on \(session.vendorAddress), retryd on \(session.retrydAddress) in"
                + " front of it.\nTour: each request goes through retryd; the vendor misbehaves on cue.\n\n")
        // The signal mask is inherited: the tour's thread, created after the watcher, never takes Ctrl-C itself.
        let once = once
        DetachedThread.start {
            let rows = session.tour.run()
            outcome.rows = rows
            Self.write(DemoTable.render(rows) + DemoTable.legend)
            if once {
                session.stop()
                return
            }
            Self.write(Self.tryIt(session))
            session.recorder.echoes = true
        }
        try session.run()
        withExtendedLifetime(signals) {}
        if once && !Self.succeeded(outcome.rows) { throw ExitCode.failure }
    }

    /// Whether the tour ran and every request got an answer; the burst row stands for many and answers in its
    /// summary, where a failed one shows as a status other than 200.
    static func succeeded(_ rows: [DemoRow]) -> Bool {
        !rows.isEmpty
            && rows.allSatisfy { row in
                if let burst = row.burst { return burst.client.firstRange(of: "others") == nil }
                return row.clientStatus != nil
            }
    }

    /// Binds; a busy default port falls back to a free one, a busy `--listen` port is an error that says what to do.
    private func makeSession() throws -> DemoSession {
        let requested = listen.flatMap(ListenAddress.parse) ?? Self.defaultListen
        do {
            return try DemoSession(listen: requested)
        } catch let error as SysError where error.call == "bind" && error.errno == EADDRINUSE {
            guard listen == nil else {
                let next = ListenAddress(host: requested.host, port: requested.port &+ 1)
                let any = ListenAddress(host: requested.host, port: 0)
                Self.write(
                    "retryd demo: \(requested) is already in use. Pick another port, e.g. --listen \(next),"
                        + " or --listen \(any) for any free one.\n",
                    to: STDERR_FILENO)
                throw ExitCode.failure
            }
            let session = try DemoSession(listen: ListenAddress(host: requested.host, port: 0))
            Self.write(
                "retryd demo: \(requested) is in use, so retryd took \(session.retrydAddress) instead"
                    + " (choose with --listen).\n", to: STDERR_FILENO)
            return session
        }
    }

    /// The serving banner and a few requests to try by hand.
    static func tryIt(_ session: DemoSession) -> String {
        let base = "http://\(session.retrydAddress)"
        let commands = [
            "curl -i \(base)/v1/jobs/42",
            "curl -i -X POST \(base)/v1/transcodes",
            "curl -i -X POST \(base)/v1/encodings",
            "curl -i -X POST -H 'Idempotency-Key: try-1' \(base)/v1/encodings",
            "curl -i \(base)/v1/projects/p1/cloud-transcoder/tasks/t9",
        ]
        return "retryd listening on \(session.retrydAddress) → simulated vendor on \(session.vendorAddress)\n"
            + "Try it (retryd's log follows on stderr; Ctrl-C stops):\n"
            + commands.map { "  " + $0 + "\n" }.joined()
    }

    /// Writes `text` at once (print's buffer would hold it back when stdout is a pipe).
    static func write(_ text: String, to fd: Int32 = STDOUT_FILENO) {
        Console.write(text, to: fd)
    }
}

/// The tour's result, handed from the tour's thread to the main thread once the loop has stopped.
private final class DemoOutcome: Sendable {
    private let stored = LockedValue<[DemoRow]>([])

    var rows: [DemoRow] {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}
