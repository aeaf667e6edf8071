import Foundation
import Retry
import TestSupport
import Testing

extension Live {
    /// One 429 closes the upstream's gate for every request; quota headers hold requests before the window is spent.
    @Suite("Quota gate")
    struct QuotaGateTests {
        /// Sends `count` GETs at once, each on its own thread and connection; returns when all are answered.
        static func concurrent(
            _ count: Int, to proxy: ProxyHarness, target: String
        ) throws -> [ReceivedResponse] {
            try concurrently(count) { index in try proxy.request(target: "\(target)/\(index)") }
        }

        @Test("a 429 with Retry-After holds the requests that arrive after it until then, and one trial goes first")
        func gateHoldsLaterRequests() throws {
            let upstream = try TestUpstream(handler: { _, index in
                index == 0
                    ? .respond(status: 429, headers: [("Retry-After", "1")], text: "slow down")
                    : .respond(status: 200, text: "ok \(index)")
            })
            let proxy = try ProxyHarness.quick(upstream)
            let first = try proxy.request(target: "/v1/jobs/first")
            let later = try Self.concurrent(3, to: proxy, target: "/v1/jobs/later")
            #expect(first.status == 200, "the first request is retried after the announced wait")
            #expect(later.allSatisfy { $0.status == 200 })
            #expect(later.count == 3)
            // Nothing reached the vendor between the 429 and the announced reset.
            let closedAt = try #require(upstream.requests.first).receivedAt
            let arrivals = upstream.requests.dropFirst().map { $0.receivedAt - closedAt }
            #expect(arrivals.count == 4)
            #expect(arrivals.allSatisfy { $0 >= .milliseconds(900) }, "\(arrivals)")
            let gaps = upstream.requests.map(\.receivedAt)
            #expect(gaps[1] - gaps[0] >= .milliseconds(900), "a request reached the vendor before the gate opened")
        }

        @Test("a request that cannot wait for the gate gets 429 at once from retryd, naming the upstream")
        func refusedWhenTheWaitIsTooLong() throws {
            let upstream = try TestUpstream(handler: { _, index in
                index == 0
                    ? .respond(status: 429, headers: [("Retry-After", "30")], text: "come back later")
                    : .respond(status: 200, text: "ok")
            })
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.retry.maxRateLimitWait = .seconds(5)
            }
            let vendorAnswer = try proxy.request(target: "/v1/jobs/1")
            #expect(vendorAnswer.status == 429, "the vendor's own 429 goes through when its wait is too long")
            let (refused, elapsed) = try measure { try proxy.request(target: "/v1/jobs/2") }
            // At once, not after max_rate_limit_wait (5 s) or the gate's 30 s.
            #expect(elapsed < .seconds(2))
            #expect(refused.status == 429)
            #expect(refused.jsonObject?["error"] as? String == "rate_limited")
            let detail = try #require(refused.jsonObject?["detail"] as? String)
            #expect(detail.hasPrefix("upstream default is holding requests until 20"), "\(detail)")
            #expect(detail.contains("the vendor answered 429 with Retry-After"), "\(detail)")
            let retryAfter = try #require(refused.header("Retry-After").flatMap(Int.init))
            #expect((28...30).contains(retryAfter))
            #expect(upstream.requests.count == 1, "the refused request reached the vendor")
        }

        @Test("quota headers: once the window's estimate is spent, requests wait for its end instead of a 429")
        func pacingHoldsAtTheEndOfTheQuota() throws {
            let upstream = try TestUpstream(handler: { _, index in
                // The window has 3 requests; its end is 2 s after the first answer, far from the first three.
                .respond(
                    status: 200,
                    headers: [
                        ("Ratelimit-Limit", "3"), ("Ratelimit-Remaining", String(max(2 - index, 0))),
                        ("Ratelimit-Reset", "2"),
                    ],
                    text: "ok \(index)")
            })
            let proxy = try ProxyHarness.quick(upstream)
            let started = ContinuousClock.now
            for index in 0..<4 {
                #expect(try proxy.request(target: "/v1/quota/\(index)").status == 200)
            }
            let arrivals = upstream.requests.map { $0.receivedAt - started }
            #expect(arrivals.count == 4)
            #expect(arrivals[2] < .seconds(1), "the first three fit the window: \(arrivals)")
            #expect(arrivals[3] >= .milliseconds(1_950), "the fourth went before the window ended: \(arrivals)")
        }

        @Test("with [upstream.quota] gate = false and pace = false every request goes as before")
        func gateOff() throws {
            let upstream = try TestUpstream(handler: { _, index in
                index == 0
                    ? .respond(status: 429, headers: [("Retry-After", "5")], text: "slow down")
                    : .respond(status: 200, text: "ok")
            })
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                upstream.quota.gate = false
                upstream.quota.pace = false
                upstream.retry.maxAttempts = 1
            }
            #expect(try proxy.request(target: "/a").status == 429)
            let (second, elapsed) = try measure { try proxy.request(target: "/b") }
            #expect(second.status == 200)
            // Not held for the announced 5 s.
            #expect(elapsed < .seconds(2))
        }
    }
}
