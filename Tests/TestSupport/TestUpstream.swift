import Loop

/// A scripted in-process HTTP/1.1 server on 127.0.0.1 for live tests.
///
/// Each request is read completely (Content-Length or chunked body; `Expect: 100-continue` is answered first),
/// recorded, then handed to the handler on that connection's thread; connections are kept alive unless HTTP/1.0
/// or `Connection: close` says otherwise. Handlers may run concurrently for different connections.
///
/// The upstream stops when dropped. A handler that captures the upstream itself keeps it alive: call `stop()`.
package final class TestUpstream: Sendable {
    private let core: UpstreamCore

    /// Binds 127.0.0.1:0 and serves with keep-alive until stopped.
    /// - Parameter handler: Called per request with the request and its 0-based overall index.
    /// - Throws: `SysError` if the listener cannot be set up.
    package init(handler: @escaping @Sendable (RecordedRequest, Int) -> UpstreamAction) throws(SysError) {
        core = try UpstreamCore(handler: handler)
        core.start()
    }

    /// Serves the i-th request with `responses[i]`; the last response repeats (an empty script answers 500).
    /// - Throws: `SysError` if the listener cannot be set up.
    package convenience init(responses: [UpstreamAction]) throws(SysError) {
        let fallback = UpstreamAction.respond(status: 500, text: "TestUpstream: no scripted response")
        try self.init { _, index in responses.isEmpty ? fallback : responses[min(index, responses.count - 1)] }
    }

    deinit {
        core.stop()
    }

    /// The port the upstream listens on.
    package var port: UInt16 { core.port }

    /// `"http://127.0.0.1:<port>"`.
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every complete request received so far, in arrival order.
    package var requests: [RecordedRequest] { core.withState { $0.requests } }

    /// How many TCP connections have been accepted so far.
    package var connectionCount: Int { core.withState { $0.connectionCount } }

    /// How many accepted connections are still open on the upstream's side.
    package var openConnectionCount: Int { core.withState { $0.openConnections.count } }

    /// Body bytes written so far by `stream` actions (all connections); shows how far back-pressure let it get.
    package var streamedBytes: Int { core.withState { $0.streamedBytes } }

    /// Waits until at least `count` requests have arrived; returns false if `timeout` passed first.
    package func waitForRequests(_ count: Int, timeout: Duration = .seconds(5)) -> Bool {
        core.wait(timeout: timeout) { $0.requests.count >= count }
    }

    /// Waits until at most `count` connections are open (e.g. the proxy let go of one); false on timeout.
    package func waitForOpenConnections(atMost count: Int, timeout: Duration = .seconds(5)) -> Bool {
        core.wait(timeout: timeout) { $0.openConnections.count <= count }
    }

    /// Closes the listener and all connections, and waits briefly for them to go; idempotent.
    package func stop() {
        core.stop()
    }
}
