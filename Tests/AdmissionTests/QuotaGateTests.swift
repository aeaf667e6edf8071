import Admission
import Testing

/// The gate's order of release, its pace and its timer, driven with exact times: no loop, no clock, no sleeps.
@Suite struct QuotaGateTests {
    /// 2026-11-23T11:27:13Z in milliseconds.
    let t0: Int64 = 1_795_433_233_000
    static let quotaHeaders: [(name: String, value: String)] = [
        ("Ratelimit-Limit", "1000"), ("Ratelimit-Remaining", "900"), ("Ratelimit-Reset", "60"),
    ]

    static func makeGate(policy: QuotaPolicy = QuotaPolicy()) -> QuotaGate<String> {
        QuotaGate(upstream: "vendor", policy: policy)
    }

    /// Asks for each of `names` at `now`; returns those that went at once.
    static func admit(
        _ names: [String], to gate: inout QuotaGate<String>, now: Int64, maxWait: Duration = .seconds(10)
    ) -> [String] {
        names.filter { gate.admit($0, now: now, maxWait: maxWait).goesNow }
    }

    @Test("those held while the first answer teaches the quota go together, in one pass, once it arrives")
    func learningBacklogGoesAtOnce() {
        var gate = Self.makeGate()
        #expect(Self.admit(["probe"], to: &gate, now: t0) == ["probe"])
        let held = (1...8).map { "held \($0)" }
        let asked = held.map { gate.admit($0, now: t0 + 1, maxWait: .seconds(10)) }
        #expect(asked.allSatisfy { !$0.goesNow && $0.changes == [.held(.learning)] && $0.rearmTimer })
        #expect(gate.waiting == 8)
        #expect(gate.observe(status: 200, headers: Self.quotaHeaders, now: t0 + 50).rearmTimer)
        #expect(gate.finished().rearmTimer)
        // One release pass, not one per millisecond: a closed loop of clients would otherwise be held to 1,000
        // requests per second for as long as it kept a queue.
        #expect(gate.armTimer(now: t0 + 50) == t0 + 50)
        let released = gate.timerFired(now: t0 + 50)
        #expect(released.admitted == held, "first come, first served")
        #expect(released.changes == Array(repeating: .released(waited: .milliseconds(49)), count: 8))
        #expect(gate.waiting == 0)
        #expect(gate.armTimer(now: t0 + 50) == nil)
    }

    @Test("a reopened gate's backlog goes one trial first, then a millisecond apart; later arrivals follow it")
    func reopeningBacklogIsSpacedAndLaterArrivalsAreNot() {
        var gate = Self.makeGate()
        _ = gate.observe(status: 200, headers: Self.quotaHeaders, now: t0)
        let cause = GateCause(status: 429, header: "Retry-After", instance: "other", seenAt: t0)
        #expect(
            gate.close(until: t0 + 100, cause: cause, now: t0).changes == [
                .closed(until: t0 + 100, cause: cause, waiting: 0)
            ])
        let backlog = (1...6).map { "backlog \($0)" }
        for name in backlog {
            #expect(gate.admit(name, now: t0, maxWait: .seconds(10)).changes == [.held(.gateClosed(cause))])
        }
        #expect(gate.armTimer(now: t0) == t0 + 100, "the timer waits for the gate")
        #expect(gate.timerFired(now: t0 + 99).admitted.isEmpty)
        // The wait ends: the first goes alone as the trial, and the others wait for its answer (or their own end).
        #expect(gate.timerFired(now: t0 + 100).admitted == ["backlog 1"])
        #expect(gate.armTimer(now: t0 + 100) == t0 + 10_000)
        #expect(gate.timerFired(now: t0 + 110).admitted.isEmpty, "others went before the trial was answered")
        #expect(gate.observe(status: 200, headers: Self.quotaHeaders, now: t0 + 120).changes == [.opened(waiting: 5)])
        _ = gate.finished()
        // Arrivals once the gate is open queue behind the backlog, but are not spaced like it.
        #expect(Self.admit(["later 1", "later 2", "later 3"], to: &gate, now: t0 + 120).isEmpty)
        for (index, at) in zip(2...5, t0 + 120...t0 + 123) {
            #expect(gate.armTimer(now: at) == at)
            #expect(gate.timerFired(now: at).admitted == ["backlog \(index)"])
            #expect(gate.timerFired(now: at).admitted.isEmpty, "two released in the same millisecond")
        }
        #expect(gate.armTimer(now: t0 + 123) == t0 + 124)
        #expect(gate.timerFired(now: t0 + 124).admitted == ["backlog 6", "later 1", "later 2", "later 3"])
        #expect(gate.armTimer(now: t0 + 124) == nil)
    }

    @Test("a request that cannot wait until the gate opens is refused at once with the seconds until then")
    func refusedAtOnceWhenTheWaitIsTooLong() {
        var gate = Self.makeGate()
        let closed = gate.observe(status: 429, headers: [("Retry-After", "30")], now: t0)
        #expect(closed.changes.count == 1)
        let asked = gate.admit("impatient", now: t0 + 1_000, maxWait: .seconds(5))
        #expect(!asked.goesNow)
        #expect(asked.refused.map(\.waiter) == ["impatient"])
        #expect(asked.refused.first?.refusal.status == 429)
        #expect(asked.refused.first?.refusal.retryAfter == 29)
        #expect(asked.refused.first?.refusal.detail.contains("the vendor answered 429 with Retry-After") == true)
        #expect(asked.changes == [.refused])
        #expect(gate.waiting == 0)
        // One that can wait that long waits.
        #expect(gate.admit("patient", now: t0 + 1_000, maxWait: .seconds(30)).refused.isEmpty)
        #expect(gate.armTimer(now: t0 + 1_000) == t0 + 30_000)
    }

    @Test("a waiter whose wait runs out is refused when it does, not a millisecond before")
    func waitRunsOut() {
        var gate = Self.makeGate()
        #expect(Self.admit(["probe"], to: &gate, now: t0) == ["probe"])
        _ = gate.admit("held", now: t0 + 10, maxWait: .seconds(2))
        #expect(gate.armTimer(now: t0 + 10) == t0 + 2_010)
        #expect(gate.timerFired(now: t0 + 2_009).refused.isEmpty)
        let fired = gate.timerFired(now: t0 + 2_010)
        #expect(fired.refused.map(\.waiter) == ["held"])
        #expect(fired.refused.first?.refusal.retryAfter == 1, "an unknown opening says one second")
        #expect(fired.changes == [.refused])
        #expect(gate.armTimer(now: t0 + 2_010) == nil)
    }

    @Test("with max_in_flight, an attempt ending lets the first waiter go, and a newcomer does not overtake it")
    func maxInFlightFirstComeFirstServed() {
        var policy = QuotaPolicy()
        policy.maxInFlight = 1
        policy.pace = false
        var gate = Self.makeGate(policy: policy)
        #expect(Self.admit(["a"], to: &gate, now: t0) == ["a"])
        #expect(gate.admit("b", now: t0 + 1, maxWait: .seconds(10)).changes == [.held(.maxInFlight)])
        #expect(gate.armTimer(now: t0 + 1) == t0 + 10_001, "nothing to wait for but b's own end")
        #expect(gate.finished().rearmTimer)
        #expect(Self.admit(["c"], to: &gate, now: t0 + 2).isEmpty, "c would overtake b")
        #expect(gate.armTimer(now: t0 + 2) == t0 + 2)
        #expect(gate.timerFired(now: t0 + 2).admitted == ["b"])
        #expect(gate.armTimer(now: t0 + 2) == t0 + 10_002)
        _ = gate.finished()
        #expect(gate.timerFired(now: t0 + 3).admitted == ["c"])
    }

    @Test("withdrawing the last waiter asks for the armed timer to be cancelled")
    func withdrawal() {
        var gate = Self.makeGate()
        #expect(Self.admit(["probe"], to: &gate, now: t0) == ["probe"])
        #expect(Self.admit(["a", "b"], to: &gate, now: t0).isEmpty)
        #expect(gate.armTimer(now: t0) == t0 + 10_000)
        #expect(!gate.withdraw { $0 == "a" }.rearmTimer)
        #expect(gate.waiting == 1)
        #expect(gate.withdraw { $0 == "b" }.rearmTimer)
        #expect(gate.armTimer(now: t0) == nil)
        #expect(!gate.finished().rearmTimer, "nobody waits and no timer is armed")
    }

    @Test("a 429 while requests wait reports how many, and the timer moves to the announced end")
    func closingWhileWaiting() {
        var gate = Self.makeGate()
        #expect(Self.admit(["probe"], to: &gate, now: t0) == ["probe"])
        #expect(Self.admit(["a", "b"], to: &gate, now: t0 + 1, maxWait: .seconds(60)).isEmpty)
        let closed = gate.observe(status: 429, headers: [("Retry-After", "5")], now: t0 + 10)
        let cause = GateCause(status: 429, header: "Retry-After", seenAt: t0 + 10)
        #expect(closed.changes == [.closed(until: t0 + 5_010, cause: cause, waiting: 2)])
        #expect(closed.rearmTimer)
        _ = gate.finished()
        #expect(gate.armTimer(now: t0 + 10) == t0 + 5_010)
        #expect(gate.timerFired(now: t0 + 5_010).admitted == ["a"], "the trial")
    }
}
