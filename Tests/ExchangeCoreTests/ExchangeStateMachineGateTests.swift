import HTTP1
import Retry
import TestSupport
import Testing

@testable import ExchangeCore

/// The quota gate's verdicts as inputs: the machine waits, starts, refuses and hands places back.
@Suite("Exchange state machine: the quota gate")
struct ExchangeStateMachineGateTests {
    var random = SplitMix64(seed: 13)

    static let refusal = Machine.Refusal(status: 429, code: "rate_limited", retryAfter: 30, detail: "closed")

    @Test("every attempt asks the gate first, waiting at most the rate-limit wait or what is left of the deadline")
    func askGate() {
        var machine = Machine.make(policy: .quick(maxAttempts: 3, deadline: .seconds(5)), usesGate: true)
        #expect(machine.begin(now: 0) == .none)
        #expect(machine.requestEnd(now: second) == .askGate(maxWait: .seconds(4)))
        #expect(machine.phase == "waitingAtGate 1")
        #expect(machine.attempts == 0, "no attempt before the gate's go")
    }

    @Test("the gate's go starts the waiting attempt, bounded by its timeout")
    func admittedStarts() {
        var machine = Phase.waitingAtGate.machine()
        #expect(machine.admitted(now: second / 2) == start(1))
        #expect(machine.phase == "attempting 1")
    }

    @Test("a go that comes after the deadline hands the place back and gives up with 504")
    func admittedPastTheDeadline() {
        var machine = Machine.make(policy: .quick(maxAttempts: 3, deadline: .seconds(1)), usesGate: true)
        _ = machine.requestEnd(now: 0)
        let action = machine.admitted(now: 2 * second)
        guard case .release(false, true, .finish(let finish)) = action else {
            Issue.record("\(action)")
            return
        }
        #expect(finish.status == 504 && finish.giveUp == .deadlineExceeded)
        #expect(finish.ended == nil && finish.health == nil)
    }

    @Test("a go that crossed the exchange's end hands the place back at once")
    func admittedAfterTheEnd() {
        var machine = Phase.waitingAtGate.machine()
        #expect(machine.clientGone().finish?.leaveGate == true)
        #expect(machine.admitted(now: 0) == .release(cancelTransfer: false, gatePlace: true, then: .none))
    }

    @Test("a refusal before any attempt is retryd's 429, on record as the gate's")
    func refusedFirst() {
        var machine = Phase.waitingAtGate.machine()
        let action = machine.refusedAtGate(Self.refusal)
        #expect(
            action == .finish(.init(status: 429, answer: .refusal(Self.refusal), giveUp: .gateClosed, leaveGate: true)))
        #expect(machine.phase == "finished 429")
    }

    @Test("a refusal after an attempt reached the vendor is a give-up: its wait is too long")
    mutating func refusedAfterAnAttempt() {
        var machine = Phase.waiting.machine(usesGate: true)
        #expect(machine.timer(now: second, random: &random) == .askGate(maxWait: .seconds(9)))
        let finish = machine.refusedAtGate(Self.refusal).finish
        #expect(finish?.giveUp == .waitTooLong(.seconds(30)))
        #expect(finish?.status == 429 && finish?.leaveGate == true)
    }

    @Test("a refusal that crossed the exchange's end changes nothing")
    func refusedAfterTheEnd() {
        var machine = Phase.waitingAtGate.machine()
        _ = machine.clientGone()
        #expect(machine.refusedAtGate(Self.refusal) == .none)
        #expect(machine.phase == "finished 499")
    }

    @Test("a probe never takes a gate place: its end hands nothing back, the repeat asks the gate again")
    mutating func probeOutsideTheGate() {
        var machine = Phase.probing.machine(usesGate: true)
        let body = #"{"data":{"status":"CREATED"}}"#
        _ = machine.head("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n", now: second / 10, random: &random)
        _ = machine.body(body, now: second / 10)
        let action = machine.completed(now: second / 10, random: &random)
        #expect(action == .verified(.notApplied("CREATED"), then: .askGate(maxWait: .milliseconds(9900))))
        #expect(machine.phase == "waitingAtGate 2")
    }

    @Test("a probe that times out is cancelled before its verdict sends the repeat to the gate")
    mutating func probeTimedOutBeforeTheGate() {
        var machine = Phase.probing.machine(usesGate: true)
        let body = #"{"data":{"status":"CREATED"}}"#
        _ = machine.head("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n", now: second / 10, random: &random)
        _ = machine.body(body, now: second / 10)
        let action = machine.timer(now: second, random: &random)
        #expect(
            action
                == .release(
                    cancelTransfer: true, gatePlace: false,
                    then: .verified(.notApplied("CREATED"), then: .askGate(maxWait: .seconds(9)))))
        #expect(machine.timer(now: 2 * second, random: &random) == .none, "a stale bound at the gate")
    }

    @Test("the quota gate sees every attempt's response: a retryable one and a final one both end an attempt")
    mutating func responsesEndAttempts() {
        var retryable = Phase.attempting.machine(usesGate: true)
        let discard = retryable.head(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n", now: 0, random: &random)
        #expect(
            discard
                == .discardResponse(
                    ended: .init(status: 429, duration: .zero),
                    retry: .init(attempt: 1, wait: .seconds(2), reason: .rateLimited(429)), spendsBudget: false,
                    timeout: .seconds(1)))
        #expect(retryable.lastHeaders.map { $0.name } == ["Retry-After", "Content-Length"])
        #expect(
            retryable.completed(now: 0, random: &random).afterRelease
                == .retry(.init(plan: .init(attempt: 1, wait: .seconds(2), reason: .rateLimited(429)))))
    }
}
