import Admission
import Loop
import Retry
import Synchronization

/// One upstream's ``UpstreamHealth`` behind a lock, so the exchanges of several event loops could share it; every
/// call is short and pure inside, and what it changed comes back to the caller to log and report on its own loop.
final class HealthMonitor: Sendable {
    private let state: LockedValue<UpstreamHealth>
    /// Whether the budget or the breaker is on, kept beside the lock: every exchange asks at its start, and only a
    /// reload changes it.
    private let active: Atomic<Bool>

    init(budget: RetryBudgetPolicy, breaker: BreakerPolicy, now: Int64) {
        state = LockedValue(UpstreamHealth(budget: budget, breaker: breaker, now: now))
        active = Atomic(budget.enabled || breaker.enabled)
    }

    /// Whether any exchange need ask: false when both the budget and the breaker are off.
    var isActive: Bool {
        active.load(ordering: .acquiring)
    }

    /// Asked before every attempt.
    func admit(firstAttempt: Bool, usesBreaker: Bool, now: Int64) -> (
        UpstreamHealth.Verdict, CircuitBreaker.Transition?
    ) {
        state.withLock { $0.admit(firstAttempt: firstAttempt, usesBreaker: usesBreaker, now: now) }
    }

    /// Whether a retry may be decided now.
    func retryAllowance(usesBreaker: Bool, now: Int64) -> RetryAllowance {
        state.withLock { $0.retryAllowance(usesBreaker: usesBreaker, now: now) }
    }

    /// A retry was decided.
    func withdrawRetry(now: Int64) {
        _ = state.withLock { $0.withdrawRetry(now: now) }
    }

    /// An exchange's final outcome.
    func record(failed: Bool, trial: Int?, usesBreaker: Bool, now: Int64) -> CircuitBreaker.Transition? {
        state.withLock { $0.record(failed: failed, trial: trial, usesBreaker: usesBreaker, now: now) }
    }

    /// A trial ended without an outcome.
    func abandon(trial: Int) {
        state.withLock { $0.abandon(trial: trial) }
    }

    /// A reload.
    func reconfigure(budget: RetryBudgetPolicy, breaker: BreakerPolicy, now: Int64) {
        state.withLock { health in
            health.reconfigure(budget: budget, breaker: breaker, now: now)
            active.store(health.budget != nil || health.breaker != nil, ordering: .releasing)
        }
    }

    /// The budget and breaker now.
    func snapshot(now: Int64) -> UpstreamHealth.Snapshot {
        state.withLock { $0.snapshot(now: now) }
    }

    /// The figures that last opened the breaker.
    var lastOpening: CircuitBreaker.Figures? {
        state.withLock { $0.breaker?.lastOpening }
    }

    /// The breaker's policy, for messages; nil when disabled.
    var breakerPolicy: BreakerPolicy? {
        state.withLock { $0.breaker?.policy }
    }
}
