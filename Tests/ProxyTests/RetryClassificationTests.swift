import Foundation
import Retry
import TestSupport
import Testing

extension Live {
    /// Which attempts retryd repeats: retry statuses and transport failures are retried, everything else is final.
    @Suite("Retry classification")
    struct RetryClassificationTests {
        @Test(
            "a retry status is retried after the backoff and the client gets the later answer",
            arguments: [500, 502, 503, 504])
        func retryStatus(status: Int) throws {
            let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(status))
            let proxy = try ProxyHarness.quick(upstream)
            let response = try proxy.request(target: "/v1/jobs/7")
            #expect(response.status == 200)
            #expect(response.bodyString == "ok 1")
            #expect(response.header("X-Retryd-Attempts") == "2")
            #expect(upstream.requests.count == 2)
            let gap = try #require(upstream.arrivalGaps.first)
            #expect(gap >= .milliseconds(40), "the retry came \(gap) after the first attempt, before the 50 ms backoff")
            #expect(gap < .seconds(1))
        }

        @Test(
            "any other status is final and passed through as it came",
            arguments: [200, 201, 204, 302, 400, 401, 404, 409, 422])
        func finalStatus(status: Int) throws {
            let headers = [("X-Vendor", "v-\(status)"), ("Content-Type", "text/plain")]
            let upstream = try TestUpstream(responses: [RetryFixture.status(status, headers: headers)])
            let proxy = try ProxyHarness.quick(upstream)
            let response = try proxy.request(method: "GET", target: "/v1/jobs/7")
            #expect(response.status == status)
            #expect(response.header("X-Vendor") == "v-\(status)")
            #expect(response.header("Content-Type") == "text/plain")
            #expect(response.bodyString == (status == 204 ? "" : "vendor says \(status)"))
            #expect(response.header("X-Retryd-Attempts") == "1")
            #expect(upstream.requests.count == 1)
        }

        @Test("a refused connection is retried even for a POST: nothing was sent")
        func connectionRefused() throws {
            let capture = LogCapture()
            let refusing = try RefusingPort()
            let proxy = try ProxyHarness.quick(upstreamURL: refusing.url, logger: capture.logger) {
                upstream, _ in upstream.retry.maxAttempts = 3
            }
            let (response, elapsed) = try measure {
                try proxy.request(method: "POST", target: "/v1/encode", body: Array("{}".utf8))
            }
            #expect(response.status == 502)
            #expect(response.header("X-Retryd-Attempts") == "3")
            #expect(response.jsonObject?["error"] as? String == "upstream_unreachable")
            // Two backoff waits, 50 ms and 100 ms, separate the three attempts.
            #expect(elapsed >= .milliseconds(140))
            #expect(elapsed < .seconds(3))
            let retries = capture.messages(at: .info).filter {
                $0.hasPrefix("retrying POST /v1/encode after connect failed")
            }
            #expect(retries.count == 2)
        }

        @Test(
            "a failure after sending is retried for an idempotent method",
            arguments: [
                ("reset", UpstreamAction.reset), ("empty reply", .close),
                ("attempt timeout", .delay(.seconds(5), then: .respond(status: 200, text: "too late"))),
            ] as [(String, UpstreamAction)])
        func maybeProcessedIdempotent(label: String, failure: UpstreamAction) throws {
            let upstream = try RetryFixture.upstream(failing: 1, with: failure)
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.attemptTimeout = .milliseconds(200) }
            let response = try proxy.request(method: "PUT", target: "/v1/assets/9", body: Array("{\"v\":1}".utf8))
            #expect(response.status == 200, "\(label)")
            #expect(response.bodyString == "ok 1")
            #expect(response.header("X-Retryd-Attempts") == "2")
            #expect(upstream.requests.count == 2)
            #expect(upstream.requests[1].sameMessage(as: upstream.requests[0]))
        }

        @Test(
            "a failure after sending is not retried for a POST: the client gets retryd's 502 or 504",
            arguments: [
                ("reset", UpstreamAction.reset, 502), ("empty reply", .close, 502),
                ("attempt timeout", .delay(.seconds(5), then: .respond(status: 200, text: "too late")), 504),
            ] as [(String, UpstreamAction, Int)])
        func maybeProcessedPost(label: String, failure: UpstreamAction, status: Int) throws {
            let upstream = try RetryFixture.upstream(failing: 1, with: failure)
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.attemptTimeout = .milliseconds(200) }
            let response = try proxy.request(method: "POST", target: "/v1/encode", body: Array("{}".utf8))
            #expect(response.status == status, "\(label)")
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.jsonObject?["error"] is String)
            #expect(response.header("X-Retryd-Attempts") == "1")
            #expect(upstream.requests.count == 1, "the POST reached the upstream \(upstream.requests.count) times")
        }

        /// Heads the upstream starts and never finishes before closing (README rule 1's "cut-off headers"), with the
        /// error retryd names: libcurl reports a status line cut short as an empty reply.
        static let cutOffHeads: [(String, String)] = [
            ("HTTP/1.1 200 OK\r\nContent-Type: appli", "bad_upstream_response"),
            ("HTTP/1.1 503 Service Unavailable\r\n", "bad_upstream_response"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", "bad_upstream_response"),
            ("HTTP/1.1 20", "upstream_unreachable"),
        ]

        @Test(
            "a response head cut off by the upstream is retried for a GET, then 502 after max_attempts",
            arguments: cutOffHeads)
        func cutOffHeadIdempotent(head: String, code: String) throws {
            let upstream = try TestUpstream(handler: { _, _ in .rawThenClose(Array(head.utf8)) })
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in upstream.retry.maxAttempts = 3 }
            let response = try proxy.request(target: "/v1/jobs/7")
            #expect(response.status == 502)
            #expect(response.header("X-Retryd-Attempts") == "3")
            #expect(response.jsonObject?["error"] as? String == code)
            #expect(upstream.requests.count == 3)
        }

        @Test("a GET whose first response head is cut off gets the answer to the retry")
        func cutOffHeadThenSuccess() throws {
            let upstream = try RetryFixture.upstream(failing: 1, with: .rawThenClose(Array(Self.cutOffHeads[0].0.utf8)))
            let proxy = try ProxyHarness.quick(upstream)
            let response = try proxy.request(target: "/v1/jobs/7")
            #expect(response.status == 200)
            #expect(response.bodyString == "ok 1")
            #expect(response.header("X-Retryd-Attempts") == "2")
        }

        @Test("a response head cut off by the upstream is not retried for a POST", arguments: cutOffHeads)
        func cutOffHeadPost(head: String, code: String) throws {
            let upstream = try TestUpstream(handler: { _, _ in .rawThenClose(Array(head.utf8)) })
            let proxy = try ProxyHarness.quick(upstream)
            let response = try proxy.request(method: "POST", target: "/v1/encode", body: Array("{}".utf8))
            #expect(response.status == 502)
            #expect(response.header("X-Retryd-Attempts") == "1")
            #expect(response.jsonObject?["error"] as? String == code)
            #expect(upstream.requests.count == 1, "the POST reached the upstream \(upstream.requests.count) times")
        }

        @Test(
            "an endpoint rule's retry statuses apply only to its methods and path",
            arguments: [
                ("GET", "/v1/tasks/42", 200, 2), ("GET", "/v1/jobs/42", 404, 1), ("POST", "/v1/tasks/42", 404, 1),
                ("GET", "/v1/tasks/42/logs", 404, 1),
            ] as [(String, String, Int, Int)])
        func endpointRule(method: String, target: String, status: Int, attempts: Int) throws {
            let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(404))
            let proxy = try ProxyHarness.quick(upstream) { upstream, _ in
                var tasks = upstream.retry
                tasks.retryStatuses.insert(404)
                upstream.rules = [EndpointRule(methods: ["GET"], path: PathPattern("/v1/tasks/*"), policy: tasks)]
            }
            let response = try proxy.request(method: method, target: target, body: method == "POST" ? [] : nil)
            #expect(response.status == status)
            #expect(response.header("X-Retryd-Attempts") == String(attempts))
            #expect(upstream.requests.count == attempts)
        }
    }
}
