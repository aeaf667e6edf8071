import Foundation
import Proxy
import Retry
import TestSupport
import Testing

extension Live {
    /// A request the closed gate cannot let go in time gets retryd's 429 when retryd knows it, not at its deadline.
    @Suite("Quota gate refusals")
    struct GateRefusalTests {
        /// Requests waiting at the upstream's default gate, as `/status` shows them.
        static func waiting(at proxy: ProxyHarness) throws -> Int {
            let box = LockedBox(0)
            try proxy.onLoop { runtime in box.set(runtime.bucketStatuses["default"]?.first?.waiting ?? 0) }
            return box.value
        }

        @Test(
            "behind a request waiting at the closed gate, one whose deadline ends before the opening gets 429 at once")
        func refusedAtOnceBehindAWaiter() throws {
            let upstream = try TestUpstream(handler: { _, index in
                index == 0
                    ? .respond(status: 429, headers: [("Retry-After", "8")], text: "slow down")
                    : .respond(status: 200, text: "ok \(index)")
            })
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                var hurried = upstream.retry
                hurried.deadline = .seconds(3)
                upstream.rules = [EndpointRule(path: PathPattern("/hurried/*"), policy: hurried)]
            }
            // The first request's 429 closes the gate for 8 s; it waits out the announced reset itself, and the
            // second (10 s deadline) waits at the gate. The margins are seconds wide so that a loaded machine's
            // delays cannot bring the opening within the hurried request's deadline.
            let first = Background { try proxy.request(target: "/v1/first") }
            #expect(upstream.waitForRequests(1))
            let patient = Background { try proxy.request(target: "/v1/patient") }
            #expect(poll(timeout: .seconds(5)) { (try? Self.waiting(at: proxy)) == 1 }, "the second never waited")

            // The case: a deadline (3 s) that ends before the opening, and a queue ahead of it.
            let (hurried, elapsed) = try measure { try proxy.request(target: "/hurried/1") }
            #expect(hurried.status == 429)
            #expect(elapsed < .seconds(2), "answered after \(elapsed): the request waited out its deadline")
            #expect(hurried.jsonObject?["error"] as? String == "rate_limited")
            #expect(hurried.header("X-Retryd-Attempts") == "0")
            let retryAfter = try #require(hurried.header("Retry-After").flatMap(Int.init))
            #expect((3...8).contains(retryAfter))

            #expect(try first.value().status == 200)
            #expect(try patient.value().status == 200)
            #expect(upstream.requests.map(\.target).filter { $0.hasPrefix("/hurried") }.isEmpty)
        }
    }
}
