import Events
import Loop
import Prometheus

/// Gauges of what the proxy is now rather than of what happened: each quota gate, the vendor's quota as retryd
/// estimates it, each retry budget's allowance. Set at every scrape from the statuses `/status` shows, so the two
/// never disagree and nothing on the request path pays for them.
///
/// A series exists only while its value is known: an upstream or bucket gone after a reload, a quota the vendor has
/// not reported yet, a budget turned off leave no series, because a zero would read as "spent" where Prometheus
/// reads an absent series as "unknown". That is why these are the registry's own gauges, which can be unregistered,
/// and not swift-metrics meters.
final class StateGauges {
    /// The families set here.
    enum Family: CaseIterable {
        case gateState
        case gateWaiting
        case quotaRemaining
        case quotaLimit
        case budgetLeft

        var descriptor: MetricNameDescriptor {
            let (name, help): (String, String) =
                switch self {
                case .gateState: ("gate_state", "A quota gate: 0 open, 1 closed (holding requests), 2 trial.")
                case .gateWaiting: ("gate_waiting", "Requests waiting at a quota gate now.")
                case .quotaRemaining:
                    ("quota_remaining", "Requests left in the vendor's window, as estimated; absent before a report.")
                case .quotaLimit: ("quota_limit", "Requests the vendor's window allows, when the vendor says.")
                case .budgetLeft: ("retry_budget_left", "Retries the retry budget's window still allows.")
                }
            return MetricNameDescriptor(namespace: "retryd", metricName: name, unitName: "", helpText: help)
        }
    }

    /// One series: its family and labels.
    struct Key: Hashable {
        var family: Family
        var upstream: String
        /// Nil for the per-upstream budget.
        var bucket: String?
    }

    private let registry: PrometheusCollectorRegistry
    private let lock = Lock()
    private var live: [Key: Gauge] = [:]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Sets every gauge to `buckets` and `health`; series no longer described are removed.
    func update(buckets: [String: [BucketStatus]], health: [String: HealthStatus]) {
        var values: [Key: Double] = [:]
        for (upstream, statuses) in buckets {
            for status in statuses {
                func key(_ family: Family) -> Key { Key(family: family, upstream: upstream, bucket: status.bucket) }
                values[key(.gateState)] = Self.gateValue(status.gate)
                values[key(.gateWaiting)] = Double(status.waiting)
                values[key(.quotaRemaining)] = status.quotaLeft.map(Double.init)
                values[key(.quotaLimit)] = status.windowLimit.map(Double.init)
            }
        }
        for (upstream, status) in health {
            values[Key(family: .budgetLeft, upstream: upstream)] = status.budget.map { Double($0.left) }
        }
        lock.withLock {
            for (key, gauge) in live where values[key] == nil {
                registry.unregisterGauge(gauge)
                live[key] = nil
            }
            for (key, value) in values {
                let gauge = live[key] ?? makeGauge(key)
                live[key] = gauge
                gauge.set(to: value)
            }
        }
    }

    private func makeGauge(_ key: Key) -> Gauge {
        var labels = [("upstream", key.upstream)]
        if let bucket = key.bucket { labels.append(("bucket", bucket)) }
        return registry.makeGauge(descriptor: key.family.descriptor, labels: labels)
    }

    /// The numbering `retryd_breaker_state` uses: 0 lets requests through, non-zero holds them.
    static func gateValue(_ gate: String) -> Double? {
        switch gate {
        case "open": 0
        case "closed": 1
        case "trial": 2
        default: nil
        }
    }
}

extension RetrydMetrics {
    /// Shows `source`'s quota gates and retry budgets as gauges, read at each scrape on the scraping thread, which
    /// must be one where `source` may be read (the admin listener answers on the proxy's loop).
    package func showState(of source: some AdminSource) {
        let gauges = StateGauges(registry: registry)
        // Weak: the source holds this as an observer, and a cycle would keep a stopped runtime alive.
        beforeExposition { [weak source] in
            guard let source else { return }
            gauges.update(buckets: source.bucketStatuses, health: source.healthStatuses)
        }
    }
}
