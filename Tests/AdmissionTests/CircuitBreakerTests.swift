import Admission
import Testing

/// The breaker's transitions, driven with exact times.
@Suite struct CircuitBreakerTests {
    static let second: Int64 = 1_000_000_000

    static func breaker(
        failureRatio: Double = 0.5, minRequests: Int = 10, openFor: Duration = .seconds(5), trialRequests: Int = 2
    ) -> CircuitBreaker {
        var policy = BreakerPolicy()
        policy.failureRatio = failureRatio
        policy.minRequests = minRequests
        policy.openFor = openFor
        policy.trialRequests = trialRequests
        return CircuitBreaker(policy: policy, now: 0)
    }

    /// Records `count` outcomes at `now`; returns the last transition.
    static func record(_ count: Int, failed: Bool, into breaker: inout CircuitBreaker, now: Int64)
        -> CircuitBreaker.Transition?
    {
        var last: CircuitBreaker.Transition?
        for _ in 0..<count { last = breaker.record(failed: failed, trial: nil, now: now) ?? last }
        return last
    }

    @Test("fewer outcomes than min_requests never open it, however many fail")
    func minimumVolume() {
        var breaker = Self.breaker()
        #expect(Self.record(9, failed: true, into: &breaker, now: Self.second) == nil)
        #expect(breaker.state == .closed)
        #expect(breaker.admit(now: Self.second).0 == .go)
        let transition = breaker.record(failed: true, trial: nil, now: Self.second)
        #expect(transition == .opened(.init(outcomes: 10, failures: 10), until: 6 * Self.second))
    }

    @Test("below failure_ratio it stays closed; at it, it opens")
    func ratio() {
        var breaker = Self.breaker()
        _ = Self.record(6, failed: false, into: &breaker, now: Self.second)
        #expect(Self.record(5, failed: true, into: &breaker, now: Self.second) == nil, "5 of 11 is below half")
        #expect(breaker.state == .closed)
        let transition = breaker.record(failed: true, trial: nil, now: Self.second)
        #expect(transition == .opened(.init(outcomes: 12, failures: 6), until: 6 * Self.second))
        #expect(breaker.lastOpening?.ratio == 0.5)
    }

    @Test("old successes leave the window, so a lasting outage opens it")
    func slidingWindow() {
        var breaker = Self.breaker()
        _ = Self.record(100, failed: false, into: &breaker, now: 0)
        #expect(Self.record(20, failed: true, into: &breaker, now: 5 * Self.second) == nil)
        // Ten seconds on, the successes have left the window.
        let transition = breaker.record(failed: true, trial: nil, now: 10 * Self.second)
        #expect(transition == .opened(.init(outcomes: 21, failures: 21), until: 15 * Self.second))
    }

    @Test("closed → open → half-open → closed: trials go after open_for, and it closes when they all succeed")
    func fullCycle() {
        var breaker = Self.breaker()
        _ = Self.record(10, failed: true, into: &breaker, now: 0)
        #expect(breaker.state == .open(until: 5 * Self.second))
        #expect(breaker.admit(now: 2 * Self.second).0 == .refuse(retryAfter: .seconds(3)))
        let (first, halfOpened) = breaker.admit(now: 5 * Self.second)
        #expect(first == .trial(generation: 1))
        #expect(halfOpened == .halfOpened)
        #expect(breaker.admit(now: 5 * Self.second).0 == .trial(generation: 1))
        #expect(breaker.admit(now: 5 * Self.second).0 == .refuse(retryAfter: .seconds(1)), "only two trials")
        #expect(breaker.record(failed: false, trial: 1, now: 6 * Self.second) == nil)
        #expect(breaker.record(failed: false, trial: 1, now: 6 * Self.second) == .closed)
        #expect(breaker.state == .closed)
        #expect(breaker.changedAt == 6 * Self.second)
        #expect(breaker.figures(now: 6 * Self.second) == .init(outcomes: 0, failures: 0), "the window starts afresh")
        #expect(breaker.admit(now: 6 * Self.second).0 == .go)
    }

    @Test("half-open → open when a trial fails; a late answer of that period changes nothing")
    func failedTrial() {
        var breaker = Self.breaker()
        _ = Self.record(10, failed: true, into: &breaker, now: 0)
        _ = breaker.admit(now: 5 * Self.second)
        _ = breaker.admit(now: 5 * Self.second)
        #expect(breaker.record(failed: true, trial: 1, now: 6 * Self.second) == .reopened(until: 11 * Self.second))
        #expect(breaker.state == .open(until: 11 * Self.second))
        #expect(breaker.record(failed: false, trial: 1, now: 7 * Self.second) == nil)
        #expect(breaker.state == .open(until: 11 * Self.second))
        // The next period's trials carry the next generation; the earlier one's answers do not count.
        #expect(breaker.admit(now: 11 * Self.second).0 == .trial(generation: 2))
        #expect(breaker.record(failed: false, trial: 1, now: 11 * Self.second) == nil)
        #expect(breaker.state == .halfOpen(generation: 2, trialsOut: 1, succeeded: 0, failed: 0))
    }

    @Test("three trials are judged by the failure ratio: one failure of three closes, two reopen")
    func trialsJudgedByTheirRatio() {
        var breaker = Self.breaker(trialRequests: 3)
        _ = Self.record(10, failed: true, into: &breaker, now: 0)
        for _ in 0..<3 { #expect(breaker.admit(now: 5 * Self.second).0 == .trial(generation: 1)) }
        #expect(breaker.admit(now: 5 * Self.second).0 == .refuse(retryAfter: .seconds(1)))
        #expect(
            breaker.record(failed: true, trial: 1, now: 6 * Self.second) == nil, "a degraded vendor, not a dead one")
        #expect(breaker.record(failed: false, trial: 1, now: 6 * Self.second) == nil)
        #expect(breaker.record(failed: false, trial: 1, now: 6 * Self.second) == .closed)

        var again = Self.breaker(trialRequests: 3)
        _ = Self.record(10, failed: true, into: &again, now: 0)
        for _ in 0..<3 { _ = again.admit(now: 5 * Self.second) }
        #expect(again.record(failed: false, trial: 1, now: 6 * Self.second) == nil)
        #expect(again.record(failed: true, trial: 1, now: 6 * Self.second) == nil)
        #expect(again.record(failed: true, trial: 1, now: 6 * Self.second) == .reopened(until: 11 * Self.second))
    }

    @Test("an abandoned trial lets another request be the trial")
    func abandonedTrial() {
        var breaker = Self.breaker(trialRequests: 1)
        _ = Self.record(10, failed: true, into: &breaker, now: 0)
        #expect(breaker.admit(now: 5 * Self.second).0 == .trial(generation: 1))
        #expect(breaker.admit(now: 5 * Self.second).0 == .refuse(retryAfter: .seconds(1)))
        breaker.abandon(trial: 1)
        #expect(breaker.admit(now: 5 * Self.second).0 == .trial(generation: 1))
        #expect(breaker.record(failed: false, trial: 1, now: 5 * Self.second) == .closed)
    }

    @Test("outcomes of requests that went before it opened are ignored while open or half-open")
    func staleOutcomes() {
        var breaker = Self.breaker()
        _ = Self.record(10, failed: true, into: &breaker, now: 0)
        #expect(Self.record(50, failed: false, into: &breaker, now: Self.second) == nil)
        #expect(breaker.state == .open(until: 5 * Self.second))
        _ = breaker.admit(now: 5 * Self.second)
        #expect(breaker.record(failed: false, trial: nil, now: 5 * Self.second) == nil)
        #expect(breaker.state == .halfOpen(generation: 1, trialsOut: 1, succeeded: 0, failed: 0))
    }
}
