import Foundation
import Proxy
import Redis
import TestSupport
import Testing

extension Live {
    /// Two instances in front of one vendor share its gate through a real redis-server the test starts.
    @Suite("Shared quota")
    struct SharedQuotaTests {
        static func instance(
            _ upstream: TestUpstream, redis: RedisServerProcess, name: String, workers: Int = 1
        ) throws -> ProxyHarness {
            let shared = SharedSettings(redis: try RedisURL(parsing: redis.urlString), instance: name)
            return try ProxyHarness(upstreamURL: upstream.baseURL, shared: shared, workers: workers) { upstream, _ in
                upstream.retry = .quick(maxAttempts: 1)
            }
        }

        /// Waits until `harness` reports its shared state connected.
        static func waitConnected(_ harness: ProxyHarness, _ connected: Bool = true) -> Bool {
            poll(every: .milliseconds(20)) {
                let state = LockedBox(false)
                try? harness.onLoop { state.set($0.sharedStateConnected == true) }
                return state.value == connected
            }
        }

        /// An upstream that answers 429 with `Retry-After: 2` to requests for /limit and 200 to the rest.
        static func vendor() throws -> TestUpstream {
            try TestUpstream(handler: { request, _ in
                request.target.hasPrefix("/limit")
                    ? .respond(status: 429, headers: [("Retry-After", "2")], text: "slow down")
                    : .respond(status: 200, text: "ok")
            })
        }

        @Test("a 429 one instance sees holds the other instance's requests until the announced reset")
        func closureReachesTheOtherInstance() throws {
            let redis = try RedisServerProcess()
            let upstream = try Self.vendor()
            let first = try Self.instance(upstream, redis: redis, name: "first")
            let second = try Self.instance(upstream, redis: redis, name: "second")
            #expect(Self.waitConnected(first) && Self.waitConnected(second))
            #expect(try first.request(target: "/limit").status == 429)
            Thread.sleep(forTimeInterval: 0.1)
            let (answer, elapsed) = try measure { try second.request(target: "/v1/jobs") }
            #expect(answer.status == 200)
            #expect(elapsed >= .milliseconds(1_500), "the other instance sent at once: \(elapsed)")
            #expect(elapsed < .seconds(4))
        }

        @Test("Redis stopped: traffic goes on with local state; restarted: sharing resumes")
        func redisOutageAndReturn() throws {
            let redis = try RedisServerProcess()
            let upstream = try Self.vendor()
            let first = try Self.instance(upstream, redis: redis, name: "first")
            let second = try Self.instance(upstream, redis: redis, name: "second")
            #expect(Self.waitConnected(first) && Self.waitConnected(second))
            redis.stop()
            #expect(Self.waitConnected(first, false) && Self.waitConnected(second, false))
            let (during, elapsed) = try measure { try second.request(target: "/v1/jobs") }
            #expect(during.status == 200)
            #expect(elapsed < .seconds(1), "a request waited on the missing Redis for \(elapsed)")
            // Local state only: the first instance's 429 does not reach the second.
            #expect(try first.request(target: "/limit").status == 429)
            let (alone, aloneElapsed) = try measure { try second.request(target: "/v1/jobs/2") }
            // Not held for the first instance's 2 s.
            #expect(alone.status == 200 && aloneElapsed < .seconds(1))
            try redis.start()
            #expect(Self.waitConnected(first) && Self.waitConnected(second), "no reconnect after the restart")
            Thread.sleep(forTimeInterval: 2.1)
            #expect(try first.request(target: "/limit/again").status == 429)
            Thread.sleep(forTimeInterval: 0.1)
            let (after, afterElapsed) = try measure { try second.request(target: "/v1/jobs/3") }
            #expect(after.status == 200)
            #expect(afterElapsed >= .milliseconds(1_500), "sharing did not resume: \(afterElapsed)")
        }

        @Test("an instance of two loops: another instance's 429 holds the requests of both, and leases work from both")
        func instanceWithTwoLoops() throws {
            let redis = try RedisServerProcess()
            let remaining = LockedBox(1_000)
            let upstream = try TestUpstream(handler: { request, _ in
                if request.target.hasPrefix("/limit") {
                    return .respond(status: 429, headers: [("Retry-After", "2")], text: "slow down")
                }
                var left = 0
                remaining.mutate {
                    $0 -= 1
                    left = $0
                }
                return .respond(
                    status: 200,
                    headers: [
                        ("Ratelimit-Limit", "1000"), ("Ratelimit-Remaining", String(left)), ("Ratelimit-Reset", "30"),
                    ],
                    text: "ok")
            })
            let first = try Self.instance(upstream, redis: redis, name: "first")
            let second = try Self.instance(upstream, redis: redis, name: "second", workers: 2)
            #expect(Self.waitConnected(first) && Self.waitConnected(second))
            // Quota reports through both loops, then leases asked from both: every request is answered promptly.
            let pacedStart = ContinuousClock.now
            let paced = try QuotaGateTests.concurrent(16, to: second, target: "/v1/assets")
            let pacedElapsed = ContinuousClock.now - pacedStart
            #expect(paced.allSatisfy { $0.status == 200 }, "\(paced.map(\.status))")
            #expect(pacedElapsed < .seconds(3), "leases from the second loop stalled: \(pacedElapsed)")
            #expect(try first.request(target: "/limit").status == 429)
            let closedAt = ContinuousClock.now
            Thread.sleep(forTimeInterval: 0.1)
            let held = try QuotaGateTests.concurrent(8, to: second, target: "/v1/jobs")
            #expect(held.allSatisfy { $0.status == 200 })
            let arrivals = upstream.requests.filter { $0.target.hasPrefix("/v1/jobs") }.map { $0.receivedAt - closedAt }
            #expect(arrivals.count == 8)
            #expect(arrivals.allSatisfy { $0 >= .milliseconds(1_500) }, "a loop sent before the reset: \(arrivals)")
        }
    }
}
