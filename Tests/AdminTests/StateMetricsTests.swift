import Events
import TestSupport
import Testing

@testable import Admin

/// Gates, quota and budget as gauges set at each scrape, and the notifier's totals as counters.
@Suite("State and webhook metrics")
struct StateMetricsTests {
    static func bucket(_ name: String = "default", gate: String, left: Int? = nil, limit: Int? = nil, waiting: Int = 0)
        -> BucketStatus
    {
        BucketStatus(bucket: name, gate: gate, quotaLeft: left, windowLimit: limit, waiting: waiting, inFlight: 0)
    }

    static func budget(left: Int) -> HealthStatus {
        HealthStatus(budget: .init(spent: 0, left: left, window: "10s"), breaker: nil)
    }

    @Test("each bucket's gate, waiters and quota, each upstream's budget, as the statuses say at the scrape")
    func gauges() {
        let metrics = RetrydMetrics()
        let gauges = StateGauges(registry: metrics.registry)
        gauges.update(
            buckets: [
                "pay": [
                    Self.bucket(gate: "closed", left: 0, limit: 600, waiting: 3), Self.bucket("upload", gate: "trial"),
                ]
            ],
            health: ["pay": Self.budget(left: 17)])
        let lines = RetrydMetricsTests.lines(metrics)
        for line in [
            #"retryd_gate_state{upstream="pay",bucket="default"} 1.0"#,
            #"retryd_gate_state{upstream="pay",bucket="upload"} 2.0"#,
            #"retryd_gate_waiting{upstream="pay",bucket="default"} 3.0"#,
            #"retryd_quota_remaining{upstream="pay",bucket="default"} 0.0"#,
            #"retryd_quota_limit{upstream="pay",bucket="default"} 600.0"#,
            #"retryd_retry_budget_left{upstream="pay"} 17.0"#,
            "# TYPE retryd_gate_state gauge",
        ] {
            #expect(lines.contains(line), "missing \(line)")
        }
        #expect(!lines.contains { $0.hasPrefix(#"retryd_quota_remaining{upstream="pay",bucket="upload"}"#) })
    }

    @Test("a quota no longer known, a budget turned off, an upstream gone: their series go, not to zero")
    func seriesGo() {
        let metrics = RetrydMetrics()
        let gauges = StateGauges(registry: metrics.registry)
        gauges.update(
            buckets: ["pay": [Self.bucket(gate: "open", left: 5, limit: 10)], "mail": [Self.bucket(gate: "open")]],
            health: ["pay": Self.budget(left: 30), "mail": Self.budget(left: 30)])
        gauges.update(
            buckets: ["pay": [Self.bucket(gate: "open")]],
            health: ["pay": HealthStatus(budget: nil, breaker: nil)])
        let lines = RetrydMetricsTests.lines(metrics)
        #expect(lines.contains(#"retryd_gate_state{upstream="pay",bucket="default"} 0.0"#))
        #expect(!lines.contains { $0.contains("mail") }, "\(lines.sorted())")
        #expect(!lines.contains { $0.contains("retryd_quota_") || $0.contains("retryd_retry_budget_left") })
    }

    @Test("the notifier's totals become counters that only grow, and its queue a gauge, from zero")
    func webhook() {
        let metrics = RetrydMetrics()
        let totals = LockedBox(WebhookTotals(delivered: 0, failed: 0, dropped: 0, queued: 0))
        metrics.showWebhook { totals.value }
        var lines = RetrydMetricsTests.lines(metrics)
        #expect(lines.contains("retryd_webhook_failed_total 0"))
        #expect(lines.contains("retryd_webhook_queued 0.0"))
        totals.set(WebhookTotals(delivered: 4, failed: 2, dropped: 1, queued: 5))
        lines = RetrydMetricsTests.lines(metrics)
        for line in [
            "retryd_webhook_delivered_total 4", "retryd_webhook_failed_total 2", "retryd_webhook_dropped_total 1",
            "retryd_webhook_queued 5.0",
        ] {
            #expect(lines.contains(line), "missing \(line)")
        }
        totals.set(WebhookTotals(delivered: 6, failed: 2, dropped: 1, queued: 0))
        lines = RetrydMetricsTests.lines(metrics)
        #expect(lines.contains("retryd_webhook_delivered_total 6"), "added the 2 since the last scrape, once")
        #expect(lines.contains("retryd_webhook_failed_total 2"))
        #expect(lines.contains("retryd_webhook_queued 0.0"))
    }
}

/// Live: the gauges come from the running proxy's gates and budget, through `/metrics`.
@Suite("State metrics through the admin listener")
struct StateMetricsAdminTests {
    @Test("/metrics shows the vendor's quota as reported, the budget /status shows, and the gate closing on a 429")
    func quotaGateAndBudget() throws {
        let upstream = try TestUpstream { request, _ in
            if request.target.hasPrefix("/limit") {
                return .respond(status: 429, headers: [("Retry-After", "120")], text: "slow down")
            }
            let quota = [("Ratelimit-Limit", "600"), ("Ratelimit-Remaining", "42"), ("Ratelimit-Reset", "30")]
            return .respond(status: 200, headers: quota, text: "ok")
        }
        let harness = try AdminHarness(upstream)
        var lines = try harness.metricLines()
        #expect(!lines.contains { $0.hasPrefix("retryd_quota_remaining{") }, "unknown before the vendor's report")

        #expect(try harness.proxy("/v1/jobs").status == 200)
        lines = try harness.metricLines()
        #expect(lines.contains(#"retryd_gate_state{upstream="api",bucket="default"} 0.0"#))
        #expect(lines.contains(#"retryd_quota_remaining{upstream="api",bucket="default"} 42.0"#))
        #expect(lines.contains(#"retryd_quota_limit{upstream="api",bucket="default"} 600.0"#))
        let status = try #require(try harness.request("/status").jsonObject)
        let api = try #require((status["upstreams"] as? [[String: Any]])?.first)
        let left = try #require(((api["health"] as? [String: Any])?["budget"] as? [String: Any])?["left"] as? Int)
        #expect(lines.contains(#"retryd_retry_budget_left{upstream="api"} \#(left).0"#))

        // 120 s is past max_rate_limit_wait: the client gets the 429 at once and the gate stays closed.
        #expect(try harness.proxy("/limit").status == 429)
        #expect(try harness.metricLines().contains(#"retryd_gate_state{upstream="api",bucket="default"} 1.0"#))
    }
}
