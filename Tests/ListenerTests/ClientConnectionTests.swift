import Foundation
import TestSupport
import Testing

@testable import Listener

/// What a client connection holds and answers, seen from a real socket: the shell carries out its machine's actions.
///
/// The timing and ordering rules themselves are pure tests of the machine (ClientConnectionStateMachineTests); these
/// check the wiring, so they wait by polling for what they expect and bound waits only generously.
@Suite("Client connections")
struct ClientConnectionTests {
    @Test("an idle keep-alive connection holds no input, output or parser storage")
    func idleConnectionHoldsNoBuffers() throws {
        let harness = try ListenerHarness()
        let client = try TestClient(port: harness.port)
        // The head arrives in two pieces, so the parser has to keep a split line for a while.
        try client.send("GET /a HTTP/1.1\r\nHost: vendor\r\nX-Split: ")
        #expect(poll { harness.heldBufferBytes.contains { $0 > 0 } }, "the split line was never held")
        try client.send("yes\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.bodyString == "ok 0")
        #expect(harness.heldBufferBytes == [0])
    }

    @Test("a connection closed with output queued writes nothing after the close and keeps no buffers")
    func closeDropsQueuedOutput() throws {
        let harness = try ListenerHarness()
        let held = LockedBox(-1)
        harness.handler.afterAnswer = { connection in
            connection.close()
            held.set(connection.heldBufferCapacity)
        }
        let client = try TestClient(port: harness.port)
        try client.send("GET /a HTTP/1.1\r\nHost: vendor\r\n\r\n")
        #expect(try client.readToEnd().isEmpty, "the answer queued before the close went out after it")
        #expect(held.changed.wait(timeout: .now() + 10) == .success)
        #expect(held.value == 0)
    }

    @Test("pipelined requests that arrive in one read are answered in order, one at a time")
    func pipelinedRequestsInOneRead() throws {
        let harness = try ListenerHarness()
        let client = try TestClient(port: harness.port)
        let one = "GET /%d HTTP/1.1\r\nHost: vendor\r\n\r\n"
        try client.send((0..<5).map { String(format: one, $0) }.joined())
        for index in 0..<5 {
            #expect(try client.readResponse().bodyString == "ok \(index)")
        }
        #expect(harness.heldBufferBytes == [0])
    }

    @Test("a connection past max_connections is answered 503 with Retry-After and closed")
    func overTheLimitIsAnswered() throws {
        let harness = try ListenerHarness(maxConnections: 2)
        let held = try (0..<2).map { _ in try TestClient(port: harness.port) }
        for client in held {
            try client.send("GET / HTTP/1.1\r\nHost: vendor\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        let extra = try TestClient(port: harness.port)
        try extra.send("GET /late HTTP/1.1\r\nHost: vendor\r\n\r\n")
        let refused = try extra.readResponse()
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.header("Connection") == "close")
        #expect(refused.jsonObject?["error"] as? String == "too_many_connections")
        #expect(extra.isClosedByPeer(within: .seconds(10)))
        // The held connections are unaffected, and a slot freed by one of them is usable again.
        try held[0].send("GET / HTTP/1.1\r\nHost: vendor\r\n\r\n")
        #expect(try held[0].readResponse().status == 200)
        held[1].close()
        #expect(poll { harness.onLoop { $0.connectionCount } == 1 })
        let next = try TestClient(port: harness.port)
        try next.send("GET / HTTP/1.1\r\nHost: vendor\r\n\r\n")
        #expect(try next.readResponse().status == 200)
    }

    // Measures real time: the refusal drain time is a fixed second. Only its lower bound is checked, which a slow
    // machine cannot break, so the test needs no serialized suite.
    @Test("a refused client that never closes is held for the drain time; one that closes is forgotten")
    func refusedClientsAreForgotten() throws {
        let harness = try ListenerHarness(maxConnections: 1)
        let held = try TestClient(port: harness.port)
        try held.send("GET / HTTP/1.1\r\nHost: vendor\r\n\r\n")
        #expect(try held.readResponse().status == 200)
        let connected = ContinuousClock.now
        let silent = try TestClient(port: harness.port)
        #expect(try silent.readResponse().status == 503)
        // The answer ends with end of stream; the server keeps draining the silent client's input for a while.
        #expect(silent.isClosedByPeer(within: .seconds(10)))
        let polite = try TestClient(port: harness.port)
        #expect(try polite.readResponse().status == 503)
        polite.close()
        #expect(poll { harness.onLoop { $0.refusing.count } <= 1 }, "the client that closed is still held")
        #expect(poll { harness.onLoop { $0.refusing.count } == 0 }, "the silent client is held forever")
        #expect(ContinuousClock.now - connected >= Server.refusalDrainTime, "the silent client was dropped early")
    }
}
