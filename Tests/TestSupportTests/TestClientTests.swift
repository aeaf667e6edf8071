import Foundation
import Glibc
import Synchronization
import Testing

@testable import TestSupport

@Suite struct TestClientTests {
    @Test func readTimesOutWhenNothingArrives() throws {
        let upstream = try TestUpstream(responses: [.delay(.seconds(5), then: .respond(status: 200))])
        let client = try TestClient(port: upstream.port, timeout: .milliseconds(200))
        try client.send(RequestBytes.make())
        let (result, elapsed) = measure { Result { () throws(ClientError) in try client.readResponse() } }
        #expect(throws: ClientError.timeout) { try result.get() }
        #expect(elapsed >= .milliseconds(200) && elapsed < .seconds(2))
    }

    @Test func bodyWithoutLengthIsReadUntilClose() throws {
        let raw = "HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nuntil the end"
        let upstream = try TestUpstream(responses: [.rawThenClose(Array(raw.utf8))])
        let response = try TestClient.request(port: upstream.port)
        #expect(response.framing == .closeDelimited)
        #expect(response.bodyString == "until the end")
    }

    @Test func readsTrailersAndJSON() throws {
        let raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n{\"n\": 42}  \r\n0\r\nX-Sum: 9\r\n\r\n"
        let upstream = try TestUpstream(responses: [.raw(Array(raw.utf8))])
        let response = try TestClient.request(port: upstream.port)
        #expect(response.trailers.first?.name == "X-Sum")
        #expect(response.jsonObject?["n"] as? Int == 42)
    }

    @Test func connectingWhereNothingListensFails() throws {
        let refusing = try RefusingPort()
        #expect(throws: ClientError.connectFailed(ECONNREFUSED)) { try TestClient(port: refusing.port) }
    }

    @Test func closedByPeerIsFalseWhileTheConnectionStaysOpen() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200)])
        let client = try TestClient(port: upstream.port)
        #expect(!client.isClosedByPeer(within: .milliseconds(50)))
        try client.send(RequestBytes.make())
        #expect(try client.readResponse().status == 200)
        upstream.stop()
        #expect(client.isClosedByPeer(within: .seconds(1)))
    }

    @Test func readInterimLeavesAFinalResponseUnread() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "final")])
        let client = try TestClient(port: upstream.port)
        try client.send(RequestBytes.make())
        #expect(client.readInterim(within: .seconds(1)) == nil)
        #expect(try client.readResponse().bodyString == "final")
    }

    @Test func oneShotRequestSkipsInterimResponses() throws {
        let raw = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        let upstream = try TestUpstream(responses: [.raw(Array(raw.utf8))])
        let response = try TestClient.request(port: upstream.port, method: "POST", body: Array("x".utf8))
        #expect(response.status == 200)
        #expect(response.bodyString == "hi")
        #expect(upstream.requests.first?.header("Content-Length") == "1")
    }

    @Test func closeWakesAReadBlockedOnAnotherThread() throws {
        let upstream = try TestUpstream(responses: [.delay(.seconds(5), then: .respond(status: 200))])
        let client = try TestClient(port: upstream.port, timeout: .seconds(5))
        try client.send(RequestBytes.make())
        #expect(upstream.waitForRequests(1))
        let outcome = Mutex<Result<ReceivedResponse, ClientError>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            let result = Result { () throws(ClientError) in try client.readResponse() }
            outcome.withLock { $0 = result }
            finished.signal()
        }.start()
        // Gives the read time to block; a close that came first would fail it with EBADF instead.
        #expect(finished.wait(timeout: .now() + .milliseconds(100)) == .timedOut)
        client.close()

        #expect(finished.wait(timeout: .now() + .seconds(2)) == .success)
        #expect(throws: ClientError.closedBeforeResponse) { try outcome.withLock { $0 }?.get() }
    }
}
