import Foundation
import TestSupport
import Testing

extension Live {
    /// Bad input and broken upstreams get a clear answer; every request gets exactly one.
    @Suite("Errors")
    struct ErrorTests {
        @Test(
            "malformed or oversized requests get the right status, a JSON body and a closed connection",
            arguments: [
                ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
                ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400),
                ("GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n", 400),
                ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
                ("GET / HTTP/1.1\r\n\r\n", 400),
                ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
                ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
                ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                ("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 70_000) + "\r\n\r\n", 431),
                ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n", 413),
                ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", 400),
            ] as [(String, Int)])
        func rejected(request: String, status: Int) throws {
            let upstream = try TestUpstream(responses: [.respond(status: 200)])
            let proxy = try ProxyHarness(upstream)
            let client = try proxy.client()
            try client.send(request)
            let response = try client.readResponse()
            #expect(response.status == status)
            #expect(response.header("Content-Type") == "application/json")
            let json = try #require(response.jsonObject)
            #expect(json["error"] is String)
            #expect(json["detail"] is String)
            #expect(client.isClosedByPeer(within: .seconds(5)))
            #expect(upstream.requests.isEmpty)
        }

        @Test("a request body over max_body_bytes is refused with 413 before it is read")
        func bodyLimit() throws {
            let upstream = try TestUpstream(responses: [.respond(status: 200)])
            let proxy = try ProxyHarness(upstream) { _, limits in limits.maxBodyBytes = 1000 }
            let response = try proxy.request(method: "POST", target: "/", body: [UInt8](repeating: 1, count: 1001))
            #expect(response.status == 413)
            #expect(upstream.requests.isEmpty)
        }

        @Test("an unreachable upstream gives 502 with a JSON body")
        func unreachable() throws {
            let refusing = try RefusingPort()
            let proxy = try ProxyHarness(upstreamURL: refusing.url) { upstream, _ in
                upstream.retry.maxAttempts = 1
            }
            let response = try proxy.request(target: "/v1/jobs")
            #expect(response.status == 502)
            #expect(response.jsonObject?["error"] != nil)
        }

        @Test("an upstream that does not answer within attempt_timeout gives 504")
        func attemptTimeout() throws {
            let upstream = try TestUpstream(responses: [.delay(.seconds(5), then: .respond(status: 200))])
            let proxy = try ProxyHarness(upstream) { upstream, _ in
                upstream.attemptTimeout = .milliseconds(300)
                upstream.retry.maxAttempts = 1
            }
            let (response, elapsed) = try measure { try proxy.request(target: "/slow") }
            #expect(response.status == 504)
            #expect(elapsed >= .milliseconds(250))
            #expect(elapsed < .seconds(3))
        }

        @Test("an upstream that does not speak HTTP gives 502 at once: libcurl refuses it as HTTP/0.9, no retry helps")
        func notHTTPAtAll() throws {
            let upstream = try TestUpstream(responses: [.rawThenClose(Array("NOT HTTP AT ALL\r\n\r\n".utf8))])
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.retry.maxAttempts = 3 }
            let response = try proxy.request(target: "/")
            #expect(response.status == 502)
            #expect(response.jsonObject?["error"] as? String == "bad_upstream_response")
            #expect(response.header("X-Retryd-Attempts") == "1")
            #expect(upstream.requests.count == 1)
        }

        @Test(
            "a malformed upstream header line gives 502 naming the bad head, after retrying an idempotent request",
            arguments: [("GET", 2), ("POST", 1)] as [(String, Int)])
        func malformedUpstreamHeader(method: String, attempts: Int) throws {
            // libcurl passes this line on; retryd's own head parser must be the one to refuse it.
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Bad Header: v\r\nContent-Length: 2\r\n\r\n{}"
            let upstream = try TestUpstream(handler: { _, _ in .rawThenClose(Array(head.utf8)) })
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.retry.maxAttempts = 2 }
            let response = try proxy.request(method: method, target: "/v1/jobs", body: method == "POST" ? [] : nil)
            #expect(response.status == 502)
            #expect(response.jsonObject?["error"] as? String == "bad_upstream_response")
            let detail = try #require(response.jsonObject?["detail"] as? String)
            #expect(detail.hasPrefix("The upstream sent a malformed header field."), "\(detail)")
            #expect(response.header("X-Retryd-Attempts") == String(attempts))
            #expect(upstream.requests.count == attempts)
        }

        @Test("a POST on a reused upstream connection that dies unanswered is not silently re-sent")
        func noSilentResend() throws {
            let upstream = try TestUpstream(handler: { request, index in
                // The first request leaves a keep-alive connection; the upstream drops the POST that reuses it.
                index == 0 ? .respond(status: 200, text: "warm") : .close
            })
            let proxy = try ProxyHarness(upstream) { upstream, _ in upstream.retry.maxAttempts = 1 }
            #expect(try proxy.request(target: "/warm").status == 200)
            let response = try proxy.request(method: "POST", target: "/v1/encode", body: Array("{}".utf8))
            #expect(response.status == 502)
            #expect(upstream.requests.count == 2, "the POST reached the upstream \(upstream.requests.count - 1) times")
            // It went out on the reused connection (the case where libcurl would re-send it on a fresh one).
            #expect(upstream.requests.last?.connection == 0)
        }
    }
}
