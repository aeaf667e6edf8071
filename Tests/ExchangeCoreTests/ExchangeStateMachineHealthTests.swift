import HTTP1
import Retry
import TestSupport
import Testing

@testable import ExchangeCore

/// The exchange's one consult point before each attempt, as transitions of its state machine.
@Suite("Exchange state machine: breaker and budget")
struct ExchangeStateMachineHealthTests {
    var random = SplitMix64(seed: 5)

    static let refusal = Machine.Refusal(status: 503, code: "circuit_open", retryAfter: 4, detail: "open")

    static func consulting(usesBreaker: Bool = true) -> Machine {
        .make(consultsHealth: true, usesBreaker: usesBreaker)
    }

    @Test("the first attempt is asked for first; a go starts it")
    func consultThenStart() {
        var machine = Self.consulting()
        #expect(machine.requestEnd(now: 0) == .consultHealth(firstAttempt: true, usesBreaker: true))
        #expect(machine.consulted(.go(trial: nil), now: 0) == start(1))
    }

    @Test("a rule that keeps the breaker out asks without it")
    func ruleWithoutBreaker() {
        var machine = Self.consulting(usesBreaker: false)
        #expect(machine.requestEnd(now: 0) == .consultHealth(firstAttempt: true, usesBreaker: false))
    }

    @Test("a refusal before any attempt is retryd's 503, on record as the breaker's")
    func refusedFirstAttempt() {
        var machine = Self.consulting()
        _ = machine.requestEnd(now: 0)
        guard case .finish(let finish) = machine.consulted(.refuse(Self.refusal), now: 0) else {
            Issue.record("not finished")
            return
        }
        #expect(finish.status == 503)
        #expect(finish.answer == .refusal(Self.refusal))
        #expect(finish.giveUp == .breakerOpen, "every request retryd fails is on record")
        #expect(finish.health == nil, "no attempt ended: the breaker hears nothing")
        #expect(machine.isFinished)
    }

    @Test("a retry the breaker refuses delivers the retryable response kept whole, as a give-up")
    mutating func refusedRetryDeliversTheKeptResponse() {
        var machine = Self.consulting()
        _ = machine.requestEnd(now: 0)
        _ = machine.consulted(.go(trial: nil), now: 0)
        _ = machine.head("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\n", now: 0, random: &random)
        _ = machine.body("busy", now: 0)
        _ = machine.completed(now: 0, random: &random)
        #expect(machine.timer(now: second, random: &random) == .consultHealth(firstAttempt: false, usesBreaker: true))
        guard case .finish(let finish) = machine.consulted(.refuse(Self.refusal), now: second),
            case .kept(let head, _, let body) = finish.answer
        else {
            Issue.record("the kept response was not delivered")
            return
        }
        #expect(finish.status == 503 && finish.giveUp == .breakerOpen)
        #expect(finish.health == .record(failed: true, trial: nil, usesBreaker: true))
        #expect(head.headers.first(name: "X-Retryd-Attempts") == "1")
        #expect(body == Array("busy".utf8))
    }

    @Test("a denied allowance makes the retryable head final: it is delivered as it came")
    mutating func deniedAllowanceDelivers() {
        var machine = Self.consulting()
        _ = machine.requestEnd(now: 0)
        _ = machine.consulted(.go(trial: nil), now: 0)
        guard
            case .deliverResponse(_, let head, _, _) = machine.head(
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", now: 0,
                allowance: .denied(.budgetExhausted), random: &random)
        else {
            Issue.record("not delivered")
            return
        }
        #expect(head.status == 503)
        #expect(
            machine.completed(now: 0, random: &random)
                == .finish(
                    Machine.Finish(
                        status: 503, answer: .endResponse, giveUp: .budgetExhausted,
                        health: .record(failed: true, trial: nil, usesBreaker: true))))
    }
}
