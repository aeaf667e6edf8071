import Admission
import Testing

/// A request the gate cannot let go before its wait runs out is refused when the gate knows it, not when the wait
/// has run out: driven with exact times, no loop, no clock.
@Suite struct QuotaGateRefusalTests {
    /// 2026-11-23T11:27:13Z in milliseconds.
    let t0: Int64 = 1_795_433_233_000

    /// A gate a 429 closed at `t0` for `seconds`, with `waiting` requests (10 s waits) queued behind the closing.
    func closedGate(for seconds: Int, waiting: [String] = []) -> QuotaGate<String> {
        var gate = QuotaGateTests.makeGate()
        _ = gate.observe(status: 429, headers: [("Retry-After", String(seconds))], now: t0)
        for name in waiting { #expect(gate.admit(name, now: t0, maxWait: .seconds(10)).refused.isEmpty) }
        return gate
    }

    @Test("behind others at a closed gate, a request whose wait ends before the opening is refused at once")
    func refusedBehindAQueue() {
        var gate = closedGate(for: 2, waiting: ["patient"])
        // The case: 1.5 s left, a 1 s deadline. Waiting would end in the same 429 a second later.
        let asked = gate.admit("hurried", now: t0 + 500, maxWait: .seconds(1))
        #expect(asked.refused.map(\.waiter) == ["hurried"])
        #expect(asked.refused.first?.refusal.retryAfter == 2, "1.5 s to the opening, in whole seconds")
        #expect(asked.refused.first?.refusal.detail.contains("the vendor answered 429 with Retry-After") == true)
        #expect(asked.changes == [.refused])
        #expect(!asked.rearmTimer, "nothing changed for those waiting")
        #expect(gate.waiting == 1)
        // One whose wait outlasts the opening queues behind the first, as before.
        #expect(gate.admit("long", now: t0 + 500, maxWait: .seconds(5)).refused.isEmpty)
        #expect(gate.waiting == 2)
    }

    @Test("a wait that ends exactly at the opening is refused at once: the wait's end is refused before a release")
    func waitEndingAtTheOpening() {
        var gate = closedGate(for: 2)
        #expect(gate.admit("exact", now: t0 + 1_000, maxWait: .seconds(1)).refused.map(\.waiter) == ["exact"])
        #expect(gate.admit("later", now: t0 + 1_000, maxWait: .milliseconds(1_001)).refused.isEmpty)
        #expect(gate.armTimer(now: t0 + 1_000) == t0 + 2_000)
        #expect(gate.timerFired(now: t0 + 2_000).admitted == ["later"], "the trial")
    }

    @Test("a closing announced while requests wait refuses at once those whose wait ends before it")
    func closingRefusesTheWaitersItOutlasts() {
        var gate = QuotaGateTests.makeGate()
        #expect(QuotaGateTests.admit(["probe"], to: &gate, now: t0) == ["probe"])
        #expect(gate.admit("short", now: t0 + 10, maxWait: .seconds(3)).refused.isEmpty)
        #expect(gate.admit("long", now: t0 + 20, maxWait: .seconds(30)).refused.isEmpty)
        let closed = gate.observe(status: 429, headers: [("Retry-After", "5")], now: t0 + 100)
        let cause = GateCause(status: 429, header: "Retry-After", seenAt: t0 + 100)
        #expect(closed.changes == [.closed(until: t0 + 5_100, cause: cause, waiting: 2), .refused])
        #expect(closed.refused.map(\.waiter) == ["short"])
        #expect(closed.refused.first?.refusal.retryAfter == 5)
        #expect(gate.waiting == 1)
        _ = gate.finished()
        #expect(gate.armTimer(now: t0 + 100) == t0 + 5_100, "the timer waits for the opening, not for short's end")
    }

    @Test("a closing another instance announces refuses the same waiters")
    func sharedClosingRefuses() {
        var gate = QuotaGateTests.makeGate()
        #expect(QuotaGateTests.admit(["probe"], to: &gate, now: t0) == ["probe"])
        _ = gate.admit("short", now: t0, maxWait: .seconds(1))
        let cause = GateCause(status: 429, header: "Retry-After", instance: "b", seenAt: t0)
        let closed = gate.close(until: t0 + 4_000, cause: cause, now: t0 + 10)
        #expect(closed.refused.map(\.waiter) == ["short"])
        #expect(closed.refused.first?.refusal.detail.contains("until 2026-11-23T11:27:17") == true)
        #expect(gate.waiting == 0)
    }

    @Test("a lease denial while requests queue refuses those that cannot wait for the shared window's end")
    func denialRefusesThoseThatCannotWait() {
        var gate = QuotaGate<String>(upstream: "vendor", policy: QuotaPolicy(), sharing: true)
        _ = gate.observe(status: 200, headers: QuotaGateTests.quotaHeaders, now: t0)
        _ = gate.admit("short", now: t0 + 200, maxWait: .seconds(5))
        _ = gate.admit("long", now: t0 + 200, maxWait: .seconds(100))
        let denied = gate.leaseAnswered(.denied(end: t0 + 60_000), now: t0 + 210)
        #expect(denied.refused.map(\.waiter) == ["short"])
        #expect(denied.refused.first?.refusal.detail.contains("quota for this window is spent") == true)
        #expect(gate.waiting == 1)
        #expect(gate.armTimer(now: t0 + 210) == t0 + 60_000)
    }

    @Test("a request that waits for an unknown time (a trial's answer) still waits: nobody knows it is too long")
    func unknownOpeningWaits() {
        var gate = closedGate(for: 1)
        #expect(gate.timerFired(now: t0 + 1_000).admitted.isEmpty, "nobody waited")
        #expect(QuotaGateTests.admit(["trial"], to: &gate, now: t0 + 1_000) == ["trial"])
        let asked = gate.admit("behind", now: t0 + 1_001, maxWait: .milliseconds(10))
        #expect(asked.refused.isEmpty && asked.changes == [.held(.trial)])
    }
}
