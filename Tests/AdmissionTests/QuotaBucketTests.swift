import Admission
import Testing

/// The gate and the quota estimate, driven with exact times.
@Suite struct QuotaBucketTests {
    /// 2026-11-23T11:27:13Z in milliseconds.
    let t0: Int64 = 1_795_433_233_000

    static func headers(limit: Int = 20, remaining: Int, reset: Int) -> [(name: String, value: String)] {
        [
            ("Ratelimit-Limit", String(limit)), ("Ratelimit-Remaining", String(remaining)),
            ("Ratelimit-Reset", String(reset)),
        ]
    }

    @Test("a 429 with Retry-After closes the gate for everyone until then; then one trial goes first")
    func gateClosesAndReopensWithATrial() {
        var bucket = QuotaBucket(policy: QuotaPolicy())
        #expect(bucket.admit(now: t0) == .go)
        let closed = bucket.observe(status: 429, headers: [("Retry-After", "2")], now: t0 + 10)
        #expect(closed?.until == t0 + 2_010)
        #expect(closed?.cause.header == "Retry-After")
        bucket.finished()
        let cause = GateCause(status: 429, header: "Retry-After", seenAt: t0 + 10)
        #expect(bucket.admit(now: t0 + 500) == .hold(until: t0 + 2_010, reason: .gateClosed(cause)))
        #expect(bucket.admit(now: t0 + 2_010) == .go, "the trial")
        #expect(bucket.admit(now: t0 + 2_011) == .hold(until: nil, reason: .trial))
        bucket.observe(status: 200, headers: [], now: t0 + 2_050)
        bucket.finished()
        #expect(bucket.admit(now: t0 + 2_051) == .go)
    }

    @Test("a trial answered 429 again closes the gate again; a trial that fails without an answer opens it")
    func trialOutcomes() {
        var bucket = QuotaBucket(policy: QuotaPolicy())
        bucket.observe(status: 429, headers: [("Retry-After", "1")], now: t0)
        #expect(bucket.admit(now: t0 + 1_000) == .go)
        bucket.observe(status: 429, headers: [("Retry-After", "1")], now: t0 + 1_010)
        bucket.finished()
        #expect(
            bucket.gate
                == .closed(until: t0 + 2_010, cause: GateCause(status: 429, header: "Retry-After", seenAt: t0 + 1_010)))
        #expect(bucket.admit(now: t0 + 2_010) == .go)
        bucket.finished()
        #expect(bucket.gate == .open)
    }

    @Test("a later announced wait moves the opening later; an earlier one changes nothing")
    func gateKeepsTheLatestOpening() {
        var bucket = QuotaBucket(policy: QuotaPolicy())
        #expect(bucket.observe(status: 429, headers: [("Retry-After", "5")], now: t0) != nil)
        #expect(bucket.observe(status: 429, headers: [("Retry-After", "1")], now: t0 + 100) == nil)
        #expect(bucket.observe(status: 503, headers: [("Retry-After", "10")], now: t0 + 200)?.until == t0 + 10_200)
        #expect(bucket.observe(status: 503, headers: [], now: t0 + 300) == nil, "a 503 without a wait does not close")
        #expect(bucket.observe(status: 500, headers: [("Retry-After", "30")], now: t0 + 300) == nil)
    }

    @Test("only the closing statuses close the gate, not a status between them")
    func onlyClosingStatusesClose() {
        var policy = QuotaPolicy()
        policy.closingStatuses = [420, 503]
        var bucket = QuotaBucket(policy: policy)
        #expect(bucket.observe(status: 429, headers: [("Retry-After", "2")], now: t0) == nil)
        #expect(bucket.observe(status: 200, headers: [("Retry-After", "2")], now: t0) == nil)
        #expect(bucket.observe(status: 420, headers: [("Retry-After", "2")], now: t0)?.until == t0 + 2_000)
        #expect(bucket.observe(status: 503, headers: [("Retry-After", "3")], now: t0)?.until == t0 + 3_000)
        policy.closingStatuses = []
        var never = QuotaBucket(policy: policy)
        #expect(never.observe(status: 429, headers: [("Retry-After", "2")], now: t0) == nil)
    }

    @Test("with gate = false a 429 closes nothing")
    func gateOff() {
        var policy = QuotaPolicy()
        policy.gate = false
        var bucket = QuotaBucket(policy: policy)
        #expect(bucket.observe(status: 429, headers: [("Retry-After", "5")], now: t0) == nil)
        #expect(bucket.admit(now: t0 + 1) == .go)
    }

    @Test("pacing: requests stop at the estimate's end and resume at the window's, the allowance known")
    func pacingHoldsAtZero() {
        var bucket = QuotaBucket(policy: QuotaPolicy())
        #expect(bucket.admit(now: t0) == .go)
        bucket.observe(status: 200, headers: Self.headers(remaining: 2, reset: 2), now: t0 + 20)
        bucket.finished()
        #expect(bucket.admit(now: t0 + 30) == .go)
        #expect(bucket.admit(now: t0 + 31) == .go)
        let end = t0 + 20 + 2_000 + 100
        #expect(bucket.admit(now: t0 + 32) == .hold(until: end, reason: .quotaSpent))
        // At the window's end the allowance is known: 20 more.
        for offset in 0..<20 { #expect(bucket.admit(now: end + Int64(offset)) == .go) }
        #expect(bucket.admit(now: end + 20).isHold)
        // The vendor's new window starts when the first of those reaches it, so the estimate's ends the margin
        // late (a second long, the length not being known).
        #expect(bucket.window?.end == end + 1_000 + 100)
    }

    @Test("requests still out when a report arrives are counted against it")
    func inFlightCountsAgainstTheReport() {
        var bucket = QuotaBucket(policy: QuotaPolicy())
        bucket.learn(QuotaReport(remaining: 10, resetAfter: .seconds(2), limit: 20), now: t0)
        for _ in 0..<4 { #expect(bucket.admit(now: t0) == .go) }
        bucket.observe(status: 200, headers: Self.headers(remaining: 4, reset: 2), now: t0 + 10)
        bucket.finished()
        // Three others are out, maybe not counted yet: one left.
        #expect(bucket.window?.remaining == 1)
    }

    @Test("before the vendor has said anything of its quota, one attempt at a time goes and its answer tells")
    func learningBeforeTheFirstReport() {
        var reporting = QuotaBucket(policy: QuotaPolicy())
        #expect(reporting.admit(now: t0) == .go)
        #expect(reporting.admit(now: t0) == .hold(until: nil, reason: .learning))
        reporting.observe(status: 200, headers: Self.headers(remaining: 5, reset: 2), now: t0 + 20)
        reporting.finished()
        #expect(reporting.knowledge == .reported)
        #expect(reporting.admit(now: t0 + 21) == .go)
        #expect(reporting.admit(now: t0 + 21) == .go)

        var silent = QuotaBucket(policy: QuotaPolicy())
        #expect(silent.admit(now: t0) == .go)
        silent.observe(status: 503, headers: [], now: t0 + 10)
        silent.finished()
        #expect(silent.knowledge == .unknown(probeOut: false), "an error answer without headers teaches nothing")
        #expect(silent.admit(now: t0 + 11) == .go)
        silent.observe(status: 200, headers: [], now: t0 + 20)
        silent.finished()
        #expect(silent.knowledge == .absent)
        for _ in 0..<5 { #expect(silent.admit(now: t0 + 21) == .go) }
    }

    @Test("reports of the same window keep the lower count; a late one from the previous window is ignored")
    func reportsOutOfOrder() {
        var bucket = QuotaBucket(policy: QuotaPolicy())
        bucket.learn(QuotaReport(remaining: 5, resetAfter: .seconds(2), limit: 20), now: t0)
        bucket.learn(QuotaReport(remaining: 9, resetAfter: .seconds(2), limit: 20), now: t0 + 300)
        #expect(bucket.window?.remaining == 5)
        bucket.learn(QuotaReport(remaining: 4, resetAfter: .seconds(1), limit: 20), now: t0 + 600)
        #expect(bucket.window?.end == t0 + 1_700, "the earliest end reported, a rounded-up reset being an upper bound")
        bucket.learn(QuotaReport(remaining: 18, resetAfter: .seconds(2), limit: 20), now: t0 + 2_200)
        #expect(bucket.window?.remaining == 18, "a new window")
        bucket.learn(QuotaReport(remaining: 1, resetAfter: .zero, limit: 20), now: t0 + 2_210)
        #expect(bucket.window?.remaining == 18, "the old window, reported late")
    }

    @Test("reserve keeps requests unused; max_in_flight bounds what is out")
    func reserveAndMaxInFlight() {
        var policy = QuotaPolicy()
        policy.reserve = 2
        policy.maxInFlight = 3
        var bucket = QuotaBucket(policy: policy)
        bucket.learn(QuotaReport(remaining: 4, resetAfter: .seconds(10)), now: t0)
        #expect(bucket.admit(now: t0) == .go)
        #expect(bucket.admit(now: t0) == .go)
        #expect(bucket.admit(now: t0).isHold, "two kept in reserve")
        bucket.learn(QuotaReport(remaining: 10, resetAfter: .seconds(20)), now: t0 + 100)
        #expect(bucket.admit(now: t0 + 100) == .go)
        #expect(bucket.admit(now: t0 + 100) == .hold(until: nil, reason: .maxInFlight))
        bucket.finished()
        #expect(bucket.admit(now: t0 + 100) == .go)
    }

    @Test("with pace = false the estimate holds nothing")
    func paceOff() {
        var policy = QuotaPolicy()
        policy.pace = false
        var bucket = QuotaBucket(policy: policy)
        bucket.learn(QuotaReport(remaining: 0, resetAfter: .seconds(10)), now: t0)
        #expect(bucket.admit(now: t0) == .go)
    }
}

extension QuotaBucket.Verdict {
    var isHold: Bool {
        if case .hold = self { return true }
        return false
    }
}
