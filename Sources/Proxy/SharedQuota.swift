import Admission
import Logging
import Loop
import Redis
import Synchronization

/// The gates and quota estimates of every upstream, shared with the other instances through Redis (`[shared]`).
///
/// Redis is never a single point of failure: every call has a short timeout, and while Redis cannot be reached each
/// instance keeps its own state (one warning when it goes, one line when it is back, reconnecting with backoff).
final class SharedQuota: @unchecked Sendable {
    /// The outcome of asking Redis for one request of a window's quota.
    enum Take {
        /// Granted `count` requests (this one and a lease of the rest): `left` remain in the window ending at `end`.
        case granted(count: Int, left: Int, end: Int64)
        /// Spent down to the reserve until `end`.
        case denied(end: Int64)
        /// Redis knows nothing of this bucket's window yet, or cannot be asked: the instance decides alone.
        case local
    }

    let config: SharedSettings
    private let client: RedisClient
    private let subscriber: RedisSubscriber
    private let logger: Logger
    /// Gate closures other instances announce: upstream, bucket, until, cause.
    var onRemoteClosure: ((String, String, Int64, GateCause) -> Void)?
    /// Whether the shared state is in use (Redis reachable), on every change.
    var onConnectionChange: ((Bool) -> Void)?

    /// Each call's bound: a request never waits on Redis longer.
    static let callTimeout: Duration = .milliseconds(20)

    /// Connects to `config.redis`; `callTimeout` bounds each call (longer only in tests on a loaded machine).
    init(config: SharedSettings, loop: EventLoop, logger: Logger, callTimeout: Duration = SharedQuota.callTimeout) {
        self.config = config
        self.logger = logger
        var options = RedisClientOptions()
        options.commandTimeout = callTimeout
        client = RedisClient(url: config.redis, loop: loop, options: options)
        subscriber = RedisSubscriber(url: config.redis, loop: loop, options: options)
        client.onStateChange = { [unowned self] state in self.stateChanged(state) }
        subscriber.subscribe(channel: "\(config.prefix):gates") { [unowned self] message in self.received(message) }
        client.connect()
        subscriber.connect()
    }

    deinit {
        client.onStateChange = nil
        client.close()
        subscriber.close()
    }

    /// Whether Redis answers now; read by the gates of every loop, so kept apart from the client's own state.
    var isConnected: Bool { connected.load(ordering: .relaxed) }
    private let connected = Atomic<Bool>(false)

    private func stateChanged(_ state: RedisConnectionState) {
        connected.store(state == .connected, ordering: .relaxed)
        switch state {
        case .connected:
            // Loaded first, so no call's EVALSHA misses and falls back to EVAL behind calls sent after it: a report
            // and the take that follows it would run in the wrong order.
            for script in [Self.closeGate, Self.take, Self.report] {
                client.command(["SCRIPT", "LOAD", script.source]) { _ in }
            }
            logger.notice("shared state on \(config.redis): connected; gates and quotas are shared")
            onConnectionChange?(true)
        case .disconnected:
            let reason = client.lastError.map { ": \($0)" } ?? ""
            logger.warning(
                "shared state on \(config.redis) unreachable\(reason); each instance keeps its own until it is back")
            onConnectionChange?(false)
        case .connecting:
            break
        }
    }

    private func key(_ upstream: String, _ bucket: String) -> String {
        "\(config.prefix):\(upstream):\(bucket)"
    }

    /// Tells the other instances that this one saw a wait announced: stored until then, and published.
    func announceClosure(upstream: String, bucket: String, until: Int64, cause: GateCause) {
        guard isConnected else { return }
        let message = [upstream, bucket, String(until), String(cause.status), cause.header, config.instance]
            .joined(separator: "|")
        client.evaluate(
            Self.closeGate, keys: [key(upstream, bucket) + ":gate"],
            arguments: [String(until), message, "\(config.prefix):gates"]
        ) { _ in }
    }

    /// The gate state stored by another instance (read when a gate is first used).
    func storedClosure(upstream: String, bucket: String, completion: @escaping (Int64, GateCause) -> Void) {
        guard isConnected else { return }
        client.command(["GET", key(upstream, bucket) + ":gate"]) { [weak self] result in
            guard let self, case .success(let value) = result, let text = value.text,
                let (_, _, until, cause) = Self.parse(text), cause.instance != config.instance
            else { return }
            completion(until, cause)
        }
    }

    private func received(_ message: [UInt8]) {
        guard let (upstream, bucket, until, cause) = Self.parse(String(decoding: message, as: UTF8.self)),
            cause.instance != config.instance
        else { return }
        onRemoteClosure?(upstream, bucket, until, cause)
    }

    /// "upstream|bucket|until|status|header|instance".
    private static func parse(_ text: String) -> (String, String, Int64, GateCause)? {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, let until = Int64(parts[2]), let status = Int(parts[3]) else { return nil }
        return (
            parts[0], parts[1], until, GateCause(status: status, header: parts[4], instance: parts[5], seenAt: until)
        )
    }

    /// Takes requests from the window's shared estimate: this one, and a lease for the next ones.
    func take(
        upstream: String, bucket: String, now: Int64, reserve: Int, margin: Duration, seed: QuotaBucket.Window?,
        completion: @escaping (Take) -> Void
    ) {
        guard isConnected else {
            completion(.local)
            return
        }
        let seedArguments = [
            seed.map { String($0.end) } ?? "", seed.map { String($0.remaining) } ?? "",
            seed?.limit.map(String.init) ?? "",
        ]
        client.evaluate(
            Self.take, keys: [key(upstream, bucket)],
            arguments: [String(now), String(reserve)] + seedArguments + [String(margin.milliseconds)]
        ) { result in
            guard case .success(let value) = result, let items = value.elements, items.count == 3,
                let verdict = items[0].integer, let left = items[1].integer, let end = items[2].integer
            else {
                completion(.local)
                return
            }
            switch verdict {
            case 1...: completion(.granted(count: Int(verdict), left: Int(left), end: end))
            case 0: completion(.denied(end: end))
            default: completion(.local)
            }
        }
    }

    /// Passes a response's report into the shared estimate (fire and forget).
    func report(upstream: String, bucket: String, window: QuotaBucket.Window, now: Int64) {
        guard isConnected else { return }
        client.evaluate(
            Self.report, keys: [key(upstream, bucket)],
            arguments: [
                String(now), String(window.end), String(window.remaining), window.limit.map(String.init) ?? "",
                window.length.map { String($0.milliseconds) } ?? "",
                String(QuotaBucket.sameWindowTolerance.milliseconds),
            ]
        ) { _ in }
    }
}
