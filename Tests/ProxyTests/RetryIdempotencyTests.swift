import Foundation
import TestSupport
import Testing

/// Non-idempotent requests are repeated only when that cannot apply them twice.
@Suite("Retry idempotency")
struct RetryIdempotencyTests {
    static let keyed: [(String, String)] = [("Host", "localhost"), ("Idempotency-Key", "job-5f1c")]

    @Test(
        "an Idempotency-Key makes a POST retryable after a failure after sending",
        arguments: [("reset", UpstreamAction.reset), ("empty reply", .close)] as [(String, UpstreamAction)])
    func keyAfterMaybeProcessed(label: String, failure: UpstreamAction) throws {
        let upstream = try RetryFixture.upstream(failing: 1, with: failure)
        let proxy = try ProxyHarness.quick(upstream)
        let response = try proxy.request(method: "POST", target: "/v1/encode", headers: Self.keyed, body: [1, 2, 3])
        #expect(response.status == 200, "\(label)")
        #expect(response.header("X-Retryd-Attempts") == "2")
        #expect(upstream.requests.count == 2)
        #expect(upstream.requests.last?.header("Idempotency-Key") == "job-5f1c")
        #expect(upstream.requests[1].sameMessage(as: upstream.requests[0]))
    }

    @Test("an Idempotency-Key makes a POST retryable for any retry status", arguments: [500, 502, 504])
    func keyForRetryStatus(status: Int) throws {
        let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(status))
        let proxy = try ProxyHarness.quick(upstream)
        let response = try proxy.request(method: "POST", target: "/v1/encode", headers: Self.keyed, body: [1, 2, 3])
        #expect(response.status == 200)
        #expect(response.bodyString == "ok 1")
        #expect(upstream.requests.count == 2)
    }

    @Test(
        "a POST without a key is not retried on 500, 502 or 504 (\"504 on start encoding\")",
        arguments: [500, 502, 504])
    func postNotRetried(status: Int) throws {
        let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(status))
        let proxy = try ProxyHarness.quick(upstream)
        let response = try proxy.request(method: "POST", target: "/v1/encode", body: Array("{\"start\":1}".utf8))
        #expect(response.status == status)
        #expect(response.bodyString == "vendor says \(status)")
        #expect(response.header("X-Retryd-Attempts") == "1")
        #expect(upstream.requests.count == 1, "the POST reached the upstream \(upstream.requests.count) times")
    }

    @Test("a POST without a key is retried on 429 and 503: the vendor refused it unprocessed", arguments: [429, 503])
    func postRetriedWhenRefused(status: Int) throws {
        let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(status))
        let proxy = try ProxyHarness.quick(upstream)
        let body = Array("{\"start\":1}".utf8)
        let response = try proxy.request(method: "POST", target: "/v1/encode", body: body)
        #expect(response.status == 200)
        #expect(response.bodyString == "ok 1")
        #expect(response.header("X-Retryd-Attempts") == "2")
        #expect(upstream.requests.count == 2)
        #expect(upstream.requests.allSatisfy { $0.body == body })
    }

    @Test("non_idempotent_statuses widened to 500 makes a POST 500 retried")
    func widenedNonIdempotentStatuses() throws {
        let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(500))
        let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
            upstream.retry.nonIdempotentStatuses = [429, 500, 502, 503, 504]
        }
        let response = try proxy.request(method: "POST", target: "/v1/encode", body: [9])
        #expect(response.status == 200)
        #expect(upstream.requests.count == 2)
    }
}
