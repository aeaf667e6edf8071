import Admission
import Events
import Logging
import Loop
import Retry

extension ProxyService {
    /// The breaker changed state: a warning when it opens, info lines for the rest, observers for all.
    func healthChanged(_ transition: CircuitBreaker.Transition) {
        let name = upstream.name
        let event: HealthEvent
        switch transition {
        case .opened(let figures, let until):
            let openFor = Duration.nanoseconds(until - loop.now)
            logger.warning(
                "circuit breaker open: \(figures.failures) of the last \(figures.outcomes) requests failed (\(Self.percent(figures.ratio))); answering 503 at once for \(openFor.compactDescription), then trying again",
                metadata: ["upstream": .string(name)])
            event = .breakerOpened(failures: figures.failures, outcomes: figures.outcomes, openFor: openFor)
        case .halfOpened:
            logger.info("circuit breaker half-open: trial requests go", metadata: ["upstream": .string(name)])
            event = .breakerHalfOpen
        case .reopened(let until):
            let openFor = Duration.nanoseconds(until - loop.now)
            logger.info(
                "circuit breaker open again: too many trial requests failed; answering 503 for \(openFor.compactDescription)",
                metadata: ["upstream": .string(name)])
            event = .breakerReopened(openFor: openFor)
        case .closed:
            let trials = health.breakerPolicy?.trialRequests ?? 1
            logger.info(
                "circuit breaker closed: \(trials == 1 ? "the trial request" : "enough of \(trials) trial requests") succeeded; requests go again",
                metadata: ["upstream": .string(name)])
            event = .breakerClosed(trials: trials)
        }
        for observer in observers { observer.healthEvent(upstream: name, event) }
    }

    /// A request was answered 503 because the breaker is open.
    func breakerRefused() {
        for observer in observers { observer.healthEvent(upstream: upstream.name, .breakerRefused) }
    }

    /// What opened the breaker, for the 503's detail: "12 of 15 requests failed (80%)".
    var breakerFailureDescription: String {
        guard let figures = health.lastOpening else { return "failures" }
        return "\(figures.failures) of \(figures.outcomes) requests failed (\(Self.percent(figures.ratio)))"
    }

    static func percent(_ ratio: Double) -> String {
        "\(Int((ratio * 100).rounded()))%"
    }
}
