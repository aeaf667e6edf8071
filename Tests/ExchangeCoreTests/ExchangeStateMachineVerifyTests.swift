import HTTP1
import Retry
import TestSupport
import Testing

@testable import ExchangeCore

/// A POST that may have been processed is probed, and what the probe says decides between a repeat, an "applied"
/// answer and the original failure.
@Suite("Exchange state machine: verify before re-sending")
struct ExchangeStateMachineVerifyTests {
    var random = SplitMix64(seed: 5)

    static let verification = ExchangeStateMachine.Verification(
        probe: VerifyProbe(path: "/e/{1}/status", judge: .field(JSONField("data.status")!, notApplied: ["CREATED"])),
        target: "/e/7/status")

    /// A POST under the verify rule whose first attempt is in flight.
    static func attempting(
        method: String = "POST", headers: HTTPHeaders = [("Host", "vendor")],
        policy: RetryPolicy = .quick(maxAttempts: 3)
    ) -> ExchangeStateMachine {
        var machine = ExchangeStateMachine.make(
            method: method, target: "/e/7/start", headers: headers, framing: .contentLength(2), policy: policy,
            verification: verification)
        _ = machine.begin(now: 0)
        _ = machine.clientBody(Array("{}".utf8))
        _ = machine.requestEnd(now: 0)
        return machine
    }

    /// Takes a 504 for the first attempt and runs the machine up to the start of its probe.
    mutating func probing(_ machine: inout ExchangeStateMachine) {
        _ = machine.head("HTTP/1.1 504 Gateway Timeout\r\nContent-Length: 2\r\n\r\n", now: 0, random: &random)
        _ = machine.body("gw", now: 0)
        let plan = ExchangeStateMachine.RetryPlan(
            attempt: 1, wait: .milliseconds(50), reason: .status(504), verifying: true)
        #expect(machine.completed(now: 0, random: &random) == .retry(.init(plan: plan)))
        #expect(machine.timer(now: second / 20, random: &random) == .startProbe(timeout: .seconds(1)))
        #expect(machine.phase == "probing 1")
    }

    /// Answers the probe in flight.
    mutating func answer(_ machine: inout ExchangeStateMachine, _ status: Int, _ body: String, now: Int64 = second / 10)
        -> Action
    {
        #expect(
            machine.head("HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\n\r\n", now: now, random: &random)
                == .none)
        if !body.isEmpty { #expect(machine.body(body, now: now) == .none) }
        return machine.completed(now: now, random: &random)
    }

    @Test("applied: the client gets 202 with the probe's body, and no second attempt")
    mutating func applied() {
        var machine = Self.attempting()
        probing(&machine)
        let body = #"{"data":{"status":"RUNNING"}}"#
        guard case .verified(let verdict, .finish(let finish)) = answer(&machine, 200, body),
            case .kept(let head, _, let kept) = finish.answer
        else {
            Issue.record("not concluded")
            return
        }
        #expect(verdict == .applied("RUNNING"))
        #expect(finish.status == 202 && head.status == 202)
        #expect(head.headers.first(name: "X-Retryd-Verified") == "applied")
        #expect(head.headers.first(name: "Content-Type") == "application/json")
        #expect(kept == Array(body.utf8))
        #expect(finish.giveUp == nil)
        #expect(machine.attempts == 1)
    }

    @Test("not applied: the request is sent again at once")
    mutating func notApplied() {
        var machine = Self.attempting()
        probing(&machine)
        let step = answer(&machine, 200, #"{"data":{"status":"CREATED"}}"#)
        #expect(step == .verified(.notApplied("CREATED"), then: start(2, body: .buffered(Array("{}".utf8)))))
        #expect(machine.planner.history.map(\.outcome) == ["504"])
        #expect(machine.probeHistory.map(\.outcome) == ["200"])
    }

    @Test("a failing probe is retried with the backoff; one that keeps failing leaves the 504, marked unknown")
    mutating func probeRetriedThenInconclusive() {
        var machine = Self.attempting(policy: .quick(maxAttempts: 2))
        probing(&machine)
        let plan = ExchangeStateMachine.RetryPlan(
            attempt: 1, wait: .milliseconds(50), reason: .status(503), verifying: true)
        #expect(answer(&machine, 503, "") == .retry(.init(plan: plan)))
        #expect(machine.timer(now: second / 5, random: &random) == .startProbe(timeout: .seconds(1)))
        guard case .verified(let verdict, .finish(let finish)) = answer(&machine, 503, ""),
            case .kept(let head, _, let body) = finish.answer
        else {
            Issue.record("not concluded")
            return
        }
        #expect(verdict == .inconclusive("the probe was answered 503"))
        #expect(head.status == 504 && body == Array("gw".utf8))
        #expect(head.headers.first(name: "X-Retryd-Verified") == "unknown")
        #expect(finish.giveUp == .verifyInconclusive)
    }

    @Test("a reset after sending is probed; with no attempts left the probe goes at once and only informs")
    mutating func resetWithNoAttemptsLeft() {
        var machine = Self.attempting(policy: .quick(maxAttempts: 1))
        let plan = ExchangeStateMachine.RetryPlan(attempt: 1, wait: .zero, reason: .maybeProcessed, verifying: true)
        #expect(
            machine.completed(.reset, now: 0, random: &random)
                == .retry(.init(plan: plan, ended: .init(status: nil, duration: .zero))))
        #expect(machine.timer(now: 0, random: &random) == .startProbe(timeout: .seconds(1)))
        guard
            case .verified(.notApplied, .finish(let finish)) = answer(
                &machine, 200, #"{"data":{"status":"CREATED"}}"#)
        else {
            Issue.record("not concluded")
            return
        }
        #expect(finish.status == 502)
        #expect(finish.verified == "not-applied")
        #expect(finish.giveUp == .notRetryable)
    }

    @Test("no probe for what is safe to repeat anyway: a GET, a POST with a key, a refused 503 elsewhere")
    mutating func noProbeWhenSafe() {
        var get = Self.attempting(method: "GET")
        _ = get.head("HTTP/1.1 504 X\r\nContent-Length: 0\r\n\r\n", now: 0, random: &random)
        let plan = ExchangeStateMachine.RetryPlan(attempt: 1, wait: .milliseconds(50), reason: .status(504))
        #expect(get.completed(now: 0, random: &random) == .retry(.init(plan: plan)))
        var keyed = Self.attempting(headers: [("Host", "vendor"), ("Idempotency-Key", "k")])
        _ = keyed.head("HTTP/1.1 504 X\r\nContent-Length: 0\r\n\r\n", now: 0, random: &random)
        #expect(keyed.completed(now: 0, random: &random) == .retry(.init(plan: plan)))
    }

    @Test("a probe without an answer in time counts as a failed probe and its transfer is cancelled")
    mutating func probeTimeout() {
        var machine = Self.attempting()
        probing(&machine)
        let step = machine.timer(now: second + second / 20, random: &random)
        guard case .release(true, false, .retry(let retry)) = step, retry.ended == nil else {
            Issue.record("\(step)")
            return
        }
        #expect(retry.plan.verifying)
        #expect(machine.probeHistory.map(\.outcome) == ["no probe response in time"])
    }
}
