import Events
import Foundation
import Retry
import TestSupport
import Testing

@testable import Admin

/// The budget and breaker in `/status` and `/metrics`.
@Suite("Budget and breaker reporting")
struct HealthReportingTests {
    @Test("the breaker's state is a gauge, its transitions and refusals counters, budget give-ups their own count")
    func metrics() {
        let metrics = RetrydMetrics()
        metrics.prepare(upstreams: ["pay"])
        #expect(RetrydMetricsTests.lines(metrics).contains(#"retryd_breaker_state{upstream="pay"} 0.0"#))
        #expect(RetrydMetricsTests.lines(metrics).contains("# TYPE retryd_breaker_state gauge"))
        metrics.healthEvent(upstream: "pay", .breakerOpened(failures: 8, outcomes: 10, openFor: .seconds(5)))
        metrics.healthEvent(upstream: "pay", .breakerRefused)
        metrics.healthEvent(upstream: "pay", .breakerRefused)
        metrics.healthEvent(upstream: "pay", .breakerHalfOpen)
        metrics.gaveUp(
            GiveUpReport(
                upstream: "pay", method: "GET", path: "/x", attempts: [], reason: .budgetExhausted, time: 0,
                finalStatus: 503))
        let lines = RetrydMetricsTests.lines(metrics)
        for line in [
            #"retryd_breaker_transitions_total{upstream="pay",to="open"} 1"#,
            #"retryd_breaker_transitions_total{upstream="pay",to="half_open"} 1"#,
            #"retryd_breaker_rejections_total{upstream="pay"} 2"#,
            #"retryd_retry_budget_exhausted_total{upstream="pay"} 1"#,
            #"retryd_giveups_total{upstream="pay",reason="budget_exhausted"} 1"#,
        ] {
            #expect(lines.contains(line), "\(line)")
        }
        #expect(lines.contains(#"retryd_breaker_state{upstream="pay"} 2.0"#), "half-open")
        metrics.healthEvent(upstream: "pay", .breakerClosed(trials: 3))
        #expect(RetrydMetricsTests.lines(metrics).contains(#"retryd_breaker_state{upstream="pay"} 0.0"#))
    }

    @Test("/status shows each upstream's budget and breaker")
    func status() throws {
        let pay = ConfiguredUpstream(
            name: "pay", listen: "127.0.0.1:0", url: "https://api.vendor.example", connectTimeout: .seconds(5),
            attemptTimeout: .seconds(30), policy: RetryPolicy(), rules: [])
        let health = HealthStatus(
            budget: .init(spent: 12, left: 18, window: "10s"),
            breaker: .init(
                state: "open", since: "2026-12-02T05:00:00.000Z", retryAfter: 4, failureRatio: 0.8, outcomes: 10,
                failures: 8))
        let report = StatusReport(
            upstreams: [pay], boundPorts: [:], inFlight: [:], uptime: .zero, version: "x", ready: true,
            health: ["pay": health])
        let body = AdminResponse.json(status: 200, report).body
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let reported = try #require((json["upstreams"] as? [[String: Any]])?.first?["health"] as? [String: Any])
        let budget = try #require(reported["budget"] as? [String: Any])
        #expect(budget["spent"] as? Int == 12 && budget["left"] as? Int == 18 && budget["window"] as? String == "10s")
        let breaker = try #require(reported["breaker"] as? [String: Any])
        #expect(breaker["state"] as? String == "open")
        #expect(breaker["since"] as? String == "2026-12-02T05:00:00.000Z")
        #expect(breaker["retry_after"] as? Int == 4)
        #expect(breaker["failure_ratio"] as? Double == 0.8)
        #expect(breaker["outcomes"] as? Int == 10 && breaker["failures"] as? Int == 8)
    }
}

/// Live: an upstream that fails opens the breaker, and the admin endpoints show it.
@Suite("Budget and breaker through the admin listener")
struct HealthAdminTests {
    @Test("/status and /metrics show the open breaker and the budget spent")
    func openBreakerIsVisible() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 503, text: "down")])
        let harness = try AdminHarness(upstream) { upstream in
            upstream.retry.maxAttempts = 2
            upstream.retry.schedule = [.milliseconds(5)]
            upstream.breaker.minRequests = 4
            upstream.breaker.openFor = .seconds(30)
        }
        for index in 0..<4 { #expect(try harness.proxy("/v1/jobs/\(index)").status == 503) }
        #expect(try harness.proxy("/v1/jobs/fast").jsonObject?["error"] as? String == "circuit_open")
        let status = try #require(try harness.request("/status").jsonObject)
        let api = try #require((status["upstreams"] as? [[String: Any]])?.first)
        let health = try #require(api["health"] as? [String: Any])
        let budget = try #require(health["budget"] as? [String: Any])
        #expect(budget["spent"] as? Int == 4, "one retry per request")
        #expect(budget["left"] as? Int == 26, "3/s × 10 s + 0.2 × 4 requests, less 4")
        let breaker = try #require(health["breaker"] as? [String: Any])
        #expect(breaker["state"] as? String == "open")
        #expect((breaker["since"] as? String)?.hasSuffix("Z") == true)
        #expect(breaker["failure_ratio"] as? Double == 1)
        #expect((29...30).contains(breaker["retry_after"] as? Int ?? 0))
        let lines = try harness.metricLines()
        #expect(lines.contains(#"retryd_breaker_state{upstream="api"} 1.0"#))
        #expect(lines.contains(#"retryd_breaker_transitions_total{upstream="api",to="open"} 1"#))
        #expect(lines.contains(#"retryd_breaker_rejections_total{upstream="api"} 1"#))
        // The refusal is a failed request on record like the give-ups before it, under the breaker's reason.
        #expect(lines.contains(#"retryd_giveups_total{upstream="api",reason="breaker_open"} 1"#))
        #expect(lines.contains(#"retryd_giveups_total{upstream="api",reason="attempts_exhausted"} 4"#))
    }
}
