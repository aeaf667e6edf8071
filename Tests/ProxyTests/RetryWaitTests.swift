import Foundation
import TestSupport
import Testing

extension Live {
    /// How long retryd waits between attempts: the upstream's announced reset, else backoff or the schedule.
    @Suite("Retry waits")
    struct RetryWaitTests {
        @Test(
            "a 429 is retried after the announced reset, whichever header announces it",
            arguments: [
                ("Retry-After", "1"), ("RateLimit-Reset", "1"), ("RateLimit", "\"default\";r=0;t=1"),
                ("X-RateLimit-Reset", "1"),
            ])
        func announcedReset(name: String, value: String) throws {
            let upstream = try RetryFixture.upstream(
                failing: 1, with: RetryFixture.status(429, headers: [(name, value)]))
            let proxy = try ProxyHarness.quick(upstream)
            let response = try proxy.request(target: "/v1/quota")
            #expect(response.status == 200)
            #expect(response.header("X-Retryd-Attempts") == "2")
            #expect(upstream.requests.count == 2)
            try expectWait(upstream, atLeast: .milliseconds(900), below: .seconds(3), "\(name): \(value)")
        }

        @Test("a reset given as epoch seconds is waited for: retryd compares it with the wall clock")
        func epochReset() throws {
            let upstream = try TestUpstream(handler: { _, index in
                // Two whole seconds ahead: whatever the sub-second phase, the wait is over one second.
                let reset = String(Int(Date().timeIntervalSince1970) + 2)
                return index == 0
                    ? RetryFixture.status(429, headers: [("X-RateLimit-Reset", reset)])
                    : .respond(status: 200, text: "ok")
            })
            let proxy = try ProxyHarness.quick(upstream)
            #expect(try proxy.request(target: "/v1/quota").status == 200)
            #expect(upstream.requests.count == 2)
            try expectWait(upstream, atLeast: .milliseconds(900), below: .seconds(3), "X-RateLimit-Reset epoch")
        }

        @Test("a 503 with Retry-After waits as announced, not the backoff")
        func retryAfterOn503() throws {
            let upstream = try RetryFixture.upstream(
                failing: 1, with: RetryFixture.status(503, headers: [("Retry-After", "1")]))
            let proxy = try ProxyHarness.quick(upstream)
            #expect(try proxy.request(target: "/v1/jobs").status == 200)
            #expect(upstream.requests.count == 2)
            try expectWait(upstream, atLeast: .milliseconds(900), below: .seconds(3), "Retry-After: 1 on 503")
        }

        @Test("an announced wait above max_rate_limit_wait is not taken: the client gets the 429 at once")
        func waitTooLong() throws {
            let headers = [("Retry-After", "120"), ("X-RateLimit-Remaining", "0"), ("X-Request-Id", "rl-1")]
            let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(429, headers: headers))
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.retry.maxRateLimitWait = .seconds(10)
            }
            let (response, elapsed) = try measure { try proxy.request(target: "/v1/quota") }
            #expect(response.status == 429)
            #expect(response.bodyString == "vendor says 429")
            for (name, value) in headers {
                #expect(response.header(name) == value, "\(name) did not reach the client intact")
            }
            #expect(response.header("X-Retryd-Attempts") == "1")
            #expect(elapsed < .seconds(2))
            #expect(upstream.requests.count == 1)
        }

        @Test("without an announcement the waits follow the backoff: 50 ms, then 100 ms")
        func backoff() throws {
            let upstream = try RetryFixture.upstream(failing: 2, with: RetryFixture.status(503))
            let proxy = try ProxyHarness.quick(upstream)
            let response = try proxy.request(target: "/v1/jobs")
            #expect(response.status == 200)
            #expect(response.header("X-Retryd-Attempts") == "3")
            let gaps = upstream.arrivalGaps
            try #require(gaps.count == 2)
            #expect(gaps[0] >= .milliseconds(40), "first wait \(gaps[0])")
            #expect(gaps[1] >= .milliseconds(90), "second wait \(gaps[1]) did not double")
            #expect(gaps.allSatisfy { $0 < .seconds(1) }, "waits \(gaps)")
        }

        @Test("a schedule replaces the backoff, its last entry repeating")
        func schedule() throws {
            let upstream = try RetryFixture.upstream(failing: 3, with: RetryFixture.status(502))
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                // Backoff alone would wait 10 s first: any gap near that means the schedule was ignored. The
                // entries are far apart, so a repeated first entry cannot pass for the last on a slow machine.
                upstream.retry.backoff.initial = .seconds(10)
                upstream.retry.schedule = [.seconds(2), .milliseconds(50)]
            }
            let response = try proxy.request(target: "/v1/jobs")
            #expect(response.status == 200)
            let gaps = upstream.arrivalGaps
            try #require(gaps.count == 3)
            #expect(gaps[0] >= .milliseconds(1_980) && gaps[0] < .seconds(6), "first wait \(gaps[0])")
            #expect(gaps[1] >= .milliseconds(40) && gaps[1] < .seconds(1), "second wait \(gaps[1])")
            #expect(gaps[2] >= .milliseconds(40) && gaps[2] < .seconds(1), "repeated wait \(gaps[2])")
        }

        /// Expects the upstream's first two requests to lie between the bounds apart.
        private func expectWait(
            _ upstream: TestUpstream, atLeast lower: Duration, below upper: Duration, _ label: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let gap = try #require(upstream.arrivalGaps.first, sourceLocation: sourceLocation)
            #expect(gap >= lower, "\(label): retried after \(gap)", sourceLocation: sourceLocation)
            #expect(gap < upper, "\(label): retried after \(gap)", sourceLocation: sourceLocation)
        }
    }
}
