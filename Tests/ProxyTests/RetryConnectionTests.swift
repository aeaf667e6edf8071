import Foundation
import TestSupport
import Testing

extension Live {
    /// Retries and the connections around them: a client that leaves, an upstream connection that dies.
    @Suite("Retry connections")
    struct RetryConnectionTests {
        @Test("a client that hangs up during a wait gets no further attempt made for it")
        func clientLeavesDuringWait() throws {
            let capture = LogCapture()
            let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(503))
            let proxy = try ProxyHarness.quick(upstream, logger: capture.logger) { upstream, _ in
                upstream.retry.schedule = [.milliseconds(300)]
            }
            let client = try proxy.client()
            try client.send(RequestBytes.make(target: "/v1/jobs"))
            // Leave only once retryd is sitting out the wait.
            #expect(capture.waitForMessage { $0.hasPrefix("retrying GET /v1/jobs after 503") })
            client.abort()
            #expect(capture.waitForMessage { $0.hasPrefix("GET /v1/jobs 499 ") })
            // Past the moment the retry was due, and then some.
            #expect(!upstream.waitForRequests(2, timeout: .milliseconds(600)), "retryd retried for a client that left")
            #expect(upstream.requests.count == 1)
        }

        @Test("a GET on a reused upstream connection that dies unanswered is retried")
        func getOnDeadReusedConnection() throws {
            let upstream = try Self.upstreamDroppingSecondRequest()
            let proxy = try ProxyHarness.quick(upstream)
            #expect(try proxy.request(target: "/warm").status == 200)
            let response = try proxy.request(target: "/v1/jobs/3")
            #expect(response.status == 200)
            #expect(response.bodyString == "second")
            let seen = upstream.requests
            try #require(seen.count == 3)
            // It went out on the reused connection first, then again, identical, on a fresh one (retryd's own retry:
            // the connection libcurl opened for its silent re-send is refused before anything is sent on it).
            #expect(seen[1].connection == 0)
            #expect(seen[2].connection > 0)
            #expect(seen[2].sameMessage(as: seen[1]))
        }

        @Test("the re-send after a dead reused connection is counted in X-Retryd-Attempts")
        func resendCounted() throws {
            let upstream = try Self.upstreamDroppingSecondRequest()
            let proxy = try ProxyHarness.quick(upstream)
            #expect(try proxy.request(target: "/warm").status == 200)
            let response = try proxy.request(target: "/v1/jobs/3")
            try #require(upstream.requests.count == 3)
            #expect(
                response.header("X-Retryd-Attempts") == "2",
                "the upstream saw the GET twice, the client was told \(response.header("X-Retryd-Attempts") ?? "nil")")
        }

        @Test("max_attempts = 1 sends a GET once, even when a reused upstream connection dies under it")
        func resendRespectsMaxAttempts() throws {
            let upstream = try Self.upstreamDroppingSecondRequest()
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.retry.maxAttempts = 1 }
            #expect(try proxy.request(target: "/warm").status == 200)
            let response = try proxy.request(target: "/v1/jobs/3")
            #expect(response.status == 502)
            #expect(upstream.requests.count == 2, "the GET reached the upstream \(upstream.requests.count - 1) times")
        }

        /// Answers the first request with keep-alive, drops the second unanswered, answers the rest with "second".
        private static func upstreamDroppingSecondRequest() throws -> TestUpstream {
            try TestUpstream(handler: { _, index in
                switch index {
                case 0: .respond(status: 200, text: "warm")
                case 1: .close
                default: .respond(status: 200, text: "second")
                }
            })
        }
    }
}
