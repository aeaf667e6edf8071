import Events
import Foundation
import Proxy
import Retry
import TestSupport
import Testing

extension Live {
    /// The retry budget and the circuit breaker against an upstream that is down.
    @Suite("Storm protection")
    struct StormProtectionTests {
        /// Sends `count` GETs from `clients` threads, each one after the other on its thread; returns every answer.
        static func requests(_ count: Int, clients: Int, to proxy: ProxyHarness) throws -> [ReceivedResponse] {
            try concurrently(clients) { client in
                try stride(from: client, to: count, by: clients).map { index in
                    try proxy.request(target: "/v1/jobs/\(index)")
                }
            }.flatMap { $0 }
        }

        /// The upstream's breaker as `/status` shows it.
        static func breaker(of proxy: ProxyHarness) throws -> HealthStatus.Breaker? {
            let box = LockedBox<HealthStatus.Breaker?>(nil)
            try proxy.onLoop { runtime in box.set(runtime.healthStatuses["default"]?.breaker) }
            return box.value
        }

        /// Sends requests until one gets `status` or `timeout` passes; returns that response.
        static func poll(_ proxy: ProxyHarness, until status: Int, timeout: Duration) throws -> ReceivedResponse? {
            try TestSupport.poll(timeout: timeout, every: .milliseconds(50)) {
                let response = try proxy.request(target: "/v1/jobs/poll")
                return response.status == status ? response : nil
            }
        }

        @Test(
            "an upstream failing every request sees at most requests × (1 + ratio) + min_per_second × window attempts")
        func budgetBoundsTheAttempts() throws {
            let upstream = try TestUpstream(responses: [RetryFixture.status(503)])
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                upstream.budget.ratio = 0.2
                upstream.budget.minPerSecond = 1
                upstream.budget.window = .seconds(10)
                upstream.breaker.enabled = false
            }
            let responses = try Self.requests(50, clients: 10, to: proxy)
            let bound = 50 + 10 + 10  // 50 requests, 0.2 × 50 retries, 1/s × 10 s of floor
            #expect(upstream.requests.count <= bound, "\(upstream.requests.count) attempts for 50 requests")
            #expect(upstream.requests.count > 50, "the budget allows some retries")
            // Without the budget every request would have been tried max_attempts times.
            #expect(responses.count == 50)
            #expect(responses.allSatisfy { $0.status == 503 && $0.bodyString == "vendor says 503" })
            let single = responses.filter { $0.header("X-Retryd-Attempts") == "1" }
            #expect(single.count >= 30, "most requests got the vendor's first answer as it came")
        }

        @Test("enough failures open the breaker: clients then get retryd's 503 with Retry-After in milliseconds")
        func breakerOpensAndFailsFast() throws {
            let upstream = try TestUpstream(responses: [RetryFixture.status(503)])
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                upstream.retry.maxAttempts = 2
                upstream.budget.enabled = false
                upstream.breaker.minRequests = 5
                upstream.breaker.openFor = .seconds(30)
            }
            let failing = try Self.requests(5, clients: 1, to: proxy)
            #expect(failing.allSatisfy { $0.status == 503 && $0.bodyString == "vendor says 503" })
            #expect(upstream.requests.count == 10)
            let (response, elapsed) = try measure { try proxy.request(target: "/v1/jobs/fast") }
            // Retryd's own answer, not a forwarded attempt with a retry after it (the count below shows none went).
            #expect(elapsed < .seconds(1), "answered after \(elapsed)")
            #expect(response.status == 503)
            #expect(response.header("Content-Type") == "application/json")
            let retryAfter = try #require(response.header("Retry-After").flatMap { Int($0) })
            #expect((29...30).contains(retryAfter), "\(upstream.requests.map(\.target)) \(response.bodyString)")
            #expect(response.jsonObject?["error"] as? String == "circuit_open")
            let detail = try #require(response.jsonObject?["detail"] as? String)
            #expect(detail.hasPrefix("upstream default is failing"), "\(detail)")
            #expect(detail.contains("5 of 5 requests failed (100%)"), "\(detail)")
            #expect(response.header("X-Retryd-Attempts") == "0")
            #expect(upstream.requests.count == 10, "the open breaker sent nothing upstream")
            let breaker = try #require(try Self.breaker(of: proxy))
            #expect(breaker.state == "open")
            #expect(breaker.failureRatio == 1 && breaker.failures == 5 && breaker.outcomes == 5)
        }

        @Test("after open_for a failed trial opens it again; once the upstream recovers the trials close it")
        func breakerRecovers() throws {
            let healthy = LockedBox(false)
            let upstream = try TestUpstream(handler: { _, index in
                healthy.value ? .respond(status: 200, text: "ok \(index)") : RetryFixture.status(502)
            })
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                upstream.retry.maxAttempts = 1
                upstream.breaker.minRequests = 3
                upstream.breaker.openFor = .milliseconds(400)
                upstream.breaker.trialRequests = 2
            }
            _ = try Self.requests(3, clients: 1, to: proxy)
            #expect(try Self.breaker(of: proxy)?.state == "open")
            // The first request after open_for is a trial; it fails and the breaker opens again.
            let trial = try #require(try Self.poll(proxy, until: 502, timeout: .seconds(3)), "no trial went")
            #expect(trial.bodyString == "vendor says 502")
            #expect(try Self.breaker(of: proxy)?.state == "open")
            #expect(upstream.requests.count == 4)

            healthy.set(true)
            let openedAt = ContinuousClock.now
            let first = try #require(try Self.poll(proxy, until: 200, timeout: .seconds(3)), "never recovered")
            let recovery = ContinuousClock.now - openedAt
            #expect(recovery < .seconds(2), "traffic came back after \(recovery)")
            #expect(first.bodyString.hasPrefix("ok"))
            #expect(try Self.breaker(of: proxy)?.state == "half_open", "one of two trials has succeeded")
            let second = try proxy.request(target: "/v1/jobs/second")
            #expect(second.status == 200)
            #expect(try Self.breaker(of: proxy)?.state == "closed")
            let later = try Self.requests(6, clients: 3, to: proxy)
            #expect(later.allSatisfy { $0.status == 200 })
        }

        @Test("a trial the vendor rate-limits is retried as the same trial, and its success closes the breaker")
        func rateLimitedTrial() throws {
            let upstream = try TestUpstream(handler: { _, index in
                switch index {
                case 0..<6: RetryFixture.status(503)
                case 6: .respond(status: 429, headers: [("Retry-After", "0")], text: "slow down")
                default: .respond(status: 200, text: "ok \(index)")
                }
            })
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                upstream.retry.maxAttempts = 2
                upstream.budget.enabled = false
                upstream.breaker.minRequests = 3
                upstream.breaker.openFor = .milliseconds(300)
                upstream.breaker.trialRequests = 1
            }
            _ = try Self.requests(3, clients: 1, to: proxy)
            #expect(upstream.requests.count == 6, "each of the three failures was retried once")
            // Only after open_for is the next request let through, as the one trial.
            let trial = try #require(try Self.poll(proxy, until: 200, timeout: .seconds(3)), "the trial never went")
            #expect(trial.header("X-Retryd-Attempts") == "2", "the 429, then its retry")
            #expect(try Self.breaker(of: proxy)?.state == "closed")
        }

        @Test("a reload keeps an open breaker; one that turns it off lets requests go at once")
        func reloadKeepsTheBreaker() throws {
            let upstream = try TestUpstream(responses: [RetryFixture.status(503)])
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                upstream.retry.maxAttempts = 1
                upstream.breaker.minRequests = 3
                upstream.breaker.openFor = .seconds(30)
            }
            _ = try Self.requests(3, clients: 1, to: proxy)
            var same = proxy.runtime.settings
            same.upstreams[0].retry.maxAttempts = 2
            let unchanged = same
            try proxy.onLoop { try $0.reload(unchanged) }
            #expect(try proxy.request(target: "/v1/jobs/a").jsonObject?["error"] as? String == "circuit_open")
            #expect(try Self.breaker(of: proxy)?.state == "open")
            var off = unchanged
            off.upstreams[0].breaker.enabled = false
            let disabled = off
            try proxy.onLoop { try $0.reload(disabled) }
            #expect(try proxy.request(target: "/v1/jobs/b").bodyString == "vendor says 503")
            #expect(try Self.breaker(of: proxy) == nil)
            #expect(upstream.requests.count == 5, "\(upstream.requests.map(\.target))")
        }

        @Test("a rule with breaker = false is tried while the breaker is open")
        func ruleOptsOut() throws {
            let upstream = try TestUpstream(responses: [RetryFixture.status(503)])
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                upstream.retry.maxAttempts = 1
                upstream.breaker.minRequests = 3
                upstream.breaker.openFor = .seconds(30)
                var rule = EndpointRule(path: PathPattern("/v1/health"), policy: upstream.retry)
                rule.usesBreaker = false
                upstream.rules = [rule]
            }
            _ = try Self.requests(3, clients: 1, to: proxy)
            #expect(try proxy.request(target: "/v1/jobs/1").jsonObject?["error"] as? String == "circuit_open")
            let health = try proxy.request(target: "/v1/health")
            #expect(health.bodyString == "vendor says 503")
            #expect(upstream.requests.count == 4, "\(upstream.requests.map(\.target))")
        }
    }
}
