import Admin
import Forwarder
import Foundation
import Listener
import Logging
import Proxy
import TestSupport

/// retryd with its admin listener, in-process on its own thread, in front of a test upstream, on ephemeral ports.
final class AdminHarness: @unchecked Sendable {
    static let version = "9.8.7-test"

    let runtime: ProxyRuntime
    let admin: AdminServer
    let proxyPort: UInt16
    let adminPort: UInt16
    /// What `/readyz` reports; tests flip it from their own thread.
    let ready = ReadyFlag()
    private var thread: RuntimeThread!

    /// Starts retryd and its admin listener for `upstream`; `configure` adjusts the upstream before binding.
    /// `giveUps` answers `/giveups`, and `recentGiveUps` lists the status page's give-ups, as the journal does in
    /// retryd.
    init(
        _ upstream: TestUpstream, configure: (inout UpstreamSettings) -> Void = { _ in },
        giveUps: (@Sendable (String) -> AdminResponse)? = nil,
        recentGiveUps: (@Sendable (Int) -> StatusPage.RecentGiveUps)? = nil
    ) throws {
        guard let url = UpstreamURL.parse(upstream.baseURL) else { throw AdminHarnessError.badURL(upstream.baseURL) }
        var settings = UpstreamSettings(name: "api", listen: ListenAddress(host: "127.0.0.1", port: 0), url: url)
        configure(&settings)
        let logger = Logger(label: "retryd-test", factory: { _ in SwiftLogNoOpLogHandler() })
        runtime = try ProxyRuntime(settings: ProxySettings(upstreams: [settings]), logger: logger)
        // Bound and wired before the loop runs: everything after this happens on the loop thread.
        admin = try AdminServer.start(
            on: runtime, settings: AdminSettings(listen: ListenAddress(host: "127.0.0.1", port: 0)),
            version: Self.version)
        let builtIn = admin.readiness
        let ready = ready
        admin.readiness = { ready.value && builtIn() }
        admin.giveUps = giveUps
        admin.recentGiveUps = recentGiveUps
        proxyPort = runtime.boundPorts["api"]!
        adminPort = admin.port
        thread = RuntimeThread(runtime)
    }

    deinit {
        thread.stopAndWait()
        admin.close()
    }

    /// One request to the admin listener on a fresh connection.
    func request(_ target: String, method: String = "GET", body: [UInt8]? = nil) throws -> ReceivedResponse {
        try TestClient.request(port: adminPort, method: method, target: target, body: body, timeout: .seconds(5))
    }

    /// One request through the proxy on a fresh connection.
    func proxy(_ target: String) throws -> ReceivedResponse {
        try TestClient.request(port: proxyPort, target: target, timeout: .seconds(5))
    }

    /// The `/metrics` body as a set of lines.
    func metricLines() throws -> Set<String> {
        Set(try request("/metrics").bodyString.split(separator: "\n").map(String.init))
    }
}

/// A fixture URL that does not parse.
enum AdminHarnessError: Error {
    case badURL(String)
}

/// A flag shared between the test thread and the loop thread.
final class ReadyFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var current = true

    var value: Bool {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}

/// The runtime is what the admin endpoints read, as in the executable.
extension ProxyRuntime: AdminSource {}
