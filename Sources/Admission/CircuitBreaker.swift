/// One upstream's circuit breaker: closed while most final outcomes succeed, open (failing fast) for `openFor` once
/// enough of them fail, then half-open while a few trial requests find out whether the vendor is back.
///
/// Pure: times are monotonic nanoseconds passed in. Each trial carries the generation of the half-open period it
/// belongs to, so a late answer from an earlier period cannot close a breaker that has opened again since.
package struct CircuitBreaker: Sendable, Equatable {
    /// Where the breaker stands.
    package enum State: Sendable, Equatable {
        /// Requests go; final outcomes are counted.
        case closed
        /// Requests fail fast until `until`.
        case open(until: Int64)
        /// `trialsOut` trial requests of period `generation` are out, `succeeded` have succeeded and `failed` failed.
        case halfOpen(generation: Int, trialsOut: Int, succeeded: Int, failed: Int)
    }

    /// What a request may do now.
    package enum Verdict: Sendable, Equatable {
        /// It goes.
        case go
        /// It goes as a trial of the half-open period `generation`; its outcome must be recorded or abandoned.
        case trial(generation: Int)
        /// It fails fast; the next trial is expected in `retryAfter`.
        case refuse(retryAfter: Duration)
    }

    /// A change of state, for log lines, metrics and webhook events.
    package enum Transition: Sendable, Equatable {
        /// Enough failures: open until `until`.
        case opened(Figures, until: Int64)
        /// `openFor` passed: trials go.
        case halfOpened
        /// Enough trials failed: open again until `until`.
        case reopened(until: Int64)
        /// Enough trials succeeded.
        case closed
    }

    /// The window's final outcomes and how many failed.
    package struct Figures: Sendable, Equatable {
        /// Final outcomes counted.
        package var outcomes: Int
        /// Of which failures.
        package var failures: Int

        /// Creates the figures.
        package init(outcomes: Int, failures: Int) {
            self.outcomes = outcomes
            self.failures = failures
        }

        /// Failures ÷ outcomes; 0 for an empty window.
        package var ratio: Double { outcomes == 0 ? 0 : Double(failures) / Double(outcomes) }
    }

    /// The thresholds and durations.
    package let policy: BreakerPolicy
    /// The current state.
    package private(set) var state = State.closed
    /// When the state last changed (monotonic nanoseconds), for `/status`.
    package private(set) var changedAt: Int64
    /// The figures that opened it last, if it ever opened.
    package private(set) var lastOpening: Figures?
    private var outcomes: SlidingCounter
    private var failures: SlidingCounter
    private var generation = 0

    /// Creates a closed breaker.
    package init(policy: BreakerPolicy, now: Int64) {
        self.policy = policy
        changedAt = now
        outcomes = SlidingCounter(window: policy.window)
        failures = SlidingCounter(window: policy.window)
    }

    /// The window's figures at `now`.
    package func figures(now: Int64) -> Figures {
        Figures(outcomes: outcomes.total(now: now), failures: failures.total(now: now))
    }

    /// Whether a request may go now; an open breaker whose time is over becomes half-open here.
    package mutating func admit(now: Int64) -> (Verdict, Transition?) {
        switch state {
        case .closed:
            return (.go, nil)
        case .open(let until) where now < until:
            return (.refuse(retryAfter: .nanoseconds(until - now)), nil)
        case .open:
            generation += 1
            state = .halfOpen(generation: generation, trialsOut: 1, succeeded: 0, failed: 0)
            changedAt = now
            return (.trial(generation: generation), .halfOpened)
        case .halfOpen(let generation, let trialsOut, let succeeded, let failed):
            guard trialsOut + succeeded + failed < policy.trialRequests else {
                // The trials' answers decide; until they come, a second is the honest guess.
                return (.refuse(retryAfter: .seconds(1)), nil)
            }
            state = .halfOpen(generation: generation, trialsOut: trialsOut + 1, succeeded: succeeded, failed: failed)
            return (.trial(generation: generation), nil)
        }
    }

    /// A request's final outcome: `failed` for a transport failure or a `retry_statuses` status.
    /// - Parameter trial: the generation the request's trial verdict named, nil when it was not a trial.
    package mutating func record(failed: Bool, trial: Int?, now: Int64) -> Transition? {
        switch state {
        case .closed:
            guard trial == nil else { return nil }
            outcomes.add(now: now)
            if failed { failures.add(now: now) }
            let figures = figures(now: now)
            guard figures.outcomes >= policy.minRequests,
                Double(figures.failures) >= policy.failureRatio * Double(figures.outcomes)
            else { return nil }
            lastOpening = figures
            return open(now: now, transition: { .opened(figures, until: $0) })
        case .open:
            // Outcomes of requests that went before it opened say nothing new.
            return nil
        case .halfOpen(let generation, let trialsOut, let succeeded, let trialFailures):
            guard trial == generation else { return nil }
            // The trials are judged by the breaker's own ratio, not by their first failure: a vendor that fails one
            // request in four is degraded, not down, and one unlucky trial must not keep every client on the 503.
            if failed {
                guard trialFailures + 1 < trialFailuresToReopen else {
                    return open(now: now, transition: { .reopened(until: $0) })
                }
                state = .halfOpen(
                    generation: generation, trialsOut: max(trialsOut - 1, 0), succeeded: succeeded,
                    failed: trialFailures + 1)
                return nil
            }
            guard succeeded + 1 >= policy.trialRequests - trialFailuresToReopen + 1 else {
                state = .halfOpen(
                    generation: generation, trialsOut: max(trialsOut - 1, 0), succeeded: succeeded + 1,
                    failed: trialFailures)
                return nil
            }
            state = .closed
            changedAt = now
            outcomes.reset()
            failures.reset()
            return .closed
        }
    }

    /// A trial request ended without an outcome (the client left, the quota gate refused it): another may go.
    package mutating func abandon(trial: Int) {
        guard case .halfOpen(let generation, let trialsOut, let succeeded, let failed) = state, generation == trial
        else { return }
        state = .halfOpen(
            generation: generation, trialsOut: max(trialsOut - 1, 0), succeeded: succeeded, failed: failed)
    }

    /// Failed trials that reopen the breaker: the failure ratio of the trials, rounded up (2 of 3 at 0.5), at least
    /// one. The breaker closes once the rest succeed (2 of 3).
    var trialFailuresToReopen: Int {
        max(1, min(policy.trialRequests, Int((policy.failureRatio * Double(policy.trialRequests)).rounded(.up))))
    }

    private mutating func open(now: Int64, transition: (Int64) -> Transition) -> Transition {
        let until = now + policy.openFor.nanoseconds
        state = .open(until: until)
        changedAt = now
        return transition(until)
    }
}
