import Foundation
import TestSupport
import Testing

extension Live {
    /// max_attempts and the deadline bound the whole exchange.
    @Suite("Retry budgets")
    struct RetryBudgetTests {
        @Test("max_attempts counts the first attempt; the client then gets the last response unchanged")
        func attemptsExhausted() throws {
            let upstream = try TestUpstream(handler: { _, index in
                .respond(
                    status: 503, reason: "Encoder Busy",
                    headers: [("X-Vendor-Attempt", "\(index)"), ("Content-Type", "application/json")],
                    text: "{\"attempt\":\(index)}")
            })
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.retry.maxAttempts = 3 }
            let response = try proxy.request(target: "/v1/jobs")
            #expect(response.status == 503)
            #expect(response.reason == "Encoder Busy")
            #expect(response.header("X-Vendor-Attempt") == "2")
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.bodyString == "{\"attempt\":2}")
            #expect(response.header("X-Retryd-Attempts") == "3")
            #expect(upstream.requests.count == 3)
            // No fourth attempt turns up later either.
            #expect(!upstream.waitForRequests(4, timeout: .milliseconds(300)))
        }

        @Test(
            "a wait that would cross the deadline is not taken: the client gets the response at once",
            arguments: [("announced", [("Retry-After", "6")]), ("scheduled", [])] as [(String, [(String, String)])])
        func waitCrossingDeadline(label: String, headers: [(String, String)]) throws {
            let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(503, headers: headers))
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                // The wait (6 s) crosses the deadline (3 s); a client that waited for the deadline shows.
                upstream.retry.deadline = .seconds(3)
                upstream.retry.schedule = [.seconds(6)]
            }
            let (response, elapsed) = try measure { try proxy.request(target: "/v1/jobs") }
            #expect(response.status == 503, "\(label)")
            #expect(response.bodyString == "vendor says 503")
            #expect(response.header("X-Retryd-Attempts") == "1")
            #expect(elapsed < .seconds(2), "\(label): the client waited \(elapsed)")
            #expect(upstream.requests.count == 1)
        }

        @Test("an attempt in flight is cut at the deadline with a 504", arguments: [0, 1])
        func attemptCutAtDeadline(earlierFailures: Int) throws {
            let upstream = try TestUpstream(handler: { _, index in
                index < earlierFailures
                    ? RetryFixture.status(503) : .delay(.seconds(5), then: .respond(status: 200, text: "too late"))
            })
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                upstream.retry.deadline = .milliseconds(400)
                upstream.attemptTimeout = .seconds(10)
            }
            let (response, elapsed) = try measure { try proxy.request(target: "/v1/jobs") }
            #expect(response.status == 504)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.jsonObject?["error"] as? String == "upstream_timeout")
            #expect(response.header("X-Retryd-Attempts") == String(earlierFailures + 1))
            #expect(elapsed >= .milliseconds(350), "cut after \(elapsed)")
            #expect(elapsed < .seconds(2), "cut after \(elapsed)")
            #expect(upstream.requests.count == earlierFailures + 1)
        }
    }
}
