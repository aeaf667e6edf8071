import Forwarder
import Foundation
import Journal
import Listener
import Logging
import Notify
import Proxy
import Retry
import TestSupport

/// retryd with a give-up notifier, running in-process on its own thread in front of a vendor test upstream.
final class NotifyHarness: @unchecked Sendable {
    let runtime: ProxyRuntime
    let notifier: GiveUpNotifier
    /// The notifier's counts; safe to read from the test thread.
    let counters: DeliveryCounters
    let port: UInt16
    private var thread: RuntimeThread!

    /// Starts retryd in front of `vendor`, notifying `webhookURL`.
    ///
    /// The vendor policy allows `vendorAttempts` attempts 10 ms apart; deliveries back off 20 ms, 40 ms, … without
    /// jitter unless `configure` says otherwise.
    init(
        vendor: TestUpstream,
        webhookURL: String,
        vendorAttempts: Int = 1,
        logger: Logger = Logger(label: "retryd-test", factory: { _ in SwiftLogNoOpLogHandler() }),
        journal: Journal? = nil,
        configure: (inout NotifySettings, inout DeliveryPolicy) -> Void = { _, _ in },
        configureUpstream: (inout UpstreamSettings) -> Void = { _ in }
    ) throws {
        var upstream = UpstreamSettings(
            name: "default", listen: ListenAddress(host: "127.0.0.1", port: 0), url: try requireURL(vendor.baseURL))
        upstream.retry.maxAttempts = vendorAttempts
        upstream.retry.schedule = [.milliseconds(10)]
        configureUpstream(&upstream)
        var notify = NotifySettings(webhook: try requireURL(webhookURL))
        var policy = DeliveryPolicy()
        policy.backoff = Backoff(initial: .milliseconds(20), multiplier: 2, max: .seconds(1), jitter: .none)
        configure(&notify, &policy)
        runtime = try ProxyRuntime(settings: ProxySettings(upstreams: [upstream]), logger: logger)
        notifier = GiveUpNotifier(
            settings: notify, forwarder: runtime.forwarder, loop: runtime.loop, logger: logger, policy: policy,
            journal: journal)
        counters = notifier.counters
        // Before the loop runs, so no exchange can miss the observer.
        runtime.addObserver(notifier)
        port = runtime.boundPorts[upstream.name]!
        thread = RuntimeThread(runtime)
    }

    deinit {
        thread.stopAndWait()
    }

    /// One request through retryd on a fresh connection.
    func request(method: String = "GET", target: String = "/", timeout: Duration = .seconds(10)) throws
        -> ReceivedResponse
    {
        try TestClient.request(
            port: port, method: method, target: target, headers: [("Host", "localhost")], body: nil, timeout: timeout)
    }

    /// Polls `condition` every 5 ms until it holds or `timeout` passes; returns whether it held.
    func waitUntil(timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
        poll(timeout: timeout, until: condition)
    }
}

/// A URL the test wrote itself; failing to parse it is a bug in the test.
private func requireURL(_ text: String) throws -> UpstreamURL {
    guard let url = UpstreamURL.parse(text) else { throw HarnessError.badURL(text) }
    return url
}

enum HarnessError: Error {
    case badURL(String)
}
