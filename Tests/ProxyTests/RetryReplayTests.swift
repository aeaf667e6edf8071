import Foundation
import TestSupport
import Testing

/// A retried request is the same message byte for byte, and a body retryd could not keep is never half-replayed.
@Suite("Retry replay")
struct RetryReplayTests {
    @Test("every retry carries the same method, target, headers and body bytes")
    func identicalReplay() throws {
        let body = RetryFixture.body(count: 10_000)
        let headers = [
            ("Host", "localhost"), ("Idempotency-Key", "k-1"), ("X-Trace", "one"), ("Authorization", "Bearer t"),
            ("X-Trace", "two"), ("Content-Type", "application/octet-stream"),
        ]
        let upstream = try RetryFixture.upstream(failing: 2, with: RetryFixture.status(503))
        let proxy = try ProxyHarness.quick(upstream)
        let target = "/v1/uploads/a%20b?part=1&x=%2F"
        let response = try proxy.request(method: "POST", target: target, headers: headers, body: body)
        #expect(response.status == 200)
        let seen = upstream.requests
        try #require(seen.count == 3)
        #expect(seen[0].target == target)
        #expect(seen[0].body == body)
        #expect(seen[0].headers(named: "X-Trace") == ["one", "two"])
        for retry in seen.dropFirst() {
            #expect(retry.sameMessage(as: seen[0]), "retry differs: \(retry.headers) \(retry.body.count) bytes")
        }
    }

    @Test("a chunked client body is replayed complete and identical")
    func chunkedReplay() throws {
        let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(502))
        let proxy = try ProxyHarness.quick(upstream)
        let client = try proxy.client()
        try client.send(
            "PUT /v1/assets/3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("X-Retryd-Attempts") == "2")
        let seen = upstream.requests
        try #require(seen.count == 2)
        #expect(seen[0].bodyString == "hello, world")
        #expect(seen[1].sameMessage(as: seen[0]))
    }

    @Test("a body over the replay limit is not retried after a 503", arguments: [false, true])
    func overReplayLimit(chunked: Bool) throws {
        let body = RetryFixture.body(count: 4096)
        let capture = LogCapture()
        let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(503))
        let proxy = try ProxyHarness.quick(upstream, logger: capture.logger) { _, limits in limits.replayLimit = 1024 }
        let client = try proxy.client()
        try client.send(RequestBytes.make(method: "PUT", target: "/v1/big", body: body, chunked: chunked))
        let response = try client.readResponse()
        #expect(response.status == 503)
        #expect(response.bodyString == "vendor says 503")
        #expect(response.header("X-Retryd-Attempts") == "1")
        #expect(upstream.requests.count == 1)
        #expect(upstream.requests.first?.body == body)
        let warnings = capture.messages(at: .warning)
        #expect(warnings.contains { $0.contains("reason=\"body not replayable\"") }, "\(warnings)")
    }

    // 200 kB is past the point where retryd stops reading a body it discards and drops the connection instead.
    @Test(
        "a retryable response's body is discarded: the client sees only the final answer on the wire",
        arguments: [500, 15_000])
    func retryableBodyDiscarded(repeats: Int) throws {
        let secret = String(repeating: "busy-503-body ", count: repeats)
        let upstream = try RetryFixture.upstream(
            failing: 2, with: .respond(status: 503, headers: [("X-Vendor", "busy")], text: secret, chunked: true))
        let proxy = try ProxyHarness.quick(upstream)
        let client = try proxy.client()
        try client.send(RequestBytes.make(target: "/v1/jobs", headers: [("Host", "x"), ("Connection", "close")]))
        let wire = String(decoding: try client.readToEnd(), as: UTF8.self)
        #expect(wire.hasPrefix("HTTP/1.1 200 "))
        #expect(wire.hasSuffix("\r\n\r\nok 2"))
        #expect(!wire.contains("busy"), "part of a discarded 503 reached the client")
        #expect(wire.components(separatedBy: "HTTP/1.1 ").count == 2, "more than one status line")
        #expect(upstream.requests.count == 3)
    }

    @Test(
        "a retryable response whose body stalls or is cut off is abandoned and the retry goes ahead",
        arguments: [("stalled", false), ("cut off", true)])
    func brokenRetryableBody(label: String, closes: Bool) throws {
        let head = Array("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 100\r\n\r\n0123456789".utf8)
        let upstream = try RetryFixture.upstream(failing: 1, with: closes ? .rawThenClose(head) : .raw(head))
        let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.attemptTimeout = .milliseconds(300) }
        let (response, elapsed) = try measure { try proxy.request(target: "/v1/jobs") }
        #expect(response.status == 200, "\(label)")
        #expect(response.bodyString == "ok 1")
        #expect(response.header("X-Retryd-Attempts") == "2")
        #expect(upstream.requests.count == 2)
        #expect(elapsed < .seconds(3), "\(label): took \(elapsed)")
    }
}
