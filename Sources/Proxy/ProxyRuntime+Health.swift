import Admission
import Events
import Loop
import Retry

extension ProxyRuntime {
    /// Every upstream's retry budget and breaker, by upstream name; read on the loop thread.
    package var healthStatuses: [String: HealthStatus] {
        let now = loop.now
        let wallClock = Sys.wallClockSeconds()
        return services.mapValues { $0.healthStatus(now: now, wallClock: wallClock) }
    }
}

extension ProxyService {
    /// What `/status` shows of the budget and the breaker at `now` (loop time), with times in UTC.
    func healthStatus(now: Int64, wallClock: Double) -> HealthStatus {
        let snapshot = health.snapshot(now: now)
        let budget = snapshot.budget.map { budget in
            HealthStatus.Budget(
                spent: budget.spent, left: budget.left, window: Durations.format(upstream.budget.window))
        }
        var breaker: HealthStatus.Breaker?
        if let state = snapshot.breaker, let changedAt = snapshot.breakerChangedAt {
            let figures = snapshot.figures ?? CircuitBreaker.Figures(outcomes: 0, failures: 0)
            let since = WallTime(epochSeconds: wallClock - Double(now - changedAt) / 1e9).iso8601
            var status = HealthStatus.Breaker(
                state: "closed", since: since, failureRatio: (figures.ratio * 1000).rounded() / 1000,
                outcomes: figures.outcomes, failures: figures.failures)
            switch state {
            case .closed:
                break
            case .open(let until):
                status.state = "open"
                status.retryAfter = max(Int((Double(until - now) / 1e9).rounded(.up)), 0)
            case .halfOpen:
                status.state = "half_open"
            }
            breaker = status
        }
        return HealthStatus(budget: budget, breaker: breaker)
    }
}
