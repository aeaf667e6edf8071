import Foundation
import TestSupport
import Testing

@testable import Listener

/// Timeouts, malformed input, half-closes and draining, seen from a real socket.
///
/// What the machine decides (which deadline, which answer, in which order) is tested purely in
/// ClientConnectionStateMachineTests; these check that the shell carries it out on the wire. They wait by polling
/// and only check lower bounds of time, so a loaded machine makes them slower, never red.
@Suite("Client connection limits")
struct ClientConnectionLimitTests {
    @Test("a head that does not arrive within header_timeout gets 408 and a close")
    func headerTimeout() throws {
        let harness = try ListenerHarness { $0.headerTimeout = .milliseconds(200) }
        let client = try TestClient(port: harness.port)
        let started = ContinuousClock.now
        try client.send("GET /slow HTTP/1.1\r\nHost: vendor\r\n")
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(response.jsonObject?["error"] as? String == "request_timeout")
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect(client.isClosedByPeer(within: .seconds(10)))
    }

    @Test("a body that stops arriving for idle_timeout ends the exchange with 408")
    func bodyTimeout() throws {
        let harness = try ListenerHarness { $0.idleTimeout = .milliseconds(300) }
        harness.handler.holds = true
        let client = try TestClient(port: harness.port)
        try client.send("POST /upload HTTP/1.1\r\nHost: vendor\r\nContent-Length: 10\r\n\r\nabc")
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(harness.handler.events.value == ["head /upload", "body 3", "gone"])
    }

    @Test("a malformed request is answered whole even when the client keeps sending after it (lingering close)")
    func malformedRequestLingers() throws {
        let harness = try ListenerHarness()
        let client = try TestClient(port: harness.port)
        try client.send(
            "GET / HTTP/1.1\r\nHost: vendor\r\nBad Header: x\r\n\r\n" + String(repeating: "junk", count: 4096))
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.jsonObject?["error"] as? String == "invalid_header_name")
        #expect(client.isClosedByPeer(within: .seconds(10)))
    }

    @Test("Expect: 100-continue is not answered for a handler that does not ask; the body still reaches it")
    func expectContinue() throws {
        let harness = try ListenerHarness()
        harness.handler.holds = true
        let client = try TestClient(port: harness.port)
        try client.send("PUT /asset HTTP/1.1\r\nHost: vendor\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        #expect(poll { harness.handler.events.value == ["head /asset"] })
        // The holding sink does not ask for 100 Continue: a handler that wants the body must, as the proxy does.
        #expect(client.readInterim(within: .milliseconds(200)) == nil)
        try client.send("body")
        #expect(poll { harness.handler.events.value.contains("end") })
        #expect(harness.handler.events.value == ["head /asset", "body 4", "end"])
    }

    @Test("a client that half-closes while its request waits is gone: the sink hears it once")
    func halfCloseIsGone() throws {
        let harness = try ListenerHarness()
        harness.handler.holds = true
        let client = try TestClient(port: harness.port)
        try client.send("GET /wait HTTP/1.1\r\nHost: vendor\r\n\r\n")
        #expect(poll { harness.handler.events.value.contains("end") })
        client.shutdownWrite()
        #expect(poll { harness.handler.events.value.contains("gone") })
        #expect(harness.handler.events.value == ["head /wait", "end", "gone"])
        #expect(harness.onLoop { $0.connectionCount } == 0)
    }

    @Test("draining closes idle connections at once and refuses new ones")
    func drain() throws {
        let harness = try ListenerHarness()
        let idle = try TestClient(port: harness.port)
        try idle.send("GET /a HTTP/1.1\r\nHost: vendor\r\n\r\n")
        #expect(try idle.readResponse().status == 200)
        harness.onLoop { $0.drain() }
        #expect(idle.isClosedByPeer(within: .seconds(10)))
        #expect(throws: ClientError.self) { try TestClient(port: harness.port) }
    }
}
