import Events
import Retry
import Testing

@testable import Admin

/// The status page's figures are read back from `/metrics`' own text.
@Suite("MetricSamples and UpstreamFigures")
struct MetricSamplesTests {
    @Test("names, escaped label values, plain and special values, and comments skipped")
    func parsesTheExposition() {
        let text = """
            # HELP retryd_requests_total Client requests answered.
            # TYPE retryd_requests_total counter
            retryd_requests_total{upstream="a\\"b\\\\c\\nd",status_class="2xx"} 12
            retryd_up 1.5 1712000000000
            retryd_latency_bucket{le="+Inf"} 3
            not a sample
            retryd_broken{upstream="x} 1

            """
        let samples = MetricSamples(exposition: Array(text.utf8)).samples
        #expect(
            samples == [
                MetricSample(
                    name: "retryd_requests_total", labels: ["upstream": "a\"b\\c\nd", "status_class": "2xx"],
                    value: 12),
                MetricSample(name: "retryd_up", labels: [:], value: 1.5),
                MetricSample(name: "retryd_latency_bucket", labels: ["le": "+Inf"], value: 3),
            ])
        #expect(MetricSamples(exposition: Array(text.utf8), names: ["retryd_up"]).samples.map(\.name) == ["retryd_up"])
    }

    @Test("each upstream's figures come from RetrydMetrics' own exposition, a hostile name included")
    func figuresFromRetrydMetrics() {
        let metrics = RetrydMetrics()
        let hostile = "<b>\"x\"\\\n"
        metrics.prepare(upstreams: ["api", hostile])
        for status in [200, 200, 503] {
            metrics.exchangeStarted(upstream: "api")
            metrics.exchangeFinished(upstream: "api", status: status, attempts: 1, duration: .milliseconds(1))
        }
        metrics.retryScheduled(upstream: "api", reason: .status(503), wait: .seconds(1))
        metrics.retryScheduled(upstream: "api", reason: .unsent, wait: .seconds(1))
        metrics.attemptFinished(upstream: "api", status: 200, duration: .milliseconds(20))
        metrics.attemptFinished(upstream: "api", status: 200, duration: .milliseconds(3))
        metrics.gaveUp(report(upstream: "api", reason: .attemptsExhausted))
        metrics.gaveUp(report(upstream: "api", reason: .attemptsExhausted))
        metrics.gaveUp(report(upstream: hostile, reason: .budgetExhausted))
        metrics.healthEvent(upstream: "api", .breakerRefused)

        let figures = UpstreamFigures.byUpstream(
            MetricSamples(exposition: metrics.exposition(), names: UpstreamFigures.seriesNames))
        let api = figures["api"]
        #expect(api?.requests == 3)
        #expect(api?.retries == 2)
        #expect(api?.giveUps == ["attempts_exhausted": 2])
        #expect(api?.breakerRefusals == 1)
        #expect(api?.latency.first == UpstreamFigures.Bucket(bound: 0.005, count: 1))
        #expect(api?.latency.first { $0.bound == 0.025 }?.count == 2)
        #expect(api?.latency.last == UpstreamFigures.Bucket(bound: .infinity, count: 2))
        #expect(api?.latency.count == MetricsBuckets().upstreamLatency.count + 1)
        #expect(figures[hostile]?.giveUps == ["budget_exhausted": 1])
        #expect(figures[hostile]?.requests == 0)
    }

    @Test("quantiles interpolate within the bucket, like histogram_quantile")
    func quantiles() {
        let figures = UpstreamFigures(latency: [
            .init(bound: 0.1, count: 50), .init(bound: 0.5, count: 90), .init(bound: 1, count: 100),
            .init(bound: .infinity, count: 100),
        ])
        #expect(figures.latencyQuantile(0.5) == 0.1, "rank 50 ends the first bucket")
        #expect(figures.latencyQuantile(0.25) == 0.05, "rank 25 is halfway through 0...0.1")
        #expect(abs((figures.latencyQuantile(0.7) ?? 0) - 0.3) < 1e-12, "rank 70 is halfway through 0.1...0.5")
        #expect(abs((figures.latencyQuantile(0.99) ?? 0) - 0.95) < 1e-12, "rank 99 is 9/10 through 0.5...1")
        let slow = UpstreamFigures(latency: [.init(bound: 1, count: 1), .init(bound: .infinity, count: 10)])
        #expect(slow.latencyQuantile(0.99) == 1, "beyond the last bound: the last bound")
        #expect(UpstreamFigures(latency: [.init(bound: .infinity, count: 0)]).latencyQuantile(0.5) == nil)
        #expect(UpstreamFigures().latencyQuantile(0.5) == nil)
    }

    @Test("since subtracts counter by counter, buckets by bound, and drops reasons that did not grow")
    func since() {
        let before = UpstreamFigures(
            requests: 10, retries: 4, giveUps: ["a": 2, "b": 1], breakerRefusals: 1,
            latency: [.init(bound: 0.1, count: 5), .init(bound: .infinity, count: 8)])
        let after = UpstreamFigures(
            requests: 25, retries: 4, giveUps: ["a": 2, "b": 3, "c": 1], breakerRefusals: 4,
            latency: [.init(bound: 0.1, count: 6), .init(bound: .infinity, count: 12)])
        #expect(
            after.since(before)
                == UpstreamFigures(
                    requests: 15, retries: 0, giveUps: ["b": 2, "c": 1], breakerRefusals: 3,
                    latency: [.init(bound: 0.1, count: 1), .init(bound: .infinity, count: 4)]))
    }

    private func report(upstream: String, reason: GiveUpReason) -> GiveUpReport {
        GiveUpReport(
            upstream: upstream, method: "GET", path: "/x", attempts: [], reason: reason, time: 0, finalStatus: 503)
    }
}
