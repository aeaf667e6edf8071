import Foundation
import TestSupport
import Testing

@testable import Listener

/// What a client connection holds and answers, seen from a real socket.
@Suite("Client connections", .serialized)
struct ClientConnectionTests {
    @Test("an idle keep-alive connection holds no input, output or parser storage")
    func idleConnectionHoldsNoBuffers() throws {
        let harness = try ListenerHarness()
        let client = try TestClient(port: harness.port)
        // The head arrives in two pieces, so the parser had to keep a split line for a while.
        try client.send("GET /a HTTP/1.1\r\nHost: vendor\r\nX-Split: ")
        Thread.sleep(forTimeInterval: 0.05)
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
        #expect(held.changed.wait(timeout: .now() + 5) == .success)
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

    @Test("a connection past max_connections is answered 503 with Retry-After and closed at once")
    func overTheLimitIsAnswered() throws {
        let harness = try ListenerHarness(maxConnections: 2)
        let held = try (0..<2).map { _ in try TestClient(port: harness.port) }
        for client in held {
            try client.send("GET / HTTP/1.1\r\nHost: vendor\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        let started = ContinuousClock.now
        let extra = try TestClient(port: harness.port)
        try extra.send("GET /late HTTP/1.1\r\nHost: vendor\r\n\r\n")
        let refused = try extra.readResponse()
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.header("Connection") == "close")
        #expect(refused.jsonObject?["error"] as? String == "too_many_connections")
        #expect(extra.isClosedByPeer(within: .seconds(2)))
        // The held connections are unaffected, and a slot freed by one of them is usable again.
        try held[0].send("GET / HTTP/1.1\r\nHost: vendor\r\n\r\n")
        #expect(try held[0].readResponse().status == 200)
        held[1].close()
        Thread.sleep(forTimeInterval: 0.1)
        let next = try TestClient(port: harness.port)
        try next.send("GET / HTTP/1.1\r\nHost: vendor\r\n\r\n")
        #expect(try next.readResponse().status == 200)
    }

    @Test("a refused client that never closes is forgotten after the drain time; one that closes, at once")
    func refusedClientsAreForgotten() throws {
        let harness = try ListenerHarness(maxConnections: 1)
        let held = try TestClient(port: harness.port)
        try held.send("GET / HTTP/1.1\r\nHost: vendor\r\n\r\n")
        #expect(try held.readResponse().status == 200)
        let silent = try TestClient(port: harness.port)
        #expect(try silent.readResponse().status == 503)
        // The answer ends with end of stream; the server keeps draining the silent client's input for a while.
        #expect(silent.isClosedByPeer(within: .seconds(1)))
        #expect(harness.onLoop { $0.refusing.count } == 1)
        let polite = try TestClient(port: harness.port)
        #expect(try polite.readResponse().status == 503)
        polite.close()
        Thread.sleep(forTimeInterval: 0.2)
        #expect(harness.onLoop { $0.refusing.count } == 1, "the client that closed is still held")
        Thread.sleep(forTimeInterval: Double(Server.refusalDrainTime.components.seconds) + 0.5)
        #expect(harness.onLoop { $0.refusing.count } == 0, "the silent client outlived the drain time")
    }
}
