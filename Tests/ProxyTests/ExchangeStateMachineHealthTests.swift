import Forwarder
import HTTP1
import Retry
import TestSupport
import Testing

@testable import Proxy

/// The exchange's one consult point before each attempt, as transitions of its state machine.
@Suite("Exchange state machine: breaker and budget")
struct ExchangeStateMachineHealthTests {
    var random = SplitMix64(seed: 5)

    static let refusal = GateRefusal(status: 503, code: "circuit_open", retryAfter: 4, detail: "open")

    static func consulting() -> ExchangeStateMachine {
        var machine = ExchangeStateMachine.make()
        machine = ExchangeStateMachine(
            request: machine.request, policy: .quick(maxAttempts: 3),
            configuration: .init(
                replayLimit: 1024, attemptTimeout: .seconds(1), attemptsHeader: "X-Retryd-Attempts",
                consultsHealth: true),
            hasUpstreamTarget: true, now: 0)
        return machine
    }

    @Test("the first attempt is asked for first; a go starts it")
    func consultThenStart() {
        var machine = Self.consulting()
        #expect(machine.requestEnd(now: 0).step == .consult(firstAttempt: true))
        #expect(machine.consulted(nil, now: 0) == start(1))
    }

    @Test("a refusal before any attempt is retryd's 503, not a give-up")
    func refusedFirstAttempt() {
        var machine = Self.consulting()
        _ = machine.requestEnd(now: 0)
        guard case .finish(let finish, nil) = machine.consulted(Self.refusal, now: 0) else {
            Issue.record("not finished")
            return
        }
        #expect(finish.status == 503)
        #expect(finish.answer == .refusal(Self.refusal))
        #expect(finish.giveUp == nil)
        #expect(machine.isFinished)
    }

    @Test("a retry the breaker refuses delivers the retryable response kept whole, as a give-up")
    mutating func refusedRetryDeliversTheKeptResponse() {
        var machine = Self.consulting()
        _ = machine.requestEnd(now: 0)
        _ = machine.consulted(nil, now: 0)
        _ = machine.head("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\n", now: 0, random: &random)
        _ = machine.body("busy", now: 0)
        _ = machine.completed(now: 0, random: &random)
        #expect(machine.timer(now: second, random: &random) == .consult(firstAttempt: false))
        guard case .finish(let finish, nil) = machine.consulted(Self.refusal, now: second),
            case .kept(let head, _, let body) = finish.answer
        else {
            Issue.record("the kept response was not delivered")
            return
        }
        #expect(finish.status == 503 && finish.giveUp == .breakerOpen)
        #expect(head.headers.first(name: "X-Retryd-Attempts") == "1")
        #expect(body == Array("busy".utf8))
    }

    @Test("a denied allowance makes the retryable head final: it is delivered as it came")
    mutating func deniedAllowanceDelivers() {
        var machine = Self.consulting()
        _ = machine.requestEnd(now: 0)
        _ = machine.consulted(nil, now: 0)
        machine.planner.allowance = .denied(.budgetExhausted)
        guard
            case .deliver(_, let head, _, _) = machine.head(
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", now: 0, random: &random)
        else {
            Issue.record("not delivered")
            return
        }
        #expect(head.status == 503)
        #expect(
            machine.completed(now: 0, random: &random)
                == .finish(
                    ExchangeStateMachine.Finish(
                        status: 503, answer: .endResponse, cancelTransfer: true, giveUp: .budgetExhausted), ended: nil))
    }
}
