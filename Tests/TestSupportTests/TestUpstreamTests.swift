import Glibc
import Testing

@testable import TestSupport

@Suite struct TestUpstreamTests {
    @Test func keepAliveRequestsShareOneConnectionAndANewClientGetsTheNext() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "ok")])
        let first = try TestClient(port: upstream.port)
        for _ in 0..<3 {
            try first.send(RequestBytes.make())
            #expect(try first.readResponse().bodyString == "ok")
        }
        #expect(try TestClient.request(port: upstream.port).status == 200)

        #expect(upstream.connectionCount == 2)
        #expect(upstream.requests.map(\.connection) == [0, 0, 0, 1])
    }

    @Test func recordsTheRequestExactlyAsSent() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 204)])
        let client = try TestClient(port: upstream.port)
        try client.send("PUT /v1/items?page=2 HTTP/1.1\r\nhost: a.example\r\nX-Trace:  \t spaced value\t\r\n")
        try client.send("x-trace: second\r\nContent-Length: 5\r\n\r\nhello")
        #expect(try client.readResponse().status == 204)

        let request = try #require(upstream.requests.first)
        #expect(request.method == "PUT")
        #expect(request.target == "/v1/items?page=2")
        #expect(request.version == "HTTP/1.1")
        let expected = [
            ("host", "a.example"), ("X-Trace", "spaced value"), ("x-trace", "second"), ("Content-Length", "5"),
        ]
        #expect(request.headers.elementsEqual(expected) { $0.name == $1.0 && $0.value == $1.1 })
        #expect(request.header("x-TRACE") == "spaced value")
        #expect(request.bodyString == "hello")
        #expect(!request.wasChunked)
    }

    @Test func recordsAChunkedBodyDechunked() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200)])
        let client = try TestClient(port: upstream.port)
        try client.send(RequestBytes.make(method: "POST", headers: [("Host", "h"), ("Transfer-Encoding", "chunked")]))
        try client.send("5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\n")
        #expect(try client.readResponse().status == 200)

        let request = try #require(upstream.requests.first)
        #expect(request.bodyString == "hello world")
        #expect(request.wasChunked)
    }

    @Test func handlerSeesEachRequestWithItsOverallIndex() throws {
        let upstream = try TestUpstream { request, index in
            .respond(status: 200, text: "\(index) \(request.target)")
        }
        let bodies = try (0..<3).map { index in
            try TestClient.request(port: upstream.port, target: "/\(index)").bodyString
        }
        #expect(bodies == ["0 /0", "1 /1", "2 /2"])
    }

    @Test func scriptedResponsesRepeatTheLastOne() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 503), .respond(status: 200)])
        let statuses = try (0..<3).map { _ in try TestClient.request(port: upstream.port).status }
        #expect(statuses == [503, 200, 200])
    }

    @Test func http10RequestGetsItsResponseAndThenTheConnectionCloses() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "old")])
        let client = try TestClient(port: upstream.port)
        try client.send(RequestBytes.make(version: "HTTP/1.0", headers: []))
        #expect(try client.readResponse().bodyString == "old")
        #expect(client.isClosedByPeer(within: .seconds(2)))
    }

    @Test func connectionCloseInTheResponseClosesTheConnection() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, headers: [("Connection", "close")])])
        let client = try TestClient(port: upstream.port)
        try client.send(RequestBytes.make())
        #expect(try client.readResponse().header("connection") == "close")
        #expect(client.isClosedByPeer(within: .seconds(2)))
    }

    @Test func answersExpectContinueBeforeTheBodyIsSent() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 201)])
        let client = try TestClient(port: upstream.port)
        try client.send(
            RequestBytes.make(method: "POST", headers: [("Expect", "100-continue"), ("Content-Length", "3")]))
        let interim = try #require(client.readInterim(within: .seconds(2)))
        #expect(interim.status == 100)
        try client.send("abc")
        #expect(try client.readResponse().status == 201)
        #expect(upstream.requests.first?.bodyString == "abc")
    }

    @Test func waitForRequestsGivesUpAtItsDeadline() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200)])
        let (arrived, elapsed) = measure { upstream.waitForRequests(1, timeout: .milliseconds(100)) }
        #expect(!arrived)
        #expect(elapsed >= .milliseconds(100) && elapsed < .seconds(1))
    }

    @Test func stopClosesTheListenerAndOpenConnections() throws {
        let upstream = try TestUpstream(responses: [.delay(.seconds(30), then: .respond(status: 200))])
        let client = try TestClient(port: upstream.port)
        try client.send(RequestBytes.make())
        #expect(upstream.waitForRequests(1))

        let (_, elapsed) = measure { upstream.stop() }
        upstream.stop()

        #expect(elapsed < .seconds(1))
        #expect(client.isClosedByPeer(within: .seconds(1)))
        #expect(throws: ClientError.connectFailed(ECONNREFUSED)) { try TestClient(port: upstream.port) }
        #expect(upstream.openConnectionCount == 0)
    }

    @Test func dropsAConnectionWhenThePeerLeaves() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200)])
        let client = try TestClient(port: upstream.port)
        try client.send(RequestBytes.make())
        _ = try client.readResponse()
        #expect(upstream.openConnectionCount == 1)
        client.close()
        #expect(upstream.waitForOpenConnections(atMost: 0, timeout: .seconds(2)))
    }

    @Test func droppingTheUpstreamStopsIt() throws {
        var port: UInt16 = 0
        do {
            let upstream = try TestUpstream(responses: [.respond(status: 200)])
            port = upstream.port
            #expect(try TestClient.request(port: port).status == 200)
        }
        #expect(throws: ClientError.connectFailed(ECONNREFUSED)) { try TestClient(port: port) }
    }
}
