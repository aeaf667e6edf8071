import Foundation
import Logging
import Notify
import TestSupport
import Testing

/// Live: retryd gives up on a vendor that always answers 503, and the notifier POSTs to a test webhook.
@Suite struct GiveUpNotifierTests {
    static func vendor() throws -> TestUpstream {
        try TestUpstream(responses: [.respond(status: 503, headers: [("X-Request-Id", "req-42")], text: "busy")])
    }

    /// A port nothing listens on: bound once, then closed.
    static func closedPort() throws -> UInt16 {
        let upstream = try TestUpstream(responses: [])
        let port = upstream.port
        upstream.stop()
        return port
    }

    @Test func aGiveUpIsPostedOnceWithItsReport() throws {
        let vendor = try Self.vendor()
        let webhook = try TestUpstream(responses: [.respond(status: 204)])
        let harness = try NotifyHarness(
            vendor: vendor, webhookURL: webhook.baseURL + "/hooks/retryd", vendorAttempts: 2
        ) { notify, _ in
            notify.headers = [("Authorization", "Bearer t-1")]
        }
        let response = try harness.request(target: "/v1/jobs?api_key=k-secret")
        #expect(response.status == 503)

        #expect(webhook.waitForRequests(1))
        #expect(harness.waitUntil { harness.counters.delivered == 1 })
        #expect(!webhook.waitForRequests(2, timeout: .milliseconds(300)))
        let post = try #require(webhook.requests.first)
        #expect(post.method == "POST")
        #expect(post.target == "/hooks/retryd")
        #expect(post.header("Content-Type") == "application/json")
        #expect(post.header("Authorization") == "Bearer t-1")
        let key = try #require(post.header("Idempotency-Key"))
        #expect(key.count == 32 && key.allSatisfy(\.isHexDigit))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(post.body)) as? [String: Any])
        #expect(json["upstream"] as? String == "default")
        #expect(json["method"] as? String == "GET")
        #expect(json["path"] as? String == "/v1/jobs")
        #expect(json["finalStatus"] as? Int == 503)
        #expect(json["reason"] as? String == "attempts exhausted")
        #expect(json["reasonCode"] as? String == "attempts_exhausted")
        let attempts = try #require(json["attempts"] as? [[String: Any]])
        #expect(attempts.map { $0["outcome"] as? String } == ["503", "503"])
        let ids = try #require(json["requestIDs"] as? [[String: String]])
        #expect(ids == [["name": "X-Request-Id", "value": "req-42"]])
        #expect(json["bodyPrefix"] as? String == "busy")
        #expect(!post.bodyString.contains("k-secret"))
        #expect(harness.counters.failed == 0)
        #expect(harness.counters.dropped == 0)
    }

    @Test func failingWebhookIsRetriedUntilItAccepts() throws {
        let vendor = try Self.vendor()
        let webhook = try TestUpstream(responses: [.respond(status: 503), .respond(status: 503), .respond(status: 200)])
        let harness = try NotifyHarness(vendor: vendor, webhookURL: webhook.baseURL + "/hook")
        #expect(try harness.request().status == 503)

        #expect(harness.waitUntil { harness.counters.delivered == 1 })
        #expect(!webhook.waitForRequests(4, timeout: .milliseconds(300)))
        let posts = webhook.requests
        #expect(posts.count == 3)
        // The same event each time, so the receiver can tell the repeats apart from new give-ups.
        #expect(Set(posts.map(\.body)).count == 1)
        #expect(Set(posts.map { $0.header("Idempotency-Key") ?? "" }).count == 1)
        #expect(harness.counters.failed == 0)
    }

    @Test func webhookSlowerThanTheTimeoutIsTriedAgain() throws {
        let vendor = try Self.vendor()
        let webhook = try TestUpstream(responses: [
            .delay(.seconds(5), then: .respond(status: 200)), .respond(status: 200),
        ])
        let harness = try NotifyHarness(vendor: vendor, webhookURL: webhook.baseURL + "/hook") { notify, _ in
            notify.timeout = .milliseconds(500)
        }
        #expect(try harness.request().status == 503)

        #expect(harness.waitUntil(timeout: .seconds(4)) { harness.counters.delivered == 1 })
        #expect(webhook.requests.count == 2)
        // The times are the webhook's, when it read each request: under load the first may be read late, so the
        // bound is half the timeout. What it guards against is a retry at once, a gap of the 10 ms backoff.
        let gap = try #require(webhook.requests.last?.receivedAt) - (try #require(webhook.requests.first?.receivedAt))
        #expect(gap >= .milliseconds(250), "second attempt after \(gap)")
    }

    @Test func deadWebhookDropsTheOldestEventsPastMaxQueue() throws {
        let vendor = try Self.vendor()
        let harness = try NotifyHarness(
            vendor: vendor, webhookURL: "http://127.0.0.1:\(try Self.closedPort())/hook"
        ) { notify, policy in
            notify.maxQueue = 2
            // Long waits keep every event retrying, so none leaves the queue by failing.
            policy.backoff.initial = .seconds(30)
            policy.backoff.max = .seconds(30)
        }
        for _ in 0..<5 {
            #expect(try harness.request().status == 503)
        }
        #expect(harness.waitUntil { harness.counters.dropped == 3 })
        #expect(harness.counters.dropped == 3)
        #expect(harness.counters.queued == 2)
        #expect(harness.counters.delivered == 0)
        #expect(harness.counters.failed == 0)
    }

    @Test func slowWebhookDoesNotDelayClients() throws {
        let vendor = try Self.vendor()
        let webhook = try TestUpstream(responses: [.delay(.seconds(10), then: .respond(status: 200))])
        let harness = try NotifyHarness(vendor: vendor, webhookURL: webhook.baseURL + "/hook")
        let clock = ContinuousClock()
        var start = clock.now
        #expect(try harness.request().status == 503)
        let first = clock.now - start
        #expect(webhook.waitForRequests(1))
        // The delivery now hangs on the webhook; the next client must not notice.
        start = clock.now
        #expect(try harness.request().status == 503)
        let second = clock.now - start
        // Far below the webhook's 10 s: the client never waits for a delivery.
        #expect(first < .seconds(3), "first give-up answered after \(first)")
        #expect(second < .seconds(3), "second give-up answered after \(second)")
        #expect(harness.counters.delivered == 0)
    }

    @Test func rejectingWebhookIsNotRetriedAndTheWarningKeepsHeaderValuesOut() throws {
        let vendor = try Self.vendor()
        let webhook = try TestUpstream(responses: [.respond(status: 401, text: "bad token")])
        let logs = LogCapture()
        let harness = try NotifyHarness(
            vendor: vendor, webhookURL: webhook.baseURL + "/services/path-token", logger: logs.logger
        ) { notify, _ in
            notify.headers = [("Authorization", "Bearer t-secret")]
        }
        #expect(try harness.request().status == 503)

        #expect(harness.waitUntil { harness.counters.failed == 1 })
        #expect(!webhook.waitForRequests(2, timeout: .milliseconds(300)))
        #expect(webhook.requests.count == 1)
        #expect(harness.counters.delivered == 0)
        let warning = try #require(logs.messages.first { $0.level == .warning && $0.message.contains("401") })
        #expect(warning.message.contains("not retrying"))
        #expect(warning.metadata["webhook"] == .string(webhook.baseURL))
        for entry in logs.messages {
            let text = entry.message + " " + entry.metadata.description
            #expect(!text.contains("t-secret"))
            #expect(!text.contains("path-token"))
        }
    }
}
