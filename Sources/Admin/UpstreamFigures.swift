/// One upstream's counters as `/metrics` exposes them at one moment: what the status page turns into rates, totals
/// and latency quantiles.
package struct UpstreamFigures: Sendable, Equatable {
    /// One cumulative histogram bucket: observations at or below `bound` seconds.
    package struct Bucket: Sendable, Equatable {
        /// The upper bound in seconds (`infinity` for `+Inf`).
        package var bound: Double
        /// Observations at or below it.
        package var count: Double

        /// Creates a bucket.
        package init(bound: Double, count: Double) {
            self.bound = bound
            self.count = count
        }
    }

    /// Client requests answered (`retryd_requests_total`, every status class).
    package var requests: Double = 0
    /// Retries scheduled (`retryd_retries_total`, every reason).
    package var retries: Double = 0
    /// Give-ups by reason (`retryd_giveups_total`): any reason string the metrics carry counts, known or not.
    package var giveUps: [String: Double] = [:]
    /// Requests the open breaker answered at once (`retryd_breaker_rejections_total`).
    package var breakerRefusals: Double = 0
    /// Attempt latency (`retryd_upstream_latency_seconds_bucket`), ascending by bound, `+Inf` last.
    package var latency: [Bucket] = []

    /// Creates figures; all zero by default.
    package init(
        requests: Double = 0, retries: Double = 0, giveUps: [String: Double] = [:], breakerRefusals: Double = 0,
        latency: [Bucket] = []
    ) {
        self.requests = requests
        self.retries = retries
        self.giveUps = giveUps
        self.breakerRefusals = breakerRefusals
        self.latency = latency
    }

    /// The series the figures are read from, so the parse skips the rest.
    package static let seriesNames: Set<String> = [
        MetricFamily.requests.name, MetricFamily.retries.name, MetricFamily.giveUps.name,
        MetricFamily.breakerRejections.name, latencyBucketName,
    ]

    private static let latencyBucketName = MetricFamily.upstreamLatency.name + "_bucket"

    /// Every upstream's figures in `samples`, by upstream name.
    package static func byUpstream(_ samples: MetricSamples) -> [String: UpstreamFigures] {
        var result: [String: UpstreamFigures] = [:]
        for sample in samples.samples {
            guard let upstream = sample.labels["upstream"] else { continue }
            var figures = result[upstream] ?? UpstreamFigures()
            switch sample.name {
            case MetricFamily.requests.name:
                figures.requests += sample.value
            case MetricFamily.retries.name:
                figures.retries += sample.value
            case MetricFamily.giveUps.name:
                figures.giveUps[sample.labels["reason"] ?? "unknown", default: 0] += sample.value
            case MetricFamily.breakerRejections.name:
                figures.breakerRefusals += sample.value
            case latencyBucketName:
                guard let bound = sample.labels["le"].flatMap(MetricSamples.number) else { continue }
                figures.latency.append(Bucket(bound: bound, count: sample.value))
            default:
                continue
            }
            result[upstream] = figures
        }
        for (upstream, figures) in result { result[upstream]?.latency = figures.latency.sorted { $0.bound < $1.bound } }
        return result
    }

    /// What happened between `earlier` and these figures: each counter's increase (never below zero).
    package func since(_ earlier: UpstreamFigures) -> UpstreamFigures {
        var delta = UpstreamFigures(
            requests: max(requests - earlier.requests, 0), retries: max(retries - earlier.retries, 0),
            breakerRefusals: max(breakerRefusals - earlier.breakerRefusals, 0))
        for (reason, count) in giveUps {
            let increase = count - (earlier.giveUps[reason] ?? 0)
            if increase > 0 { delta.giveUps[reason] = increase }
        }
        delta.latency = latency.map { bucket in
            let before = earlier.latency.first { $0.bound == bucket.bound }?.count ?? 0
            return Bucket(bound: bucket.bound, count: max(bucket.count - before, 0))
        }
        return delta
    }

    /// The `q` quantile (0...1) of the latency in seconds, as Prometheus' `histogram_quantile` estimates it: linear
    /// within the bucket holding the rank, the lowest bucket starting at 0, and the highest finite bound when the
    /// rank falls in `+Inf`. Nil without observations.
    package func latencyQuantile(_ q: Double) -> Double? {
        guard let total = latency.last?.count, total > 0, latency.last?.bound == .infinity else { return nil }
        let rank = q * total
        var lower = (bound: 0.0, count: 0.0)
        for bucket in latency {
            if bucket.count >= rank {
                if bucket.bound == .infinity { return lower.bound }
                guard bucket.count > lower.count else { return bucket.bound }
                return lower.bound + (bucket.bound - lower.bound) * (rank - lower.count) / (bucket.count - lower.count)
            }
            lower = (bucket.bound, bucket.count)
        }
        return lower.bound
    }
}
