import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real binary's `/metrics` counts what its give-up notifier did with each event.
@Suite("Webhook metrics process")
struct WebhookMetricsProcessTests {
    @Test("events the webhook rejects count as failed, events it accepts as delivered, from zero")
    func deliveriesAreCounted() throws {
        // Rejected (400, which retrying cannot fix) unless the event is about an /ok path.
        let webhook = try TestUpstream { request, _ in
            let body = String(decoding: request.body, as: UTF8.self)
            return body.contains("/v1/ok") ? .respond(status: 204) : .respond(status: 400, text: "no")
        }
        let base = NSTemporaryDirectory() + "retryd-hookmetrics-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let config = base + ".toml"
        defer { unlink(config) }
        JournalProcessTests.writeConfig(config, stateDir: base + "/state", webhook: webhook.baseURL, adminPort: 0)

        let daemon = try JournalProcessTests.Daemon(config: config)
        let adminPort = try JournalFailureProcessTests.adminPort(of: daemon)
        let metric = { (name: String) in try JournalFailureProcessTests.metric(name, port: adminPort) }
        #expect(try metric("retryd_webhook_failed_total") == 0)
        // The vendor URL refuses connections: each request is a give-up, and so a webhook event.
        for path in ["/v1/a", "/v1/b", "/v1/ok"] {
            #expect(try TestClient.request(port: daemon.port, target: path).status == 502)
        }
        let counted = try poll(every: .milliseconds(20)) {
            try metric("retryd_webhook_failed_total") == 2 && metric("retryd_webhook_delivered_total") == 1
        }
        #expect(counted)
        #expect(try metric("retryd_webhook_dropped_total") == 0)
        #expect(webhook.requests.count == 3, "a rejection is not retried")
        _ = daemon.stopAndReadLog()
    }
}
