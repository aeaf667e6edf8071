import Foundation
import TestSupport
import Testing

@testable import Forwarder

/// The forwarder keeps idle upstream sockets registered with epoll between attempts, and lets go of them when the
/// upstream closes them or libcurl does.
@Suite("Forwarder sockets")
struct ForwarderSocketTests {
    @Test("an idle keep-alive connection stays registered and is reused without a new connect")
    func idleConnectionStaysRegistered() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "ok")])
        let proxy = try ProxyHarness(upstream)
        #expect(try proxy.request(target: "/one").status == 200)
        #expect(try proxy.upstreamSockets() == (known: 1, registered: 1))
        #expect(try proxy.request(target: "/two").status == 200)
        #expect(upstream.connectionCount == 1)
    }

    @Test("an idle connection the upstream closes leaves epoll, and the next attempt connects afresh")
    func idleConnectionClosedByUpstream() throws {
        // A complete keep-alive response, then FIN while the connection sits in libcurl's cache.
        let upstream = try TestUpstream(responses: [
            .rawThenClose(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8))
        ])
        let proxy = try ProxyHarness(upstream)
        for round in 1...3 {
            #expect(try proxy.request(target: "/\(round)").status == 200)
            // A level-triggered registration left on the closed socket would wake the loop without end.
            let settled = try proxy.waitForUpstreamSockets(timeout: .seconds(5)) { $0.registered == 0 }
            #expect(settled, "round \(round): the closed idle socket is still registered")
            #expect(try proxy.upstreamSockets().known <= 1)
        }
        #expect(upstream.connectionCount == 3)
    }

    @Test("a connection libcurl closes itself (Connection: close) is forgotten")
    func connectionClosedByLibcurl() throws {
        let upstream = try TestUpstream(responses: [
            .respond(status: 200, headers: [("Connection", "close")], text: "bye")
        ])
        let proxy = try ProxyHarness(upstream)
        for round in 1...3 {
            #expect(try proxy.request(target: "/\(round)").status == 200)
            #expect(try proxy.upstreamSockets() == (known: 0, registered: 0))
        }
        #expect(upstream.connectionCount == 3)
    }

    @Test("a connect cut before it completes is forgotten, though libcurl closes it without the close callback")
    func abandonedConnectForgotten() throws {
        let stalled = try StalledListener()
        let proxy = try ProxyHarness.quick(upstreamURL: stalled.baseURL) { upstream, _ in
            upstream.attemptTimeout = .milliseconds(200)
            upstream.retry.maxAttempts = 2
        }
        // Two attempts, each cut at its timeout while libcurl still waits for the connect to complete.
        #expect(try proxy.request(target: "/never").status == 504)
        let settled = try proxy.waitForUpstreamSockets(timeout: .seconds(2)) { $0 == (known: 0, registered: 0) }
        let left = try proxy.upstreamSockets()
        #expect(settled, "sockets still known after the cut connects: \(left)")
    }
}

extension ProxyHarness {
    /// The upstream sockets the forwarder knows, and how many of them are registered with epoll, read on the loop.
    func upstreamSockets() throws -> (known: Int, registered: Int) {
        let counts = LockedBox((known: 0, registered: 0))
        try onLoop { runtime in
            let sockets = runtime.forwarder.sockets
            counts.set((sockets.count, sockets.registeredCount))
        }
        return counts.value
    }

    /// Polls ``upstreamSockets()`` until `condition` holds or `timeout` passes.
    func waitForUpstreamSockets(
        timeout: Duration, _ condition: ((known: Int, registered: Int)) -> Bool
    ) throws -> Bool {
        try poll(timeout: timeout) { condition(try upstreamSockets()) }
    }
}
