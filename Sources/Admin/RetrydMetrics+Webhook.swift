import Loop
import Prometheus

/// The give-up notifier's running totals, as its counters report them.
package struct WebhookTotals: Sendable, Equatable {
    /// Events the webhook accepted.
    package var delivered: Int
    /// Events given up on: rejected by the webhook, or out of attempts.
    package var failed: Int
    /// Events dropped from a full queue.
    package var dropped: Int
    /// Events held now, the one being delivered included.
    package var queued: Int

    /// Creates the totals.
    package init(delivered: Int, failed: Int, dropped: Int, queued: Int) {
        self.delivered = delivered
        self.failed = failed
        self.dropped = dropped
        self.queued = queued
    }
}

/// `retryd_webhook_{delivered,failed,dropped}_total` and `retryd_webhook_queued`, brought up to the notifier's
/// totals at each scrape. The notifier keeps totals, not events, for its own tests and logs; counting them again
/// here as they happen would take a call into Admin on every delivery for no gain in accuracy.
final class WebhookSeries {
    private let delivered: Counter
    private let failed: Counter
    private let dropped: Counter
    private let queued: Gauge
    private let lock = Lock()
    private var seen = WebhookTotals(delivered: 0, failed: 0, dropped: 0, queued: 0)

    init(registry: PrometheusCollectorRegistry) {
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "retryd", metricName: "webhook_\(name)", unitName: "total", helpText: help))
        }
        delivered = counter("delivered", "Give-up events the webhook accepted (2xx).")
        failed = counter("failed", "Give-up events not delivered: rejected by the webhook or out of attempts.")
        dropped = counter("dropped", "Give-up events dropped from the notifier's full queue.")
        queued = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "retryd", metricName: "webhook_queued", unitName: "",
                helpText: "Give-up events waiting for the webhook, the one being delivered included."))
    }

    /// Adds what each total grew by since the last update; a total never shrinks, so a smaller one is ignored.
    func update(_ totals: WebhookTotals) {
        lock.withLock {
            delivered.increment(by: Int64(max(0, totals.delivered - seen.delivered)))
            failed.increment(by: Int64(max(0, totals.failed - seen.failed)))
            dropped.increment(by: Int64(max(0, totals.dropped - seen.dropped)))
            queued.set(to: Double(totals.queued))
            seen.delivered = max(seen.delivered, totals.delivered)
            seen.failed = max(seen.failed, totals.failed)
            seen.dropped = max(seen.dropped, totals.dropped)
        }
    }
}

extension RetrydMetrics {
    /// Shows the notifier's totals, which `read` returns at each scrape; the series exist at zero from now on, so an
    /// alert on failures has a series to watch before the first one.
    package func showWebhook(_ read: @escaping () -> WebhookTotals) {
        let series = WebhookSeries(registry: registry)
        beforeExposition { series.update(read()) }
    }
}
