import Foundation
import Notify
import TestSupport
import Testing

/// Live: the vendor goes down and comes back; the webhook hears the breaker open once and close once.
@Suite struct BreakerEventTests {
    static func json(_ request: RecordedRequest) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any]
    }

    @Test func theWebhookHearsTheBreakerOpenAndClose() throws {
        let healthy = LockedBox(false)
        let vendor = try TestUpstream(handler: { _, _ in
            healthy.value ? .respond(status: 200, text: "ok") : .respond(status: 503, text: "down")
        })
        let webhook = try TestUpstream(responses: [.respond(status: 204)])
        let capture = LogCapture()
        let harness = try NotifyHarness(
            vendor: vendor, webhookURL: webhook.baseURL + "/hooks", logger: capture.logger,
            configureUpstream: { upstream in
                upstream.breaker.minRequests = 3
                upstream.breaker.openFor = .milliseconds(300)
                upstream.breaker.trialRequests = 1
            })
        for index in 0..<3 { #expect(try harness.request(target: "/v1/jobs/\(index)").status == 503) }
        // Three give-ups (one attempt each), then the opening.
        #expect(webhook.waitForRequests(4))
        let opened = try #require(
            webhook.requests.compactMap(Self.json).first { $0["event"] as? String == "breaker_open" })
        #expect(opened["upstream"] as? String == "default")
        #expect(opened["failures"] as? Int == 3 && opened["requests"] as? Int == 3)
        #expect(opened["failureRatio"] as? Double == 1)
        #expect(opened["openFor"] as? Double == 0.3)
        #expect((opened["time"] as? String)?.hasSuffix("Z") == true)
        #expect(
            capture.messages(at: .warning).contains {
                $0.hasPrefix("circuit breaker open: 3 of the last 3 requests failed (100%)")
            })

        let refused = try harness.request(target: "/v1/jobs/fast")
        #expect(refused.status == 503 && refused.header("Retry-After") != nil)
        healthy.set(true)
        // Fast refusals until open_for has passed; then the trial goes and succeeds.
        #expect(harness.waitUntil { (try? harness.request(target: "/v1/jobs/trial").status) == 200 })
        #expect(webhook.waitForRequests(5))
        let closed = try #require(
            webhook.requests.compactMap(Self.json).first { $0["event"] as? String == "breaker_closed" })
        #expect(closed["upstream"] as? String == "default")
        #expect(closed["trialRequests"] as? Int == 1)
        #expect(
            capture.messages(at: .info).contains {
                $0.hasPrefix("circuit breaker closed: the trial request succeeded")
            })
        // The fast refusal was no give-up: four give-up or breaker events and the closing, nothing more.
        #expect(!webhook.waitForRequests(6, timeout: .milliseconds(300)))
    }
}
