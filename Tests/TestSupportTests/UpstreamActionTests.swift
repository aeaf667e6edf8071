import Testing

@testable import TestSupport

/// Each action, observed on the wire by the raw client.
@Suite struct UpstreamActionTests {
    /// An upstream scripted with one action and a client whose request it has been sent.
    /// Held as one value: a dropped upstream stops, which would end the exchange early.
    private struct Exchange {
        let upstream: TestUpstream
        let client: TestClient
    }

    /// Sends one request for `action`; the client stays connected.
    private func connect(
        _ action: UpstreamAction, method: String = "GET", receiveBufferBytes: Int? = nil
    ) throws -> Exchange {
        let upstream = try TestUpstream(responses: [action])
        let client = try TestClient(port: upstream.port, timeout: .seconds(5), receiveBufferBytes: receiveBufferBytes)
        try client.send(RequestBytes.make(method: method))
        return Exchange(upstream: upstream, client: client)
    }

    @Test func respondWritesAStatusLineWithTheStandardReasonAndAContentLength() throws {
        let exchange = try connect(.respond(status: 429, headers: [("Retry-After", "1")], text: "slow down"))
        let response = try exchange.client.readResponse()
        #expect(response.rawHead == "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 9\r\n\r\n")
        #expect(response.framing == .contentLength)
        #expect(response.bodyString == "slow down")
    }

    @Test func respondKeepsAGivenContentLengthAndReason() throws {
        let exchange = try connect(
            .respond(status: 200, reason: "Fine", headers: [("content-length", "2")], text: "ok"))
        let response = try exchange.client.readResponse()
        #expect(response.rawHead == "HTTP/1.1 200 Fine\r\ncontent-length: 2\r\n\r\n")
    }

    @Test func respondChunkedSendsTheBodyAsChunks() throws {
        let exchange = try connect(.respond(status: 200, text: "chunky", chunked: true))
        let response = try exchange.client.readResponse()
        #expect(response.framing == .chunked)
        #expect(response.header("Transfer-Encoding") == "chunked")
        #expect(response.header("Content-Length") == nil)
        #expect(response.bodyString == "chunky")
    }

    @Test func respondToHeadSendsNoBody() throws {
        let exchange = try connect(.respond(status: 200, text: "body"), method: "HEAD")
        let response = try exchange.client.readResponse(requestMethod: "HEAD")
        #expect(response.header("Content-Length") == "4")
        #expect(response.framing == .none)
        // Any body bytes would now be read as the start of the next response.
        try exchange.client.send(RequestBytes.make())
        #expect(try exchange.client.readResponse().bodyString == "body")
    }

    @Test func respond204HasNeitherContentLengthNorBody() throws {
        let exchange = try connect(.respond(status: 204, text: "ignored"))
        exchange.client.shutdownWrite()
        #expect(try exchange.client.readToEnd() == Array("HTTP/1.1 204 No Content\r\n\r\n".utf8))
    }

    @Test func rawWritesVerbatimAndKeepsTheConnection() throws {
        let bytes = Array("HTTP/1.1 200 OK\r\nX-Odd:value\r\nContent-Length: 1\r\n\r\nA".utf8)
        let exchange = try connect(.raw(bytes))
        #expect(try exchange.client.readExactly(bytes.count) == bytes)
        try exchange.client.send(RequestBytes.make())
        #expect(try exchange.client.readResponse().header("X-Odd") == "value")
        #expect(exchange.upstream.connectionCount == 1)
    }

    @Test func rawThenCloseCutMidBodyIsTruncated() throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
        let exchange = try connect(.rawThenClose(Array(head.utf8) + [UInt8](repeating: 7, count: 10)))
        #expect(throws: ClientError.truncated(received: 10)) { try exchange.client.readResponse() }
    }

    @Test func chunkedBodyWithoutItsLastChunkIsTruncated() throws {
        let cut = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n"
        let exchange = try connect(.rawThenClose(Array(cut.utf8)))
        #expect(throws: ClientError.truncated(received: 4)) { try exchange.client.readResponse() }
    }

    @Test func headCutShortIsTruncated() throws {
        let exchange = try connect(.rawThenClose(Array("HTTP/1.1 200 OK\r\nContent-".utf8)))
        #expect(throws: ClientError.truncated(received: 25)) { try exchange.client.readResponse() }
    }

    @Test func closeIsAnEmptyReply() throws {
        let exchange = try connect(.close)
        #expect(throws: ClientError.closedBeforeResponse) { try exchange.client.readResponse() }
    }

    @Test func resetIsAnEmptyReply() throws {
        let exchange = try connect(.reset)
        #expect(throws: ClientError.closedBeforeResponse) { try exchange.client.readResponse() }
    }

    @Test func delayWaitsBeforeActing() throws {
        let exchange = try connect(.delay(.milliseconds(300), then: .respond(status: 200)))
        let start = ContinuousClock.now
        #expect(try exchange.client.readResponse().status == 200)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(3))
    }

    @Test func delayEndsAtOnceWhenThePeerLeaves() throws {
        let exchange = try connect(.delay(.seconds(30), then: .respond(status: 200)))
        #expect(exchange.upstream.waitForRequests(1))
        exchange.client.close()
        let (closed, elapsed) = measure { exchange.upstream.waitForOpenConnections(atMost: 0, timeout: .seconds(2)) }
        #expect(closed)
        #expect(elapsed < .seconds(1))
    }

    @Test(arguments: [false, true])
    func streamDeliversExactlyTotalBytesOfThePattern(chunked: Bool) throws {
        let total = 1_000_003
        let exchange = try connect(
            .stream(status: 200, headers: [("X-Kind", "big")], totalBytes: total, chunkSize: 10_000, chunked: chunked))
        let response = try exchange.client.readResponse()
        #expect(response.framing == (chunked ? .chunked : .contentLength))
        #expect(response.header("X-Kind") == "big")
        #expect(response.body.count == total)
        #expect(response.body.indices.allSatisfy { response.body[$0] == UpstreamAction.streamByte(at: $0) })
        #expect(exchange.upstream.streamedBytes == total)
    }

    @Test func streamIsHeldBackByAReaderThatDoesNotRead() throws {
        let total = 64 * 1024 * 1024
        let exchange = try connect(
            .stream(status: 200, headers: [], totalBytes: total), receiveBufferBytes: 16 * 1024)
        #expect(exchange.upstream.waitForRequests(1))
        // The kernel buffers a few megabytes at most; wait for the writer to stall, then check it stalled early.
        var previous = -1
        while exchange.upstream.streamedBytes != previous {
            previous = exchange.upstream.streamedBytes
            _ = exchange.upstream.waitForRequests(2, timeout: .milliseconds(100))
        }
        #expect(exchange.upstream.streamedBytes < total / 4)

        let response = try exchange.client.readResponse()
        #expect(response.body.count == total)
        #expect(exchange.upstream.streamedBytes == total)
    }
}
