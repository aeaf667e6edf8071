import Metrics
import Prometheus

/// The series every upstream has exactly one of.
struct UpstreamSeries {
    let inFlight: Meter
    let latency: Metrics.Timer
    let retryWait: Metrics.Timer
    let rateLimitWaits: CoreMetrics.Counter
    let connectionsRefused: CoreMetrics.Counter
    let rateLimitedResponses: CoreMetrics.Counter
    let gateClosures: CoreMetrics.Counter
    let gateRefusals: CoreMetrics.Counter
    let holdTime: Metrics.Timer
    let breakerState: Meter
    let breakerRejections: CoreMetrics.Counter
    let budgetExhausted: CoreMetrics.Counter

    init(upstream: String, metrics: RetrydMetrics) {
        let labels = [("upstream", upstream)]
        inFlight = metrics.makeMeter(.inFlight, labels: labels)
        latency = metrics.makeTimer(.upstreamLatency, labels: labels, buckets: metrics.buckets.upstreamLatency)
        retryWait = metrics.makeTimer(.retryWait, labels: labels, buckets: metrics.buckets.retryWait)
        rateLimitWaits = metrics.makeCounter(.rateLimitWaits, labels: labels)
        connectionsRefused = metrics.makeCounter(.connectionsRefused, labels: labels)
        rateLimitedResponses = metrics.makeCounter(.rateLimitedResponses, labels: labels)
        gateClosures = metrics.makeCounter(.gateClosures, labels: labels)
        gateRefusals = metrics.makeCounter(.gateRefusals, labels: labels)
        holdTime = metrics.makeTimer(.holdTime, labels: labels, buckets: metrics.buckets.retryWait)
        breakerState = metrics.makeMeter(.breakerState, labels: labels)
        breakerState.set(0)
        breakerRejections = metrics.makeCounter(.breakerRejections, labels: labels)
        budgetExhausted = metrics.makeCounter(.budgetExhausted, labels: labels)
    }
}

// The Prometheus handlers are made through the registry so each family gets its `# HELP` line (the swift-metrics
// factory passes no help text); recording then goes through the swift-metrics types like any other backend.
extension RetrydMetrics {
    func labels(upstream: String, family: MetricFamily, detail: String) -> [(String, String)] {
        guard let name = family.detailLabel else { return [("upstream", upstream)] }
        return [("upstream", upstream), (name, detail)]
    }

    func makeCounter(_ family: MetricFamily, labels: [(String, String)]) -> CoreMetrics.Counter {
        let handler = registry.makeCounter(descriptor: family.descriptor, labels: labels)
        return CoreMetrics.Counter(label: family.name, dimensions: labels, handler: handler, factory: factory)
    }

    func makeMeter(_ family: MetricFamily, labels: [(String, String)]) -> Meter {
        let handler = registry.makeGauge(descriptor: family.descriptor, labels: labels)
        return Meter(label: family.name, dimensions: labels, handler: handler, factory: factory)
    }

    func makeTimer(_ family: MetricFamily, labels: [(String, String)], buckets: [Duration]) -> Metrics.Timer {
        let handler = registry.makeDurationHistogram(
            descriptor: family.descriptor, labels: labels, buckets: buckets)
        return Metrics.Timer(label: family.name, dimensions: labels, handler: handler, factory: factory)
    }
}
