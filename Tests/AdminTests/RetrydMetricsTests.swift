import Retry
import Testing

@testable import Admin

/// The observer turns exchange events into the exact series a scrape shows; no sockets involved.
@Suite("RetrydMetrics")
struct RetrydMetricsTests {
    static func text(_ metrics: RetrydMetrics) -> String {
        String(decoding: metrics.exposition(), as: UTF8.self)
    }

    static func lines(_ metrics: RetrydMetrics) -> Set<String> {
        Set(text(metrics).split(separator: "\n").map(String.init))
    }

    @Test("connections refused at the limit are counted per upstream, from zero")
    func connectionsRefused() {
        let metrics = RetrydMetrics()
        metrics.prepare(upstreams: ["pay", "mail"])
        metrics.connectionRefused(upstream: "pay")
        metrics.connectionRefused(upstream: "pay")
        let lines = Self.lines(metrics)
        #expect(lines.contains(#"retryd_connections_refused_total{upstream="pay"} 2"#))
        #expect(lines.contains(#"retryd_connections_refused_total{upstream="mail"} 0"#))
    }

    @Test("requests, attempts, retries and give-ups are counted by upstream and bounded label")
    func counters() {
        let metrics = RetrydMetrics()
        metrics.exchangeStarted(upstream: "pay")
        metrics.attemptFinished(upstream: "pay", status: 503, duration: .milliseconds(20))
        metrics.retryScheduled(upstream: "pay", reason: .status(503), wait: .seconds(2))
        metrics.attemptFinished(upstream: "pay", status: nil, duration: .milliseconds(5))
        metrics.retryScheduled(upstream: "pay", reason: .maybeProcessed, wait: .seconds(4))
        metrics.attemptFinished(upstream: "pay", status: 201, duration: .milliseconds(30))
        metrics.exchangeFinished(upstream: "pay", status: 201, attempts: 3, duration: .seconds(6))
        metrics.exchangeStarted(upstream: "mail")
        metrics.attemptFinished(upstream: "mail", status: 429, duration: .milliseconds(10))
        metrics.gaveUp(
            GiveUpReport(
                upstream: "mail", method: "POST", path: "/send", attempts: [], reason: .waitTooLong(.seconds(120)),
                time: 0, finalStatus: 429))
        metrics.exchangeFinished(upstream: "mail", status: 429, attempts: 1, duration: .milliseconds(10))

        let lines = Self.lines(metrics)
        let expected = [
            #"retryd_requests_total{upstream="pay",status_class="2xx"} 1"#,
            #"retryd_requests_total{upstream="mail",status_class="4xx"} 1"#,
            #"retryd_attempts_total{upstream="pay",outcome="5xx"} 1"#,
            #"retryd_attempts_total{upstream="pay",outcome="failure"} 1"#,
            #"retryd_attempts_total{upstream="pay",outcome="2xx"} 1"#,
            #"retryd_attempts_total{upstream="mail",outcome="4xx"} 1"#,
            #"retryd_retries_total{upstream="pay",reason="5xx"} 1"#,
            #"retryd_retries_total{upstream="pay",reason="maybe_processed"} 1"#,
            #"retryd_giveups_total{upstream="mail",reason="wait_too_long"} 1"#,
            #"retryd_rate_limit_waits_total{upstream="pay"} 0"#,
        ]
        for line in expected {
            #expect(lines.contains(line), "missing \(line)")
        }
    }

    @Test("in-flight exchanges go up on start and back down on finish")
    func inFlight() {
        let metrics = RetrydMetrics()
        metrics.exchangeStarted(upstream: "pay")
        metrics.exchangeStarted(upstream: "pay")
        #expect(Self.lines(metrics).contains(#"retryd_inflight_exchanges{upstream="pay"} 2.0"#))
        metrics.exchangeFinished(upstream: "pay", status: 200, attempts: 1, duration: .milliseconds(1))
        #expect(Self.lines(metrics).contains(#"retryd_inflight_exchanges{upstream="pay"} 1.0"#))
    }

    @Test("attempt durations and waits land in cumulative second buckets with their count and sum")
    func histograms() {
        let metrics = RetrydMetrics()
        for milliseconds in [5, 20, 30] {
            metrics.attemptFinished(upstream: "pay", status: 200, duration: .milliseconds(milliseconds))
        }
        metrics.retryScheduled(upstream: "pay", reason: .status(502), wait: .seconds(2))
        metrics.retryScheduled(upstream: "pay", reason: .status(502), wait: .seconds(3))
        let lines = Self.lines(metrics)
        let expected = [
            #"retryd_upstream_latency_seconds_bucket{upstream="pay",le="0.005"} 1"#,
            #"retryd_upstream_latency_seconds_bucket{upstream="pay",le="0.01"} 1"#,
            #"retryd_upstream_latency_seconds_bucket{upstream="pay",le="0.025"} 2"#,
            #"retryd_upstream_latency_seconds_bucket{upstream="pay",le="0.05"} 3"#,
            #"retryd_upstream_latency_seconds_bucket{upstream="pay",le="+Inf"} 3"#,
            #"retryd_upstream_latency_seconds_count{upstream="pay"} 3"#,
            #"retryd_upstream_latency_seconds_sum{upstream="pay"} 0.055"#,
            #"retryd_retry_wait_seconds_bucket{upstream="pay",le="1.0"} 0"#,
            #"retryd_retry_wait_seconds_bucket{upstream="pay",le="2.0"} 1"#,
            #"retryd_retry_wait_seconds_bucket{upstream="pay",le="4.0"} 2"#,
            #"retryd_retry_wait_seconds_count{upstream="pay"} 2"#,
            #"retryd_retry_wait_seconds_sum{upstream="pay"} 5.0"#,
        ]
        for line in expected {
            #expect(lines.contains(line), "missing \(line)")
        }
    }

    @Test("a rate-limited retry counts as a rate-limit wait and is labeled with its status")
    func rateLimitWaits() {
        let metrics = RetrydMetrics()
        metrics.retryScheduled(upstream: "pay", reason: .rateLimited(429), wait: .seconds(7))
        metrics.retryScheduled(upstream: "pay", reason: .unsent, wait: .seconds(1))
        let lines = Self.lines(metrics)
        #expect(lines.contains(#"retryd_rate_limit_waits_total{upstream="pay"} 1"#))
        #expect(lines.contains(#"retryd_retries_total{upstream="pay",reason="429"} 1"#))
        #expect(lines.contains(#"retryd_retries_total{upstream="pay",reason="unsent"} 1"#))
    }

    @Test("prepared upstreams show zeroed gauges and histograms, with HELP and TYPE, before any traffic")
    func prepared() {
        let metrics = RetrydMetrics()
        metrics.prepare(upstreams: ["pay", "mail"])
        let lines = Self.lines(metrics)
        for upstream in ["pay", "mail"] {
            #expect(lines.contains(#"retryd_inflight_exchanges{upstream="\#(upstream)"} 0.0"#))
            #expect(lines.contains(#"retryd_upstream_latency_seconds_count{upstream="\#(upstream)"} 0"#))
            #expect(lines.contains(#"retryd_rate_limit_waits_total{upstream="\#(upstream)"} 0"#))
        }
        #expect(lines.contains("# TYPE retryd_upstream_latency_seconds histogram"))
        #expect(lines.contains("# TYPE retryd_inflight_exchanges gauge"))
        #expect(lines.contains { $0.hasPrefix("# HELP retryd_retry_wait_seconds ") })
        #expect(!lines.contains { $0.hasPrefix("retryd_requests_total") })
    }

    @Test("custom buckets replace the defaults")
    func customBuckets() {
        var buckets = MetricsBuckets()
        buckets.upstreamLatency = [.milliseconds(100), .seconds(1)]
        let metrics = RetrydMetrics(buckets: buckets)
        metrics.attemptFinished(upstream: "pay", status: 200, duration: .milliseconds(500))
        let latency = Self.lines(metrics).filter { $0.hasPrefix("retryd_upstream_latency_seconds_bucket") }
        #expect(
            latency == [
                #"retryd_upstream_latency_seconds_bucket{upstream="pay",le="0.1"} 0"#,
                #"retryd_upstream_latency_seconds_bucket{upstream="pay",le="1.0"} 1"#,
                #"retryd_upstream_latency_seconds_bucket{upstream="pay",le="+Inf"} 1"#,
            ])
    }

    @Test(
        "statuses become classes and retry reasons stable labels",
        arguments: [
            (RetryReason.status(503), "5xx"), (.status(408), "4xx"), (.rateLimited(429), "429"),
            (.rateLimited(503), "503"), (.unsent, "unsent"), (.maybeProcessed, "maybe_processed"),
        ] as [(RetryReason, String)])
    func reasonLabels(reason: RetryReason, label: String) {
        #expect(MetricLabels.reason(reason) == label)
    }

    @Test("status classes stay bounded")
    func statusClasses() {
        #expect(MetricLabels.statusClass(200) == "2xx")
        #expect(MetricLabels.statusClass(499) == "4xx")
        #expect(MetricLabels.statusClass(599) == "5xx")
        #expect(MetricLabels.statusClass(600) == "other")
        #expect(MetricLabels.statusClass(42) == "other")
        #expect(MetricLabels.outcome(status: nil) == "failure")
        #expect(MetricLabels.outcome(status: 304) == "3xx")
    }
}
