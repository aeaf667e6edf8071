import Events
import Loop
import Retry

/// One change of a circuit breaker's state, as the status page lists it.
package struct BreakerTransition: Sendable, Equatable {
    /// When, seconds since the epoch.
    package var time: Double
    /// The state entered: "open", "half_open" or "closed".
    package var state: String
    /// Why, in words: "4 of 10 failed, open for 30s".
    package var detail: String

    /// Creates a transition.
    package init(time: Double, state: String, detail: String) {
        self.time = time
        self.state = state
        self.detail = detail
    }

    /// The transition `event` makes at `time`; nil for a refusal, which changes nothing.
    package init?(_ event: HealthEvent, time: Double) {
        guard let state = event.breakerState else { return nil }
        let detail =
            switch event {
            case .breakerOpened(let failures, let outcomes, let openFor):
                "\(failures) of \(outcomes) failed, open for \(openFor.compactDescription)"
            case .breakerReopened(let openFor): "a trial failed, open for \(openFor.compactDescription)"
            case .breakerHalfOpen: "trial requests go"
            case .breakerClosed(let trials): "\(trials) \(trials == 1 ? "trial" : "trials") succeeded"
            case .breakerRefused: ""
            }
        self.init(time: time, state: state, detail: detail)
    }
}

/// Keeps each upstream's last few breaker transitions for the status page: the metrics count them but keep no
/// times, and the journal (when there is one) keeps only the openings and closings a webhook hears.
///
/// Not thread-safe on purpose: the runtime hands its calls to the first loop, the one the admin listener reads it on.
package final class BreakerHistory: ExchangeObserver {
    /// Transitions kept per upstream.
    package let limit: Int
    private let clock: () -> Double
    private var transitions: [String: [BreakerTransition]] = [:]

    /// Only breaker events matter.
    package var wantsExchangeEvents: Bool { false }

    /// Creates an empty history keeping `limit` transitions per upstream, timed by `clock` (seconds since the epoch).
    package init(limit: Int = 5, clock: @escaping () -> Double = Sys.wallClockSeconds) {
        self.limit = limit
        self.clock = clock
    }

    /// `upstream`'s transitions, newest first.
    package func recent(_ upstream: String) -> [BreakerTransition] {
        transitions[upstream] ?? []
    }

    /// Keeps the transition, dropping the oldest beyond ``limit``.
    package func healthEvent(upstream: String, _ event: HealthEvent) {
        guard let transition = BreakerTransition(event, time: clock()) else { return }
        var list = transitions[upstream] ?? []
        list.insert(transition, at: 0)
        transitions[upstream] = Array(list.prefix(limit))
    }

    /// Not kept.
    package func exchangeStarted(upstream: String) {}
    /// Not kept.
    package func attemptFinished(upstream: String, status: Int?, duration: Duration) {}
    /// Not kept.
    package func retryScheduled(upstream: String, reason: RetryReason, wait: Duration) {}
    /// Not kept.
    package func exchangeFinished(upstream: String, status: Int, attempts: Int, duration: Duration) {}
    /// Not kept: the page reads give-ups from the journal.
    package func gaveUp(_ report: GiveUpReport) {}
}
