import Forwarder
import Foundation
import Listener
import Logging
import Proxy
import TestSupport

/// retryd running in-process on its own thread, in front of a test upstream, on an ephemeral port.
final class ProxyHarness: @unchecked Sendable {
    let runtime: ProxyRuntime
    let port: UInt16
    private let thread: RuntimeThread

    /// Starts retryd for `upstreamURL`; `configure` adjusts the upstream and limits before binding.
    /// - Parameters:
    ///   - shared: `[shared]`, for instances that share gates and quotas through a Redis.
    ///   - workers: event loops serving the listener.
    init(
        upstreamURL: String,
        logger: Logger = Logger(label: "retryd-test", factory: { _ in SwiftLogNoOpLogHandler() }),
        shared: SharedSettings? = nil,
        workers: Int = 1,
        configure: (inout UpstreamSettings, inout ProxyLimits) -> Void = { _, _ in }
    ) throws {
        var settings = ProxySettings(upstreams: [try .local(upstreamURL)], shared: shared)
        configure(&settings.upstreams[0], &settings.limits)
        runtime = try ProxyRuntime(settings: settings, logger: logger, workers: workers)
        port = runtime.boundPorts[settings.upstreams[0].name]!
        thread = RuntimeThread(runtime)
    }

    /// Starts retryd in front of `upstream`.
    convenience init(
        _ upstream: TestUpstream,
        logger: Logger = Logger(label: "retryd-test", factory: { _ in SwiftLogNoOpLogHandler() }),
        configure: (inout UpstreamSettings, inout ProxyLimits) -> Void = { _, _ in }
    ) throws {
        try self.init(upstreamURL: upstream.baseURL, logger: logger, configure: configure)
    }

    /// A new raw client connected to retryd.
    func client(timeout: Duration = .seconds(10), receiveBufferBytes: Int? = nil) throws -> TestClient {
        try TestClient(port: port, timeout: timeout, receiveBufferBytes: receiveBufferBytes)
    }

    /// One request on a fresh connection.
    func request(
        method: String = "GET", target: String = "/", headers: [(String, String)] = [("Host", "localhost")],
        body: [UInt8]? = nil, timeout: Duration = .seconds(10)
    ) throws -> ReceivedResponse {
        try TestClient.request(
            port: port, method: method, target: target, headers: headers, body: body, timeout: timeout)
    }
}

extension ProxyHarness {
    /// Runs `body` on the loop thread and waits for it.
    func onLoop(_ body: @escaping @Sendable (ProxyRuntime) throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let failure = LockedBox<(any Error)?>(nil)
        let runtime = runtime
        runtime.loop.execute {
            do { try body(runtime) } catch { failure.set(error) }
            done.signal()
        }
        done.wait()
        if let error = failure.value { throw error }
    }

    /// Waits until the loop thread has returned (after a shutdown), up to `timeout`.
    func waitUntilStopped(timeout: Duration) -> Bool {
        thread.waitUntilStopped(timeout: timeout)
    }
}

extension UpstreamSettings {
    /// An upstream named "default" on an ephemeral loopback port in front of `url`, defaults for the rest.
    static func local(_ url: String) throws -> UpstreamSettings {
        guard let parsed = UpstreamURL.parse(url) else { throw TestSettingsError.badURL(url) }
        return UpstreamSettings(name: "default", listen: ListenAddress(host: "127.0.0.1", port: 0), url: parsed)
    }
}

/// A fixture URL that does not parse.
enum TestSettingsError: Error {
    case badURL(String)
}

extension TestUpstream {
    /// The time between consecutive arrivals: `gaps[i]` is from request i to request i + 1.
    var arrivalGaps: [Duration] {
        let arrivals = requests.map(\.receivedAt)
        return zip(arrivals, arrivals.dropFirst()).map { $1 - $0 }
    }
}
