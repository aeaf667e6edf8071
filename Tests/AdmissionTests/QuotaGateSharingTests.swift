import Admission
import Testing

/// The gate's calls to the quota shared through Redis (`[shared]`): leases, denials, reports, closures.
@Suite struct QuotaGateSharingTests {
    /// 2026-11-23T11:27:13Z in milliseconds.
    let t0: Int64 = 1_795_433_233_000

    /// A shared gate that has seen one report of a 1,000-request window (and reported it on).
    func reportedGate() -> QuotaGate<String> {
        var gate = QuotaGate<String>(upstream: "vendor", policy: QuotaPolicy(), sharing: true)
        let first = gate.observe(status: 200, headers: QuotaGateTests.quotaHeaders, now: t0)
        #expect(first.sharedCalls == [.report(window: gate.bucket.window!, now: t0)])
        return gate
    }

    @Test("reports of the same window a moment apart cost one call to Redis, not one per response")
    func reportsAreThrottled() {
        var gate = reportedGate()
        #expect(gate.observe(status: 200, headers: QuotaGateTests.quotaHeaders, now: t0 + 100).sharedCalls.isEmpty)
        let later = gate.observe(status: 200, headers: QuotaGateTests.quotaHeaders, now: t0 + 250)
        #expect(later.sharedCalls == [.report(window: gate.bucket.window!, now: t0 + 250)])
    }

    @Test("a burst asks Redis once for a lease; the grant releases the burst in order")
    func leaseGrantReleasesTheBurst() {
        var gate = reportedGate()
        let window = gate.bucket.window
        let first = gate.admit("a", now: t0 + 200, maxWait: .seconds(10))
        #expect(!first.goesNow)
        #expect(first.sharedCalls == [.take(now: t0 + 200, reserve: 0, margin: .milliseconds(100), seed: window)])
        #expect(gate.admit("b", now: t0 + 201, maxWait: .seconds(10)).sharedCalls.isEmpty, "one call at a time")
        #expect(gate.armTimer(now: t0 + 201) == t0 + 10_200, "nothing to do but wait for the answer")
        let granted = gate.leaseAnswered(.granted(count: 2, left: 500, end: t0 + 60_000), now: t0 + 230)
        #expect(granted.admitted == ["a", "b"])
        #expect(granted.changes == [.released(waited: .milliseconds(30)), .released(waited: .milliseconds(29))])
        #expect(gate.bucket.window?.remaining == 500)
        #expect(gate.bucket.window?.end == t0 + 60_000)
        // The lease is used up: the next request asks again.
        #expect(gate.admit("c", now: t0 + 240, maxWait: .seconds(10)).sharedCalls.count == 1)
    }

    @Test("a denial holds everyone until the shared window ends")
    func denialHoldsUntilTheWindowEnds() {
        var gate = reportedGate()
        _ = gate.admit("a", now: t0 + 200, maxWait: .seconds(100))
        let denied = gate.leaseAnswered(.denied(end: t0 + 60_000), now: t0 + 210)
        #expect(denied.admitted.isEmpty)
        #expect(denied.changes == [.held(.quotaSpent)])
        #expect(gate.armTimer(now: t0 + 210) == t0 + 60_000)
        let late = gate.admit("b", now: t0 + 300, maxWait: .seconds(100))
        #expect(late.sharedCalls.isEmpty, "no lease is asked for before the window ends")
    }

    @Test("when Redis knows nothing, the next release is decided by the local estimate")
    func localAnswerDecidesLocally() {
        var gate = reportedGate()
        _ = gate.admit("a", now: t0 + 200, maxWait: .seconds(10))
        let local = gate.leaseAnswered(.local, now: t0 + 205)
        #expect(local.admitted == ["a"])
        #expect(gate.bucket.window?.remaining == 899)
        #expect(gate.admit("b", now: t0 + 210, maxWait: .seconds(10)).sharedCalls.count == 1, "Redis is asked again")
    }

    @Test("while Redis cannot be reached, the local estimate admits at once and nothing is asked")
    func unreachableDecidesLocally() {
        var gate = reportedGate()
        let asked = gate.admit("a", now: t0 + 200, maxWait: .seconds(10), sharedReachable: false)
        #expect(asked.goesNow)
        #expect(asked.sharedCalls.isEmpty)
    }

    @Test("a closing answer is announced to the other instances")
    func closureIsAnnounced() {
        var gate = reportedGate()
        let closed = gate.observe(status: 429, headers: [("Retry-After", "2")], now: t0 + 500)
        let cause = GateCause(status: 429, header: "Retry-After", seenAt: t0 + 500)
        #expect(closed.sharedCalls == [.announceClosure(until: t0 + 2_500, cause: cause)])
    }
}
