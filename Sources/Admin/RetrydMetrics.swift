import Events
import Loop
import Metrics
import Prometheus
import Retry

/// Records what exchanges do as Prometheus series, through swift-metrics, in a registry of its own.
///
/// The registry is not bootstrapped into `MetricsSystem`: several runtimes (and parallel tests) each keep their own.
/// Observer calls arrive on every event loop's thread: the series caches are looked up under a lock (the series
/// themselves are atomic), and the registry is thread-safe, so ``exposition()`` may be called from any thread its
/// ``beforeExposition(_:)`` hooks allow (the admin listener's read the proxy, on its loop).
package final class RetrydMetrics: ExchangeObserver {
    /// Where every series lives.
    package let registry: PrometheusCollectorRegistry
    /// The histogram bounds in use.
    package let buckets: MetricsBuckets
    let factory: PrometheusMetricsFactory
    private var upstreams: [String: UpstreamSeries] = [:]
    private var counters: [CounterKey: CoreMetrics.Counter] = [:]
    private var sharedGauge: Meter?
    private var scrapeHooks: [() -> Void] = []
    private let cacheLock = Lock()

    /// Called straight from every loop: the caches are locked.
    package var isThreadSafe: Bool { true }

    /// Creates the metrics; pass `registry` to share one with other exporters.
    package init(buckets: MetricsBuckets = MetricsBuckets(), registry: PrometheusCollectorRegistry = .init()) {
        self.registry = registry
        self.buckets = buckets
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Creates each upstream's gauges and histograms at zero, so scrapes show every upstream before its first request.
    package func prepare(upstreams names: [String]) {
        for name in names { _ = series(for: name) }
    }

    /// Every series in the Prometheus text format, version 0.0.4, after the ``beforeExposition(_:)`` hooks ran.
    package func exposition() -> [UInt8] {
        for hook in cacheLock.withLock({ scrapeHooks }) { hook() }
        return registry.emitToBuffer()
    }

    /// Runs `hook` at every ``exposition()``, on its caller's thread: values that are states rather than events
    /// (a gate, the budget left, the notifier's totals) are read when scraped, from the one place `/status` reads.
    package func beforeExposition(_ hook: @escaping () -> Void) {
        cacheLock.withLock { scrapeHooks.append(hook) }
    }

    /// Counts the exchange in flight.
    package func exchangeStarted(upstream: String) {
        series(for: upstream).inFlight.increment()
    }

    /// Counts the attempt by outcome and records its latency.
    package func attemptFinished(upstream: String, status: Int?, duration: Duration) {
        counter(.attempts, upstream: upstream, detail: MetricLabels.outcome(status: status)).increment()
        if status == 429 { series(for: upstream).rateLimitedResponses.increment() }
        series(for: upstream).latency.record(duration: duration)
    }

    /// Counts the retry by reason and records its wait.
    package func retryScheduled(upstream: String, reason: RetryReason, wait: Duration) {
        counter(.retries, upstream: upstream, detail: MetricLabels.reason(reason)).increment()
        let series = series(for: upstream)
        series.retryWait.record(duration: wait)
        if case .rateLimited = reason { series.rateLimitWaits.increment() }
    }

    /// Counts the answer by status class; the exchange is no longer in flight.
    package func exchangeFinished(upstream: String, status: Int, attempts: Int, duration: Duration) {
        series(for: upstream).inFlight.decrement()
        counter(.requests, upstream: upstream, detail: MetricLabels.statusClass(status)).increment()
    }

    /// Counts the give-up by reason.
    package func gaveUp(_ report: GiveUpReport) {
        counter(.giveUps, upstream: report.upstream, detail: report.reason.code).increment()
        if report.reason == .budgetExhausted { series(for: report.upstream).budgetExhausted.increment() }
    }

    /// Counts gate closures, held requests by reason, hold times and refusals.
    package func gateEvent(upstream: String, bucket: String, _ event: GateEvent) {
        switch event {
        case .closed: series(for: upstream).gateClosures.increment()
        case .held(let reason): counter(.heldRequests, upstream: upstream, detail: reason).increment()
        case .released(let waited): series(for: upstream).holdTime.record(duration: waited)
        case .refused: series(for: upstream).gateRefusals.increment()
        case .opened: break
        }
    }

    /// Shows the breaker's state, counts its transitions and its fast refusals.
    package func healthEvent(upstream: String, _ event: HealthEvent) {
        let series = series(for: upstream)
        switch event {
        case .breakerRefused:
            series.breakerRejections.increment()
            return
        case .breakerOpened, .breakerReopened: series.breakerState.set(1)
        case .breakerHalfOpen: series.breakerState.set(2)
        case .breakerClosed: series.breakerState.set(0)
        }
        if let state = event.breakerState {
            counter(.breakerTransitions, upstream: upstream, detail: state).increment()
        }
    }

    /// Shows whether the shared state answers.
    package func sharedStateChanged(connected: Bool) {
        if sharedGauge == nil { sharedGauge = makeMeter(.sharedConnected, labels: []) }
        sharedGauge?.set(connected ? 1 : 0)
    }

    /// Counts what verify probes found.
    package func verified(upstream: String, verdict: ProbeVerdict) {
        let label = String(verdict.headerValue.map { $0 == "-" ? "_" : $0 })
        counter(.verifications, upstream: upstream, detail: label).increment()
    }

    /// Counts a connection refused at the limit.
    package func connectionRefused(upstream: String) {
        series(for: upstream).connectionsRefused.increment()
    }

    private func series(for upstream: String) -> UpstreamSeries {
        cacheLock.withLock {
            if let existing = upstreams[upstream] { return existing }
            let created = UpstreamSeries(upstream: upstream, metrics: self)
            upstreams[upstream] = created
            return created
        }
    }

    private func counter(_ family: MetricFamily, upstream: String, detail: String) -> CoreMetrics.Counter {
        let key = CounterKey(family: family, upstream: upstream, detail: detail)
        return cacheLock.withLock {
            if let existing = counters[key] { return existing }
            let created = makeCounter(family, labels: labels(upstream: upstream, family: family, detail: detail))
            counters[key] = created
            return created
        }
    }
}

/// Identifies one labeled counter series in the cache.
struct CounterKey: Hashable {
    var family: MetricFamily
    var upstream: String
    var detail: String
}
