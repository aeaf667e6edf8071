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
}
